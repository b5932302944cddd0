import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LinkIndex, PageLinks } from '../../src/links/link-index.js';
import type { PageEntry, PageRecord, PropertyValue } from '../../src/normalise/schemas.js';
import type { PathPlan } from '../../src/publish/plan-paths.js';
import { databaseDocument, pageDocument } from '../../src/render/markdown/documents.js';
import { renderBlocks } from '../../src/render/markdown/render-blocks.js';
import { fakeRenderContext } from './fake-render-context.js';
import { makeBlock, text } from './make-block.js';

const HOME = '11111111-1111-4111-8111-111111111111';
const DB = '44444444-4444-4444-8444-444444444444';
const ROW = '55555555-5555-4555-8555-555555555555';
const PARTNER = '66666666-6666-4666-8666-666666666666';
const OUTSIDE = '99999999-9999-4999-8999-999999999999';
const SHA = 'b'.repeat(64);

const ROW_MD = 'pages/home-11111111/sessions-44444444/kick-off-55555555.md';
const PARTNER_MD = 'pages/home-11111111/partners/singa_berlin-66666666.md';
const DB_MD = 'pages/home-11111111/sessions-44444444.md';

function plan(): PathPlan {
  const page = (markdown: string, parentId: string | null, databaseId: string | null = null) => ({ markdown, record: 'records/x.json', parentId, databaseId });
  return {
    pages: new Map([
      [HOME, page('pages/home-11111111.md', null)],
      [ROW, page(ROW_MD, DB, DB)],
      [PARTNER, page(PARTNER_MD, HOME)],
    ]),
    databases: new Map([[DB, { markdown: DB_MD, json: 'pages/home-11111111/sessions-44444444.json', csv: ['pages/home-11111111/sessions-44444444.csv'], parentId: HOME }]]),
    pageOfBlock: new Map(),
  };
}

const titles: Record<string, string> = { [HOME]: 'Home', [ROW]: 'Kick-off', [PARTNER]: 'SINGA_Berlin', [OUTSIDE]: 'Not shared' };
const titleOf = (id: string) => titles[id] ?? null;

const user = { id: '00000000-0000-4000-8000-0000000000f1', name: 'Ana', type: 'person' as const };

const properties: Record<string, PropertyValue> = {
  Name: { type: 'title', value: { text: 'Kick-off', markdown: 'Kick-off' } },
  Done: { type: 'checkbox', value: true },
  Budget: { type: 'number', value: 860 },
  'Is online': { type: 'formula', value: { type: 'boolean', value: false } },
  'Per facilitator': { type: 'formula', value: { type: 'number', value: 22 } },
  Label: { type: 'formula', value: { type: 'string', value: '42' } },
  'Total hours': { type: 'rollup', value: { type: 'number', function: 'sum', value: 12.5 } },
  Scores: {
    type: 'rollup',
    value: {
      type: 'array',
      function: 'show_original',
      value: [
        { type: 'number', value: 3 },
        { type: 'checkbox', value: false },
      ],
    },
  },
  Number: { type: 'unique_id', value: { prefix: null, number: 7, text: '7' } },
  Code: { type: 'unique_id', value: { prefix: 'ACAD', number: 52, text: 'ACAD-52' } },
  Partners: {
    type: 'relation',
    value: [
      { id: PARTNER, path: PARTNER_MD },
      { id: OUTSIDE, path: null },
    ],
  },
  Slides: {
    type: 'files',
    value: [{ name: 'slides.pdf', source: 'file', path: `assets/${SHA}.pdf`, sha256: SHA, bytes: 10, mimeType: 'application/pdf', url: null } as never],
  },
};

const entry: PageEntry = {
  id: ROW,
  title: 'Kick-off',
  path: ROW_MD,
  record: `records/${ROW}.json`,
  parentId: DB,
  databaseId: DB,
  url: 'https://www.notion.so/Kick-off-55555555555545558555555555555555',
  createdTime: '2024-01-08T08:19:00.000Z',
  lastEditedTime: '2024-01-08T08:19:00.000Z',
};

