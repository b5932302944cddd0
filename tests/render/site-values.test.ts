import { describe, expect, it } from 'vitest';
import type { PropertyValue } from '../../src/normalise/schemas.js';
import { formatDate, formatNumber, formatTimestamp, listHtml, NUMBER_FORMAT_CURRENCIES, sortKey, valueHtml, type ValueContext } from '../../src/render/site/display-values.js';

const ctx: ValueContext = {
  href: (path) => `../${path}`,
  titleOf: (id) => (id === 'gone' ? null : `Page ${id}`),
  inlineMarkdown: (md) => `<md>${md}</md>`,
};
const html = (value: PropertyValue, format?: string) => valueHtml(value, format ? { id: 'x', type: 'number', format, description: null } : undefined, ctx);

describe('offline site: numbers in their number_format', () => {
  it.each([
    ['number', 412500, '412500'],
    ['number', 1234.5678, '1234.5678'],
    ['number_with_commas', 412500, '412,500'],
    ['number_with_commas', 1234567.25, '1,234,567.25'],
    ['percent', 0.853, '85.3%'],
    ['percent', 1, '100%'],
    ['euro', 412500, '€412,500'],
    ['euro', 12.5, '€12.50'],
    ['dollar', -1234, '-$1,234'],
    ['pound', 1234, '£1,234'],
    ['yen', 1234.5, '¥1,235'],
    ['yuan', 88, 'CN¥88'],
    ['swiss_something_new', 1234, '1234'],
    [undefined, 1234, '1234'],
  ] as const)('%s: %d → %s', (format, value, shown) => {
    expect(formatNumber(value, format)).toBe(shown);
  });

  it("knows every currency format of Notion's API as a real ISO currency", () => {
    expect(Object.keys(NUMBER_FORMAT_CURRENCIES)).toHaveLength(38);
    for (const code of Object.values(NUMBER_FORMAT_CURRENCIES)) expect(Intl.supportedValuesOf('currency')).toContain(code);
  });
});

describe('offline site: dates', () => {
  it.each([
    [{ start: '2024-02-13', end: null, timeZone: null }, 'Feb 13, 2024'],
    [{ start: '2024-02-13', end: '2024-02-14', timeZone: null }, 'Feb 13 – 14, 2024'],
    [{ start: '2024-02-13', end: '2024-03-02', timeZone: null }, 'Feb 13 – Mar 2, 2024'],
    [{ start: '2024-01-08T17:42:00.000Z', end: null, timeZone: null }, 'Jan 8, 2024, 17:42 UTC'],
    [{ start: '2024-01-08T17:42:00.000Z', end: null, timeZone: 'Europe/Vienna' }, 'Jan 8, 2024, 18:42 GMT+1'],
    [{ start: '2024-01-08T17:42:00.000Z', end: null, timeZone: 'Not/AZone' }, 'Jan 8, 2024, 17:42 UTC'],
    [{ start: 'soon', end: null, timeZone: null }, 'soon'],
  ])('%j → %s', (value, shown) => {
    expect(formatDate(value)).toBe(shown);
  });

  it('shows a timestamp with its time in UTC, whatever the time zone of the machine', () => {
    expect(formatTimestamp('2024-12-31T23:59:00.000Z')).toBe('Dec 31, 2024, 23:59 UTC');
  });
});

