import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  collectPaginatedAPI,
  isFullBlock,
  isFullDatabase,
  isFullDataSource,
  isFullPage,
  isFullUser,
} from '@notionhq/client';
import { api, startSample, type SampleIds } from './sample-workspace.js';
import type { NotionServer } from '../../src/notion-server/server.js';

let server: NotionServer;
let client: Client;
let ids: SampleIds;

beforeAll(async () => {
  ({ server, client, ids } = await startSample());
});
afterAll(() => server.close());

describe('every route through the SDK', () => {
  it('GET /v1/pages/:id returns a full page', async () => {
    const page = await client.pages.retrieve({ page_id: ids.kitchen });
    expect(isFullPage(page)).toBe(true);
    expect(page.id).toBe(ids.kitchen);
    if (!isFullPage(page)) throw new Error('unreachable');
    expect(page.parent).toEqual({ type: 'page_id', page_id: ids.root });
    expect(page.url).toBe(`https://www.notion.so/Kitchen-Sink-${ids.kitchen.replaceAll('-', '')}`);
  });

  it('accepts undashed ids', async () => {
    const page = await client.pages.retrieve({ page_id: ids.root.replaceAll('-', '') });
    expect(page.id).toBe(ids.root);
  });

  it('GET /v1/blocks/:id and /children return full blocks', async () => {
    const block = await client.blocks.retrieve({ block_id: ids.paragraphBlock });
    expect(isFullBlock(block)).toBe(true);
    const children = await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.kitchen });
    expect(children.every(isFullBlock)).toBe(true);
    expect(children.length).toBeGreaterThan(30);
  });

  it('GET /v1/blocks/:id on a page id answers the child_page block', async () => {
    const block = await client.blocks.retrieve({ block_id: ids.kitchen });
    expect(block).toMatchObject({ type: 'child_page', child_page: { title: 'Kitchen Sink' } });
  });

  it('GET /v1/databases/:id lists data sources and no properties', async () => {
    const db = await client.databases.retrieve({ database_id: ids.database });
    expect(isFullDatabase(db)).toBe(true);
    expect(db).toMatchObject({ data_sources: [{ id: ids.dataSource, name: 'All Types' }], is_inline: true });
    expect(db).not.toHaveProperty('properties');
  });

  it('a linked view database has no data sources', async () => {
    const db = await client.databases.retrieve({ database_id: ids.linkedView });
    expect(db).toMatchObject({ data_sources: [] });
  });

  it('GET /v1/data_sources/:id and POST …/query', async () => {
    const ds = await client.dataSources.retrieve({ data_source_id: ids.dataSource });
    expect(isFullDataSource(ds)).toBe(true);
    expect(ds).toMatchObject({ parent: { type: 'database_id', database_id: ids.database } });
    const rows = await collectPaginatedAPI(client.dataSources.query, { data_source_id: ids.dataSource });
    expect(rows.map((r) => r.id)).toEqual(ids.rows);
    expect(rows.every((r) => isFullPage(r as never))).toBe(true);
  });

  it('users: list, retrieve, me', async () => {
    const users = await collectPaginatedAPI(client.users.list, {});
    expect(users).toHaveLength(31);
    expect(users.every(isFullUser)).toBe(true);
    const one = await client.users.retrieve({ user_id: ids.users[3]! });
    expect(one).toMatchObject({ type: 'person', name: 'Person 4', person: { email: expect.stringContaining('@example.org') } });
    const me = await client.users.me({});
    expect(me).toMatchObject({ type: 'bot', name: 'Sample Integration', bot: { workspace_name: 'Sample WS' } });
  });

  it('comments on a page and on a block', async () => {
    const onPage = await collectPaginatedAPI(client.comments.list, { block_id: ids.commentPage });
    expect(onPage.map((c) => ('rich_text' in c ? c.rich_text[0]?.plain_text : null))).toEqual([1, 2, 3, 4, 5].map((i) => `Comment ${i}`));
    const onBlock = await client.comments.list({ block_id: ids.paragraphBlock });
    expect(onBlock.results).toHaveLength(1);
    expect(onBlock.results[0]).toMatchObject({ parent: { type: 'block_id', block_id: ids.paragraphBlock } });
  });

  it('custom emojis with permanent URLs on this server', async () => {
    const list = await client.customEmojis.list({});
    expect(list.results).toEqual([{ id: ids.emoji, name: 'magnet', url: `${server.baseUrl}/emoji/${ids.emoji}/magnet.png` }]);
    const res = await fetch(list.results[0]!.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
  });

  it('search finds pages and data sources, filters by object and title words', async () => {
    const all = await collectPaginatedAPI(client.search, {});
    expect(all.some((r) => r.object === 'data_source')).toBe(true);
    const onlyDs = await collectPaginatedAPI(client.search, { filter: { property: 'object', value: 'data_source' } });
    expect(onlyDs.map((r) => r.id).sort()).toEqual([ids.dataSource, ids.targetsDataSource].sort());
    const byTitle = await client.search({ query: 'kitchen', filter: { property: 'object', value: 'page' } });
    expect(byTitle.results.map((r) => r.id)).toEqual([ids.kitchen]);
  });
});

