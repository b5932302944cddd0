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

  it('never holds the whole list: items are asked for as the text is read, a few KB at a time', async () => {
    let asked = 0;
    // 1,000 items of about 1 KB each: 1 MB of text in all.
    function* items() {
      for (let i = 0; i < 1000; i++) {
        asked++;
        yield { i, text: 'x'.repeat(1000) };
      }
    }
    const chunks = canonicalJsonChunks({ list: new JsonList(items()) });
    let longest = 0;
    for (let i = 0; i < 10; i++) longest = Math.max(longest, ((await chunks.next()).value as string).length);
    // Ten pieces hold at most ten gatherings of 16 KB (an item more each), not the whole list.
    expect(asked).toBeLessThan(200);
    expect(longest).toBeLessThan(16 * 1024 + 1100);
  });

  it('gathers small plain items into pieces, and gives the same text as canonicalJson', async () => {
    const list = Array.from({ length: 5000 }, (_, i) => ({ path: `pages/${i}.md`, sha256: 'ab'.repeat(32), bytes: i, nested: { a: [i, null] } }));
    const pieces: string[] = [];
    for await (const piece of canonicalJsonChunks({ files: new JsonList(list), more: new JsonEntries(list.map((v, i) => [`k${i}`, v] as const)) })) pieces.push(piece);
    expect(pieces.join('')).toBe(canonicalJson({ files: list, more: Object.fromEntries(list.map((v, i) => [`k${i}`, v])) }));
    // Not two pieces an item: about one per 16 KB of text.
    expect(pieces.length).toBeLessThan(pieces.join('').length / 8000);
  });
});
