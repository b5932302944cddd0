import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, collectPaginatedAPI } from '@notionhq/client';
import { api, startSample, type SampleIds } from './sample-workspace.js';
import type { NotionServer } from '../../src/notion-server/server.js';

let server: NotionServer;
let client: Client;
let ids: SampleIds;
beforeAll(async () => {
  ({ server, client, ids } = await startSample());
});
afterAll(() => server.close());

// pages.properties.retrieve answers either a list or a single item; the paginated form is what we walk.
const listPropertyItems = (args: { page_id: string; property_id: string; start_cursor?: string }) =>
  client.pages.properties.retrieve(args) as Promise<any>;

describe('what Notion derives', () => {
  it('relation and people values are cut at 25 on the page, full through the property endpoint', async () => {
    const page: any = await client.pages.retrieve({ page_id: ids.bigRow });
    expect(page.properties.Related.relation).toHaveLength(25);
    expect(page.properties.Related.has_more).toBe(true);
    expect(page.properties.People.people).toHaveLength(25);
    const related = await collectPaginatedAPI(listPropertyItems, { page_id: ids.bigRow, property_id: page.properties.Related.id });
    expect(related).toHaveLength(30);
    const people: any[] = await collectPaginatedAPI(listPropertyItems, { page_id: ids.bigRow, property_id: 'People' });
    expect(people.map((p) => p.people.id)).toEqual(ids.users);
  });

  it('the same cut applies to query and search results', async () => {
    const q: any = await client.dataSources.query({ data_source_id: ids.dataSource, page_size: 1 });
    expect(q.results[0].properties.Related).toMatchObject({ has_more: true });
    expect(q.results[0].properties.Related.relation).toHaveLength(25);
    const s: any = await client.search({ query: 'Big row' });
    expect(s.results[0].properties.Related.relation).toHaveLength(25);
  });

  it.each([
    ['number', { type: 'number', number: 42 }],
    ['checkbox', { type: 'checkbox', checkbox: true }],
    ['select', { type: 'select', select: expect.objectContaining({ name: 'One' }) }],
    ['formula', { type: 'formula', formula: { type: 'number', number: 84 } }],
    ['unique_id', { type: 'unique_id', unique_id: { prefix: 'ROW', number: 1 } }],
    ['created_time', { type: 'created_time', created_time: expect.stringMatching(/:00\.000Z$/) }],
  ])('a %s property item is a single property_item', async (type, value) => {
    const page: any = await client.pages.retrieve({ page_id: ids.bigRow });
    const prop = Object.values(page.properties).find((p: any) => p.type === type) as any;
    const item = await client.pages.properties.retrieve({ page_id: ids.bigRow, property_id: prop.id });
    expect(item).toMatchObject({ object: 'property_item', id: prop.id, ...value });
  });

  it('a show_original rollup comes back as items, a calculated one in property_item.rollup', async () => {
    const shown: any = await client.pages.properties.retrieve({ page_id: ids.bigRow, property_id: 'Shown' });
    expect(shown.results.map((r: any) => r.type)).toEqual(['title', 'title', 'title']);
    const count: any = await client.pages.properties.retrieve({ page_id: ids.bigRow, property_id: 'Count' });
    expect(count.property_item.rollup).toEqual({ type: 'number', number: 30, function: 'count' });
  });

  it('timestamps of pages, blocks and data sources are rounded down to the minute', async () => {
    const stored = server.workspace.pages[ids.kitchen]!.createdTime;
    expect(stored).not.toMatch(/:00\.000Z$/);
    const page: any = await client.pages.retrieve({ page_id: ids.kitchen });
    expect(page.created_time).toBe(new Date(Math.floor(Date.parse(stored) / 60_000) * 60_000).toISOString());
    const block: any = await client.blocks.retrieve({ block_id: ids.paragraphBlock });
    const ds: any = await client.dataSources.retrieve({ data_source_id: ids.dataSource });
    for (const t of [page.last_edited_time, block.created_time, block.last_edited_time, ds.created_time, ds.last_edited_time]) {
      expect(t).toMatch(/:00\.000Z$/);
    }
  });

  it('databases keep milliseconds with a +00:00 offset, as every recorded database does', async () => {
    const db: any = await client.databases.retrieve({ database_id: ids.database });
    expect(db.created_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
  });

  it('a synced block reference lists the original\'s children', async () => {
    const ref: any = await client.blocks.retrieve({ block_id: ids.syncedReference });
    expect(ref.synced_block.synced_from).toEqual({ type: 'block_id', block_id: ids.syncedOriginal });
    expect(ref.has_children).toBe(true);
    const fromRef = await client.blocks.children.list({ block_id: ids.syncedReference });
    const fromOriginal = await client.blocks.children.list({ block_id: ids.syncedOriginal });
    expect(fromRef.results.map((b) => b.id)).toEqual(fromOriginal.results.map((b) => b.id));
    expect(fromRef.results).toHaveLength(2);
  });

  it('child_page and child_database blocks carry the current titles', async () => {
    const children: any[] = await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.root });
    expect(children.find((b) => b.id === ids.kitchen)).toMatchObject({ type: 'child_page', child_page: { title: 'Kitchen Sink' }, has_children: true });
    expect(children.find((b) => b.id === ids.database)).toMatchObject({ type: 'child_database', child_database: { title: 'All Types' } });
  });

  it('page, user mentions get current plain_text and href', async () => {
    const children: any[] = await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.kitchen });
    const rich = children.filter((b) => b.type === 'paragraph').flatMap((b) => b.paragraph.rich_text);
    const pageMention = rich.find((r: any) => r.mention?.type === 'page');
    expect(pageMention).toMatchObject({ plain_text: 'Sample Home', href: `https://www.notion.so/${ids.root.replaceAll('-', '')}` });
    const userMention = rich.find((r: any) => r.mention?.type === 'user');
    expect(userMention).toMatchObject({ plain_text: '@Person 1', href: null, mention: { user: { name: 'Person 1', type: 'person' } } });
    const emoji = rich.find((r: any) => r.mention?.type === 'custom_emoji');
    expect(emoji.mention.custom_emoji.url).toBe(`${server.baseUrl}/emoji/${ids.emoji}/magnet.png`);
  });
});

