import type { BlockObjectResponse } from '@notionhq/client';
import type { BlockNode } from '../../src/source/block-tree.js';
import { readNotionFixture } from '../support/fixtures.js';

/** Parses one recorded fixture file (tests/fixtures/notion-api/). */
export function loadFixture<T = unknown>(name: string): T {
  return readNotionFixture<T>(name);
}

interface Exchange {
  request: { method: string; path: string };
  response: { status: number; body: Record<string, unknown> };
}

function isBlock(v: unknown): v is BlockObjectResponse {
  return Boolean(v && typeof v === 'object' && (v as { object?: unknown }).object === 'block' && 'type' in (v as object));
}

function parentIdOf(block: BlockObjectResponse): string | undefined {
  const p = block.parent as { type: string; page_id?: string; block_id?: string };
  return p.type === 'page_id' ? p.page_id : p.type === 'block_id' ? p.block_id : undefined;
}

/**
 * Rebuilds BlockNode trees from recorded responses the way the crawl would see them: every block
 * object in a response (children lists, appends, single retrieves) is collected, the latest
 * version of each id wins, children are grouped by `parent` in first-seen order, trashed blocks
 * are left out, and a synced reference gets its original's children.
 */
export class RecordedBlocks {
  private readonly latest = new Map<string, BlockObjectResponse>();
  private readonly childIds = new Map<string, string[]>();

  add(block: BlockObjectResponse): void {
    if (!this.latest.has(block.id)) {
      const parent = parentIdOf(block);
      if (parent) this.childIds.set(parent, [...(this.childIds.get(parent) ?? []), block.id]);
    }
    this.latest.set(block.id, block);
  }

  static fromExchanges(exchanges: Exchange[]): RecordedBlocks {
    const recorded = new RecordedBlocks();
    for (const { response } of exchanges) {
      if (response.status !== 200) continue;
      const results = response.body.results;
      if (Array.isArray(results)) results.filter(isBlock).forEach((b) => recorded.add(b));
      else if (isBlock(response.body)) recorded.add(response.body);
    }
    return recorded;
  }

  static fromListBody(body: { results: unknown[] }): RecordedBlocks {
    const recorded = new RecordedBlocks();
    body.results.filter(isBlock).forEach((b) => recorded.add(b));
    return recorded;
  }

  /** The tree under `parentId` (a page or block id). */
  tree(parentId: string, seen: ReadonlySet<string> = new Set()): BlockNode[] {
    return (this.childIds.get(parentId) ?? [])
      .map((id) => this.latest.get(id)!)
      .filter((b) => !b.in_trash)
      .map((block) => {
        const source = block.type === 'synced_block' && block.synced_block.synced_from ? block.synced_block.synced_from.block_id : block.id;
        const children = block.type === 'child_page' || block.type === 'child_database' || seen.has(source) ? [] : this.tree(source, new Set([...seen, source]));
        return { ...block, children } as BlockNode;
      });
  }
}
