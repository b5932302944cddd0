import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PageObjectResponse } from '@notionhq/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchedForm, sha256Of } from '../../src/normalise/page-digest.js';
import { nodeOutputFs } from '../../src/publish/output-fs.js';
import { PageSpool } from '../../src/publish/page-spool.js';
import type { CrawledPage } from '../../src/source/crawl-types.js';
import { tempDir } from '../support/cli.js';

const wordsUnit = (id: string, words: string): CrawledPage =>
  ({
    page: { object: 'page', id, properties: {}, parent: { type: 'workspace', workspace: true } },
    blocks: [{ object: 'block', id: `${id}-b`, type: 'paragraph', paragraph: { rich_text: [{ type: 'text', text: { content: words, link: null }, plain_text: words }] }, has_children: false, children: [] }],
  }) as unknown as CrawledPage;

/** A temporary directory for each test. */
let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await tempDir('notion-kb-spool-');
});
afterEach(async () => {
  await tmp.cleanup();
});

describe('PageSpool.compact', () => {

  it('keeps each page\'s current entry only: an entry replaced by a later put leaves the file', async () => {
    const file = join(tmp.dir, 'pages.spool');
    const spool = await PageSpool.create(file);
    await spool.put(wordsUnit('a', 'first form of A, with a SECRETWORD'));
    await spool.put(wordsUnit('b', 'page B'));
    await spool.put(wordsUnit('a', 'second form of A'));
    expect(await readFile(file, 'utf8')).toContain('SECRETWORD');
    const digestOfB = spool.location('b')!.digest;
    await spool.compact();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('SECRETWORD');
    expect(text.length).toBe(spool.location('a')!.length + spool.location('b')!.length);
    expect(JSON.stringify((await spool.get('a')).blocks)).toContain('second form of A');
    expect(JSON.stringify((await spool.get('b')).blocks)).toContain('page B');
    expect(spool.location('b')!.digest).toBe(digestOfB);
    // Still a working spool: more pages go after the compacted ones.
    await spool.put(wordsUnit('c', 'page C'));
    expect(JSON.stringify((await spool.get('c')).blocks)).toContain('page C');
    await spool.close();
    const bytes = await readFile(file);
    const at = spool.location('b')!;
    expect(bytes.subarray(at.offset, at.offset + at.length).toString('utf8')).toContain('page B');
  });
});

const idOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
function unit(i: number): CrawledPage {
  const page = { object: 'page', id: idOf(i), last_edited_time: '2026-01-01T00:00:00.000Z', properties: { title: { type: 'title', title: [{ plain_text: `Page ${i}` }] } } } as unknown as PageObjectResponse;
  return { page, blocks: [] };
}

describe('the page spool', () => {

  it('gives back every page, and where it sits with its digest and checksum, past its first thousand pages', async () => {
    const spool = await PageSpool.create(join(tmp.dir, 'pages.spool'));
    const count = 2_500;
    for (let i = 0; i < count; i++) await spool.put(unit(i));
    await spool.close();
    const bytes = await readFile(spool.file);
    for (const i of [0, 1, 1023, 1024, 2047, 2048, count - 1]) {
      const expected = fetchedForm(unit(i));
      const at = spool.location(idOf(i))!;
      expect(at.digest).toBe(expected.digest);
      expect(at.checksum).toBe(expected.checksum);
      const json = bytes.subarray(at.offset, at.offset + at.length).toString('utf8');
      expect(json).toBe(expected.json);
      expect(sha256Of(json)).toBe(at.checksum);
    }
    expect(spool.location(idOf(count))).toBeUndefined();
  });

  it('reads a page back with its digest', async () => {
    const spool = await PageSpool.create(join(tmp.dir, 'read.spool'));
    await spool.put(unit(7));
    const back = await spool.get(idOf(7));
    expect(back.page.id).toBe(idOf(7));
    expect(back.digest).toBe(fetchedForm(unit(7)).digest);
    await spool.remove();
  });
});

describe('PageSpool.copyOf: a night starts from the page cache', () => {

  it('links the cache (no copy of it), and whatever the night appends or compacts, every page of the cache stays where it was', async () => {
    const cacheFile = join(tmp.dir, 'pages-1.spool');
    const cache = await PageSpool.create(cacheFile);
    await cache.put(wordsUnit('a', 'page A'));
    await cache.put(wordsUnit('b', 'page B'));
    await cache.close();
    const before = await readFile(cacheFile);
    const at = { a: cache.location('a')!, b: cache.location('b')! };

    const spoolFile = join(tmp.dir, 'progress', 'pages.spool');
    const spool = await PageSpool.copyOf(spoolFile, cacheFile);
    // One file, not a copy of 480 MB at 10,000 pages.
    expect((await stat(spoolFile)).ino).toBe((await stat(cacheFile)).ino);
    spool.adopt('a', at.a);
    spool.adopt('b', at.b);
    await spool.put(wordsUnit('b', 'page B edited'));
    await spool.put(wordsUnit('c', 'page C'));
    // What the night wrote went after the cache's pages: those stay as they were (a night that fails here leaves them usable).
    expect((await readFile(cacheFile)).subarray(0, before.length)).toEqual(before);
    await spool.compact();
    // The compacted spool is a file of its own; the cache is as the night found it, plus what went after.
    expect((await stat(spoolFile)).ino).not.toBe((await stat(cacheFile)).ino);
    expect((await readFile(cacheFile)).subarray(0, before.length)).toEqual(before);
    expect(JSON.stringify((await spool.get('b')).blocks)).toContain('page B edited');
    expect(JSON.stringify((await spool.get('a')).blocks)).toContain('page A');
    await spool.close();
  });

  it('copies the cache where the file system cannot link it', async () => {
    const cacheFile = join(tmp.dir, 'pages-2.spool');
    const cache = await PageSpool.create(cacheFile);
    await cache.put(wordsUnit('a', 'page A'));
    await cache.close();
    const noLinks = { ...nodeOutputFs, link: () => Promise.reject(Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' })) };
    const spoolFile = join(tmp.dir, 'other', 'pages.spool');
    const spool = await PageSpool.copyOf(spoolFile, cacheFile, noLinks);
    expect((await stat(spoolFile)).ino).not.toBe((await stat(cacheFile)).ino);
    expect(await readFile(spoolFile)).toEqual(await readFile(cacheFile));
    await spool.close();
  });
});

describe('a spool whose write failed', () => {
  it('closes its file all the same, and throws the failure', async () => {
    const file = join(tmp.dir, 'pages.spool');
    let handle: import('node:fs/promises').FileHandle | undefined;
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const spool = await PageSpool.create(file, {
      ...nodeOutputFs,
      open: (async (...args: Parameters<typeof nodeOutputFs.open>) => {
        handle = await nodeOutputFs.open(...args);
        return Object.assign(handle, { write: async () => Promise.reject(full) });
      }) as typeof nodeOutputFs.open,
    });
    await expect(spool.put(wordsUnit('a', 'page A'))).rejects.toBe(full);
    await expect(spool.close()).rejects.toBe(full);
    // A closed FileHandle's fd is -1: nothing is left for the garbage collector to close.
    expect(handle!.fd).toBe(-1);
  });
});
