import { escapeMarkdownText, joinBlocks, markdownLink } from '../markdown-syntax.js';
import { n2mLine } from '../notion-to-md-lines.js';
import type { BlockHandler } from './handler-types.js';

/** column_list: its columns one after the other (Markdown has no columns; nothing is dropped). */
export const column_list: BlockHandler<'column_list'> = (node, state) => state.blocks(node.children);

/** column: its content. */
export const column: BlockHandler<'column'> = (node, state) => state.blocks(node.children);

/** tab: its panes one after the other. */
export const tab: BlockHandler<'tab'> = (node, state) => state.blocks(node.children);

/**
 * synced_block: the original's content, for the original and for references alike (the crawl
 * hands references the original's children). A reference without children means the original
 * was not shared with the integration: say so rather than render nothing.
 */
export const synced_block: BlockHandler<'synced_block'> = async (node, state) => {
  const from = node.synced_block.synced_from;
  if (from && node.children.length === 0) {
    return state.placeholder(
      node,
      `Synced content not available: the original block ${from.block_id} is not shared with the integration`,
      `synced_block reference: original ${from.block_id} not accessible`,
    );
  }
  return state.blocks(node.children);
};

/** divider: `---` (notion-to-md). */
export const divider: BlockHandler<'divider'> = async (node, state) =>
  joinBlocks([await n2mLine(state.n2m, 'divider', ''), await state.blocks(node.children)]);

/** breadcrumb: nothing; the page's place is the archive's folder structure (and its frontmatter `parent`). */
export const breadcrumb: BlockHandler<'breadcrumb'> = () => '';

/** table_of_contents: a nested list of links to every heading of the page. */
export const table_of_contents: BlockHandler<'table_of_contents'> = (_node, state) => {
  if (state.headings.length === 0) return '<!-- table of contents: the page has no headings -->';
  const top = Math.min(...state.headings.map((h) => h.level));
  return state.headings
    .map((h) => `${'  '.repeat(h.level - top)}- ${markdownLink(escapeMarkdownText(h.text.replace(/\s+/g, ' ').trim()) || '(untitled)', `#${h.slug}`)}`)
    .join('\n');
};
