import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, collectPaginatedAPI } from '@notionhq/client';
import { block } from '../../src/notion-server/builder.js';
import { startSample, type SampleIds } from './sample-workspace.js';
import type { NotionServer } from '../../src/notion-server/server.js';

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
