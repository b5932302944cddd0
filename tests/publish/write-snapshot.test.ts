import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatestPointerSchema, ManifestSchema } from '../../src/normalise/schemas.js';
import {
  lockOutput,
  createStaging,
  listFiles,
  newSnapshotId,
  publishSnapshot,
  readLatest,
  removeStaleStaging,
  STAGING_PREFIX,
  writeFiles,
  writeManifest,
} from '../../src/publish/write-snapshot.js';
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
});

describe('staging and publishing', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let out: string;
  beforeEach(async () => {
    tmp = await tempDir('notion-kb-publish-');
    out = join(tmp.dir, 'archive');
  });
  afterEach(async () => tmp.cleanup());

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
    const manifest = await writeManifest(dir);
    expect(ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')))).toEqual(manifest);
    expect(manifest.files).toEqual(
      Object.entries(files)
        .map(([path, text]) => ({ path, sha256: sha(text), bytes: Buffer.byteLength(text) }))
        .sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
  });

  it('rewriting the manifest does not list the old manifest', async () => {
    const dir = join(tmp.dir, 'snap');
    await writeFiles(dir, new Map([['a.md', 'a']]));
    await writeManifest(dir);
    await writeFile(join(dir, 'b.md'), 'b');
    const again = await writeManifest(dir);
    expect(again.files.map((f) => f.path)).toEqual(['a.md', 'b.md']);
  });
});

describe('lockOutput', () => {
  it('refuses a second writer while the first one runs, and takes over a lock whose process is gone', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const lockFile = join(dir, '.notion-kb.lock');
      // A lock held by a live process (our parent).
      await writeFile(lockFile, `${process.ppid}\n`);
      await expect(lockOutput(dir)).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining(`process ${process.ppid}`) });
      // A lock left by a killed run.
      await writeFile(lockFile, '999999999\n');
      const lock = await lockOutput(dir);
      expect((await readFile(lockFile, 'utf8')).trim()).toBe(String(process.pid));
      await expect(lockOutput(dir)).resolves.toBeDefined(); // our own lock: re-entrant for this process
      await lock.release();
      await expect(readFile(lockFile, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await cleanup();
    }
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
