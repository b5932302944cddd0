import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assetExtension, assetMimeType, AssetStore } from '../../src/assets/asset-store.js';
import { tempDir } from '../support/cli.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('assetExtension', () => {
  it.each([
    ['photo.png', undefined, 'png'],
    ['Photo.JPEG', 'image/jpeg', 'jpg'],
    ['scan.jpg', 'application/octet-stream', 'jpg'],
    ['report.PDF', undefined, 'pdf'],
    ['archive.tar.gz', undefined, 'gz'],
    // The name wins over the content type when it has a plain extension.
    ['minutes.docx', 'application/octet-stream', 'docx'],
    ['image', 'image/png', 'png'],
    ['image', 'image/svg+xml; charset=utf-8', 'svg'],
    ['image', 'IMAGE/WEBP', 'webp'],
    ['file', 'application/x-unknown', 'bin'],
    ['file', undefined, 'bin'],
    ['', '', 'bin'],
    // Not a plain extension: spaces, punctuation, too long, or a path.
    ['notes.final version', 'text/plain', 'txt'],
    ['data.verylongextension', 'text/csv', 'csv'],
    ['x.p%2Fng', 'image/png', 'png'],
    ['../../etc/passwd', undefined, 'bin'],
    ['evil.sh;rm', 'text/plain', 'txt'],
    ['.hidden', 'application/pdf', 'pdf'],
    ['dots.', 'image/gif', 'gif'],
  ])('%j with %j → .%s', (name, contentType, ext) => {
    expect(assetExtension(name, contentType)).toBe(ext);
  });
});

describe('assetMimeType', () => {
  it.each([
    ['png', 'image/png', 'image/png'],
    ['png', 'image/png; charset=binary', 'image/png'],
    ['pdf', 'application/octet-stream', 'application/pdf'],
    ['jpg', 'binary/octet-stream', 'image/jpeg'],
    ['jpg', undefined, 'image/jpeg'],
    ['docx', '', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['xyz', undefined, 'application/octet-stream'],
  ])('.%s served as %j → %s', (ext, contentType, mime) => {
    expect(assetMimeType(ext, contentType)).toBe(mime);
  });
});

describe('AssetStore', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await tempDir('notion-kb-assets-');
  });
  afterEach(async () => tmp.cleanup());

  it('stores byte-identical files once, under their sha256, with the alphabetically first extension', async () => {
    const store = new AssetStore(tmp.dir);
    const bytes = Buffer.from('the same logo, twice');
    const first = await store.put(bytes, 'logo.png', 'image/png');
    const second = await store.put(Buffer.from(bytes), 'logo-copy.jpeg', 'image/jpeg');
    expect(second).toEqual(first);
    expect(first).toEqual({ path: `assets/${sha(bytes)}.jpg`, sha256: sha(bytes), bytes: bytes.length, mimeType: 'image/jpeg' });
    expect(store.size).toBe(1);
    expect(await readdir(join(tmp.dir, 'assets'))).toEqual([`${sha(bytes)}.jpg`]);
    expect(await readFile(join(tmp.dir, first.path))).toEqual(bytes);
  });

  it('stores different bytes separately, even under the same name', async () => {
    const store = new AssetStore(tmp.dir);
    const a = await store.put(Buffer.from('version 1'), 'budget.xlsx', undefined);
    const b = await store.put(Buffer.from('version 2'), 'budget.xlsx', undefined);
    expect(a.path).not.toBe(b.path);
    expect(store.size).toBe(2);
    expect((await readdir(join(tmp.dir, 'assets'))).sort()).toEqual([a.path, b.path].map((p) => p.slice('assets/'.length)).sort());
    expect(await readFile(join(tmp.dir, b.path), 'utf8')).toBe('version 2');
  });

  it('writes a file once when the same bytes arrive concurrently', async () => {
    const store = new AssetStore(tmp.dir);
    const bytes = Buffer.alloc(64 * 1024, 7);
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => store.put(bytes, `copy-${i}.bin`, undefined)));
    expect(new Set(all.map((a) => a.path)).size).toBe(1);
    expect(store.size).toBe(1);
    expect(sha(await readFile(join(tmp.dir, all[0]!.path)))).toBe(sha(bytes));
  });

  it.each(['../../escape.png', '/etc/passwd', 'a/b/c.png', 'C:\\x\\y.png', 'ïmägé.PNG'])('keeps files inside assets/ whatever the name (%j)', async (name) => {
    const store = new AssetStore(tmp.dir);
    const stored = await store.put(Buffer.from(name), name, 'image/png');
    expect(stored.path).toMatch(/^assets\/[0-9a-f]{64}\.[a-z0-9]{1,8}$/);
    expect(await readdir(tmp.dir)).toEqual(['assets']);
  });

  it('makes its folders once, however many files it stores and keeps (a failed attempt is made again)', async () => {
    const made: string[] = [];
    let failNext = true;
    const fs = {
      ...fsp,
      mkdir: async (dir: string, o: { recursive: true }) => {
        made.push(dir);
        if (dir.endsWith('keep') && failNext) {
          failNext = false;
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        }
        return fsp.mkdir(dir, o);
      },
    } as typeof fsp;
    const store = new AssetStore(join(tmp.dir, 'snap'), fs, join(tmp.dir, 'keep'));
    await expect(store.put(Buffer.from('file 0'), 'f0.png', 'image/png')).rejects.toThrow('EACCES');
    for (let i = 1; i <= 20; i++) await store.put(Buffer.from(`file ${i}`), `f${i}.png`, 'image/png');
    expect(made.sort()).toEqual([join(tmp.dir, 'keep'), join(tmp.dir, 'keep'), join(tmp.dir, 'snap', 'assets')]);
    expect(await readdir(join(tmp.dir, 'keep'))).toHaveLength(20);
  });

  it('stores an empty file', async () => {
    const store = new AssetStore(tmp.dir);
    const stored = await store.put(Buffer.alloc(0), 'empty.txt', 'text/plain');
    expect(stored.bytes).toBe(0);
    expect(stored.path).toBe(`assets/${sha(Buffer.alloc(0))}.txt`);
  });
});

describe('AssetStore naming is independent of download order', () => {
  it.each([
    [['notes.txt', 'notes.md']],
    [['notes.md', 'notes.txt']],
  ])('stores identical bytes named %j once, under the alphabetically first extension', async (names) => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = new AssetStore(dir);
      const bytes = Buffer.from('# same bytes\n');
      const results = await Promise.all(names.map((n) => store.put(bytes, n, 'text/plain')));
      expect(results[0]).toBe(results[1]);
      expect(results[0]!.path).toMatch(/\.md$/);
      expect(await readdir(join(dir, 'assets'))).toEqual([results[0]!.path.slice('assets/'.length)]);
    } finally {
      await cleanup();
    }
  });
});
