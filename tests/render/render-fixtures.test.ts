import { describe, expect, it } from 'vitest';
import { renderBlocks } from '../../src/render/markdown/render-blocks.js';
import type { BlockNode } from '../../src/source/block-tree.js';
import { fakeRenderContext, type FakeExport } from './fake-render-context.js';
import { RecordedBlocks, loadFixture } from './fixture-trees.js';

/** Matches every form of expiring Notion file URL (signed S3, legacy static, signed local /files/). */
const SIGNED_URL = /prod-files-secure|X-Amz-|secure\.notion-static\.com|file\.notion\.so|\/files\/[^)\s]*sig=/;

const MIXED_PAGE = '00000000-0000-4000-8000-000000000004';
const SUB_PAGE = '00000000-0000-4000-8000-000000000005';

function treeOf(name: string, rootId: string): BlockNode[] {
  const data = loadFixture<unknown>(name);
  const recorded = Array.isArray(data) ? RecordedBlocks.fromExchanges(data) : RecordedBlocks.fromListBody(data as { results: unknown[] });
  return recorded.tree(rootId);
}

/** Recorded pages rendered to file snapshots, so reviews read the Markdown itself. */
const PAGES: Array<{ name: string; fixture: string; root: string; fake?: FakeExport }> = [
  { name: 'mixed-page', fixture: 'page-traversal-mixed-types.exchanges.json', root: MIXED_PAGE, fake: { exported: { [SUB_PAGE]: 'Markdown-SubPage-Test.md' } } },
  { name: 'rich-text-annotations', fixture: 'blocks-children-rich-text-annotations.json', root: '00000000-0000-4000-8000-000000000003', fake: { users: { '00000000-0000-4000-8000-0000000000fa': 'Adam Dangoor' } } },
  { name: 'rich-text-mentions', fixture: 'blocks-rich-text-mentions.exchanges.json', root: '38c9ce7b-60a4-81b5-aac1-e230848bd288', fake: { exported: { '00000000-0000-4000-8000-000000000003': '../Markdown-Text-Test.md', '00000000-0000-4000-8000-000000000009': '../All-Properties-DB/index.md' } } },
  { name: 'table', fixture: 'blocks-table.exchanges.json', root: '38c9ce7b-60a4-81a4-a8e9-f2f592bc4170' },
  { name: 'synced', fixture: 'blocks-synced.exchanges.json', root: '38c9ce7b-60a4-81d0-96a3-fce4abbfe3d7' },
  { name: 'nested-bullets', fixture: 'blocks-nested-bullets.exchanges.json', root: '38c9ce7b-60a4-8188-adde-eff7ed70ac38' },
  { name: 'nested', fixture: 'blocks-nested.exchanges.json', root: '38c9ce7b-60a4-8199-ad59-f4a2e9d52c63' },
  { name: 'columns', fixture: 'blocks-columns.exchanges.json', root: '38c9ce7b-60a4-81ac-a2e1-eccdfd5381c5' },
  { name: 'link-to-page', fixture: 'blocks-link-to-page.exchanges.json', root: '38c9ce7b-60a4-81fd-95a1-e0ca27665d0b', fake: { exported: { '38c9ce7b-60a4-811c-8dde-d397dec6549c': 'Target-Page.md' }, titles: { '38c9ce7b-60a4-811c-8dde-d397dec6549c': 'Target Page' } } },
  { name: 'media-external-create', fixture: 'blocks-media-external-create.exchanges.json', root: '38c9ce7b-60a4-81a5-9fd6-ce5b71247070' },
  { name: 'media-external-update-retrieve', fixture: 'blocks-media-external-update-retrieve.exchanges.json', root: '38c9ce7b-60a4-8163-b33b-d3d32ccbbbe0' },
  { name: 'embed-bookmark-child-database', fixture: 'blocks-children-embed-bookmark-child-database.json', root: '00000000-0000-4000-8000-000000000006' },
  { name: 'basic-types', fixture: 'blocks-append-basic-types.exchanges.json', root: '38c9ce7b-60a4-81ac-9e47-efabaaba96f6' },
  { name: 'mixed-types-first-level-only', fixture: 'blocks-children-mixed-types.json', root: MIXED_PAGE },
];

describe('recorded pages', () => {
  it.each(PAGES)('$name matches its Markdown snapshot and holds no expiring file URL', async ({ name, fixture, root, fake }) => {
    const { markdown } = await renderBlocks(treeOf(fixture, root), fakeRenderContext({ pageId: root, ...fake }));
    expect(markdown).not.toMatch(SIGNED_URL);
    await expect(markdown).toMatchFileSnapshot(`__snapshots__/${name}.md`);
  });

  it.each(PAGES)('$name renders identically twice (deterministic)', async ({ fixture, root, fake }) => {
    const a = await renderBlocks(treeOf(fixture, root), fakeRenderContext({ pageId: root, ...fake }));
    const b = await renderBlocks(treeOf(fixture, root), fakeRenderContext({ pageId: root, ...fake }));
    expect(b).toEqual(a);
  });
});

