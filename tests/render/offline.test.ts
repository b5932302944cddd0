import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBlockTreeClient } from '../../src/render/markdown/block-tree-client.js';
import { createNotionToMarkdown } from '../../src/render/markdown/notion-to-md-lines.js';
import { renderBlocks } from '../../src/render/markdown/render-blocks.js';
import type { BlockNode } from '../../src/source/block-tree.js';
import { fakeRenderContext } from './fake-render-context.js';
import { RecordedBlocks, loadFixture } from './fixture-trees.js';
import { makeBlock, text } from './make-block.js';

const MIXED_PAGE = '00000000-0000-4000-8000-000000000004';
const mixedTree = (): BlockNode[] => RecordedBlocks.fromExchanges(loadFixture('page-traversal-mixed-types.exchanges.json')).tree(MIXED_PAGE);

/**
 * Every HTTP client in Node (fetch/undici, http, https, node-fetch) opens its connection through
 * net.Socket#connect; with that and fetch replaced by throwing functions, any network use fails
 * the render and is counted here.
 */
const attempts: string[] = [];
const originalConnect = net.Socket.prototype.connect;
const originalFetch = globalThis.fetch;

beforeEach(() => {
  attempts.length = 0;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    attempts.push(`socket ${JSON.stringify(args[0])}`);
    throw new Error('network use during rendering');
  } as typeof net.Socket.prototype.connect;
  globalThis.fetch = (async (input: unknown) => {
    attempts.push(`fetch ${String(input)}`);
    throw new Error('network use during rendering');
  }) as typeof fetch;
});

afterEach(() => {
  net.Socket.prototype.connect = originalConnect;
  globalThis.fetch = originalFetch;
});

describe('rendering is offline', () => {
  it('the network guard itself catches a connection and a fetch', async () => {
    expect(() => net.connect(9, '127.0.0.1')).toThrow('network use during rendering');
    await expect(fetch('http://127.0.0.1:9/')).rejects.toThrow('network use during rendering');
    expect(attempts).toHaveLength(2);
    attempts.length = 0;
  });

  it('renders the whole recorded mixed page with no connection attempted', async () => {
    const { markdown, unrendered } = await renderBlocks(mixedTree(), fakeRenderContext());
    expect(markdown).toContain('| Cell 3, 1 | Cell 3, 2 |');
    expect(unrendered.some((u) => u.reason.startsWith('renderer failed'))).toBe(false);
    expect(attempts).toEqual([]);
  });

  it('notion-to-md, driving its own fetch loop, is served entirely from the tree', async () => {
    const tree = mixedTree();
    const client = createBlockTreeClient(MIXED_PAGE, tree);
    // pageToMarkdown is notion-to-md's own crawl (children, table rows, callouts…): here it runs
    // against the adapter, never against Notion.
    const mdBlocks = await createNotionToMarkdown(client).pageToMarkdown(MIXED_PAGE);
    expect(mdBlocks.length).toBeGreaterThan(20);
    expect(client.calls).toBeGreaterThan(1);
    expect(attempts).toEqual([]);
  });
});

describe('the block tree client', () => {
  const children = Array.from({ length: 150 }, (_, i) => makeBlock('paragraph', { rich_text: [text(`p${i}`)], color: 'default' }));
  const parent = makeBlock('toggle', { rich_text: [text('t')], color: 'default' }, children);
  const reference = makeBlock('synced_block', { synced_from: { type: 'block_id', block_id: 'original-id' } }, [children[0]!]);
  const client = createBlockTreeClient('page-id', [parent, reference]);

  it('paginates like the API: 100 per page, cursor = next block id', async () => {
    const first = await client.blocks.children.list({ block_id: parent.id });
    expect(first.results).toHaveLength(100);
    expect(first.has_more).toBe(true);
    expect(first.next_cursor).toBe(children[100]!.id);
    const second = await client.blocks.children.list({ block_id: parent.id, start_cursor: first.next_cursor! });
    expect(second.results).toHaveLength(50);
    expect(second.has_more).toBe(false);
    expect(second.next_cursor).toBeNull();
    expect(second.results[0]).not.toHaveProperty('children');
  });

  it('serves top-level blocks under the page id and a synced original under its own id', async () => {
    expect((await client.blocks.children.list({ block_id: 'page-id' })).results.map((b) => b.id)).toEqual([parent.id, reference.id]);
    expect((await client.blocks.children.list({ block_id: 'original-id' })).results.map((b) => b.id)).toEqual([children[0]!.id]);
  });

  it('refuses ids outside the tree instead of fetching them', async () => {
    await expect(client.blocks.children.list({ block_id: 'elsewhere' })).rejects.toThrow('block elsewhere: children are not in the crawled tree');
  });

  it.each([['pages'], ['search'], ['databases'], ['request']])('refuses client.%s', (member) => {
    expect(() => (client as unknown as Record<string, unknown>)[member]).toThrow(`client.${member}: the renderer works offline`);
  });

  it('refuses blocks.retrieve', () => {
    expect(() => (client.blocks as unknown as Record<string, unknown>).retrieve).toThrow('client.blocks.retrieve: the renderer works offline');
  });
});