describe('offline site: values as HTML', () => {
  it('shows people by name, checkboxes as ✓, options as coloured chips, everything escaped', () => {
    expect(html({ type: 'people', value: [{ id: 'u1', name: 'Ada <L>', type: 'person' }, { id: '12345678-aaaa', name: null, type: null }] })).toBe(
      '<span class="chip">Ada &lt;L&gt;</span> <span class="chip">user 12345678</span>',
    );
    expect(html({ type: 'checkbox', value: true })).toBe('<span class="check" title="Yes">✓</span>');
    expect(html({ type: 'checkbox', value: false })).toBe('');
    expect(html({ type: 'select', value: { name: 'A&B', color: 'blue' } })).toBe('<span class="chip c-blue">A&amp;B</span>');
    expect(html({ type: 'multi_select', value: [{ name: 'x', color: 'default' }, { name: 'y', color: '"><script>' }] })).toBe(
      '<span class="chip">x</span> <span class="chip c-&quot;&gt;&lt;script&gt;">y</span>',
    );
    expect(html({ type: 'rich_text', value: { text: 'a', markdown: '**a**' } })).toBe('<md>**a**</md>');
    expect(html({ type: 'url', value: 'https://www.example.org/x/' })).toBe('<a class="url" href="https://www.example.org/x/">example.org/x</a>');
    expect(html({ type: 'url', value: 'javascript:alert(1)' })).toBe('javascript:alert(1)');
    expect(html({ type: 'email', value: 'a@example.org' })).toBe('<a href="mailto:a@example.org">a@example.org</a>');
    expect(html({ type: 'number', value: 412500 }, 'euro')).toBe('€412,500');
    expect(html({ type: 'number', value: null }, 'euro')).toBe('');
    expect(html({ type: 'date', value: { start: '2024-01-01', end: null, timeZone: null } })).toBe('Jan 1, 2024');
    expect(html({ type: 'created_time', value: '2024-01-08T17:42:00.000Z' })).toBe('Jan 8, 2024, 17:42 UTC');
    expect(html({ type: 'formula', value: { type: 'boolean', value: true } })).toBe('<span class="check" title="Yes">✓</span>');
    expect(html({ type: 'formula', value: { type: 'number', value: 12345 } })).toBe('12,345');
    expect(html({ type: 'rollup', value: { type: 'date', function: 'earliest_date', value: { start: '2024-02-06T16:30:00.000Z', end: null, timeZone: null } } })).toBe('Feb 6, 2024, 16:30 UTC');
    expect(html({ type: 'verification', value: { state: 'verified', verifiedBy: { id: 'u', name: 'Ada', type: 'person' }, date: { start: '2025-06-30', end: null, timeZone: null } } })).toBe('✓ Verified by Ada, Jun 30, 2025');
    expect(html({ type: 'place', value: { lat: 1, lon: 2, name: 'Uni', address: 'Ring 1', googlePlaceId: null, awsPlaceId: null } })).toBe('Uni, Ring 1');
    expect(html({ type: 'x_new', unknown: true, raw: { a: '<b>' } })).toBe('<span class="muted">{&quot;a&quot;:&quot;&lt;b&gt;&quot;}</span>');
    expect(html({ type: 'people', value: null, redacted: true })).toBe('');
  });

  it('links related pages and files that are in the archive, and names those that are not', () => {
    expect(html({ type: 'relation', value: [{ id: 'a', path: 'pages/a.md' }, { id: 'gone', path: null }] })).toBe(
      '<span class="chip"><a href="../pages/a.md">Page a</a></span> <span class="chip"><span class="muted">a page outside the archive</span></span>',
    );
    expect(
      html({
        type: 'files',
        value: [
          { name: 'logo.png', source: 'notion', path: 'assets/x.png', url: null },
          { name: 'kit', source: 'external', path: null, url: 'https://example.org/kit.zip' },
          { name: 'lost.pdf', source: 'notion', path: null, url: null, error: 'expired' },
        ],
      }),
    ).toBe(
      '<span class="chip"><a href="../assets/x.png">logo.png</a></span> <span class="chip"><a href="https://example.org/kit.zip">kit</a></span> <span class="chip">lost.pdf <span class="muted">(not available)</span></span>',
    );
  });

  it('shows a list of up to five entries whole, and a longer one as three and "+ N more" opening the rest', () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => `<i>${i}</i>`);
    expect(listHtml(items(5))).toBe(items(5).join(' '));
    expect(listHtml(items(6))).toBe('<details class="more"><summary><i>0</i> <i>1</i> <i>2</i> <span class="more-count">+ 3 more</span></summary><i>3</i> <i>4</i> <i>5</i></details>');
    const rollup = html({ type: 'rollup', value: { type: 'array', function: 'show_original', value: items(20).map((_, i) => ({ type: 'select', value: { name: `City ${i}`, color: 'default' } })) } });
    expect(rollup).toContain('<span class="more-count">+ 17 more</span>');
    expect(rollup.match(/City \d+/g)).toHaveLength(20);
  });

  it('sorts by exact values: numbers, ISO dates, checkboxes', () => {
    expect(sortKey({ type: 'number', value: 412500 })).toBe('412500');
    expect(sortKey({ type: 'number', value: null })).toBe('');
    expect(sortKey({ type: 'date', value: { start: '2024-01-01', end: '2024-01-03', timeZone: null } })).toBe('2024-01-01');
    expect(sortKey({ type: 'checkbox', value: false })).toBe('0');
    expect(sortKey({ type: 'unique_id', value: { prefix: 'P', number: 12, text: 'P-12' } })).toBe('12');
    expect(sortKey({ type: 'select', value: { name: 'x', color: 'red' } })).toBeNull();
  });
});
