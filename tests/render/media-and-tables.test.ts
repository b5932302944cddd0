import { describe, expect, it } from 'vitest';
import { assetKeys } from '../../src/assets/asset-keys.js';
import { renderBlocks } from '../../src/render/markdown/render-blocks.js';
import type { BlockNode } from '../../src/source/block-tree.js';
import { fakeRenderContext, type FakeExport } from './fake-render-context.js';
import { loadFixture } from './fixture-trees.js';
import { makeBlock, text } from './make-block.js';

/** The recorded Notion-hosted image (signed S3 URL, expiry_time) from blocks-children-mixed-types.json. */
function recordedHostedImage(): BlockNode {
  const body = loadFixture<{ results: Array<{ type: string }> }>('blocks-children-mixed-types.json');
  const image = body.results.find((b) => b.type === 'image')!;
  return { ...image, children: [] } as unknown as BlockNode;
}

const SIGNED_URL = /prod-files-secure|X-Amz-/;
const hosted = (type: string, caption = 'the caption', name?: string): BlockNode =>
  makeBlock(type, {
    type: 'file',
    file: { url: `https://prod-files-secure.s3.us-west-2.amazonaws.com/ws/f/report.bin?X-Amz-Signature=REDACTED`, expiry_time: '2025-01-01T01:00:00.000Z' },
    caption: [text(caption)],
    ...(name ? { name } : {}),
  });

describe('files come only from ctx.asset', () => {
  it.each([
    ['downloaded', { href: 'assets/1004-300x300.jpg' }, '![1004-300x300.jpg](assets/1004-300x300.jpg)', false],
    ['download failed', { error: 'HTTP 403' }, '> ⚠️ File not available: 1004-300x300.jpg (HTTP 403)', true],
    ['not downloaded', undefined, '> ⚠️ File not available: 1004-300x300.jpg (not downloaded)', true],
  ] as const)('recorded Notion-hosted image, %s', async (_case, asset, expected, reported) => {
    const image = recordedHostedImage();
    const fake: FakeExport = asset ? { assets: { [assetKeys.block(image.id)]: asset } } : {};
    const { markdown, unrendered } = await renderBlocks([image], fakeRenderContext(fake));
    expect(markdown).toContain(expected);
    expect(markdown).not.toMatch(SIGNED_URL);
    expect(unrendered.map((u) => u.blockId)).toEqual(reported ? [image.id] : []);
    // The raw block in the report carries no signed URL either.
    expect(JSON.stringify(unrendered)).not.toMatch(SIGNED_URL);
  });

  it.each(['image', 'video', 'pdf', 'file', 'audio'])('%s: caption kept, asset name used, never the signed URL', async (type) => {
    const node = hosted(type, 'Budget 2025', 'budget.xlsx');
    const { markdown } = await renderBlocks([node], fakeRenderContext({ assets: { [assetKeys.block(node.id)]: { href: 'files/budget.xlsx', name: 'budget.xlsx' } } }));
    expect(markdown).toContain(type === 'image' ? '![Budget 2025](files/budget.xlsx)' : '[budget.xlsx](files/budget.xlsx)');
    expect(markdown).toContain('\n\nBudget 2025');
    expect(markdown).not.toMatch(SIGNED_URL);
  });

  it.each(['image', 'video', 'pdf', 'file', 'audio'])('%s: a missing asset is a visible note with the caption still there', async (type) => {
    const node = hosted(type, 'Kept caption', 'minutes.docx');
    const { markdown, unrendered } = await renderBlocks([node], fakeRenderContext());
    expect(markdown).toBe('> ⚠️ File not available: minutes.docx (not downloaded)\n\nKept caption\n');
    expect(unrendered).toEqual([expect.objectContaining({ blockId: node.id, type, reason: 'file not available: not downloaded' })]);
  });

  it('an external file with a downloaded copy uses the copy', async () => {
    const node = makeBlock('pdf', { type: 'external', external: { url: 'https://ex.org/a.pdf' }, caption: [] });
    const { markdown } = await renderBlocks([node], fakeRenderContext({ assets: { [assetKeys.block(node.id)]: { href: 'files/a.pdf' } } }));
    expect(markdown).toBe('[a.pdf](files/a.pdf)\n');
  });

  it('an "external" file that is really a signed Notion URL is not linked', async () => {
    const node = makeBlock('file', { type: 'external', external: { url: 'https://prod-files-secure.s3.us-west-2.amazonaws.com/a/b/c.txt?X-Amz-Signature=x' }, caption: [], name: 'c.txt' });
    const { markdown } = await renderBlocks([node], fakeRenderContext());
    expect(markdown).toContain('File not available: c.txt');
    expect(markdown).not.toMatch(SIGNED_URL);
  });

  it('a signed URL pasted as plain text is removed and reported', async () => {
    const url = 'https://prod-files-secure.s3.us-west-2.amazonaws.com/ws/f/x.png?X-Amz-Signature=abc';
    const local = 'http://127.0.0.1:4010/files/f1/x.png?expires=1700000000&sig=abc';
    const node = makeBlock('paragraph', { rich_text: [text(`see ${url} and ${local}`)], color: 'default' });
    const { markdown, unrendered } = await renderBlocks([node], fakeRenderContext());
    expect(markdown).toBe('see (expiring Notion file URL removed) and (expiring Notion file URL removed)\n');
    expect(unrendered).toEqual([expect.objectContaining({ blockId: node.id, type: 'paragraph', reason: '2 expiring Notion file URL(s) found in text were removed' })]);
  });
});

