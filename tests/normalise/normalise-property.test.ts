import { describe, expect, it } from 'vitest';
import { normaliseProperties, normaliseProperty, type PagePropertyValue } from '../../src/normalise/normalise-property.js';
import { PropertyValueSchema, type PropertyValue } from '../../src/normalise/schemas.js';
import { loadFixture, pagesOf, testContext } from './helpers.js';

const PROPERTY_FIXTURES = [
  'page-all-property-types.json',
  'data-source-query-all-props-db.json',
  'data-source-query-formula-types.exchanges.json',
  'data-source-query-rollup-types.exchanges.json',
  'page-relation-has-more-and-property-pagination.exchanges.json',
  'page-rich-text-50-mentions.json',
  'legacy/search-page-unique-id-number-null.json',
];

/** Property values of all pages of a fixture, normalised, by page id then property name. */
function normaliseFixture(name: string, options: Parameters<typeof testContext>[0] = {}) {
  const pages = pagesOf(loadFixture(name));
  return pages.map((page) => {
    const ctx = testContext({ ...options, pageId: page.id });
    return { page, ctx, properties: normaliseProperties(page.properties, ctx) };
  });
}

function prop(fixture: string, name: string, options: Parameters<typeof testContext>[0] = {}): PropertyValue {
  const [first] = normaliseFixture(fixture, options);
  const value = first!.properties[name];
  if (value === undefined) throw new Error(`${fixture} has no property ${name}`);
  return value;
}

describe('normaliseProperties over the recorded fixtures', () => {
  it.each(PROPERTY_FIXTURES)('%s: every value is a known type and valid against PropertyValueSchema', (fixture) => {
    const results = normaliseFixture(fixture);
    expect(results.length).toBeGreaterThan(0);
    for (const { page, properties } of results) {
      expect(Object.keys(properties).sort()).toEqual(Object.keys(page.properties).sort());
      for (const [name, value] of Object.entries(properties)) {
        expect('unknown' in value, `${fixture} ${page.id} ${name} fell back to unknown`).toBe(false);
        expect(value.type).toBe(page.properties[name].type);
        expect(PropertyValueSchema.safeParse(value).success, `${fixture} ${name}`).toBe(true);
      }
    }
  });

  it.each(PROPERTY_FIXTURES.filter((f) => !f.startsWith('page-relation-has-more')))('%s: no warnings', (fixture) => {
    for (const { ctx } of normaliseFixture(fixture)) expect(ctx.warnings).toEqual([]);
  });

  it('orders the title property first, then by name in code-point order', () => {
    const [{ properties }] = normaliseFixture('data-source-query-all-props-db.json') as unknown as [{ properties: Record<string, PropertyValue> }];
    const names = Object.keys(properties);
    expect(names[0]).toBe('Title');
    const rest = names.slice(1);
    expect(rest).toEqual([...rest].sort());
    expect(rest.slice(0, 3)).toEqual(['AI custom', 'AI key info', 'AI summary']);
  });
});

