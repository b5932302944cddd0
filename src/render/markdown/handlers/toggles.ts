import type { BlockNode } from '../../../source/block-tree.js';
import type { RenderState } from '../render-state.js';
import type { BlockHandler } from './handler-types.js';

/**
 * `<details>` keeps a toggle's children (notion-to-md's default drops the body of a toggle
 * that has a custom summary). The summary is inline HTML because Markdown is not parsed inside
 * an HTML block; the body is separated by blank lines so it is parsed as Markdown again.
 */
async function details(summaryHtml: string, node: BlockNode, state: RenderState): Promise<string> {
  const body = await state.blocks(node.children);
  const open = `<details>\n<summary>${summaryHtml}</summary>`;
  return body === '' ? `${open}\n</details>` : `${open}\n\n${body}\n\n</details>`;
}

/** toggle: `<details><summary>text</summary>` with the children inside. */
export const toggle: BlockHandler<'toggle'> = (node, state) => details(state.inline(node, node.toggle.rich_text, 'html'), node, state);

/** template (the deprecated template button): its title as the summary, the template content inside. */
export const template: BlockHandler<'template'> = (node, state) => {
  const title = state.inline(node, node.template.rich_text, 'html');
  return details(`Template: ${title}`, node, state);
};
