import type { BlockNode } from '../../../source/block-tree.js';
import { blockquote, joinBlocks } from '../markdown-syntax.js';
import type { RenderState } from '../render-state.js';
import type { BlockHandler } from './handler-types.js';
import { iconText } from './icon-text.js';

// Markdown has no indented paragraph or collapsible heading: children follow their block flat,
// so a toggleable heading's content reads like any other section (nothing is dropped).
async function withChildren(markdown: string, node: BlockNode, state: RenderState): Promise<string> {
  return joinBlocks([markdown, await state.blocks(node.children)]);
}

/** paragraph: inline text (with its icon, if any), children after it. */
export const paragraph: BlockHandler<'paragraph'> = async (node, state) => {
  const icon = iconText(node.paragraph.icon, node, state);
  const text = state.inline(node, node.paragraph.rich_text);
  return withChildren(icon && text ? `${icon} ${text}` : icon || text, node, state);
};

/**
 * Headings one level down: the page title is the document's only H1 (`# Title` in pageDocument),
 * so heading_1 is `## text`, heading_2 `###`, heading_3 `####`, heading_4 `#####`. Toggleable
 * children follow the heading.
 */
const headingLine = (level: 1 | 2 | 3 | 4, text: string) => `${'#'.repeat(level + 1)} ${text}`;

/** heading_1: `## text`. */
export const heading_1: BlockHandler<'heading_1'> = async (node, state) =>
  withChildren(headingLine(1, state.inline(node, node.heading_1.rich_text, 'line')), node, state);

/** heading_2: `### text`. */
export const heading_2: BlockHandler<'heading_2'> = async (node, state) =>
  withChildren(headingLine(2, state.inline(node, node.heading_2.rich_text, 'line')), node, state);

/** heading_3: `#### text`. */
export const heading_3: BlockHandler<'heading_3'> = async (node, state) =>
  withChildren(headingLine(3, state.inline(node, node.heading_3.rich_text, 'line')), node, state);

/** heading_4: `##### text`. */
export const heading_4: BlockHandler<'heading_4'> = async (node, state) =>
  withChildren(headingLine(4, state.inline(node, node.heading_4.rich_text, 'line')), node, state);

/** quote: text and children inside one blockquote. */
export const quote: BlockHandler<'quote'> = async (node, state) => {
  const body = joinBlocks([state.inline(node, node.quote.rich_text), await state.blocks(node.children)]);
  return body ? blockquote(body) : '';
};

/** callout: `> 💡 text` with its children inside the same blockquote. */
export const callout: BlockHandler<'callout'> = async (node, state) => {
  const icon = iconText(node.callout.icon, node, state);
  const text = state.inline(node, node.callout.rich_text);
  const first = icon && text ? `${icon} ${text}` : icon || text;
  const body = joinBlocks([first, await state.blocks(node.children)]);
  return body ? blockquote(body) : '';
};
