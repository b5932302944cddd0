import type { BlockNode } from '../../../source/block-tree.js';
import { escapeMarkdownText, joinBlocks } from '../markdown-syntax.js';
import type { RenderState } from '../render-state.js';
import type { BlockHandler } from './handler-types.js';

/** unsupported: the API withholds the content (buttons, AI blocks, …); a visible placeholder and a report entry. */
export const unsupported: BlockHandler<'unsupported'> = async (node, state) =>
  joinBlocks([
    state.placeholder(
      node,
      `Block not exported: the Notion API does not provide "${escapeMarkdownText(node.unsupported.block_type)}" blocks (block ${node.id})`,
      `unsupported by the Notion API: ${node.unsupported.block_type}`,
    ),
    await state.blocks(node.children),
  ]);

/** Any block type this renderer does not know (newer than the SDK): placeholder, report, and its children. */
export async function unknownBlock(node: BlockNode, state: RenderState): Promise<string> {
  const type = String((node as { type: unknown }).type);
  return joinBlocks([
    state.placeholder(node, `Block not exported: unknown block type "${escapeMarkdownText(type)}" (block ${node.id})`, `unknown block type: ${type}`),
    await state.blocks(node.children ?? []),
  ]);
}
