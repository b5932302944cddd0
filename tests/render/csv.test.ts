import { describe, expect, it } from 'vitest';
import { propertyValueToCsvCell, toCsv } from '../../src/render/csv.js';
import { normaliseProperties } from '../../src/normalise/normalise-property.js';
import type { PropertyValue } from '../../src/normalise/schemas.js';
import { loadFixture, pagesOf, testContext } from '../normalise/helpers.js';

const user = (name: string | null) => ({ id: '00000000-0000-4000-8000-0000000000fa', name, type: 'person' as const });

describe('propertyValueToCsvCell', () => {
  it.each<[string, PropertyValue, string]>([
    ['title', { type: 'title', value: { text: 'Work *plan*', markdown: 'Work \\*plan\\*' } }, 'Work *plan*'],
    ['number', { type: 'number', value: 0.25 }, '0.25'],
    ['empty number', { type: 'number', value: null }, ''],
    ['select', { type: 'select', value: { name: 'Germany', color: 'red' } }, 'Germany'],
    ['multi_select', { type: 'multi_select', value: [{ name: 'Germany', color: 'red' }, { name: 'France', color: 'blue' }] }, 'Germany; France'],
    ['date', { type: 'date', value: { start: '2025-03-01', end: null, timeZone: null } }, '2025-03-01'],
    ['date range', { type: 'date', value: { start: '2025-03-01', end: '2025-03-05', timeZone: null } }, '2025-03-01 → 2025-03-05'],
    ['date with zone', { type: 'date', value: { start: '2025-03-01T09:00:00.000+01:00', end: null, timeZone: 'Europe/Berlin' } }, '2025-03-01T09:00:00.000+01:00 (Europe/Berlin)'],
    ['people', { type: 'people', value: [user('Ada'), user(null)] }, 'Ada; 00000000-0000-4000-8000-0000000000fa'],
    ['files', { type: 'files', value: [{ name: 'a.pdf', source: 'notion', path: 'assets/x.pdf', url: null }, { name: 'b', source: 'external', path: null, url: 'https://e.org/b' }, { name: 'c.pdf', source: 'notion', path: null, url: null, error: '403' }] }, 'assets/x.pdf; https://e.org/b; c.pdf'],
    ['checkbox', { type: 'checkbox', value: true }, 'Yes'],
    ['unchecked', { type: 'checkbox', value: false }, 'No'],
    ['formula boolean', { type: 'formula', value: { type: 'boolean', value: false } }, 'No'],
    ['formula number', { type: 'formula', value: { type: 'number', value: 84 } }, '84'],
    ['formula null string', { type: 'formula', value: { type: 'string', value: null } }, ''],
    ['relation', { type: 'relation', value: [{ id: '00000000-0000-4000-8000-000000000001', path: 'pages/a.md' }, { id: '00000000-0000-4000-8000-000000000002', path: null }] }, 'Partner A; 00000000-0000-4000-8000-000000000002'],
    ['rollup number', { type: 'rollup', value: { type: 'number', function: 'count', value: 2 } }, '2'],
    ['rollup array', { type: 'rollup', value: { type: 'array', function: 'show_original', value: [{ type: 'select', value: { name: 'DE', color: 'red' } }, { type: 'select', value: null }, { type: 'number', value: 3 }] } }, 'DE; 3'],
    ['unique_id', { type: 'unique_id', value: { prefix: 'MAG', number: 12, text: 'MAG-12' } }, 'MAG-12'],
    ['created_by', { type: 'created_by', value: user('Ada') }, 'Ada'],
    ['verification', { type: 'verification', value: { state: 'verified', verifiedBy: user('Ada'), date: { start: '2025-03-01', end: null, timeZone: null } } }, 'verified (Ada, 2025-03-01)'],
    ['button', { type: 'button', value: null }, ''],
    ['place', { type: 'place', value: { lat: 52.5, lon: 13.4, name: null, address: null, googlePlaceId: null, awsPlaceId: null } }, '52.5, 13.4'],
    ['unknown type keeps its raw JSON', { type: 'hologram', unknown: true, raw: { angle: 3 } }, '{"angle":3}'],
  ])('%s', (_name, value, expected) => {
    expect(propertyValueToCsvCell(value, { titleOf: (id) => (id === '00000000-0000-4000-8000-000000000001' ? 'Partner A' : null) })).toBe(expected);
  });

  it('falls back to the related page path when no title is known', () => {
    expect(propertyValueToCsvCell({ type: 'relation', value: [{ id: '00000000-0000-4000-8000-000000000001', path: 'pages/a.md' }] })).toBe('pages/a.md');
  });

  it('gives a non-empty cell for every non-empty recorded value', () => {
    const page = pagesOf(loadFixture('page-all-property-types.json'))[0]!;
    const values = normaliseProperties(page.properties as never, testContext({ pageId: page.id }));
    const cells = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, propertyValueToCsvCell(v)]));
    expect(cells).toMatchObject({ ID: 'ALLCOLS634-3', 'Multi-select': 'Option1', Formula: '84', Date: '2021-01-01', People: 'Adam Dangoor', Files: 'https://www.google.de/robots.txt' });
    expect(Object.entries(cells).filter(([, c]) => c === '')).toEqual([]);
  });
});

describe('toCsv', () => {
  it.each<[string, string[], string[][], string]>([
    ['plain fields, CRLF after every record', ['a', 'b'], [['1', '2']], 'a,b\r\n1,2\r\n'],
    ['comma', ['h'], [['Germany, France']], 'h\r\n"Germany, France"\r\n'],
    ['double quote', ['h'], [['say "hi"']], 'h\r\n"say ""hi"""\r\n'],
    ['LF inside a field', ['h'], [['line1\nline2']], 'h\r\n"line1\nline2"\r\n'],
    ['CR inside a field', ['h'], [['a\rb']], 'h\r\n"a\rb"\r\n'],
    ['empty fields stay empty', ['a', 'b', 'c'], [['', 'x', '']], 'a,b,c\r\n,x,\r\n'],
    ['spaces and semicolons need no quotes', ['h'], [[' Germany; France ']], 'h\r\n Germany; France \r\n'],
    ['quotes a header too', ['Name, full', 'Ü'], [], '"Name, full",Ü\r\n'],
  ])('%s', (_name, headers, rows, expected) => {
    expect(toCsv(headers, rows)).toBe(expected);
  });

  it('writes no byte order mark', () => {
    expect(toCsv(['Ärger'], [['x']]).charCodeAt(0)).not.toBe(0xfeff);
  });

  it('refuses a row with the wrong number of cells, naming the row', () => {
    expect(() => toCsv(['a', 'b'], [['1', '2'], ['3']])).toThrow(/row 2 has 1 cells, expected 2/);
  });
});

describe('toCsv against spreadsheet formula injection', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+cmd|"/c calc"!A1', `"'+cmd|""/c calc""!A1"`],
    ['-2+3+cmd', "'-2+3+cmd"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+1', "'\t=1+1"],
  ])('defuses %j', (cell, expected) => {
    expect(toCsv(['h'], [[cell]])).toBe(`h\r\n${expected}\r\n`);
  });

  it.each(['-5', '+3', '-0.25', '1e-3', 'plain text', '2025-03-01', ''])('leaves %j as it is', (cell) => {
    expect(toCsv(['h'], [[cell]])).toBe(`h\r\n${cell}\r\n`);
  });

  it('defuses a header too', () => {
    expect(toCsv(['=1+1'], [['x']])).toBe(`'=1+1\r\nx\r\n`);
  });
});
