import type { BlockNode } from '../source/block-tree.js';

/** A synced_block reference: its children are the original's, which belong to another page. */
const isSyncedReference = (b: BlockNode): boolean =>
  b.type === 'synced_block' && Boolean((b as { synced_block?: { synced_from?: unknown } }).synced_block?.synced_from);

function walkBlocks(blocks: BlockNode[], visit: (b: BlockNode, viaReference: boolean) => void, viaReference = false): void {
  for (const b of blocks) {
    visit(b, viaReference);
    walkBlocks(b.children, visit, viaReference || isSyncedReference(b));
  }
}

/**
 * Which exported page holds each block, learnt page by page as the crawl goes (only block ids
 * are kept, never the blocks). A block seen through a synced_block reference belongs to the
 * page holding the original; only when that page is not exported does a referencing page hold
 * it (the smallest id, so the answer never depends on crawl order).
 */
export class BlockOwners {
  private readonly owner = new Map<string, string>();
  private readonly viaReference = new Map<string, string>();

  add(pageId: string, blocks: BlockNode[]): void {
    walkBlocks(blocks, (b, shared) => {
      if (!shared) this.owner.set(b.id, pageId);
      else {
        const known = this.viaReference.get(b.id);
        if (known === undefined || pageId < known) this.viaReference.set(b.id, pageId);
      }
    });
  }

  /** Block id → page id, once every page has been added. */
  resolve(): Map<string, string> {
    for (const [blockId, pageId] of this.viaReference) if (!this.owner.has(blockId)) this.owner.set(blockId, pageId);
    this.viaReference.clear();
    return this.owner;
  }
}