describe('concrete values', () => {
  const ALL = 'page-all-property-types.json';
  const DB = 'data-source-query-all-props-db.json';
  const FORMULA = 'data-source-query-formula-types.exchanges.json';
  const ROLLUP = 'data-source-query-rollup-types.exchanges.json';
  const adam = { id: '00000000-0000-4000-8000-0000000000fa', name: 'Adam Dangoor', type: 'person', email: 'redacted@example.com' };
  const bot = { id: '00000000-0000-4000-8000-0000000000f1', name: 'Ultimate Notion Tests', type: 'bot' };

  it.each<[string, string, unknown]>([
    [ALL, 'Title', { type: 'title', value: { text: 'Title', markdown: 'Title' } }],
    [ALL, 'Text', { type: 'rich_text', value: { text: 'Text', markdown: 'Text' } }],
    [ALL, 'Number', { type: 'number', value: 42 }],
    [ALL, 'Select', { type: 'select', value: { name: 'Option1', color: 'default' } }],
    [ALL, 'Multi-select', { type: 'multi_select', value: [{ name: 'Option1', color: 'default' }] }],
    [ALL, 'Date', { type: 'date', value: { start: '2021-01-01', end: null, timeZone: null } }],
    [ALL, 'People', { type: 'people', value: [adam] }],
    [ALL, 'Files', { type: 'files', value: [{ name: 'My File', source: 'external', path: null, url: 'https://www.google.de/robots.txt' }] }],
    [ALL, 'Checkbox', { type: 'checkbox', value: true }],
    [ALL, 'URL', { type: 'url', value: 'https://ultimate-notion.com/' }],
    [ALL, 'Email', { type: 'email', value: 'email@provider.com' }],
    [ALL, 'Phone number', { type: 'phone_number', value: '+1 234 567 890' }],
    [ALL, 'Formula', { type: 'formula', value: { type: 'number', value: 84 } }],
    [ALL, 'Rollup', { type: 'rollup', value: { type: 'number', function: 'count', value: 2 } }],
    [ALL, 'ID', { type: 'unique_id', value: { prefix: 'ALLCOLS634', number: 3, text: 'ALLCOLS634-3' } }],
    [ALL, 'Created time', { type: 'created_time', value: '2026-06-27T06:00:00.000Z' }],
    [ALL, 'Created by', { type: 'created_by', value: bot }],
    [ALL, 'Last edited by', { type: 'last_edited_by', value: bot }],
    [ALL, 'Last edited time', { type: 'last_edited_time', value: '2026-06-27T06:00:00.000Z' }],
    [DB, 'Status', { type: 'status', value: { name: 'Not started', color: 'default' } }],
    [DB, 'ID', { type: 'unique_id', value: { prefix: null, number: 3, text: '3' } }],
    [DB, 'Select', { type: 'select', value: null }],
    [DB, 'Button', { type: 'button', value: null }],
    [DB, 'Place', { type: 'place', value: null }],
    [DB, 'Date', { type: 'date', value: null }],
    [DB, 'Formula', { type: 'formula', value: { type: 'string', value: null } }],
    [DB, 'Files', { type: 'files', value: [] }],
    [DB, 'AI summary', { type: 'rich_text', value: { text: '', markdown: '' } }],
    [FORMULA, 'String', { type: 'formula', value: { type: 'string', value: 'Item 2' } }],
    [FORMULA, 'Number', { type: 'formula', value: { type: 'number', value: 1 } }],
    [FORMULA, 'Checkbox', { type: 'formula', value: { type: 'boolean', value: false } }],
    [FORMULA, 'Date', { type: 'formula', value: { type: 'date', value: { start: '2024-11-25T14:08:00.000Z', end: null, timeZone: null } } }],
    [FORMULA, 'Tags', { type: 'multi_select', value: [{ name: 'In Progress', color: 'pink' }] }],
    [ROLLUP, 'Rollup Date', { type: 'rollup', value: { type: 'date', function: 'earliest_date', value: null } }],
    [ROLLUP, 'Rollup Number', { type: 'rollup', value: { type: 'number', function: 'max', value: null } }],
    [ROLLUP, 'Rollup Title', { type: 'rollup', value: { type: 'array', function: 'show_original', value: [] } }],
    ['legacy/search-page-unique-id-number-null.json', 'Task ID', { type: 'unique_id', value: { prefix: null, number: null, text: null } }],
  ])('%s → %s', (fixture, name, expected) => {
    expect(prop(fixture, name)).toEqual(expected);
  });

  it('keys files by assetKeys.property(page, property id, index) and passes external links on', () => {
    const [{ ctx }] = normaliseFixture(ALL) as unknown as [{ ctx: ReturnType<typeof testContext> }];
    expect(ctx.fileRequests).toEqual([
      {
        key: 'property:38c9ce7b-60a4-81a7-af53-e2ed822a1d7f:VWNE:0',
        file: { name: 'My File', type: 'external', external: { url: 'https://www.google.de/robots.txt' } },
      },
    ]);
  });

  it('resolves relation targets to their Markdown files, null outside the export', () => {
    const value = prop(ALL, 'Relation', { paths: { '38c9ce7b-60a4-81b0-9b95-ed6b21fd8f6d': 'pages/schema-b/item-1.md' } });
    expect(value).toEqual({
      type: 'relation',
      value: [
        { id: '38c9ce7b-60a4-81b0-9b95-ed6b21fd8f6d', path: 'pages/schema-b/item-1.md' },
        { id: '38c9ce7b-60a4-8163-9039-e23c3a6e7791', path: null },
      ],
    });
  });

  it('keeps all 100 rich-text items of a title with 50 user mentions', () => {
    const value = prop('page-rich-text-50-mentions.json', 'Name');
    if ('unknown' in value || 'redacted' in value || value.type !== 'title') throw new Error('expected a title');
    expect(value.value.text.startsWith('Who is the best programmer? ;-) @Adam Dangoor, @Adam Dangoor')).toBe(true);
    expect(value.value.text.match(/@Adam Dangoor/g)).toHaveLength(50);
    expect(value.value.markdown.match(/@Adam Dangoor/g)).toHaveLength(50);
  });
});