describe('trash and sharing', () => {
  it('a trashed page is absent from search and its parent\'s children, and says in_trash on retrieve', async () => {
    const all = await collectPaginatedAPI(client.search, {});
    expect(all.map((r) => r.id)).not.toContain(ids.trashed);
    const children = await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.root });
    expect(children.map((b) => b.id)).not.toContain(ids.trashed);
    const page: any = await client.pages.retrieve({ page_id: ids.trashed });
    expect(page).toMatchObject({ in_trash: true, archived: true });
  });

  it('trashed rows are left out of queries unless in_trash is asked', async () => {
    const rows = await collectPaginatedAPI(client.dataSources.query, { data_source_id: ids.dataSource });
    expect(rows.map((r) => r.id)).not.toContain(ids.trashedRow);
    const withTrash = await collectPaginatedAPI(client.dataSources.query, { data_source_id: ids.dataSource, in_trash: true });
    expect(withTrash.map((r) => r.id)).toContain(ids.trashedRow);
  });

  it('unshared pages and everything below are left out of search', async () => {
    const all = await collectPaginatedAPI(client.search, {});
    expect(all.map((r) => r.id)).not.toContain(ids.unshared);
    expect(all.map((r) => r.id)).not.toContain(ids.underUnshared);
    expect(all.length).toBeGreaterThan(10);
  });
});

describe('data source queries', () => {
  it.each([
    [{ property: 'Number', number: { greater_than: 3 } }, ['Row 4', 'Row 5', 'Big row']],
    [{ property: 'Checkbox', checkbox: { equals: true } }, ['Big row', 'Row 2', 'Row 4']],
    [{ or: [{ property: 'Name', title: { contains: 'Big' } }, { property: 'Number', number: { equals: 2 } }] }, ['Big row', 'Row 2']],
    [{ timestamp: 'created_time', created_time: { on_or_after: '2000-01-01' } }, ['Big row', 'Row 2', 'Row 3', 'Row 4', 'Row 5']],
  ])('filter %j', async (filter, names) => {
    const rows: any[] = await collectPaginatedAPI(client.dataSources.query, { data_source_id: ids.dataSource, filter: filter as never });
    expect(rows.map((r) => r.properties.Name.title[0].plain_text).sort()).toEqual([...names].sort());
  });

  it('sorts by a property, descending', async () => {
    const rows: any[] = await collectPaginatedAPI(client.dataSources.query, {
      data_source_id: ids.dataSource,
      sorts: [{ property: 'Number', direction: 'descending' }],
    });
    expect(rows.map((r) => r.properties.Number.number)).toEqual([42, 5, 4, 3, 2]);
  });

  it('filter_properties limits the properties returned', async () => {
    const res = await api(server, 'POST', `/v1/data_sources/${ids.dataSource}/query?filter_properties=title`, { page_size: 1 });
    expect(Object.keys(res.json.results[0].properties)).toEqual(['Name']);
  });

  it('an unsupported filter is refused, not ignored', async () => {
    const res = await api(server, 'POST', `/v1/data_sources/${ids.dataSource}/query`, { filter: { property: 'Number', number: { near: 1 } } });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('validation_error');
  });
});

describe('query result limit', () => {
  it('stops a query at the limit with has_more false and request_status incomplete, as Notion does past 10,000 rows', async () => {
    const small = await startSample({ queryResultLimit: 2 });
    try {
      const first: any = await small.client.dataSources.query({ data_source_id: small.ids.dataSource, page_size: 1 });
      expect(first.has_more).toBe(true);
      expect(first.request_status).toBeUndefined();
      const second: any = await small.client.dataSources.query({ data_source_id: small.ids.dataSource, page_size: 1, start_cursor: first.next_cursor });
      expect(second.results).toHaveLength(1);
      expect(second.has_more).toBe(false);
      expect(second.request_status).toEqual({ type: 'incomplete', incomplete_reason: 'query_result_limit_reached' });
      const all: any = await client.dataSources.query({ data_source_id: ids.dataSource });
      expect(all.request_status).toBeUndefined();
    } finally {
      await small.server.close();
    }
  });
});
