import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, collectPaginatedAPI } from '@notionhq/client';
import { block } from '../../src/notion-server/builder.js';
import { startSample, type SampleIds } from './sample-workspace.js';
import type { NotionServer } from '../../src/notion-server/server.js';
import { BUMP_POLICIES } from '../../src/notion-server/mutations.js';

let server: NotionServer;
let client: Client;
let ids: SampleIds;
// The sample workspace is dated 2024; the clock sits well after it, on a non-round second.
let now = Date.parse('2025-05-05T10:20:37.123Z');
const EDITED = '2025-05-05T10:20:00.000Z';

beforeEach(async () => {
  now = Date.parse('2025-05-05T10:20:37.123Z');
  ({ server, client, ids } = await startSample({ clock: () => now }));
});
afterEach(() => server.close());

const edited = async (kind: 'page' | 'block', id: string) =>
  ((kind === 'page' ? await client.pages.retrieve({ page_id: id }) : await client.blocks.retrieve({ block_id: id })) as any).last_edited_time;

describe('mutations bump last_edited_time the way Notion does', () => {
  it('editTitle: the page (and its child_page block) but not its parent page', async () => {
    const parentBefore = await edited('page', ids.root);
    server.mutate.editTitle(ids.deep[1]!, 'Renamed');
    expect(await edited('page', ids.deep[1]!)).toBe(EDITED);
    const b: any = await client.blocks.retrieve({ block_id: ids.deep[1]! });
    expect(b).toMatchObject({ child_page: { title: 'Renamed' }, last_edited_time: EDITED });
    expect(await edited('page', ids.deep[0]!)).not.toBe(EDITED);
    expect(await edited('page', ids.root)).toBe(parentBefore);
  });

  it('editBlockText: the block and its page, not the page\'s parent, nor a sibling block', async () => {
    server.mutate.editBlockText(ids.paragraphBlock, 'New text');
    const b: any = await client.blocks.retrieve({ block_id: ids.paragraphBlock });
    expect(b.paragraph.rich_text[0].plain_text).toBe('New text');
    expect(b.last_edited_time).toBe(EDITED);
    expect(await edited('page', ids.kitchen)).toBe(EDITED);
    expect(await edited('page', ids.root)).not.toBe(EDITED);
    expect(await edited('block', ids.imageBlock)).not.toBe(EDITED);
  });

  it('editBlockText on a nested block bumps its nearest page, through the block chain', async () => {
    const page = ids.deep[3]!;
    const toggleId = server.mutate.appendBlock(page, block.toggle('T', [block.paragraph('deep')]));
    now += 3 * 60_000;
    const [inner] = server.workspace.blocks[toggleId]!.children;
    server.mutate.editBlockText(inner!, 'changed');
    const later = '2025-05-05T10:23:00.000Z';
    expect(await edited('block', inner!)).toBe(later);
    expect(await edited('page', page)).toBe(later);
    expect(await edited('block', toggleId)).toBe(EDITED);
    expect(await edited('page', ids.deep[2]!)).not.toBe(later);
  });

  it('appendBlock: appears at the end of the children and bumps the page', async () => {
    const id = server.mutate.appendBlock(ids.deep[0]!, block.paragraph('appended'));
    const children = await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.deep[0]! });
    expect(children.at(-1)?.id).toBe(id);
    expect(await edited('page', ids.deep[0]!)).toBe(EDITED);
  });

  it('trash and restore a block', async () => {
    server.mutate.trash(ids.paragraphBlock);
    let children = await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.kitchen });
    expect(children.map((b) => b.id)).not.toContain(ids.paragraphBlock);
    expect(await client.blocks.retrieve({ block_id: ids.paragraphBlock })).toMatchObject({ in_trash: true, archived: true });
    expect(await edited('page', ids.kitchen)).toBe(EDITED);
    server.mutate.restore(ids.paragraphBlock);
    children = await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.kitchen });
    expect(children[0]?.id).toBe(ids.paragraphBlock);
  });

  it('trash a page: gone from search and the parent\'s children, in_trash on retrieve; restore brings it back', async () => {
    server.mutate.trash(ids.deep[0]!);
    expect((await collectPaginatedAPI(client.search, {})).map((r) => r.id)).not.toContain(ids.deep[0]);
    // Pages below a trashed page report as trashed and leave search too.
    expect((await collectPaginatedAPI(client.search, {})).map((r) => r.id)).not.toContain(ids.deep[3]);
    expect((await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.root })).map((b) => b.id)).not.toContain(ids.deep[0]);
    expect(await client.pages.retrieve({ page_id: ids.deep[3]! })).toMatchObject({ in_trash: true });
    server.mutate.restore(ids.deep[0]!);
    expect((await collectPaginatedAPI(client.search, {})).map((r) => r.id)).toContain(ids.deep[3]);
  });

  it('movePage: new parent, listed under the new parent only', async () => {
    server.mutate.movePage(ids.deep[3]!, ids.kitchen);
    const page: any = await client.pages.retrieve({ page_id: ids.deep[3]! });
    expect(page.parent).toEqual({ type: 'page_id', page_id: ids.kitchen });
    expect((await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.kitchen })).at(-1)?.id).toBe(ids.deep[3]);
    expect((await collectPaginatedAPI(client.blocks.children.list, { block_id: ids.deep[2]! })).map((b) => b.id)).not.toContain(ids.deep[3]);
    expect(page.last_edited_time).toBe(EDITED);
  });

  it('createPage under a page and as a row of a data source', async () => {
    const id = server.mutate.createPage({ parent: ids.deep[0]!, title: 'Fresh', children: [block.paragraph('hello')] });
    const page: any = await client.pages.retrieve({ page_id: id });
    expect(page).toMatchObject({ created_time: EDITED, parent: { type: 'page_id', page_id: ids.deep[0] } });
    expect((await client.blocks.children.list({ block_id: id })).results).toHaveLength(1);
    expect(await edited('page', ids.deep[0]!)).toBe(EDITED);

    const row = server.mutate.createPage({ parent: ids.dataSource, title: 'New row', properties: { Number: { type: 'number', number: 7 } } });
    const rows: any[] = await collectPaginatedAPI(client.dataSources.query, { data_source_id: ids.dataSource });
    const found = rows.find((r) => r.id === row);
    expect(found.properties.Name.title[0].plain_text).toBe('New row');
    expect(found.properties.Number.number).toBe(7);
  });

  it('recompute: a formula or rollup gets a new value, the page is not bumped (as when a related page changes)', async () => {
    const row = ids.rows[1]!;
    const before = await edited('page', row);
    server.mutate.recompute(row, 'Count', { type: 'rollup', rollup: { type: 'number', number: 41, function: 'count' } });
    server.mutate.recompute(row, 'Formula', { type: 'formula', formula: { type: 'number', number: 99 } });
    const page: any = await client.pages.retrieve({ page_id: row });
    expect(page.properties.Count.rollup.number).toBe(41);
    expect(page.properties.Formula.formula.number).toBe(99);
    expect(page.last_edited_time).toBe(before);
    expect(before).not.toBe(EDITED);
    expect(() => server.mutate.recompute(row, 'Number', { type: 'formula', formula: { type: 'number', number: 1 } })).toThrow(/not a formula/);
  });

  it('addComment: a new discussion on a page, bumping nothing unless asked to', async () => {
    const before = await edited('page', ids.kitchen);
    const id = server.mutate.addComment(ids.kitchen, 'A quiet remark');
    const listed: any[] = (await client.comments.list({ block_id: ids.kitchen })).results;
    expect(listed.find((c) => c.id === id)?.rich_text[0].plain_text).toBe('A quiet remark');
    expect(await edited('page', ids.kitchen)).toBe(before);
    const onBlock = server.mutate.addComment(ids.paragraphBlock, 'On a block', { bump: true });
    expect((await client.comments.list({ block_id: ids.paragraphBlock })).results.map((c) => c.id)).toContain(onBlock);
    expect(await edited('page', ids.kitchen)).toBe(EDITED);
  });

  it('several edits within one minute share a timestamp (minute rounding)', async () => {
    server.mutate.editBlockText(ids.paragraphBlock, 'one');
    now += 10_000;
    server.mutate.editBlockText(ids.paragraphBlock, 'two');
    expect(await edited('block', ids.paragraphBlock)).toBe(EDITED);
  });
});