describe('pagination at every level', () => {
  const lists: Array<[string, (c: Client, i: SampleIds, pageSize: number, cursor?: string) => Promise<any>, (i: SampleIds) => number]> = [
    ['search', (c, _i, page_size, start_cursor) => c.search({ page_size, start_cursor }), () => 0],
    ['block children', (c, i, page_size, start_cursor) => c.blocks.children.list({ block_id: i.kitchen, page_size, start_cursor }), () => 0],
    ['data source query', (c, i, page_size, start_cursor) => c.dataSources.query({ data_source_id: i.dataSource, page_size, start_cursor }), () => 5],
    [
      'property items',
      (c, i, page_size, start_cursor) => c.pages.properties.retrieve({ page_id: i.bigRow, property_id: 'Related', page_size, start_cursor }),
      () => 30,
    ],
    ['users', (c, _i, page_size, start_cursor) => c.users.list({ page_size, start_cursor }), () => 31],
    ['comments', (c, i, page_size, start_cursor) => c.comments.list({ block_id: i.commentPage, page_size, start_cursor }), () => 5],
  ];

  it.each(lists.flatMap(([name, fetchPage, expected]) => [1, 2, 100].map((size) => [name, size, fetchPage, expected] as const)))(
    '%s with page_size %i walks the same items as one big page',
    async (_name, size, fetchPage, expected) => {
      const full = await fetchPage(client, ids, 100);
      expect(full.has_more).toBe(false);
      expect(full.next_cursor).toBeNull();
      const want = expected(ids);
      if (want) expect(full.results).toHaveLength(want);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await fetchPage(client, ids, size, cursor);
        expect(page.results.length).toBeLessThanOrEqual(size);
        expect(page.has_more).toBe(page.next_cursor !== null);
        seen.push(...page.results.map((r: any) => JSON.stringify(r.id ?? r.relation ?? r)));
        cursor = page.next_cursor ?? undefined;
        pages++;
      } while (cursor);
      expect(seen).toEqual(full.results.map((r: any) => JSON.stringify(r.id ?? r.relation ?? r)));
      expect(pages).toBe(Math.max(1, Math.ceil(full.results.length / size)));
    },
  );

  it('property item lists carry next_url while more items follow', async () => {
    const first: any = await client.pages.properties.retrieve({ page_id: ids.bigRow, property_id: 'Related', page_size: 10 });
    expect(first.property_item.next_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/pages\/.+\/properties\/.+\?start_cursor=/);
    const next = await fetch(first.property_item.next_url, {
      headers: { authorization: 'Bearer secret_test_token_for_local_server', 'notion-version': '2025-09-03' },
    });
    const body: any = await next.json();
    expect(body.results[0].relation.id).not.toBe(first.results[0].relation.id);
    // next_url carries only the cursor, so the default page size (100) applies: the remaining 20.
    expect(body.results).toHaveLength(20);
  });

  it.each([
    ['GET', '/v1/users?page_size=0', 'query.page_size should be ≥ `1`, instead was `0`'],
    ['GET', '/v1/users?page_size=101', 'query.page_size should be ≤ `100`, instead was `101`'],
    ['GET', '/v1/users?page_size=abc', 'query.page_size should be a number'],
    ['POST', '/v1/search', 'body.page_size should be ≤ `100`, instead was `500`', { page_size: 500 }],
    ['POST', '/v1/search', 'body.page_size should be an integer', { page_size: 1.5 }],
  ])('%s %s rejects a bad page_size', async (method, path, message, body?: unknown) => {
    const res = await api(server, method, path, body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ object: 'error', status: 400, code: 'validation_error' });
    expect(res.json.message).toContain(message);
  });

  it.each([
    ['a made-up cursor', () => 'not-a-cursor'],
    ['an edited cursor', (c: string) => `${c.slice(0, -2)}xx`],
    ['a block id (guessing Notion-style cursors)', (_c: string) => ids.paragraphBlock],
  ])('rejects %s with 400 validation_error', async (_name, mangle) => {
    const first = await client.blocks.children.list({ block_id: ids.kitchen, page_size: 2 });
    const res = await api(server, 'GET', `/v1/blocks/${ids.kitchen}/children?start_cursor=${encodeURIComponent(mangle(first.next_cursor!))}`);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_error');
  });

  it('rejects a cursor from another list', async () => {
    const users = await client.users.list({ page_size: 1 });
    const res = await api(server, 'GET', `/v1/blocks/${ids.kitchen}/children?start_cursor=${encodeURIComponent(users.next_cursor!)}`);
    expect(res.status).toBe(400);
  });

  it('list envelopes name their type', async () => {
    const res = await api(server, 'GET', `/v1/blocks/${ids.kitchen}/children?page_size=1`);
    expect(Object.keys(res.json)).toEqual(['object', 'results', 'next_cursor', 'has_more', 'type', 'block', 'request_id']);
    expect(res.json.block).toEqual({});
  });
});
