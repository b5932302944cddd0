import type { BlockObjectResponse, Client, ListBlockChildrenResponse } from '@notionhq/client';
import type { BlockNode } from '../../source/block-tree.js';

const PAGE_SIZE = 100;

/** The one Notion call notion-to-md makes, answered from memory. */
export interface BlockTreeClient {
  blocks: {
    children: {
      list(args: { block_id: string; start_cursor?: string; page_size?: number }): Promise<ListBlockChildrenResponse>;
    };
  };
  /** How many `blocks.children.list` calls were answered (all from memory). */
  readonly calls: number;
}

/** Index of children by parent id; synced references are also reachable under their original's id. */
function indexChildren(pageId: string, blocks: readonly BlockNode[]): Map<string, readonly BlockNode[]> {
  const index = new Map<string, readonly BlockNode[]>([[pageId, blocks]]);
  const stack = [...blocks];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.children.length === 0) continue;
    index.set(node.id, node.children);
    if (node.type === 'synced_block' && node.synced_block.synced_from) {
      index.set(node.synced_block.synced_from.block_id, node.children);
    }
    stack.push(...node.children);
  }
  return index;
}

/** Strips our `children` key so notion-to-md sees plain API blocks. */
function asApiBlock({ children: _children, ...block }: BlockNode): BlockObjectResponse {
  return block as BlockObjectResponse;
}

/**
 * A data adapter, not a mock: gives notion-to-md the `blocks.children.list` it expects, served
 * from the crawled BlockNode tree with the API's pagination shape. Any other use of the client
 * throws, so a code path that would reach the network fails loudly instead of fetching.
 */
export function createBlockTreeClient(pageId: string, blocks: readonly BlockNode[]): BlockTreeClient {
  const index = indexChildren(pageId, blocks);
  let calls = 0;
  const client = {
    blocks: {
      children: {
        async list({ block_id, start_cursor }: { block_id: string; start_cursor?: string; page_size?: number }): Promise<ListBlockChildrenResponse> {
          calls += 1;
          const children = index.get(block_id);
          if (!children) {
            throw new Error(`block ${block_id}: children are not in the crawled tree, and the renderer never fetches`);
          }
          // Cursors are the id of the next block, as Notion's own are.
          const start = start_cursor ? children.findIndex((c) => c.id === start_cursor) : 0;
          if (start < 0) throw new Error(`block ${block_id}: unknown cursor ${start_cursor}`);
          const page = children.slice(start, start + PAGE_SIZE);
          const next = children[start + PAGE_SIZE];
          return {
            object: 'list',
            results: page.map(asApiBlock),
            next_cursor: next ? next.id : null,
            has_more: Boolean(next),
            type: 'block',
            block: {},
          } as ListBlockChildrenResponse;
        },
      },
    },
    get calls() {
      return calls;
    },
  };
  return refuseOtherCalls(client, 'client');
}

/** Wraps `target` so that reading any member it lacks throws, naming the member. */
function refuseOtherCalls<T extends object>(target: T, path: string): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      // Promise resolution and inspection probe these; they are not API calls.
      if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return Reflect.get(obj, key, receiver);
      if (!(key in obj)) throw new Error(`${path}.${key}: the renderer works offline; only blocks.children.list is served (from memory)`);
      const value = Reflect.get(obj, key, receiver);
      return value && typeof value === 'object' ? refuseOtherCalls(value as object, `${path}.${key}`) : value;
    },
  });
}

/** The adapter typed as the SDK client notion-to-md's constructor asks for. */
export function asNotionClient(client: BlockTreeClient): Client {
  // notion-to-md only ever calls blocks.children.list; everything else throws (see refuseOtherCalls).
  return client as unknown as Client;
}
