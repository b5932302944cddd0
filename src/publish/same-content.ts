import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { OutputFs } from './output-fs.js';
import { manifestEntries, readManifestHashes } from './write-snapshot.js';

/** Files that describe the run, not the workspace: they differ between any two snapshots. */
const ABOUT_THE_RUN = new Set(['manifest.json', 'report.json', 'changes.json', 'CHANGELOG.md', 'redirects.json', 'feed.json', 'index.json']);

/** index.json fields that name the run. */
const RUN_FIELDS = ['snapshotId', 'createdAt'];

/**
 * True when a staged snapshot holds exactly the content of a published one: the same files with
 * the same bytes (by their manifests), and the same index apart from the run's id and time.
 * The staging directory's manifest must be written. `theirs`: the published snapshot's manifest
 * hashes, when the caller has them.
 */
export async function sameContent(staging: string, published: string, fs: OutputFs, theirs?: ReadonlyMap<string, string>): Promise<boolean> {
  const before = theirs ?? (await readManifestHashes(published, fs));
  if (!before) return false;
  try {
    // This snapshot's manifest an entry at a time: no second map of every file.
    let count = 0;
    for await (const { path, sha256 } of manifestEntries(staging, fs)) {
      if (ABOUT_THE_RUN.has(path)) continue;
      if (before.get(path) !== sha256) return false;
      count++;
    }
    for (const path of before.keys()) if (!ABOUT_THE_RUN.has(path)) count--;
    if (count !== 0) return false;
    return (await indexDigest(staging, fs)) === (await indexDigest(published, fs));
  } catch {
    return false;
  }
}

/** True for a file that describes the run, not the workspace (it differs between any two snapshots). */
export const describesTheRun = (path: string): boolean => ABOUT_THE_RUN.has(path);

/** How many files of a snapshot (by its manifest hashes) hold the workspace: all but those that describe the run. */
export function workspaceFileCount(hashes: ReadonlyMap<string, string>): number {
  let count = 0;
  for (const path of hashes.keys()) if (!ABOUT_THE_RUN.has(path)) count++;
  return count;
}

/** Bytes of index.json read at a time, and the first piece, from which the run fields are cut. */
const CHUNK = 1 << 16;

/** The sha256 of a snapshot's index.json without its run fields (`indexDigestOf`). */
export async function indexDigest(dir: string, fs: OutputFs): Promise<string> {
  const handle = await fs.open(join(dir, 'index.json'), 'r');
  try {
    return await indexDigestOf(
      (async function* () {
        for (let position = 0; ; ) {
          const buffer = Buffer.allocUnsafe(CHUNK);
          const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
          if (bytesRead === 0) return;
          yield buffer.subarray(0, bytesRead);
          position += bytesRead;
        }
      })(),
    );
  } finally {
    await handle.close();
  }
}

/**
 * The sha256 of an index.json's text without its run fields, given in pieces (read from a file,
 * or as the render pass writes it): canonicalJson writes them as top-level lines near its start
 * (`  "snapshotId": "…",`), so they are cut from its first CHUNK bytes, never from a parse of the
 * whole index.
 */
export async function indexDigestOf(pieces: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<string> {
  const hash = createHash('sha256');
  let head: Buffer[] = [];
  let headBytes = 0;
  let headDone = false;
  const hashHead = () => {
    const all = Buffer.concat(head, headBytes);
    // Byte for byte (latin1): a character cut at the piece's end stays as it is.
    let text = all.toString('latin1', 0, Math.min(CHUNK, all.length));
    for (const field of RUN_FIELDS) text = text.replace(new RegExp(`^  "${field}": "[^"\\n]*",?$`, 'm'), '');
    hash.update(text, 'latin1');
    if (all.length > CHUNK) hash.update(all.subarray(CHUNK));
    head = [];
    headDone = true;
  };
  for await (const piece of pieces) {
    if (headDone) {
      hash.update(piece);
      continue;
    }
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    head.push(bytes);
    headBytes += bytes.length;
    if (headBytes >= CHUNK) hashHead();
  }
  if (!headDone) hashHead();
  return hash.digest('hex');
}
