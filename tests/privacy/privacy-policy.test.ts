import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../src/config/config-schema.js';
import { excludedClosure, hideExcluded, PRIVATE_PAGE_TEXT, PrivacyPolicy, propertyEquals } from '../../src/privacy/privacy-policy.js';
import { compileTextPatterns, REDACTED_TEXT } from '../../src/privacy/text-patterns.js';
import type { CrawledPage } from '../../src/source/crawl-types.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const D = '44444444-4444-4444-8444-444444444444';
const BLOCK_IN_B = '55555555-5555-4555-8555-555555555555';
const hex = (id: string) => id.replaceAll('-', '');

const annotations = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };
const t = (content: string, url?: string) => ({ type: 'text', text: { content, link: url ? { url } : null }, annotations: { ...annotations }, plain_text: content, href: url ?? null });
const pageMention = (id: string, title: string) => ({ type: 'mention', mention: { type: 'page', page: { id } }, annotations: { ...annotations, bold: true }, plain_text: title, href: `https://www.notion.so/${hex(id)}` });
const blockOf = (type: string, payload: Record<string, unknown>, id = crypto.randomUUID(), children: unknown[] = []) => ({ object: 'block', id, type, [type]: payload, has_children: children.length > 0, children });

function unit(properties: Record<string, unknown>, blocks: unknown[]): CrawledPage {
  return { page: { object: 'page', id: A, properties, parent: { type: 'workspace', workspace: true } } as never, blocks: blocks as never };
}

const policy = (privacy: Partial<ReturnType<typeof configDefaults>['privacy']>) => new PrivacyPolicy({ ...configDefaults().privacy, ...privacy });

describe('text patterns', () => {
  const all = compileTextPatterns(['email', 'phone', 'url']);

  it.each([
    ['Mail jane.doe+wiki@example.co.uk now', `Mail ${REDACTED_TEXT} now`],
    ['Call +49 30 1234567 or +1 (555) 123-4567.', `Call ${REDACTED_TEXT} or ${REDACTED_TEXT}.`],
    ['Office 030 1234 5678, fax (0)30-123456', `Office ${REDACTED_TEXT}, fax ${REDACTED_TEXT}`],
    ['See https://example.org/path?q=1 for more', `See ${REDACTED_TEXT} for more`],
  ])('redacts %j', (input, expected) => {
    expect(all.redact(input)).toBe(expected);
  });

  it.each(['On 2026-11-29 at 09:30', 'In 2024 we had 1500 members', 'Room 0 12', 'Version 1.2.3', 'id 0123abc'])('leaves %j alone', (input) => {
    expect(all.redact(input)).toBe(input);
  });

  it('takes a regular expression, and checks links for mailto: and tel: targets but not for the url pattern', () => {
    const custom = compileTextPatterns([{ regex: 'IBAN [A-Z0-9 ]+\\d' }, 'email']);
    expect(custom.redact('Pay to IBAN DE12 3456 7890 please')).toBe(`Pay to ${REDACTED_TEXT} please`);
    expect(custom.inLink('mailto:jane%40example.org')).toBe(true);
    expect(compileTextPatterns(['url']).inLink('https://example.org')).toBe(false);
    expect(compileTextPatterns([]).redact('jane@example.org')).toBe('jane@example.org');
  });
});

describe('excludeWhere', () => {
  it.each<[string, Record<string, unknown>, string | number | boolean, boolean]>([
    ['select by name', { type: 'select', select: { name: 'Internal' } }, 'Internal', true],
    ['select other', { type: 'select', select: { name: 'Public' } }, 'Internal', false],
    ['empty select', { type: 'select', select: null }, 'Internal', false],
    ['status', { type: 'status', status: { name: 'Draft' } }, 'Draft', true],
    ['multi_select contains', { type: 'multi_select', multi_select: [{ name: 'Ops' }, { name: 'Secret' }] }, 'Secret', true],
    ['multi_select lacks', { type: 'multi_select', multi_select: [{ name: 'Ops' }] }, 'Secret', false],
    ['checkbox true', { type: 'checkbox', checkbox: true }, true, true],
    ['checkbox false', { type: 'checkbox', checkbox: false }, false, true],
    ['checkbox written as text', { type: 'checkbox', checkbox: true }, 'true', true],
    ['checkbox other', { type: 'checkbox', checkbox: false }, true, false],
    ['number', { type: 'number', number: 3 }, 3, true],
    ['rich_text', { type: 'rich_text', rich_text: [t('int'), t('ernal')] }, 'internal', true],
    ['email', { type: 'email', email: 'a@b.org' }, 'a@b.org', true],
    ['formula string', { type: 'formula', formula: { type: 'string', string: 'hide' } }, 'hide', true],
    ['people never', { type: 'people', people: [] }, 'x', false],
  ])('%s', (_name, value, equals, expected) => {
    expect(propertyEquals(value as never, equals)).toBe(expected);
  });

  it('a page is left out by itself when listed (id or URL) or when a rule matches', () => {
    const p = policy({ excludePages: [`https://www.notion.so/Secret-${hex(B)}`], excludeWhere: [{ property: 'Visibility', equals: 'Internal' }] });
    expect(p.directlyExcluded({ id: B })).toBe(true);
    expect(p.directlyExcluded({ id: C, properties: { Visibility: { type: 'select', select: { name: 'Internal' } } } })).toBe(true);
    expect(p.directlyExcluded({ id: C, properties: { Visibility: { type: 'select', select: { name: 'Public' } } } })).toBe(false);
    expect(p.directlyExcluded({ id: C, properties: {} })).toBe(false);
  });
});

