import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatestPointerSchema, ManifestSchema } from '../../src/normalise/schemas.js';
import {
  lockOutput,
  createStaging,
  linkFiles,
  listFiles,
  manifestEntries,
  newSnapshotId,
  publishSnapshot,
  readLatest,
  readManifestFiles,
  removeStaleStaging,
  removeTree,
  sha256File,
  STAGING_PREFIX,
  writeFileStreamed,
  writeFiles,
  writeManifest,
  noteWritten,
} from '../../src/publish/write-snapshot.js';
import { canonicalJson } from '../../src/render/json/canonical-json.js';
import { parseLockOwner, processStartTime, type LockOwner } from '../../src/publish/output-lock.js';
import { nodeOutputFs } from '../../src/publish/output-fs.js';
import { tempDir } from '../support/cli.js';

const exists = async (p: string) => (await stat(p).catch(() => null)) !== null;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Stages a snapshot with a few files and its manifest; returns the staging dir. */
async function stage(out: string, id: string, files: Record<string, string>): Promise<string> {
  const dir = await createStaging(out, id);
  await writeFiles(dir, new Map(Object.entries(files)));
  await writeManifest(dir);
  return dir;
}

describe('newSnapshotId', () => {
  it('is a sortable UTC stamp plus 6 random hex digits, unique per call', () => {
    const a = newSnapshotId(new Date('2026-11-28T18:37:30.123Z'));
    const b = newSnapshotId(new Date('2026-11-28T18:37:30.123Z'));
    expect(a).toMatch(/^20261128T183730Z-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
    expect(newSnapshotId(new Date('2026-11-28T18:37:31Z')) > a).toBe(true);
    expect(a.startsWith(STAGING_PREFIX)).toBe(false);
  });

  it('sorts after every existing snapshot, even two runs in one second or a clock that went back', () => {
    const existing = ['20261128T183730Z-ffff00', '20261128T183729Z-000001', '.tmp-20261128T183731Z-aaaaaa'];
    expect(newSnapshotId(new Date('2026-11-28T18:37:30.500Z'), existing)).toBe('20261128T183730Z-ffff01');
    expect(newSnapshotId(new Date('2026-11-28T18:37:20Z'), existing)).toBe('20261128T183730Z-ffff01');
    const later = newSnapshotId(new Date('2026-11-28T18:37:31Z'), existing);
    expect(later.startsWith('20261128T183731Z-')).toBe(true);
  });
});

describe('staging and publishing', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let out: string;
  beforeEach(async () => {
    tmp = await tempDir('notion-kb-publish-');
    out = join(tmp.dir, 'archive');
  });
  afterEach(async () => tmp.cleanup());

  it('creates each folder once when a writer passes the folders it made already', async () => {
    const made = new Set<string>();
    const created: string[] = [];
    const fs = { ...nodeOutputFs, mkdir: (async (path: string, options: unknown) => (created.push(path), nodeOutputFs.mkdir(path, options as never))) as typeof nodeOutputFs.mkdir };
    await writeFiles(tmp.dir, new Map([['pages/a.md', 'a'], ['records/a.json', '{}']]), fs, made);
    await writeFiles(tmp.dir, new Map([['pages/b.md', 'b'], ['records/b.json', '{}'], ['pages/x/c.md', 'c']]), fs, made);
    expect(created.map((d) => d.slice(tmp.dir.length + 1)).sort()).toEqual(['pages', 'pages/x', 'records']);
    expect(await readFile(join(tmp.dir, 'pages/x/c.md'), 'utf8')).toBe('c');
  });

  it('writes into snapshots/.tmp-<id>, then renames it into place and points latest.json at it', async () => {
    const staging = await stage(out, 'S1', { 'index.json': '{}\n', 'pages/a.md': '# A\n' });
    expect(staging).toBe(join(out, 'snapshots', `${STAGING_PREFIX}S1`));
    expect(await readLatest(out)).toBeNull();

    const final = await publishSnapshot(out, staging, 'S1');
    expect(final).toBe(join(out, 'snapshots', 'S1'));
    expect(await exists(staging)).toBe(false);
    expect(await listFiles(final)).toEqual(['index.json', 'manifest.json', 'pages/a.md']);
    const pointer = LatestPointerSchema.parse(JSON.parse(await readFile(join(out, 'latest.json'), 'utf8')));
    expect(pointer).toEqual({ snapshotId: 'S1', path: 'snapshots/S1' });
    expect(await readLatest(out)).toEqual(pointer);
    // The pointer's temporary file is gone: only the archive's own entries remain.
    expect((await readdir(out)).sort()).toEqual(['latest.json', 'snapshots']);
  });

  it('moves latest.json to a newer snapshot and leaves the older one as it was', async () => {
    await publishSnapshot(out, await stage(out, 'S1', { 'pages/a.md': 'one\n' }), 'S1');
    const before = await readFile(join(out, 'snapshots/S1/pages/a.md'), 'utf8');
    await publishSnapshot(out, await stage(out, 'S2', { 'pages/a.md': 'two\n' }), 'S2');
    expect(await readLatest(out)).toEqual({ snapshotId: 'S2', path: 'snapshots/S2' });
    expect(await readFile(join(out, 'snapshots/S1/pages/a.md'), 'utf8')).toBe(before);
    expect((await readdir(join(out, 'snapshots'))).sort()).toEqual(['S1', 'S2']);
  });

  it('does not touch latest.json while a snapshot is only staged', async () => {
    await publishSnapshot(out, await stage(out, 'S1', { 'a.md': 'a\n' }), 'S1');
    const latest = await readFile(join(out, 'latest.json'), 'utf8');
    await stage(out, 'S2', { 'a.md': 'b\n' });
    expect(await readFile(join(out, 'latest.json'), 'utf8')).toBe(latest);
  });

  it('renames the snapshot before writing the pointer: when the pointer cannot be written, the snapshot is already in place', async () => {
    const staging = await stage(out, 'S1', { 'a.md': 'a\n' });
    // A directory where latest.json should go makes the pointer's final rename fail.
    await mkdir(join(out, 'latest.json', 'blocker'), { recursive: true });
    await expect(publishSnapshot(out, staging, 'S1')).rejects.toThrow();
    expect(await exists(join(out, 'snapshots', 'S1', 'a.md'))).toBe(true);
  });

  it('refuses to publish over an existing snapshot id and leaves both it and latest.json untouched', async () => {
    await publishSnapshot(out, await stage(out, 'S1', { 'pages/a.md': 'original\n' }), 'S1');
    const latest = await readFile(join(out, 'latest.json'), 'utf8');
    const manifest = await readFile(join(out, 'snapshots/S1/manifest.json'), 'utf8');

    const second = await stage(out, 'S1-again', { 'pages/a.md': 'impostor\n', 'pages/b.md': 'new\n' });
    await expect(publishSnapshot(out, second, 'S1')).rejects.toThrow(/S1 already exists/);
    expect(await readFile(join(out, 'snapshots/S1/pages/a.md'), 'utf8')).toBe('original\n');
    expect(await listFiles(join(out, 'snapshots/S1'))).toEqual(['manifest.json', 'pages/a.md']);
    expect(await readFile(join(out, 'snapshots/S1/manifest.json'), 'utf8')).toBe(manifest);
    expect(await readFile(join(out, 'latest.json'), 'utf8')).toBe(latest);
    expect(await exists(second)).toBe(true);
  });

  it('refuses to publish over an existing EMPTY snapshot directory too (rename would replace it)', async () => {
    await mkdir(join(out, 'snapshots', 'S1'), { recursive: true });
    await expect(publishSnapshot(out, await stage(out, 'S1b', { 'a.md': 'a\n' }), 'S1')).rejects.toThrow(/already exists/);
    expect(await readLatest(out)).toBeNull();
  });
});

