import { linkSync, mkdirSync, readdirSync, type Dirent } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { nodeOutputFs, type OutputFs } from './output-fs.js';
import { join, posix, sep } from 'node:path';
import { NotionKbError } from '../errors.js';
import { LatestPointerSchema, type LatestPointer, type Manifest } from '../normalise/schemas.js';
import { canonicalJson, canonicalJsonChunks, JsonList } from '../render/json/canonical-json.js';

/** Prefix of staging directories: snapshots being written, never read as snapshots. */
export const STAGING_PREFIX = '.tmp-';

/** A published snapshot's directory name: `20261128T183730Z-1a2b3c` (its run's start time, UTC, then a suffix). */
const SNAPSHOT_ID = /^(\d{8}T\d{6}Z)-([0-9a-z]+)$/;

/** True for a directory name that is a snapshot id (staging `.tmp-*` directories and anything else are not). */
export function isSnapshotId(name: string): boolean {
  return SNAPSHOT_ID.test(name);
}

/**
 * A sortable, unique snapshot id from the run's start time: `20261128T183730Z-1a2b3c`. Given
 * the ids already in the output directory, the new one sorts after all of them: two runs in
 * the same second (or a clock that went back) get the newest id's time with the next suffix,
 * so "newest" by id is always the last one published.
 */
export function newSnapshotId(startedAt: Date, existing: readonly string[] = []): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const id = `${stamp}-${randomBytes(3).toString('hex')}`;
  const newest = existing.filter(isSnapshotId).sort().at(-1);
  if (newest === undefined || id > newest) return id;
  const [, newestStamp, suffix] = SNAPSHOT_ID.exec(newest)!;
  // The next hex suffix; a suffix that is not hex (not written by this tool) gets a digit more.
  const next = /^[0-9a-f]+$/.test(suffix!) ? (Number.parseInt(suffix!, 16) + 1).toString(16).padStart(suffix!.length, '0') : `${suffix}0`;
  return `${newestStamp}-${next}`;
}

/** The published snapshots of an output directory (`<out>/snapshots/<id>/`), oldest first. */
export async function listSnapshots(outDir: string, fs: OutputFs = nodeOutputFs): Promise<string[]> {
  const entries = await fs.readdir(join(outDir, 'snapshots'), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory() && isSnapshotId(e.name)).map((e) => e.name).sort();
}

