import type { BlockNode } from '../../../source/block-tree.js';
import { indentLines } from '../markdown-syntax.js';
import { n2mLine } from '../notion-to-md-lines.js';
import type { RenderState } from '../render-state.js';
import type { BlockHandler } from './handler-types.js';

/**
 * A list item: the marker line from notion-to-md, continuation lines and children indented to
 * the item's content column (CommonMark needs exactly that to keep them inside the item).
 */
async function listItem(line: string, contentColumn: number, node: BlockNode, state: RenderState): Promise<string> {
  const [first = '', ...rest] = line.split('\n');
  let out = rest.length > 0 ? `${first}\n${indentLines(rest.join('\n'), contentColumn)}` : first;
  if (node.children.length > 0) {
    const children = await state.blocks(node.children);
    if (children !== '') {
      // A nested list may follow directly; anything else needs a blank line, or it would be
      // read as a continuation of the item's paragraph.
      const tight = isListItem(node.children[0]!);
      out += (tight ? '\n' : '\n\n') + indentLines(children, contentColumn);
    }
  }
  return out;
}

/** True for the block types that render as list items. */
export function isListItem(node: BlockNode): boolean {
  return node.type === 'bulleted_list_item' || node.type === 'numbered_list_item' || node.type === 'to_do';
}

/** bulleted_list_item: `- text`, nested children indented. */
export const bulleted_list_item: BlockHandler<'bulleted_list_item'> = async (node, state) =>
  listItem(await n2mLine(state.n2m, 'bulleted_list_item', state.inline(node, node.bulleted_list_item.rich_text)), 2, node, state);

/** numbered_list_item: `N. text` numbered within its run of siblings. */
export const numbered_list_item: BlockHandler<'numbered_list_item'> = async (node, state, position) => {
  const line = await n2mLine(state.n2m, 'numbered_list_item', state.inline(node, node.numbered_list_item.rich_text), {
    number: position.number,
  });
  return listItem(line, `${position.number}. `.length, node, state);
};

/**
 * to_do: `- [ ] text` / `- [x] text`. GFM reads `[ ]` as a checkbox only when text follows it,
 * so an empty to-do gets a non-breaking space (`- [ ] &nbsp;`): an empty task item, not the
 * literal brackets.
 */
export const to_do: BlockHandler<'to_do'> = async (node, state) => {
  const text = state.inline(node, node.to_do.rich_text);
  return listItem(await n2mLine(state.n2m, 'to_do', text.trim() === '' ? '&nbsp;' : text, { checked: node.to_do.checked }), 2, node, state);
};
