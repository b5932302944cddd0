import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonChunks, JsonEntries, JsonList } from '../../src/render/json/canonical-json.js';

async function text(value: unknown): Promise<string> {
  let out = '';
  for await (const chunk of canonicalJsonChunks(value)) out += chunk;
  return out;
}

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

describe('canonical JSON in pieces', () => {
  const values: Array<[string, unknown]> = [
    ['a scalar', 'a "quoted"\nline'],
    ['an empty object and list', { a: {}, b: [] }],
    ['nested values', { schemaVersion: 1, pages: [{ id: 'x', title: 'T\u2028', tags: ['a', null, 2.5], nested: { deep: [[1], { k: true }] } }], n: null }],
    ['undefined and functions', { a: undefined, b: [undefined, () => 1, 3], c: () => 2, d: 'kept' }],
  ];

  it.each(values)('writes %s as canonicalJson does', async (_name, value) => {
    expect(await text(value)).toBe(canonicalJson(value));
  });

  it('reads lists and entries one item at a time, anywhere in the document, into the same text', async () => {
    const pages = [{ id: 'a', links: ['b'] }, { id: 'b', links: [] }];
    const backlinks: Array<[string, unknown]> = [['b', ['a']], ['skipped', undefined], ['c', { x: [] }]];
    const whole = { schemaVersion: 1, pages, databases: [], backlinks: Object.fromEntries(backlinks), tail: [{ deep: pages }] };
    const streamed = {
      schemaVersion: 1,
      pages: new JsonList(slowly(pages)),
      databases: new JsonList([]),
      backlinks: new JsonEntries(slowly(backlinks)),
      tail: [{ deep: new JsonList(pages) }],
    };
    expect(await text(streamed)).toBe(canonicalJson(whole));
    expect(await text(new JsonEntries([]))).toBe(canonicalJson({}));
    expect(await text(new JsonList([new JsonList([1, 2]), new JsonEntries([['k', new JsonList([])]])]))).toBe(canonicalJson([[1, 2], { k: [] }]));
  });

  it('never holds the whole list: items are asked for as the text is read', async () => {
    let asked = 0;
    function* items() {
      for (let i = 0; i < 1000; i++) {
        asked++;
        yield { i };
      }
    }
    const chunks = canonicalJsonChunks({ list: new JsonList(items()) });
    for (let i = 0; i < 10; i++) await chunks.next();
    expect(asked).toBeLessThan(10);
  });
});