describe('tables', () => {
  const row = (...cells: string[]) => makeBlock('table_row', { cells: cells.map((c) => [text(c)]) });

  it('escapes pipes and turns line breaks into <br> inside cells', async () => {
    const table = makeBlock('table', { table_width: 2, has_column_header: true, has_row_header: false }, [row('a|b', 'x'), row('line 1\nline 2', '`|`')]);
    const { markdown } = await renderBlocks([table], fakeRenderContext());
    expect(markdown).toBe('| a\\|b | x |\n| --- | --- |\n| line 1<br>line 2 | \\`\\|\\` |\n');
  });

  it('bolds the first cell of each row when it has a row header, and keeps an empty header without a column header', async () => {
    const table = makeBlock('table', { table_width: 2, has_column_header: false, has_row_header: true }, [row('Partner', 'TU Delft'), row('Budget', '12 €')]);
    const { markdown } = await renderBlocks([table], fakeRenderContext());
    expect(markdown).toBe('|  |  |\n| --- | --- |\n| **Partner** | TU Delft |\n| **Budget** | 12 € |\n');
  });

  it('pads short rows to the table width so no column disappears', async () => {
    const table = makeBlock('table', { table_width: 3, has_column_header: true, has_row_header: false }, [row('a', 'b', 'c'), row('only')]);
    const { markdown } = await renderBlocks([table], fakeRenderContext());
    expect(markdown.split('\n')[2]).toBe('| only |  |  |');
  });
});

describe('lists', () => {
  const item = (type: string, label: string, children: BlockNode[] = [], extra: object = {}) =>
    makeBlock(type, { rich_text: [text(label)], color: 'default', ...extra }, children);

  it('numbers each run of numbered items from its start index and restarts after an interruption', async () => {
    const blocks = [
      item('numbered_list_item', 'a'),
      item('numbered_list_item', 'b'),
      item('paragraph', 'break'),
      item('numbered_list_item', 'c', [], { list_start_index: 5 }),
      item('numbered_list_item', 'd'),
    ];
    const { markdown } = await renderBlocks(blocks, fakeRenderContext());
    expect(markdown).toBe('1. a\n2. b\n\nbreak\n\n5. c\n6. d\n');
  });

  it('indents nested items to the parent content column', async () => {
    const blocks = [item('numbered_list_item', 'parent', [item('bulleted_list_item', 'child', [item('to_do', 'grandchild', [], { checked: false })])])];
    const { markdown } = await renderBlocks(blocks, fakeRenderContext());
    expect(markdown).toBe('1. parent\n   - child\n     - [ ] grandchild\n');
  });

  it('renders an empty to-do as a GFM task item (text after the box), not as literal brackets', async () => {
    const blocks = [
      makeBlock('to_do', { rich_text: [], checked: false, color: 'default' }),
      makeBlock('to_do', { rich_text: [text('  ')], checked: true, color: 'default' }),
      item('to_do', 'done', [], { checked: true }),
    ];
    const { markdown } = await renderBlocks(blocks, fakeRenderContext());
    const lines = markdown.trimEnd().split('\n');
    expect(lines).toEqual(['- [ ] &nbsp;', '- [x] &nbsp;', '- [x] done']);
    // GFM: a task list item marker must be followed by whitespace and then content on the line.
    for (const line of lines) expect(line).toMatch(/^- \[[ x]\][ \t]+\S/);
  });

  it('keeps a toggle inside a list item and separates the next item from its HTML block', async () => {
    const blocks = [item('bulleted_list_item', 'one', [item('toggle', 'more', [item('paragraph', 'hidden')])]), item('bulleted_list_item', 'two')];
    const { markdown } = await renderBlocks(blocks, fakeRenderContext());
    expect(markdown).toBe('- one\n\n  <details>\n  <summary>more</summary>\n\n  hidden\n\n  </details>\n\n- two\n');
  });
});
