import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeOutputFs } from '../../src/publish/output-fs.js';
import { sameContent } from '../../src/publish/same-content.js';
import { canonicalJson } from '../../src/render/json/canonical-json.js';
import { tempDir } from '../support/cli.js';

/** A snapshot directory with a manifest and an index, as a sync writes them. */
async function snapshot(dir: string, opts: { id: string; files: Record<string, string>; pages: Array<{ id: string; title: string }> }): Promise<string> {
  await mkdir(dir, { recursive: true });
  const index = { schemaVersion: 1, snapshotId: opts.id, createdAt: `2026-01-0${opts.id.length % 9}T00:00:00.000Z`, pages: opts.pages, databases: [], backlinks: {} };
  await writeFile(join(dir, 'index.json'), canonicalJson(index));
  const files = Object.entries({ ...opts.files, 'index.json': `index of ${opts.id}`, 'report.json': `report of ${opts.id}` }).map(([path, sha256]) => ({ path, sha256, bytes: 1 }));
  await writeFile(join(dir, 'manifest.json'), canonicalJson({ files }));
  return dir;
}

describe('sameContent', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(async () => tmp.cleanup());

  const pages = [{ id: 'p1', title: 'One' }];
  const files = { 'pages/one.md': 'aa', 'records/p1.json': 'bb' };

  it('is true for the same files and index, whatever the run fields', async () => {
    const a = await snapshot(join(tmp.dir, 'a'), { id: 'run-a', files, pages });
    const b = await snapshot(join(tmp.dir, 'b'), { id: 'run-bb', files, pages });
    expect(await sameContent(a, b, nodeOutputFs)).toBe(true);
  });

  it('is false when a file differs, is missing or is new, or the index differs', async () => {
    const a = await snapshot(join(tmp.dir, 'a'), { id: 'run-a', files, pages });
    const changed = await snapshot(join(tmp.dir, 'c'), { id: 'run-c', files: { ...files, 'pages/one.md': 'zz' }, pages });
    const fewer = await snapshot(join(tmp.dir, 'd'), { id: 'run-d', files: { 'pages/one.md': 'aa' }, pages });
    const more = await snapshot(join(tmp.dir, 'e'), { id: 'run-e', files: { ...files, 'assets/x.png': 'cc' }, pages });
    const renamed = await snapshot(join(tmp.dir, 'f'), { id: 'run-f', files, pages: [{ id: 'p1', title: 'Uno' }] });
    for (const other of [changed, fewer, more, renamed]) {
      expect(await sameContent(a, other, nodeOutputFs)).toBe(false);
      expect(await sameContent(other, a, nodeOutputFs)).toBe(false);
    }
  });

  it('compares an index larger than one read byte for byte: a character cut at the boundary is not taken for another', async () => {
    // 'ĉ' (c4 89) and 'Ɖ' (c6 89) differ only in their first byte: placed as the last byte of the
    // first 64 KiB read, a text decoding would make both a replacement character.
    const titled = (n: number, ch: string) => [{ id: 'p1', title: `${'x'.repeat(n)}${ch} and more` }];
    const probe = canonicalJson({ schemaVersion: 1, snapshotId: 'run-a', createdAt: '2026-01-05T00:00:00.000Z', pages: titled(0, 'ĉ'), databases: [], backlinks: {} });
    const n = 65_535 - Buffer.byteLength(probe.slice(0, probe.indexOf('ĉ')));
    const a = await snapshot(join(tmp.dir, 'a'), { id: 'run-a', files, pages: titled(n, 'ĉ') });
    const b = await snapshot(join(tmp.dir, 'b'), { id: 'run-b', files, pages: titled(n, 'ĉ') });
    const c = await snapshot(join(tmp.dir, 'c'), { id: 'run-c', files, pages: titled(n, 'Ɖ') });
    const text = canonicalJson({ schemaVersion: 1, snapshotId: 'run-a', createdAt: '2026-01-05T00:00:00.000Z', pages: titled(n, 'ĉ'), databases: [], backlinks: {} });
    expect(Buffer.from(text).subarray(65_535, 65_537)).toEqual(Buffer.from('ĉ'));
    expect(await sameContent(a, b, nodeOutputFs)).toBe(true);
    expect(await sameContent(a, c, nodeOutputFs)).toBe(false);
  });

  it('takes the published manifest from the caller when it has it', async () => {
    const a = await snapshot(join(tmp.dir, 'a'), { id: 'run-a', files, pages });
    const b = await snapshot(join(tmp.dir, 'b'), { id: 'run-b', files: { ...files, 'pages/one.md': 'zz' }, pages });
    expect(await sameContent(a, b, nodeOutputFs)).toBe(false);
    expect(await sameContent(a, b, nodeOutputFs, new Map(Object.entries(files)))).toBe(true);
  });
});