const record = { ...entry, icon: null, cover: null, properties, links: [], assets: [], plainText: '', unrendered: [], authors: { createdBy: user, lastEditedBy: user }, digest: `sha256:${'0'.repeat(64)}` } as PageRecord;

const frontmatterOf = (md: string) => parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(md)![1]!) as Record<string, unknown> & { properties: Record<string, unknown> };

describe('pageDocument frontmatter', () => {
  const md = pageDocument(entry, record, '', titleOf, new PageLinks(new LinkIndex(plan()), ROW, ROW_MD));
  const props = frontmatterOf(md).properties;

  it('keeps booleans as YAML booleans, for checkboxes and formulas alike', () => {
    expect(props.Done).toBe(true);
    expect(props['Is online']).toBe(false);
  });

  it('keeps numbers as YAML numbers, for numbers, formulas, rollups and rollup arrays', () => {
    expect(props.Budget).toBe(860);
    expect(props['Per facilitator']).toBe(22);
    expect(props['Total hours']).toBe(12.5);
    expect(props.Scores).toEqual([3, false]);
    expect(props.Number).toBe(7);
  });

  it('keeps strings as strings, even when they look like numbers', () => {
    expect(props.Label).toBe('42');
    expect(props.Code).toBe('ACAD-52');
  });
});

describe('pageDocument headings', () => {
  it('has exactly one H1 (the title) and no leftover HTML comment, even with a heading_1 and a breadcrumb first', async () => {
    const blocks = [
      makeBlock('breadcrumb', {}),
      makeBlock('heading_1', { rich_text: [text('Kick-off')], is_toggleable: false, color: 'default' }),
      makeBlock('heading_1', { rich_text: [text('Welcome')], is_toggleable: false, color: 'default' }),
      makeBlock('paragraph', { rich_text: [text('Body')], color: 'default' }),
    ];
    const body = await renderBlocks(blocks, fakeRenderContext({ pageId: ROW, titles }));
    const md = pageDocument(entry, record, body.markdown, titleOf, new PageLinks(new LinkIndex(plan()), ROW, ROW_MD));
    const content = md.replace(/^---\n[\s\S]*?\n---\n/, '');
    expect(content.split('\n').filter((l) => /^# /.test(l))).toEqual(['# Kick-off']);
    expect(content).not.toContain('<!--');
    expect(content).toContain('\n## Welcome\n');
  });
});

describe('databaseDocument', () => {
  const links = new PageLinks(new LinkIndex(plan()), DB, DB_MD);
  const md = databaseDocument(
    { url: 'https://www.notion.so/44444444444444448444444444444444' } as never,
    {
      id: DB,
      title: 'Sessions',
      url: 'https://www.notion.so/44444444444444448444444444444444',
      parentId: HOME,
      createdTime: '2024-01-09T21:36:54.417Z',
      lastEditedTime: '2024-01-09T21:36:54.417Z',
      description: '',
      path: 'pages/home-11111111/sessions-44444444.json',
    } as never,
    [{ name: 'Sessions', schema: { Name: { type: 'title' }, Partners: { type: 'relation' }, Slides: { type: 'files' } }, rows: [{ id: ROW, title: 'Kick-off', path: ROW_MD, properties }], csv: 'pages/home-11111111/sessions-44444444.csv' }],
    links,
    titleOf,
  );
  const row = md.split('\n').find((l) => l.startsWith('| [Kick-off]'))!;
  const cells = row.split(' | ');

  it('links file cells relative to the overview file', () => {
    expect(cells[2]).toBe(`[slides.pdf](../../assets/${SHA}.pdf) |`);
  });

  it('links related rows to their pages, and keeps the plain name of a target outside the export', () => {
    expect(cells[1]).toBe('[SINGA\\_Berlin](./partners/singa_berlin-66666666.md), Not shared');
    expect(links.unresolved).toEqual([]);
  });
});