describe('the recorded mixed page (full traversal)', () => {
  const render = (fake: FakeExport = {}) => renderBlocks(treeOf('page-traversal-mixed-types.exchanges.json', MIXED_PAGE), fakeRenderContext(fake));

  it('renders the table as a GFM table with its 3 rows', async () => {
    const { markdown } = await render();
    const lines = markdown.split('\n');
    const start = lines.indexOf('| --- | --- |') - 1;
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
    const tableLines = lines.slice(start, end);
    // header (empty, no column header in the recording) + delimiter + 3 rows
    expect(tableLines).toHaveLength(5);
    expect(tableLines.slice(2)).toEqual(['| Cell 1, 1 | Cell 1, 2 |', '| Cell 2, 1 | Cell 2, 2 |', '| Cell 3, 1 | Cell 3, 2 |']);
  });

  it('lists both unsupported blocks (button, ai_block) with their ids and raw blocks', async () => {
    const { unrendered } = await render();
    const unsupported = unrendered.filter((u) => u.type === 'unsupported');
    expect(unsupported.map((u) => [u.blockId, u.reason])).toEqual([
      ['38a9ce7b-60a4-8043-b011-cab416977be3', 'unsupported by the Notion API: button'],
      ['38a9ce7b-60a4-80aa-925b-e2f06e080b90', 'unsupported by the Notion API: ai_block'],
    ]);
    expect(unsupported[0]!.raw).toMatchObject({ id: '38a9ce7b-60a4-8043-b011-cab416977be3', unsupported: { block_type: 'button' } });
  });

  it('renders the content of the synced original and of the reference (the original’s children)', async () => {
    const { markdown } = await render();
    expect(markdown).toContain('This is the original Paragraph on Page');
    expect(markdown).toContain('This is the original Paragraph on SubPage');
  });

  it('links the child page and the link_to_page relatively when the sub-page is exported', async () => {
    const { markdown } = await render({ exported: { [SUB_PAGE]: 'Markdown-SubPage-Test.md' } });
    expect(markdown).toContain('[Markdown SubPage Test](Markdown-SubPage-Test.md)');
    expect(markdown).toContain('[Linked page](Markdown-SubPage-Test.md)');
    expect(markdown).not.toContain('notion.so');
  });

  it('keeps the embed caption', async () => {
    const { markdown } = await render();
    expect(markdown).toContain('[https://picsum.photos/300/300](https://picsum.photos/300/300)\n\nCaption');
  });

  it('builds the table of contents from every heading, in order, with GitHub anchors', async () => {
    const { markdown } = await render();
    expect(markdown).toContain('- [Headline 1](#headline-1)\n  - [Headline 2](#headline-2)\n    - [Headline 3](#headline-3)\n- [Toggle Headline 1](#toggle-headline-1)');
  });

  it('uses the downloaded image and never the signed URL', async () => {
    const { markdown, unrendered } = await render({ assets: { 'block:38a9ce7b-60a4-81ed-988a-c79a10dc5a03': { href: 'assets/1004-300x300.jpg' } } });
    expect(markdown).toContain('![1004-300x300.jpg](assets/1004-300x300.jpg)');
    expect(markdown).not.toMatch(SIGNED_URL);
    expect(unrendered.some((u) => u.type === 'image')).toBe(false);
  });
});

describe('a first-level listing without nested content', () => {
  it('reports every block whose children were not crawled, visibly', async () => {
    const { markdown, unrendered } = await renderBlocks(treeOf('blocks-children-mixed-types.json', MIXED_PAGE), fakeRenderContext());
    const missing = unrendered.filter((u) => u.reason === 'has_children is true but no children were crawled');
    expect(missing.map((u) => u.type).sort()).toEqual(['column_list', 'synced_block', 'table']);
    expect(markdown).toContain('> ⚠️ Nested content of this table block was not available (block 38a9ce7b-60a4-814e-8ca0-ec6d540a617e)');
    // A synced reference whose original was not crawled says so.
    expect(markdown).toContain('Synced content not available: the original block 38a9ce7b-60a4-8197-92ef-c6e1c4dad50a');
    expect(unrendered.map((u) => u.blockId)).toContain('38a9ce7b-60a4-81d8-ac97-df3798e81f4b');
  });
});
