import type { BlockObjectResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { handlers } from '../../src/render/markdown/handlers/index.js';
import { renderBlocks } from '../../src/render/markdown/render-blocks.js';
import type { BlockNode } from '../../src/source/block-tree.js';
import { fakeRenderContext } from './fake-render-context.js';
import { makeBlock, text } from './make-block.js';

/** Every block type of the SDK's BlockObjectResponse union (the type check below fails when the SDK adds one). */
const ALL_TYPES = [
  'paragraph', 'heading_1', 'heading_2', 'heading_3', 'heading_4', 'bulleted_list_item', 'numbered_list_item', 'quote', 'to_do',
  'toggle', 'template', 'synced_block', 'child_page', 'child_database', 'equation', 'code', 'callout', 'divider', 'breadcrumb',
  'table_of_contents', 'tab', 'column_list', 'column', 'link_to_page', 'table', 'table_row', 'meeting_notes', 'transcription',
  'embed', 'bookmark', 'image', 'video', 'pdf', 'file', 'audio', 'link_preview', 'unsupported',
] as const satisfies ReadonlyArray<BlockObjectResponse['type']>;
type Missing = Exclude<BlockObjectResponse['type'], (typeof ALL_TYPES)[number]>;
const everyTypeListed: [Missing] extends [never] ? true : Missing = true;

const child = (): BlockNode => makeBlock('paragraph', { rich_text: [text('child survives')], color: 'default' });
const rt = (s: string) => [text(s)];

/** A minimal block of each type, and a string its Markdown must contain. */
const CASES: Record<(typeof ALL_TYPES)[number], { block: () => BlockNode; expected: string; reported?: boolean }> = {
  paragraph: { block: () => makeBlock('paragraph', { rich_text: rt('para'), color: 'default' }), expected: 'para' },
  heading_1: { block: () => makeBlock('heading_1', { rich_text: rt('H'), is_toggleable: true, color: 'default' }, [child()]), expected: '## H\n\nchild survives' },
  heading_2: { block: () => makeBlock('heading_2', { rich_text: rt('H'), is_toggleable: false, color: 'default' }), expected: '### H' },
  heading_3: { block: () => makeBlock('heading_3', { rich_text: rt('H'), is_toggleable: false, color: 'default' }), expected: '#### H' },
  heading_4: { block: () => makeBlock('heading_4', { rich_text: rt('H'), is_toggleable: true, color: 'default' }, [child()]), expected: '##### H\n\nchild survives' },
  bulleted_list_item: { block: () => makeBlock('bulleted_list_item', { rich_text: rt('b'), color: 'default' }, [child()]), expected: '- b\n\n  child survives' },
  numbered_list_item: { block: () => makeBlock('numbered_list_item', { rich_text: rt('n'), color: 'default' }), expected: '1. n' },
  quote: { block: () => makeBlock('quote', { rich_text: rt('q'), color: 'default' }, [child()]), expected: '> q\n>\n> child survives' },
  to_do: { block: () => makeBlock('to_do', { rich_text: rt('t'), checked: true, color: 'default' }), expected: '- [x] t' },
  toggle: { block: () => makeBlock('toggle', { rich_text: rt('T'), color: 'default' }, [child()]), expected: '<details>\n<summary>T</summary>\n\nchild survives\n\n</details>' },
  template: { block: () => makeBlock('template', { rich_text: rt('Tpl') }, [child()]), expected: '<summary>Template: Tpl</summary>\n\nchild survives' },
  synced_block: { block: () => makeBlock('synced_block', { synced_from: null }, [child()]), expected: 'child survives' },
  child_page: { block: () => makeBlock('child_page', { title: 'Sub' }), expected: '[Sub](https://www.notion.so/' },
  child_database: { block: () => makeBlock('child_database', { title: 'DB' }), expected: '[DB](https://www.notion.so/' },
  equation: { block: () => makeBlock('equation', { expression: 'a^2' }), expected: '$$\na^2\n$$' },
  code: { block: () => makeBlock('code', { rich_text: rt('x = 1'), caption: rt('cap'), language: 'python' }), expected: '```python\nx = 1\n```\n\ncap' },
  callout: { block: () => makeBlock('callout', { rich_text: rt('c'), icon: { type: 'emoji', emoji: '💡' }, color: 'default' }, [child()]), expected: '> 💡 c\n>\n> child survives' },
  divider: { block: () => makeBlock('divider', {}), expected: '---' },
  breadcrumb: { block: () => makeBlock('breadcrumb', {}), expected: '' },
  table_of_contents: { block: () => makeBlock('table_of_contents', { color: 'default' }), expected: 'the page has no headings' },
  tab: { block: () => makeBlock('tab', {}, [child()]), expected: 'child survives' },
  column_list: { block: () => makeBlock('column_list', {}, [makeBlock('column', {}, [child()]), makeBlock('column', {}, [child()])]), expected: 'child survives\n\nchild survives' },
  column: { block: () => makeBlock('column', {}, [child()]), expected: 'child survives' },
  link_to_page: { block: () => makeBlock('link_to_page', { type: 'database_id', database_id: 'db-1' }), expected: '[Linked database](https://www.notion.so/db1)' },
  table: {
    block: () => makeBlock('table', { table_width: 2, has_column_header: true, has_row_header: false }, [makeBlock('table_row', { cells: [rt('a'), rt('b')] })]),
    expected: '| a | b |\n| --- | --- |',
  },
  table_row: { block: () => makeBlock('table_row', { cells: [rt('a'), rt('b')] }), expected: '| a | b |' },
  meeting_notes: { block: () => makeBlock('meeting_notes', { title: rt('Standup'), status: 'notes_ready' }, [child()]), expected: '**Standup**\n\nchild survives' },
  transcription: { block: () => makeBlock('transcription', { title: rt('Old standup') }), expected: 'Meeting notes content not available', reported: true },
  embed: { block: () => makeBlock('embed', { url: 'https://example.org/e', caption: rt('cap') }), expected: '[https://example.org/e](https://example.org/e)\n\ncap' },
  bookmark: { block: () => makeBlock('bookmark', { url: 'https://example.org/b', caption: rt('cap') }), expected: '[https://example.org/b](https://example.org/b)\n\ncap' },
  image: { block: () => makeBlock('image', { type: 'external', external: { url: 'https://example.org/i.png' }, caption: rt('cap') }), expected: '![cap](https://example.org/i.png)' },
  video: { block: () => makeBlock('video', { type: 'external', external: { url: 'https://example.org/v.mp4' }, caption: [] }), expected: '[v.mp4](https://example.org/v.mp4)' },
  pdf: { block: () => makeBlock('pdf', { type: 'external', external: { url: 'https://example.org/d.pdf' }, caption: [] }), expected: '[d.pdf](https://example.org/d.pdf)' },
  file: { block: () => makeBlock('file', { type: 'external', external: { url: 'https://example.org/f.zip' }, caption: [], name: 'Report.zip' }), expected: '[Report.zip](https://example.org/f.zip)' },
  audio: { block: () => makeBlock('audio', { type: 'external', external: { url: 'https://example.org/a.mp3' }, caption: rt('cap') }), expected: '[a.mp3](https://example.org/a.mp3)\n\ncap' },
  link_preview: { block: () => makeBlock('link_preview', { url: 'https://github.com/o/r/pull/1' }), expected: '[https://github.com/o/r/pull/1](https://github.com/o/r/pull/1)' },
  unsupported: { block: () => makeBlock('unsupported', { block_type: 'button' }), expected: '⚠️ Block not exported: the Notion API does not provide "button" blocks', reported: true },
};

describe('every SDK block type', () => {
  it('is listed in this test (type-level check)', () => {
    expect(everyTypeListed).toBe(true);
  });

  it.each(ALL_TYPES)('%s has its own handler in the registry', (type) => {
    expect(Object.hasOwn(handlers, type)).toBe(true);
  });

  it('the registry holds no handler for a type the SDK does not have', () => {
    expect(Object.keys(handlers).sort()).toEqual([...ALL_TYPES].sort());
  });

  it.each(ALL_TYPES)('%s renders its content and keeps its children', async (type) => {
    const { block, expected, reported = false } = CASES[type];
    const node = block();
    const { markdown, unrendered } = await renderBlocks([node], fakeRenderContext());
    expect(markdown).toContain(expected);
    expect(markdown).not.toContain('unknown block type');
    expect(unrendered.some((u) => u.blockId === node.id)).toBe(reported);
  });
});

describe('headings and breadcrumb', () => {
  it('writes headings one level below the page title (the only H1) and a breadcrumb as nothing', async () => {
    const heading = (level: number, label: string) => makeBlock(`heading_${level}`, { rich_text: rt(label), is_toggleable: false, color: 'default' });
    const blocks = [makeBlock('breadcrumb', {}), heading(1, 'One'), heading(2, 'Two'), heading(3, 'Three'), heading(4, 'Four')];
    const { markdown, unrendered } = await renderBlocks(blocks, fakeRenderContext());
    expect(markdown).toBe('## One\n\n### Two\n\n#### Three\n\n##### Four\n');
    expect(unrendered).toEqual([]);
  });
});

describe('a block type newer than the SDK', () => {
  it('becomes a visible placeholder and an unrendered entry with the raw block, and its children survive', async () => {
    const node = makeBlock('hologram', { depth: 3 }, [child()]);
    const { markdown, unrendered } = await renderBlocks([node], fakeRenderContext());
    expect(markdown).toContain(`> ⚠️ Block not exported: unknown block type "hologram" (block ${node.id})`);
    expect(markdown).toContain('child survives');
    expect(unrendered).toEqual([{ blockId: node.id, type: 'hologram', reason: 'unknown block type: hologram', raw: expect.objectContaining({ hologram: { depth: 3 } }) }]);
  });

  it('named like an Object.prototype member still goes to the placeholder', async () => {
    const node = makeBlock('constructor', {});
    const { unrendered } = await renderBlocks([node], fakeRenderContext());
    expect(unrendered.map((u) => u.reason)).toEqual(['unknown block type: constructor']);
  });
});
