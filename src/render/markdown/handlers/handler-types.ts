import type { BlockPosition, RenderState } from '../render-state.js';
import type { BlockType, NodeOf } from '../render-types.js';

/** Renders one block (with its children) to Markdown; '' renders nothing. */
export type BlockHandler<T extends BlockType = BlockType> = (
  node: NodeOf<T>,
  state: RenderState,
  position: BlockPosition,
) => string | Promise<string>;

/** One handler for every block type of the SDK union; the compiler rejects a missing one. */
export type HandlerMap = { [T in BlockType]: BlockHandler<T> };