describe.each(BUMP_POLICIES)('structural changes under bumps: %s', (bumps) => {
  const all = bumps === 'all';
  // Bumped: the edit's minute; not bumped: whatever it was before (the sample is dated 2024).
  const bumpedIf = (yes: boolean) => (yes ? EDITED : expect.not.stringMatching(/^2025-05-05T10:2/));
  beforeEach(async () => {
    await server.close();
    ({ server, client, ids } = await startSample({ clock: () => now, bumps }));
  });
  const childIds = async (id: string) => (await collectPaginatedAPI(client.blocks.children.list, { block_id: id })).map((b) => b.id);
  const rowIds = async (ds: string) => (await collectPaginatedAPI(client.dataSources.query, { data_source_id: ds })).map((r) => r.id);
  const relation = async (pageId: string): Promise<string[]> => {
    const page: any = await client.pages.retrieve({ page_id: pageId });
    return page.properties.Related.relation.map((r: { id: string }) => r.id);
  };
  const relationItems = async (pageId: string): Promise<string[]> => {
    const page: any = await client.pages.retrieve({ page_id: pageId });
    const items: any[] = await collectPaginatedAPI(client.pages.properties.retrieve as never, { page_id: pageId, property_id: page.properties.Related.id } as never);
    return items.map((i) => i.relation.id);
  };

  it(`a new sub-page ${all ? 'bumps' : 'does not bump'} its parent; it is listed under it either way`, async () => {
    const id = server.mutate.createPage({ parent: ids.deep[0]!, title: 'Fresh' });
    expect(await childIds(ids.deep[0]!)).toContain(id);
    expect(await edited('page', id)).toBe(EDITED);
    expect(await edited('page', ids.deep[0]!)).toEqual(bumpedIf(all));
  });

  it(`a move ${all ? 'bumps' : 'bumps none of'} the old parent, the new parent and the page`, async () => {
    server.mutate.movePage(ids.deep[3]!, ids.kitchen);
    expect(await childIds(ids.kitchen)).toContain(ids.deep[3]);
    expect(await childIds(ids.deep[2]!)).not.toContain(ids.deep[3]);
    for (const id of [ids.kitchen, ids.deep[2]!, ids.deep[3]!]) expect(await edited('page', id)).toEqual(bumpedIf(all));
  });

  it('a move within one parent puts the page last and bumps the parent (a reorder of its blocks)', async () => {
    const first = server.mutate.createPage({ parent: ids.deep[3]!, title: 'First' });
    server.mutate.createPage({ parent: ids.deep[3]!, title: 'Second' });
    now += 5 * 60_000;
    server.mutate.movePage(first, ids.deep[3]!);
    expect((await childIds(ids.deep[3]!)).at(-1)).toBe(first);
    expect(await edited('page', ids.deep[3]!)).toBe('2025-05-05T10:25:00.000Z');
    expect(await edited('page', first)).toBe(all ? '2025-05-05T10:25:00.000Z' : EDITED);
  });

  it(`trash and restore of a sub-page ${all ? 'bump' : 'do not bump'} its parent`, async () => {
    server.mutate.trash(ids.deep[1]!);
    expect(await childIds(ids.deep[0]!)).not.toContain(ids.deep[1]);
    expect(await edited('page', ids.deep[0]!)).toEqual(bumpedIf(all));
    server.mutate.restore(ids.deep[1]!);
    expect(await childIds(ids.deep[0]!)).toContain(ids.deep[1]);
  });

  it(`a relation no longer lists a page in the trash; the page relating to it is ${all ? '' : 'not '}bumped; restore brings it back`, async () => {
    const [target] = (server.workspace.pages[ids.bigRow]!.properties.Related!.relation as Array<{ id: string }>).map((r) => r.id);
    expect(await relationItems(ids.bigRow)).toContain(target);
    server.mutate.trash(target!);
    expect(await relationItems(ids.bigRow)).not.toContain(target);
    expect(await relationItems(ids.bigRow)).toHaveLength(29);
    expect(await relation(ids.bigRow)).not.toContain(target);
    expect(await edited('page', ids.bigRow)).toEqual(bumpedIf(all));
    server.mutate.restore(target!);
    expect(await relationItems(ids.bigRow)).toContain(target);
  });

  it('a page moved into a database becomes a row; moved out, a plain page again; a row moves between data sources', async () => {
    const page = ids.deep[3]!;
    server.mutate.movePage(page, ids.dataSource);
    expect(await rowIds(ids.dataSource)).toContain(page);
    expect(await childIds(ids.deep[2]!)).not.toContain(page);
    const row: any = await client.pages.retrieve({ page_id: page });
    expect(row.parent).toMatchObject({ type: 'data_source_id', data_source_id: ids.dataSource, database_id: ids.database });
    expect(row.properties.Name.title[0].plain_text).toBe('Depth 4');
    expect(await edited('page', page)).toEqual(bumpedIf(all));

    server.mutate.movePage(page, ids.targetsDataSource);
    expect(await rowIds(ids.dataSource)).not.toContain(page);
    expect(await rowIds(ids.targetsDataSource)).toContain(page);

    server.mutate.movePage(page, ids.kitchen);
    expect(await rowIds(ids.targetsDataSource)).not.toContain(page);
    expect(await childIds(ids.kitchen)).toContain(page);
    const plain: any = await client.pages.retrieve({ page_id: page });
    expect(plain.parent).toEqual({ type: 'page_id', page_id: ids.kitchen });
    expect(Object.keys(plain.properties)).toEqual(['title']);
    expect(plain.properties.title.title[0].plain_text).toBe('Depth 4');
  });

  it(`a new database and a moved one are listed under their page, which is ${all ? '' : 'not '}bumped`, async () => {
    const { id, dataSourceId } = server.mutate.createDatabase({ parent: ids.deep[1]!, title: 'Fresh table', properties: { Score: { type: 'number', number: { format: 'number' } } } });
    expect(await childIds(ids.deep[1]!)).toContain(id);
    expect(await edited('page', ids.deep[1]!)).toEqual(bumpedIf(all));
    const ds: any = await client.dataSources.retrieve({ data_source_id: dataSourceId });
    expect(Object.values(ds.properties).map((p: any) => p.type).sort()).toEqual(['number', 'title']);
    server.mutate.createPage({ parent: dataSourceId, title: 'A row' });
    expect(await rowIds(dataSourceId)).toHaveLength(1);
    server.mutate.moveDatabase(id, ids.deep[2]!);
    expect(await childIds(ids.deep[1]!)).not.toContain(id);
    expect(await childIds(ids.deep[2]!)).toContain(id);
    expect(await client.databases.retrieve({ database_id: id })).toMatchObject({ parent: { type: 'page_id', page_id: ids.deep[2] } });
    expect(await edited('page', ids.deep[2]!)).toEqual(bumpedIf(all));
  });
});