describe('relations cut at 25', () => {
  const fixture = loadFixture('page-relation-has-more-and-property-pagination.exchanges.json') as Array<{ response: { body: any } }>;
  const page = fixture[0]!.response.body;
  const items = fixture[1]!.response.body.results as Array<{ relation: { id: string } }>;

  it('warns when a relation still says has_more (the crawl did not replace it)', () => {
    const ctx = testContext({ pageId: page.id });
    const value = normaliseProperty(page.properties['Items Purchased'], ctx, 'Items Purchased');
    expect(!('unknown' in value) && value.type === 'relation' && value.value).toHaveLength(25);
    expect(ctx.warnings).toEqual([{ code: 'relation_truncated', message: expect.stringContaining(`page ${page.id} → property "Items Purchased" (relation)`) }]);
  });

  it('keeps all 30 related pages once the crawl replaced the value with the property endpoint list', () => {
    const ctx = testContext({ pageId: page.id });
    const full = { ...page.properties['Items Purchased'], relation: items.map((i) => i.relation), has_more: false };
    const value = normaliseProperty(full, ctx);
    if ('unknown' in value || 'redacted' in value || value.type !== 'relation') throw new Error('expected a relation');
    expect(value.value.map((r) => r.id)).toEqual(items.map((i) => i.relation.id));
    expect(new Set(value.value.map((r) => r.id)).size).toBe(30);
    expect(ctx.warnings).toEqual([]);
  });
});