describe('removeStaleStaging', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await tempDir('notion-kb-stale-');
  });
  afterEach(async () => tmp.cleanup());

  it('removes every .tmp-* directory and nothing else', async () => {
    const out = tmp.dir;
    await publishSnapshot(out, await stage(out, '20260101T000000Z-aaaaaa', { 'a.md': 'a\n' }), '20260101T000000Z-aaaaaa');
    await stage(out, 'killed-1', { 'a.md': 'half\n' });
    await stage(out, 'killed-2', {});
    // Look-alikes that are not staging directories.
    await mkdir(join(out, 'snapshots', 'tmp-not-staging'), { recursive: true });
    await mkdir(join(out, 'snapshots', 'x.tmp-y'), { recursive: true });
    await mkdir(join(out, `${STAGING_PREFIX}outside-snapshots`), { recursive: true });

    await removeStaleStaging(out);
    expect((await readdir(join(out, 'snapshots'))).sort()).toEqual(['20260101T000000Z-aaaaaa', 'tmp-not-staging', 'x.tmp-y']);
    expect(await listFiles(join(out, 'snapshots', '20260101T000000Z-aaaaaa'))).toEqual(['a.md', 'manifest.json']);
    expect(await exists(join(out, `${STAGING_PREFIX}outside-snapshots`))).toBe(true);
    expect(await exists(join(out, 'latest.json'))).toBe(true);
  });

  it('keeps the staging directory it is told to keep', async () => {
    const keep = await stage(tmp.dir, 'current', { 'a.md': 'a\n' });
    const stale = await stage(tmp.dir, 'stale', {});
    await removeStaleStaging(tmp.dir, keep);
    expect(await exists(keep)).toBe(true);
    expect(await exists(stale)).toBe(false);
  });

  it('does nothing when there is no snapshots directory yet', async () => {
    await expect(removeStaleStaging(join(tmp.dir, 'never-synced'))).resolves.toBeUndefined();
  });
});