/** Creates `<out>/snapshots/.tmp-<id>/`, the directory a snapshot is written into before it is published. */
export async function createStaging(outDir: string, snapshotId: string, fs: OutputFs = nodeOutputFs): Promise<string> {
  const dir = join(outDir, 'snapshots', `${STAGING_PREFIX}${snapshotId}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** Removes staging directories left behind by killed runs (never a published snapshot). */
export async function removeStaleStaging(outDir: string, keep?: string, fs: OutputFs = nodeOutputFs): Promise<void> {
  const snapshots = join(outDir, 'snapshots');
  const entries = await fs.readdir(snapshots).catch(() => [] as string[]);
  for (const e of entries) if (e.startsWith(STAGING_PREFIX) && join(snapshots, e) !== keep) await removeTree(join(snapshots, e), fs);
}

/** Files removed at once by removeTree. */
const REMOVE_AT_ONCE = 16;

/**
 * Removes a directory tree (nothing when it is not there), a few files at a time. Node's
 * recursive `rm` starts an operation for every entry of a folder at once, and so on down the
 * tree: for a snapshot of 10,000 pages, tens of thousands of pending requests, and tens of MB
 * of memory at the run's end.
 */
export async function removeTree(dir: string, fs: OutputFs = nodeOutputFs): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') return void (await fs.rm(dir, { force: true }));
    throw err;
  }
  const files = entries.filter((e) => !e.isDirectory());
  for (let i = 0; i < files.length; i += REMOVE_AT_ONCE) await Promise.all(files.slice(i, i + REMOVE_AT_ONCE).map((e) => fs.rm(join(dir, e.name), { force: true })));
  for (const e of entries) if (e.isDirectory()) await removeTree(join(dir, e.name), fs);
  await fs.rm(dir, { recursive: true, force: true });
}

/** Writes text files into a directory (paths are snapshot-relative, forward slashes). */
export async function writeFiles(
  dir: string,
  files: Map<string, string>,
  fs: OutputFs = nodeOutputFs,
  /** Folders this writer created already (a render pass writes thousands of pages into a few hundred folders). */
  made: Set<string> = new Set(),
  /** An earlier snapshot: a file with the same path and bytes there becomes a hard link to it, not a copy. */
  reuse?: FileReuse,
): Promise<void> {
  // Every path is checked before anything is created, so a bad one leaves no directory behind.
  const targets = new Map([...files.keys()].map((path) => [path, inside(dir, path)]));
  const dirs = new Set([...targets.values()].map(folderOf));
  for (const d of [...dirs].sort()) await makeFolder(fs, d, made);
  for (const [path, content] of files) {
    const target = targets.get(path)!;
    const before = reuse?.hashes.get(path);
    const sha256 = before !== undefined || reuse?.written ? createHash('sha256').update(content).digest('hex') : undefined;
    if (before !== undefined && before === sha256) {
      const linked = await hardLink(fs, inside(reuse!.dir, path), target);
      if (linked) {
        noteLinked(reuse!, [path]);
        continue;
      }
    }
    await fs.writeFile(target, content);
    if (reuse?.written && sha256 !== undefined) noteWritten(reuse, path, sha256, Buffer.byteLength(content, 'utf8'));
  }
}

/** A file this run wrote (or stored) in the staging directory with these bytes: the manifest takes them as they are. */
export function noteWritten(reuse: FileReuse, path: string, sha256: string, bytes: number): void {
  reuse.linkedPaths?.delete(path);
  reuse.written?.set(path, { sha256, bytes });
}

/** Counts files linked from the earlier snapshot, and names them where the caller keeps their paths. */
function noteLinked(reuse: FileReuse, paths: readonly string[]): void {
  reuse.linked += paths.length;
  for (const path of paths) reuse.linkedPaths?.add(path);
}

/**
 * A hard link (false when it cannot be made). Through the real file system it is made at once,
 * not handed to its thread pool: a nightly sync links tens of thousands of files, and a promise
 * for each costs more CPU than the link itself (21,000 links: 0.6 s of CPU against 0.3 s). Any
 * other file system (a test's) is asked as it asks to be.
 */
async function hardLink(fs: OutputFs, from: string, to: string): Promise<boolean> {
  if (fs.link !== nodeOutputFs.link) return fs.link(from, to).then(() => true, () => false);
  return linkNow(from, to);
}

function linkNow(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a folder (and those above it) once per writer (`made`). Through the real file system
 * at once, as `hardLink` links: a nightly sync makes thousands of folders for the files it links.
 */
async function makeFolder(fs: OutputFs, folder: string, made: Set<string>): Promise<void> {
  if (made.has(folder)) return;
  if (fs.mkdir !== nodeOutputFs.mkdir) {
    await fs.mkdir(folder, { recursive: true });
    made.add(folder);
  } else makeFolderNow(folder, made);
}

function makeFolderNow(folder: string, made: Set<string>): void {
  if (made.has(folder)) return;
  if (!made.has(folderOf(folder))) mkdirSync(folder, { recursive: true });
  else {
    // Its parent was made here: one system call, not the recursive walk (a third dearer on ext4).
    try {
      mkdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  made.add(folder);
}

/** The folder a path is in (`dirname` of a normalised path below the root). */
const folderOf = (path: string) => path.slice(0, path.lastIndexOf(sep));

/** A path that `join` would change: `.` or `..` segments, empty ones, a leading or trailing slash, a backslash, a NUL. */
const UNUSUAL_PATH = /(?:^|\/)\.{1,2}(?:\/|$)|^\/|\/\/|\/$|\\|\0/;

/**
 * A snapshot-relative path (forward slashes) below `dir`, a normalised directory; throws when it
 * would lead outside. Plain paths, all a snapshot has, are joined by concatenation: a nightly
 * sync joins tens of thousands, and `join` normalises each (a tenth of a second).
 */
function inside(dir: string, path: string): string {
  if (sep === '/' && path !== '' && !dir.endsWith('/') && !UNUSUAL_PATH.test(path)) return `${dir}/${path}`;
  const target = join(dir, path);
  if (!target.startsWith(dir + sep)) throw new Error(`refusing to write outside the snapshot: ${path}`);
  return target;
}

/**
 * Takes files from an earlier snapshot as they are: each becomes a hard link to the file at the
 * same path there. False (and nothing left behind) when one is not there or cannot be linked:
 * then they are to be written.
 */
export async function linkFiles(dir: string, paths: readonly string[], fs: OutputFs, made: Set<string>, reuse: FileReuse): Promise<boolean> {
  const targets: string[] = [];
  for (const path of paths) {
    const target = inside(dir, path);
    if (!reuse.hashes.has(path)) return false;
    targets.push(target);
  }
  // Through the real file system without a promise per file (a nightly sync links tens of thousands).
  const now = fs.link === nodeOutputFs.link && fs.mkdir === nodeOutputFs.mkdir;
  for (let i = 0; i < paths.length; i++) {
    const target = targets[i]!;
    const from = inside(reuse.dir, paths[i]!);
    let ok: boolean;
    if (now) {
      makeFolderNow(folderOf(target), made);
      ok = linkNow(from, target);
    } else {
      await makeFolder(fs, folderOf(target), made);
      ok = await hardLink(fs, from, target);
    }
    if (!ok) {
      for (const done of targets.slice(0, i)) await fs.rm(done, { force: true });
      return false;
    }
  }
  noteLinked(reuse, paths);
  return true;
}

/** Bytes gathered before each write of a streamed file. */
const STREAM_BLOCK_BYTES = 64 * 1024;

/**
 * Writes text given in pieces (canonicalJsonChunks) to a file a block at a time, so that the
 * whole text is never in memory; resolves with its sha256 (hex) and size.
 */
export async function writeStreamed(path: string, chunks: Iterable<string> | AsyncIterable<string>, fs: OutputFs = nodeOutputFs): Promise<{ sha256: string; bytes: number }> {
  const handle = await fs.open(path, 'w');
  const hash = createHash('sha256');
  let bytes = 0;
  let block: string[] = [];
  let blockChars = 0;
  const flush = async () => {
    const buffer = Buffer.from(block.join(''), 'utf8');
    block = [];
    blockChars = 0;
    hash.update(buffer);
    bytes += buffer.length;
    await writeAll(handle, buffer);
  };
  try {
    for await (const chunk of chunks) {
      block.push(chunk);
      blockChars += chunk.length;
      if (blockChars >= STREAM_BLOCK_BYTES) await flush();
    }
    if (blockChars > 0) await flush();
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Writes all of `buffer` at the handle's position (a write may take fewer bytes than it was given). */
export async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  for (let done = 0; done < buffer.length; ) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done);
    if (!(bytesWritten > 0)) throw new Error('a write to the output directory wrote nothing');
    done += bytesWritten;
  }
}

/**
 * writeFiles for one file given in pieces: written a block at a time, and, like writeFiles, a
 * hard link to the earlier snapshot's file when its bytes are the same.
 */
export async function writeFileStreamed(dir: string, path: string, chunks: Iterable<string> | AsyncIterable<string>, fs: OutputFs = nodeOutputFs, reuse?: FileReuse): Promise<void> {
  const target = inside(dir, path);
  await fs.mkdir(folderOf(target), { recursive: true });
  const before = reuse?.hashes.get(path);
  if (before === undefined) {
    await writeStreamed(target, chunks, fs);
    return;
  }
  // The hash is known only once the file is written: beside it first, then linked or renamed.
  const written = `${target}.${process.pid}.tmp`;
  const { sha256 } = await writeStreamed(written, chunks, fs);
  if (sha256 === before && (await hardLink(fs, inside(reuse!.dir, path), target))) {
    noteLinked(reuse!, [path]);
    await fs.rm(written, { force: true });
    return;
  }
  await fs.rename(written, target);
}

/** Files of an earlier snapshot that a new one may share (src/publish/write-snapshot.ts writeFiles). */
export interface FileReuse {
  dir: string;
  /** Snapshot-relative path → sha256 (hex), from its manifest. */
  hashes: ReadonlyMap<string, string>;
  /** Files linked so far. */
  linked: number;
  /** Their sizes, from its manifest, when the caller read them (`readManifestFiles`). */
  sizes?: ReadonlyMap<string, number>;
  /**
   * The paths linked so far, when the caller keeps them (with `sizes`): the manifest then takes
   * their hash and size from the earlier snapshot's manifest instead of asking the file system.
   */
  linkedPaths?: Set<string>;
  /**
   * Files this run wrote into the staging directory, when the caller keeps them: the sha256 and
   * size of the bytes written (or, for stored files, of what the asset store stored), which the
   * manifest takes instead of reading the file back.
   */
  written?: Map<string, { sha256: string; bytes: number }>;
}

/** The files of a published snapshot by path and sha256, from its manifest; null when it has none to read. */
export async function readManifestHashes(dir: string, fs: OutputFs = nodeOutputFs): Promise<Map<string, string> | null> {
  return (await readManifestFiles(dir, fs))?.hashes ?? null;
}

/** The files of a published snapshot by path: their sha256 (hex) and size, from its manifest; null when it has none to read. */
export async function readManifestFiles(dir: string, fs: OutputFs = nodeOutputFs): Promise<{ hashes: Map<string, string>; sizes: Map<string, number> } | null> {
  try {
    const hashes = new Map<string, string>();
    const sizes = new Map<string, number>();
    for await (const f of manifestEntries(dir, fs)) {
      hashes.set(f.path, f.sha256);
      if (f.bytes !== undefined) sizes.set(f.path, f.bytes);
    }
    return { hashes, sizes };
  } catch {
    return null;
  }
}

/**
 * The entries of a snapshot's manifest.json one at a time, read a line at a time as
 * `writeManifest` lays it out (a large wiki's manifest is several MB; its text is never held
 * whole); a manifest in another layout is parsed whole. Throws when there is none or it is not
 * a manifest.
 */
export async function* manifestEntries(dir: string, fs: OutputFs = nodeOutputFs): AsyncGenerator<{ path: string; sha256: string; bytes?: number }> {
  const file = join(dir, 'manifest.json');
  const handle = await fs.open(file, 'r');
  const entries: Array<{ path: string; sha256: string; bytes?: number }> = [];
  let lines = 0;
  let path: string | null = null;
  let layout = true;
  let yielded = false;
  let ended = false;
  let closing = '';
  /** The entry whose size may come next. */
  let sized: { path: string; sha256: string; bytes?: number } | null = null;
  try {
    for await (const raw of handle.readLines({ autoClose: false })) {
      lines++;
      const line = raw.trim();
      const field = /^"(path|sha256|bytes)": (.*?),?$/.exec(line);
      if (!field) {
        sized = null;
        if (!/^[{}[\],]*$/.test(line.replaceAll(' ', '')) && !line.startsWith('"files": [')) {
          layout = false;
          break;
        }
        // Its end: the list, then the object, closed.
        if (line !== '') ended = line === '}' && (ended || closing === ']');
        if (line !== '') closing = line.endsWith(']') ? ']' : line;
        continue;
      }
      ended = false;
      closing = '';
      if (field[1] === 'path') {
        // Handed on in small groups (each entry complete: its size follows its hash), so that a reader's work and this read take turns.
        if (entries.length >= 256) {
          yielded = true;
          yield* entries.splice(0);
        }
        path = JSON.parse(field[2]!) as string;
        sized = null;
      } else if (field[1] === 'sha256') {
        if (path === null) {
          layout = false;
          break;
        }
        sized = { path, sha256: JSON.parse(field[2]!) as string };
        entries.push(sized);
        path = null;
      } else {
        // Its size, right after its hash (as writeManifest lays it out; in another order, none).
        const bytes = JSON.parse(field[2]!) as unknown;
        if (sized && typeof bytes === 'number') sized.bytes = bytes;
        sized = null;
      }
    }
  } finally {
    await handle.close();
  }
  if (layout && lines > 0 && !ended) throw new Error(`${file} is cut short`);
  if (layout && lines > 0) {
    yield* entries;
    return;
  }
  if (yielded) throw new Error(`${file} is not a manifest notion-kb wrote`);
  const manifest = JSON.parse(await fs.readFile(file, 'utf8')) as Manifest;
  if (!Array.isArray(manifest.files)) throw new Error(`${file} is not a manifest`);
  for (const f of manifest.files) yield { path: f.path, sha256: f.sha256, ...(typeof f.bytes === 'number' ? { bytes: f.bytes } : {}) };
}

/** Every file below a directory, as sorted snapshot-relative paths. */
export async function listFiles(dir: string, fs: OutputFs = nodeOutputFs): Promise<string[]> {
  const out: string[] = [];
  // Each entry's snapshot-relative path is built as the walk goes down (no path.relative for tens of
  // thousands of files), and through the real file system each folder is read at once, as `hardLink` links.
  const read = fs.readdir === nodeOutputFs.readdir ? async (d: string) => readdirSync(d, { withFileTypes: true }) : (d: string) => fs.readdir(d, { withFileTypes: true });
  const walk = async (d: string, under: string): Promise<void> => {
    for (const e of await read(d)) {
      const rel = under + e.name;
      if (e.isDirectory()) await walk(join(d, e.name), `${rel}${posix.sep}`);
      else out.push(rel);
    }
  };
  await walk(dir, '');
  return out.sort();
}

/** Read blocks of sha256File, kept for the next file: hashing a snapshot reads tens of thousands. */
const spareBlocks: Buffer[] = [];

/** The sha256 (hex) and size of a file, read a block at a time. */
export async function sha256File(path: string, fs: OutputFs = nodeOutputFs): Promise<{ sha256: string; bytes: number }> {
  const handle = await fs.open(path, 'r');
  const block = spareBlocks.pop() ?? Buffer.allocUnsafeSlow(STREAM_BLOCK_BYTES);
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.length, null);
      if (bytesRead === 0) break;
      hash.update(block.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    spareBlocks.push(block);
    await handle.close();
  }
}

/**
 * Hashes every file of the staging directory and writes manifest.json (which lists all files
 * but itself), an entry at a time: a large wiki's snapshot has tens of thousands of files. A file
 * that is a hard link to the same path of an earlier snapshot (`reuse`) is not read: its hash is
 * that snapshot's (and, for a file this run linked, its size too: no stat).
 */
export async function writeManifest(dir: string, fs: OutputFs = nodeOutputFs, reuse?: FileReuse): Promise<void> {
  const paths = (await listFiles(dir, fs)).filter((p) => p !== 'manifest.json');
  async function* entries(): AsyncGenerator<Manifest['files'][number]> {
    for (const path of paths) {
      // A file this run linked or wrote needs no file system call, nor a promise (tens of thousands a night).
      const known = reuse && (reuse.written?.get(path) ?? linkedByThisRun(path, reuse));
      yield { path, ...(known ?? (reuse && (await linkedHash(dir, path, fs, reuse))) ?? (await sha256File(join(dir, path), fs))) };
    }
  }
  await writeStreamed(join(dir, 'manifest.json'), canonicalJsonChunks({ files: new JsonList(entries()) }), fs);
}

/** A file this run linked from the earlier snapshot: that snapshot's manifest says what it is (null when it does not say its size). */
function linkedByThisRun(path: string, reuse: FileReuse): { sha256: string; bytes: number } | null {
  if (!reuse.linkedPaths?.has(path)) return null;
  const sha256 = reuse.hashes.get(path);
  const bytes = reuse.sizes?.get(path);
  return sha256 !== undefined && bytes !== undefined ? { sha256, bytes } : null;
}

/** The hash of a file that is the same file (a hard link) as the one at its path in an earlier snapshot; null otherwise. */
async function linkedHash(dir: string, path: string, fs: OutputFs, reuse: FileReuse): Promise<{ sha256: string; bytes: number } | null> {
  const sha256 = reuse.hashes.get(path);
  if (sha256 === undefined) return null;
  const known = linkedByThisRun(path, reuse);
  if (known) return known;
  const [mine, theirs] = await Promise.all([fs.stat(join(dir, path)), fs.stat(join(reuse.dir, path)).catch(() => null)]);
  return theirs && mine.ino === theirs.ino && mine.dev === theirs.dev ? { sha256, bytes: mine.size } : null;
}

/**
 * Publishes a complete staging directory: rename it into `snapshots/<id>` (atomic on one
 * file system), then replace latest.json through a temporary file and a rename. Until the
 * last rename, readers of latest.json still see the previous snapshot.
 */
export async function publishSnapshot(outDir: string, stagingDir: string, snapshotId: string, fs: OutputFs = nodeOutputFs): Promise<string> {
  const finalDir = join(outDir, 'snapshots', snapshotId);
  if (await fs.stat(finalDir).catch(() => null)) throw new Error(`snapshot ${snapshotId} already exists`);
  await fs.rename(stagingDir, finalDir);
  const pointer: LatestPointer = { snapshotId, path: `snapshots/${snapshotId}` };
  const tmp = join(outDir, `.latest.json.${process.pid}.tmp`);
  try {
    await fs.writeFile(tmp, canonicalJson(pointer));
    await fs.rename(tmp, join(outDir, 'latest.json'));
  } catch (err) {
    // Named by this process: no later run would ever remove it.
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  return finalDir;
}

/** Reads and checks `<out>/latest.json`; null when there is none yet. */
export async function readLatest(outDir: string, fs: OutputFs = nodeOutputFs): Promise<LatestPointer | null> {
  const file = join(outDir, 'latest.json');
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: ReturnType<typeof LatestPointerSchema.safeParse>;
  try {
    parsed = LatestPointerSchema.safeParse(JSON.parse(raw));
  } catch {
    throw new NotionKbError('usage', `${file} is not valid JSON`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NotionKbError('usage', `${file} is not a valid pointer: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

export { lockOutput, type OutputLock } from './output-lock.js';