describe('hand-made values (shapes from the SDK types, not in the recordings)', () => {
  const raw = (v: Record<string, unknown>) => ({ id: 'abc', ...v }) as unknown as PagePropertyValue;

  it('fills a partial user from the user directory, and leaves an unknown user nameless', () => {
    const ctx = testContext({ users: { '00000000-0000-4000-8000-0000000000fa': { name: 'Ada', type: 'person', email: 'ada@example.org' } } });
    expect(normaliseProperty(raw({ type: 'created_by', created_by: { object: 'user', id: '00000000-0000-4000-8000-0000000000fa' } }), ctx)).toEqual({
      type: 'created_by',
      value: { id: '00000000-0000-4000-8000-0000000000fa', name: 'Ada', type: 'person', email: 'ada@example.org' },
    });
    expect(normaliseProperty(raw({ type: 'last_edited_by', last_edited_by: { object: 'user', id: '00000000-0000-4000-8000-0000000000fb' } }), ctx)).toEqual({
      type: 'last_edited_by',
      value: { id: '00000000-0000-4000-8000-0000000000fb', name: null, type: null },
    });
  });

  it('keeps groups in people properties', () => {
    const value = normaliseProperty(raw({ type: 'people', people: [{ object: 'group', id: '00000000-0000-4000-8000-0000000000c1', name: 'Partners' }] }), testContext());
    expect(value).toEqual({ type: 'people', value: [{ id: '00000000-0000-4000-8000-0000000000c1', name: 'Partners', type: 'group' }] });
  });

  it.each<[string, Record<string, unknown>, unknown]>([
    [
      'verification (verified)',
      {
        type: 'verification',
        verification: { state: 'verified', verified_by: { object: 'user', id: '00000000-0000-4000-8000-0000000000fa' }, date: { start: '2025-03-01', end: '2025-06-01', time_zone: null } },
      },
      { type: 'verification', value: { state: 'verified', verifiedBy: { id: '00000000-0000-4000-8000-0000000000fa', name: null, type: null }, date: { start: '2025-03-01', end: '2025-06-01', timeZone: null } } },
    ],
    ['verification (unverified)', { type: 'verification', verification: { state: 'unverified', verified_by: null, date: null } }, { type: 'verification', value: { state: 'unverified', verifiedBy: null, date: null } }],
    ['verification (empty)', { type: 'verification', verification: null }, { type: 'verification', value: null }],
    [
      'place',
      { type: 'place', place: { lat: 52.52, lon: 13.405, name: 'Berlin', address: null, google_place_id: 'ChIJ' } },
      { type: 'place', value: { lat: 52.52, lon: 13.405, name: 'Berlin', address: null, googlePlaceId: 'ChIJ', awsPlaceId: null } },
    ],
    [
      'date range with time zone',
      { type: 'date', date: { start: '2025-03-01T09:00:00.000+01:00', end: '2025-03-05T17:00:00.000+01:00', time_zone: 'Europe/Berlin' } },
      // The same instants in UTC, like every timestamp of the archive; the zone entered is kept.
      { type: 'date', value: { start: '2025-03-01T08:00:00.000Z', end: '2025-03-05T16:00:00.000Z', timeZone: 'Europe/Berlin' } },
    ],
    [
      'date-only range (stays date-only)',
      { type: 'date', date: { start: '2025-03-01', end: '2025-03-05', time_zone: null } },
      { type: 'date', value: { start: '2025-03-01', end: '2025-03-05', timeZone: null } },
    ],
    [
      'created_time and last_edited_time with a +00:00 offset (as Notion sends databases)',
      { type: 'created_time', created_time: '2024-01-09T21:36:54.417+00:00' },
      { type: 'created_time', value: '2024-01-09T21:36:54.417Z' },
    ],
    ['last_edited_time without milliseconds', { type: 'last_edited_time', last_edited_time: '2024-01-09T21:36:00+02:00' }, { type: 'last_edited_time', value: '2024-01-09T19:36:00.000Z' }],
    [
      'rollup date',
      { type: 'rollup', rollup: { type: 'date', function: 'latest_date', date: { start: '2024-11-25T14:08:00.000+00:00', end: null, time_zone: null } } },
      { type: 'rollup', value: { type: 'date', function: 'latest_date', value: { start: '2024-11-25T14:08:00.000Z', end: null, timeZone: null } } },
    ],
    [
      'rollup show_original over titles and numbers',
      {
        type: 'rollup',
        rollup: {
          type: 'array',
          function: 'show_original',
          array: [
            { type: 'title', title: [{ type: 'text', text: { content: 'Partner A', link: null }, annotations: plain(), plain_text: 'Partner A', href: null }] },
            { type: 'number', number: 7 },
          ],
        },
      },
      {
        type: 'rollup',
        value: { type: 'array', function: 'show_original', value: [{ type: 'title', value: { text: 'Partner A', markdown: 'Partner A' } }, { type: 'number', value: 7 }] },
      },
    ],
  ])('%s', (_name, value, expected) => {
    const ctx = testContext();
    const result = normaliseProperty(raw(value), ctx);
    expect(result).toEqual(expected);
    expect(PropertyValueSchema.safeParse(result).success).toBe(true);
    expect(ctx.warnings).toEqual([]);
  });

  it('keys files inside a rollup array by one running index over the whole rollup', () => {
    const ctx = testContext({ pageId: '00000000-0000-4000-8000-0000000000aa' });
    const file = (name: string) => ({ name, type: 'file', file: { url: `https://prod-files-secure.s3.us-west-2.amazonaws.com/x/${name}?X-Amz-Signature=REDACTED`, expiry_time: '2025-01-01T01:00:00.000Z' } });
    const value = normaliseProperty(
      raw({ id: 'r%3Fl', type: 'rollup', rollup: { type: 'array', function: 'show_original', array: [{ type: 'files', files: [file('a.pdf'), file('b.pdf')] }, { type: 'files', files: [file('c.pdf')] }] } }),
      ctx,
    );
    expect(ctx.fileRequests.map((r) => r.key)).toEqual([0, 1, 2].map((i) => `property:00000000-0000-4000-8000-0000000000aa:r%3Fl:${i}`));
    expect(JSON.stringify(value)).not.toContain('amazonaws');
  });

  it('drops a Notion-hosted URL if the file lookup hands one back, with a warning', () => {
    const ctx = testContext({ file: (_key, f) => ({ name: f.name, source: 'notion', path: null, url: 'https://prod-files-secure.s3.amazonaws.com/x', error: 'gone' }) });
    const value = normaliseProperty(raw({ type: 'files', files: [{ name: 'x.pdf', type: 'file', file: { url: 'https://prod-files-secure.s3.amazonaws.com/x', expiry_time: '2025-01-01T00:00:00.000Z' } }] }), ctx);
    expect(value).toEqual({ type: 'files', value: [{ name: 'x.pdf', source: 'notion', path: null, url: null, error: 'gone' }] });
    expect(ctx.warnings.map((w) => w.code)).toEqual(['expiring_url_dropped']);
  });

  it('warns when Notion cannot compute a formula', () => {
    const ctx = testContext();
    expect(normaliseProperty(raw({ type: 'formula', formula: { type: 'unsupported', unsupported: {} } }), ctx)).toEqual({ type: 'formula', value: { type: 'unsupported', value: null } });
    expect(ctx.warnings.map((w) => w.code)).toEqual(['formula_unsupported']);
  });
});