describe('excludedClosure', () => {
  it('follows pages, rows, databases and block parents down from what is left out', () => {
    const nodes = new Map<string, { parent: Record<string, unknown> | undefined }>([
      [A, { parent: { type: 'workspace', workspace: true } }],
      [B, { parent: { type: 'page_id', page_id: A } }],
      [C, { parent: { type: 'block_id', block_id: BLOCK_IN_B } }],
      [D, { parent: { type: 'data_source_id', data_source_id: 'ds', database_id: C } }],
    ]);
    const owners = new Map([[BLOCK_IN_B, B]]);
    expect([...excludedClosure(nodes, owners, new Set([B]))].sort()).toEqual([B, C, D]);
    expect([...excludedClosure(nodes, owners, new Set([C]))].sort()).toEqual([C, D]);
    expect([...excludedClosure(nodes, owners, new Set())]).toEqual([]);
  });

  it('does not loop on a parent cycle', () => {
    const nodes = new Map([
      [A, { parent: { type: 'page_id', page_id: B } }],
      [B, { parent: { type: 'page_id', page_id: A } }],
    ]);
    expect([...excludedClosure(nodes, new Map(), new Set([C]))]).toEqual([C]);
  });
});

describe('redactPage', () => {
  it('replaces redacted properties by a stand-in and the text patterns in titles, text properties and blocks; the title is never redacted', () => {
    const p = policy({ redactPropertyTypes: ['email', 'people'], redactProperties: ['Budget', 'Name'], redactTextPatterns: ['email'] });
    const u = unit(
      {
        Name: { id: 'title', type: 'title', title: [t('Ask bob@example.org')] },
        Email: { id: 'e', type: 'email', email: 'x@y.org' },
        Owner: { id: 'o', type: 'people', people: [{ object: 'user', id: B }] },
        Budget: { id: 'b', type: 'number', number: 5 },
        Notes: { id: 'n', type: 'rich_text', rich_text: [t('write', 'mailto:x@y.org'), t(' to x@y.org')] },
      },
      [blockOf('paragraph', { rich_text: [t('a@b.org')], color: 'default' }, undefined, [blockOf('image', { type: 'external', external: { url: 'https://e.org/i.png' }, caption: [t('by c@d.org')] })])],
    );
    expect(p.redactPage(u)).toBe(3);
    const props = u.page.properties as Record<string, any>;
    expect(props.Email).toEqual({ id: 'e', type: 'email', redacted: true });
    expect(props.Owner).toEqual({ id: 'o', type: 'people', redacted: true });
    expect(props.Budget).toEqual({ id: 'b', type: 'number', redacted: true });
    expect(props.Name.title[0].plain_text).toBe(`Ask ${REDACTED_TEXT}`);
    expect(props.Notes.rich_text[0]).toMatchObject({ text: { content: 'write', link: null }, href: null });
    expect(props.Notes.rich_text[1]).toMatchObject({ text: { content: ` to ${REDACTED_TEXT}` }, plain_text: ` to ${REDACTED_TEXT}` });
    expect(JSON.stringify(u.blocks)).not.toMatch(/@[bd]\.org/);
    // Idempotent: a page from the page cache was redacted already.
    expect(p.redactPage(u)).toBe(3);
  });
});

describe('hideExcluded', () => {
  const isPrivate = (id: string) => id === B || id === BLOCK_IN_B;

  it('drops blocks pointing at a left-out page, turns mentions and links of it into "(private page)" and drops relations to it (and the page\'s rollups)', () => {
    const u = unit(
      {
        Name: { id: 'title', type: 'title', title: [t('Home')] },
        Related: { id: 'r', type: 'relation', relation: [{ id: B }, { id: C }], has_more: false },
        Roll: { id: 'x', type: 'rollup', rollup: { type: 'array', function: 'show_original', array: [{ type: 'relation', relation: [{ id: B }] }] } },
      },
      [
        blockOf('child_page', { title: 'Secret' }, B),
        blockOf('child_page', { title: 'Fine' }, C),
        blockOf('link_to_page', { type: 'page_id', page_id: B }),
        blockOf('link_to_page', { type: 'page_id', page_id: C }),
        blockOf('bookmark', { url: `https://www.notion.so/Secret-${hex(B)}`, caption: [] }),
        blockOf('toggle', { rich_text: [t('More')], color: 'default' }, undefined, [
          blockOf('paragraph', { rich_text: [pageMention(B, 'Secret'), t(' and '), t('there', `/${hex(A)}#${hex(BLOCK_IN_B)}`), t(' and '), pageMention(C, 'Fine')], color: 'default' }),
        ]),
      ],
    );
    hideExcluded(u, isPrivate);
    const json = JSON.stringify(u);
    expect(json).not.toContain('Secret');
    expect(json).not.toContain(hex(B));
    expect(json).not.toContain(B);
    expect(u.blocks.map((b) => b.type)).toEqual(['child_page', 'link_to_page', 'paragraph', 'toggle']);
    expect((u.blocks[2] as any).paragraph.rich_text[0].plain_text).toBe(PRIVATE_PAGE_TEXT);
    const paragraph = (u.blocks[3]!.children[0] as any).paragraph.rich_text;
    expect(paragraph.map((r: { plain_text: string }) => r.plain_text).join('')).toBe(`${PRIVATE_PAGE_TEXT} and ${PRIVATE_PAGE_TEXT} and Fine`);
    expect(paragraph[0]).toMatchObject({ type: 'text', href: null, annotations: { bold: true } });
    expect(paragraph[4].type).toBe('mention');
    const props = u.page.properties as Record<string, any>;
    expect(props.Related.relation).toEqual([{ id: C }]);
    // A rollup cannot tell its items apart: with a left-out page related, it is redacted.
    expect(props.Roll).toEqual({ id: 'x', type: 'rollup', redacted: true });
  });
});