describe('writeFiles and writeManifest', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await tempDir('notion-kb-files-');
  });
  afterEach(async () => tmp.cleanup());

  it.each(['../escape.md', 'pages/../../escape.md', '../outside/escape.md', 'pages/../../outside/deeper/escape.md'])(
    'refuses to write %s outside the snapshot, before creating anything',
    async (path) => {
      const dir = join(tmp.dir, 'snap');
      await expect(writeFiles(dir, new Map([['pages/ok.md', 'ok'], [path, 'x']]))).rejects.toThrow(/outside the snapshot/);
      expect((await readdir(tmp.dir)).sort()).toEqual([]);
    },
  );

  it('writes a path with a leading slash inside the snapshot', async () => {
    const dir = join(tmp.dir, 'snap');
    await writeFiles(dir, new Map([['/etc/passwd-copy', 'x']]));
    expect(await listFiles(dir)).toEqual(['etc/passwd-copy']);
  });

  it('lists every file but itself, sorted, with size and sha256', async () => {
    const dir = join(tmp.dir, 'snap');
    const files = { 'pages/b/ä.md': 'Ä\n', 'index.json': '{}\n', 'assets/x.bin': '' };
    await writeFiles(dir, new Map(Object.entries(files)));
    await writeManifest(dir);
    const text = await readFile(join(dir, 'manifest.json'), 'utf8');
    const manifest = ManifestSchema.parse(JSON.parse(text));
    expect(text).toBe(canonicalJson(manifest));
    expect(manifest.files).toEqual(
      Object.entries(files)
        .map(([path, text]) => ({ path, sha256: sha(text), bytes: Buffer.byteLength(text) }))
        .sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
  });

  it('hashes a file larger than one read block', async () => {
    const text = 'block of text ✓\n'.repeat(20_000);
    await writeFile(join(tmp.dir, 'big.txt'), text);
    expect(await sha256File(join(tmp.dir, 'big.txt'))).toEqual({ sha256: sha(text), bytes: Buffer.byteLength(text) });
  });

  it('writes a file given in pieces, and links it to the earlier snapshot when its bytes are the same', async () => {
    const earlier = join(tmp.dir, 'earlier');
    const text = `{\n${'  "line": "ü",\n'.repeat(10_000)}}\n`;
    await writeFiles(earlier, new Map([['index.json', text], ['other.json', 'old\n']]));
    const pieces = function* (s: string) {
      for (let i = 0; i < s.length; i += 1000) yield s.slice(i, i + 1000);
    };
    const reuse = { dir: earlier, hashes: new Map([['index.json', sha(text)], ['other.json', sha('old\n')]]), linked: 0 };
    const dir = join(tmp.dir, 'snap');
    await writeFileStreamed(dir, 'index.json', pieces(text), nodeOutputFs, reuse);
    await writeFileStreamed(dir, 'other.json', pieces('new\n'), nodeOutputFs, reuse);
    await writeFileStreamed(dir, 'fresh/new.json', pieces(text));
    expect(reuse.linked).toBe(1);
    expect((await stat(join(dir, 'index.json'))).ino).toBe((await stat(join(earlier, 'index.json'))).ino);
    expect(await readFile(join(dir, 'other.json'), 'utf8')).toBe('new\n');
    expect(await readFile(join(dir, 'fresh/new.json'), 'utf8')).toBe(text);
    expect(await listFiles(dir)).toEqual(['fresh/new.json', 'index.json', 'other.json']);
    await expect(writeFileStreamed(dir, '../escape.json', pieces('x'))).rejects.toThrow(/outside the snapshot/);
  });

  it.each(['../escape.md', 'pages/../../escape.md', '..', ''])('links nothing for %j, outside the snapshot, and leaves nothing behind', async (path) => {
    const earlier = join(tmp.dir, 'earlier');
    await writeFiles(earlier, new Map([['pages/a.md', 'a\n']]));
    const reuse = { dir: earlier, hashes: new Map([['pages/a.md', sha('a\n')], [path, sha('x')]]), linked: 0 };
    const dir = join(tmp.dir, 'snap');
    await expect(linkFiles(dir, ['pages/a.md', path], nodeOutputFs, new Set(), reuse)).rejects.toThrow(/outside the snapshot/);
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(reuse.linked).toBe(0);
  });

  it('links paths that join would tidy (./, //, a trailing or leading slash) where join puts them, and one folder made once', async () => {
    const earlier = join(tmp.dir, 'earlier');
    const paths = ['pages/a.md', 'pages/./b.md', 'pages//c.md', '/d.md', 'pages/sub/../e.md'];
    const tidy = ['pages/a.md', 'pages/b.md', 'pages/c.md', 'd.md', 'pages/e.md'];
    await writeFiles(earlier, new Map(tidy.map((p) => [p, `${p}\n`])));
    const reuse = { dir: earlier, hashes: new Map(paths.map((p) => [p, 'any'])), linked: 0, linkedPaths: new Set<string>() };
    const dir = join(tmp.dir, 'snap');
    const made = new Set<string>();
    expect(await linkFiles(dir, paths, nodeOutputFs, made, reuse)).toBe(true);
    expect(await listFiles(dir)).toEqual(tidy.slice().sort());
    for (const p of tidy) expect((await stat(join(dir, p))).ino).toBe((await stat(join(earlier, p))).ino);
    expect([...made].sort()).toEqual([dir, join(dir, 'pages')]);
    expect(reuse.linked).toBe(5);
    // A file system handed in (a test's) is asked through its promises, with the same outcome.
    const again = join(tmp.dir, 'again');
    const asked: string[] = [];
    const watched = { ...nodeOutputFs, link: (async (a: string, b: string) => (asked.push(b), nodeOutputFs.link(a, b))) as typeof nodeOutputFs.link };
    expect(await linkFiles(again, paths, watched, new Set(), { ...reuse, linked: 0 })).toBe(true);
    expect(asked.sort()).toEqual(tidy.map((p) => join(again, p)).sort());
    expect(await listFiles(again)).toEqual(tidy.slice().sort());
  });

  it('links all or nothing: a file missing from the earlier snapshot undoes the links made', async () => {
    const earlier = join(tmp.dir, 'earlier');
    await writeFiles(earlier, new Map([['pages/a.md', 'a\n']]));
    const reuse = { dir: earlier, hashes: new Map([['pages/a.md', 'any'], ['records/gone.json', 'any']]), linked: 0 };
    const dir = join(tmp.dir, 'snap');
    expect(await linkFiles(dir, ['pages/a.md', 'records/gone.json'], nodeOutputFs, new Set(), reuse)).toBe(false);
    expect(await listFiles(dir)).toEqual([]);
    expect(reuse.linked).toBe(0);
    // Not listed by the earlier manifest: false before anything is made.
    expect(await linkFiles(join(tmp.dir, 'none'), ['pages/a.md', 'pages/unlisted.md'], nodeOutputFs, new Set(), reuse)).toBe(false);
    await expect(readdir(join(tmp.dir, 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('lists the files it linked with the hash and size the earlier manifest gives, without asking the file system', async () => {
    const earlier = join(tmp.dir, 'earlier');
    const files = new Map([['pages/a.md', 'a ü\n'], ['pages/b.md', 'bee\n'], ['c.json', '{}\n']]);
    await writeFiles(earlier, files);
    await writeManifest(earlier);
    const read = (await readManifestFiles(earlier))!;
    expect(Object.fromEntries(read.sizes)).toEqual({ 'c.json': 3, 'pages/a.md': 5, 'pages/b.md': 4 });
    const reuse = { dir: earlier, hashes: read.hashes, sizes: read.sizes, linked: 0, linkedPaths: new Set<string>() };
    const dir = join(tmp.dir, 'snap');
    await writeFiles(dir, new Map([['pages/a.md', 'a ü\n'], ['d.json', '{"new": 1}\n']]), nodeOutputFs, undefined, reuse);
    expect(await linkFiles(dir, ['pages/b.md'], nodeOutputFs, new Set(), reuse)).toBe(true);
    expect([...reuse.linkedPaths].sort()).toEqual(['pages/a.md', 'pages/b.md']);
    const stats: string[] = [];
    const watched = { ...nodeOutputFs, stat: (async (p: string) => (stats.push(p), nodeOutputFs.stat(p))) as typeof nodeOutputFs.stat };
    await writeManifest(dir, watched, reuse);
    expect(stats).toEqual([]);
    const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    // The manifest the file system gives.
    await writeManifest(dir);
    expect(ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')))).toEqual(manifest);
    expect(manifest.files.map((f) => f.path)).toEqual(['d.json', 'pages/a.md', 'pages/b.md']);
    expect(manifest.files.find((f) => f.path === 'pages/a.md')).toEqual({ path: 'pages/a.md', sha256: sha('a ü\n'), bytes: 5 });
  });

  it('lists the files it wrote with the hash and size of what it wrote, without reading them back', async () => {
    const earlier = join(tmp.dir, 'earlier');
    await writeFiles(earlier, new Map([['pages/a.md', 'a\n'], ['pages/b.md', 'old b\n']]));
    await writeManifest(earlier);
    const read = (await readManifestFiles(earlier))!;
    const reuse = { dir: earlier, hashes: read.hashes, sizes: read.sizes, linked: 0, linkedPaths: new Set<string>(), written: new Map<string, { sha256: string; bytes: number }>() };
    const dir = join(tmp.dir, 'snap');
    // a.md the same (linked), b.md changed and c.md new (written), d.bin stored by another writer and noted.
    await writeFiles(dir, new Map([['pages/a.md', 'a\n'], ['pages/b.md', 'new b ü\n'], ['pages/c.md', 'c\n']]), nodeOutputFs, undefined, reuse);
    await writeFile(join(dir, 'd.bin'), Buffer.from([1, 2, 3]));
    noteWritten(reuse, 'd.bin', createHash('sha256').update(Buffer.from([1, 2, 3])).digest('hex'), 3);
    // Not noted: read back.
    await writeFile(join(dir, 'report.json'), '{}\n');
    expect([...reuse.linkedPaths]).toEqual(['pages/a.md']);
    expect(Object.fromEntries(reuse.written)).toEqual({
      'pages/b.md': { sha256: sha('new b ü\n'), bytes: 9 },
      'pages/c.md': { sha256: sha('c\n'), bytes: 2 },
      'd.bin': { sha256: createHash('sha256').update(Buffer.from([1, 2, 3])).digest('hex'), bytes: 3 },
    });
    const opened: string[] = [];
    const stats: string[] = [];
    const watched = {
      ...nodeOutputFs,
      open: (async (p: string, ...rest: unknown[]) => (opened.push(p), (nodeOutputFs.open as (...a: unknown[]) => unknown)(p, ...rest))) as typeof nodeOutputFs.open,
      stat: (async (p: string) => (stats.push(p), nodeOutputFs.stat(p))) as typeof nodeOutputFs.stat,
    };
    await writeManifest(dir, watched, reuse);
    expect(stats).toEqual([]);
    // Only the file nobody noted is read, and the manifest itself written.
    expect(opened.map((p) => relative(dir, p)).sort()).toEqual(['manifest.json', 'report.json']);
    const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    await writeManifest(dir);
    expect(ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')))).toEqual(manifest);
    // A file linked, then written over: what was written is listed.
    noteWritten(reuse, 'pages/a.md', sha('A\n'), 2);
    expect(reuse.linkedPaths.has('pages/a.md')).toBe(false);
  });

  it('rewriting the manifest does not list the old manifest', async () => {
    const dir = join(tmp.dir, 'snap');
    await writeFiles(dir, new Map([['a.md', 'a']]));
    await writeManifest(dir);
    await writeFile(join(dir, 'b.md'), 'b');
    await writeManifest(dir);
    const again = ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    expect(again.files.map((f) => f.path)).toEqual(['a.md', 'b.md']);
  });
});

describe('lockOutput', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let lockFile: string;
  beforeEach(async () => {
    tmp = await tempDir();
    lockFile = join(tmp.dir, '.notion-kb.lock');
  });
  afterEach(async () => {
    await tmp.cleanup();
  });
  const owner = (o: Partial<LockOwner>) =>
    `${JSON.stringify({ pid: process.pid, startTime: null, host: hostname(), createdAt: new Date().toISOString(), ...o })}\n`;

  it('writes its owner as pid, process start time and host, refuses a second writer, and releases', async () => {
    const lock = await lockOutput(tmp.dir);
    const written = JSON.parse(await readFile(lockFile, 'utf8')) as LockOwner;
    expect(written).toMatchObject({ pid: process.pid, host: hostname() });
    expect(written.startTime).toBe(await processStartTime(process.pid));
    // The process's start time is real: before now, after the epoch of this machine's boot.
    expect(written.startTime).toBeGreaterThan(Date.parse('2000-01-01'));
    expect(written.startTime).toBeLessThanOrEqual(Date.now());
    // This very process (same pid, same start time) holds it: a second sync in it must wait.
    await expect(lockOutput(tmp.dir)).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining(`another notion-kb sync (process ${process.pid})`) });
    await lock.release();
    await expect(readFile(lockFile, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names a read-only file system where Node 20 says ENOENT (a new --out under a read-only mount)', async () => {
    // What Node 20 does on a read-only mount: the recursive mkdir fails with ENOENT, a plain one with EROFS.
    const readOnly = (err: string) => Object.assign(new Error(`${err}: mkdir`), { code: err });
    const fs = {
      ...nodeOutputFs,
      mkdir: (async (_path: string, opts?: { recursive?: boolean }) => {
        throw readOnly(opts?.recursive ? 'ENOENT' : 'EROFS');
      }) as typeof nodeOutputFs.mkdir,
    };
    await expect(lockOutput(join(tmp.dir, 'new', 'out'), fs)).rejects.toMatchObject({
      code: 'usage',
      message: `--out ${join(tmp.dir, 'new', 'out')}: cannot create it (the file system is read-only); choose a directory you can write to`,
    });
  });

  it('respects a lock naming a live process with its own start time', async () => {
    const started = await processStartTime(process.ppid);
    expect(started).not.toBeNull();
    await writeFile(lockFile, owner({ pid: process.ppid, startTime: started }));
    await expect(lockOutput(tmp.dir)).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(new RegExp(`process ${process.ppid}\\).*remove .*\\.notion-kb\\.lock`)),
    });
  });

  it('takes over a lock whose pid is alive but now belongs to a process that started at another time', async () => {
    const started = (await processStartTime(process.ppid))!;
    await writeFile(lockFile, owner({ pid: process.ppid, startTime: started - 3_600_000 }));
    const lock = await lockOutput(tmp.dir);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    // Our own pid with another start time: a recycled pid too.
    await writeFile(lockFile, owner({ startTime: (await processStartTime(process.pid))! - 3_600_000 }));
    await (await lockOutput(tmp.dir)).release();
  });

  it('takes over a lock whose process is gone, in the JSON and in the old bare-pid format', async () => {
    await writeFile(lockFile, owner({ pid: 999999999, startTime: 1 }));
    await (await lockOutput(tmp.dir)).release();
    await writeFile(lockFile, '999999999\n');
    await (await lockOutput(tmp.dir)).release();
    // An old-format lock naming a live process still holds.
    await writeFile(lockFile, `${process.ppid}\n`);
    await expect(lockOutput(tmp.dir)).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining(`process ${process.ppid}`) });
  });

  it('leaves a lock from another host alone for 24 hours, saying how to remove it, then takes it over', async () => {
    await writeFile(lockFile, owner({ pid: 4242, host: 'build-box-7', startTime: 123, createdAt: new Date(Date.now() - 23 * 3_600_000).toISOString() }));
    const err = await lockOutput(tmp.dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'usage' });
    expect((err as Error).message).toContain('process 4242 on host build-box-7');
    expect((err as Error).message).toContain(`remove ${lockFile}`);
    await writeFile(lockFile, owner({ pid: 4242, host: 'build-box-7', startTime: 123, createdAt: new Date(Date.now() - 25 * 3_600_000).toISOString() }));
    const lock = await lockOutput(tmp.dir);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
  });

  it('takes over a lock file with garbage in it once it is not being written any more', async () => {
    for (const garbage of ['', 'not a lock', '{"pid":"12"}', '-5', '{']) {
      await writeFile(lockFile, garbage);
      // Just written: perhaps another sync between creating and filling it.
      await expect(lockOutput(tmp.dir), garbage).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('taking the lock') });
      const old = new Date(Date.now() - 60_000);
      await utimes(lockFile, old, old);
      await (await lockOutput(tmp.dir)).release();
    }
  });

  it('on a file system without hard links, creates the lock in place, refuses a second writer and leaves no draft', async () => {
    const noLinks = { ...nodeOutputFs, link: async () => Promise.reject(Object.assign(new Error('operation not permitted'), { code: 'EPERM' })) };
    const lock = await lockOutput(tmp.dir, noLinks);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(await readdir(tmp.dir)).toEqual(['.notion-kb.lock']);
    await expect(lockOutput(tmp.dir, noLinks)).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining(`process ${process.pid}`) });
    await lock.release();
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('parses both lock formats', () => {
    expect(parseLockOwner('1234\n')).toEqual({ pid: 1234 });
    expect(parseLockOwner('{"pid":5,"startTime":7,"host":"h","createdAt":"x"}')).toEqual({ pid: 5, startTime: 7, host: 'h', createdAt: 'x' });
    expect(parseLockOwner('0')).toBeNull();
    expect(parseLockOwner('[1]')).toBeNull();
  });
});