describe('values this version cannot read', () => {
  const raw = (v: Record<string, unknown>) => ({ id: 'zz%3A', ...v }) as unknown as PagePropertyValue;

  it('keeps a property type it does not know verbatim, with a warning naming page and property', () => {
    const ctx = testContext({ pageId: '00000000-0000-4000-8000-0000000000ab' });
    const value = normaliseProperty(raw({ type: 'hologram', hologram: { angle: 3 } }), ctx, 'Vision');
    expect(value).toEqual({ type: 'hologram', unknown: true, raw: { type: 'hologram', hologram: { angle: 3 } } });
    expect(PropertyValueSchema.safeParse(value).success).toBe(true);
    expect(ctx.warnings).toEqual([
      { code: 'unknown_property_type', message: expect.stringMatching(/^page 00000000-0000-4000-8000-0000000000ab → property "Vision" \(hologram\): /) },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a formula result type it does not know', { type: 'formula', formula: { type: 'array', array: [1, 2] } }],
    ['a rollup result type it does not know', { type: 'rollup', rollup: { type: 'incomplete', incomplete: {}, function: 'sum' } }],
    ['a known type with a missing payload', { type: 'multi_select' }],
    ['a known type with a wrongly typed payload', { type: 'number', number: 'forty-two' }],
    ['a created_time that is not a timestamp', { type: 'created_time', created_time: 'yesterday' }],
  ])('keeps %s verbatim instead of throwing', (_name, value) => {
    const ctx = testContext();
    const result = normaliseProperty(raw(value), ctx);
    expect(result).toEqual({ type: value.type, unknown: true, raw: value });
    expect(ctx.warnings.map((w) => w.code)).toEqual(['unreadable_property']);
  });

  it('strips Notion-hosted signed URLs from what it keeps verbatim', () => {
    const ctx = testContext();
    const result = normaliseProperty(
      raw({ type: 'attachments', attachments: [{ name: 'a.png', type: 'file', file: { url: 'https://prod-files-secure.s3.amazonaws.com/a.png?X-Amz-Signature=REDACTED', expiry_time: '2025-01-01T00:00:00.000Z' } }] }),
      ctx,
    );
    expect(result).toEqual({ type: 'attachments', unknown: true, raw: { type: 'attachments', attachments: [{ name: 'a.png', type: 'file', file: {} }] } });
  });
});

function plain() {
  return { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };
}