describe('lockOutput on a bad output path', () => {
  it('names the path and says it is not a directory', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'a-file');
      await writeFile(file, 'x');
      await expect(lockOutput(file)).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('not a directory') });
      await expect(lockOutput(join(file, 'below'))).rejects.toMatchObject({ code: 'usage' });
    } finally {
      await cleanup();
    }
  });
});

describe('readLatest on a damaged pointer', () => {
  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['a pointer without a path', '{"snapshotId":"S1"}', /not a valid pointer: path/],
  ])('%s: a usage error naming the file', async (_name, content, message) => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeFile(join(dir, 'latest.json'), content);
      await expect(readLatest(dir)).rejects.toMatchObject({ code: 'usage', message: expect.stringMatching(message) });
    } finally {
      await cleanup();
    }
  });
});

describe('manifestEntries and removeTree', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await tempDir('notion-kb-files-');
  });
  afterEach(async () => tmp.cleanup());

  const collect = async (dir: string) => {
    const out: Array<{ path: string; sha256: string; bytes?: number }> = [];
    for await (const e of manifestEntries(dir)) out.push(e);
    return out;
  };

  it('reads a manifest an entry at a time, as written and in any other JSON layout', async () => {
    const dir = join(tmp.dir, 'snap');
    // More entries than one group it hands on; names that look like JSON.
    const files = new Map(Array.from({ length: 600 }, (_, i) => [`pages/p-${i}", "sha256": "x.md`, `page ${i}\n`] as [string, string]));
    await writeFiles(dir, files);
    await writeManifest(dir);
    const parsed = ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    const expected = parsed.files.map(({ path, sha256, bytes }) => ({ path, sha256, bytes }));
    expect(expected).toHaveLength(600);
    expect(await collect(dir)).toEqual(expected);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(parsed));
    expect(await collect(dir)).toEqual(expected);
    // Keys in another order, one a line: no size is taken for another entry's.
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ files: parsed.files.map(({ path, sha256, bytes }) => ({ bytes, path, sha256 })) }, null, 2));
    expect(await collect(dir)).toEqual(expected.map(({ path, sha256 }) => ({ path, sha256 })));
    await writeFile(join(dir, 'manifest.json'), canonicalJson({ files: [] }));
    expect(await collect(dir)).toEqual([]);
    await writeFile(join(dir, 'manifest.json'), '{"files": 3}');
    await expect(collect(dir)).rejects.toThrow(/not a manifest/);
    await writeFile(join(dir, 'manifest.json'), canonicalJson(parsed).slice(0, 500));
    await expect(collect(dir)).rejects.toThrow();
  });

  it('removes a tree a few files at a time (never a request for every entry at once), and nothing that is not there', async () => {
    const dir = join(tmp.dir, 'tree');
    const files = new Map<string, string>();
    for (let i = 0; i < 100; i++) files.set(`pages/a/p-${i}.md`, 'x');
    for (let i = 0; i < 40; i++) files.set(`pages/a/b/c/q-${i}.md`, 'y');
    files.set('top.json', '{}');
    await writeFiles(dir, files);
    let running = 0;
    let most = 0;
    const counting = {
      ...nodeOutputFs,
      rm: async (...args: Parameters<typeof nodeOutputFs.rm>) => {
        most = Math.max(most, ++running);
        try {
          return await nodeOutputFs.rm(...args);
        } finally {
          running--;
        }
      },
    };
    await removeTree(dir, counting);
    expect(await exists(dir)).toBe(false);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(16);
    await removeTree(dir, counting);
    await writeFile(join(tmp.dir, 'a-file'), 'x');
    await removeTree(join(tmp.dir, 'a-file'));
    expect(await exists(join(tmp.dir, 'a-file'))).toBe(false);
  });
});
