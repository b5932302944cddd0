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

/** Bytes of index.json read at a time. */
const CHUNK = 1 << 16;

/**
 * The sha256 of index.json without its run fields, read a piece at a time: canonicalJson writes
 * them as top-level lines near its start (`  "snapshotId": "…",`), so they are cut from the first
 * piece, never from a parse of the whole index.
 */
async function indexDigest(dir: string, fs: OutputFs): Promise<string> {
  const handle = await fs.open(join(dir, 'index.json'), 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      if (position === 0) {
        // Byte for byte (latin1): a character cut at the piece's end stays as it is.
        let head = buffer.toString('latin1', 0, bytesRead);
        for (const field of RUN_FIELDS) head = head.replace(new RegExp(`^  "${field}": "[^"\\n]*",?$`, 'm'), '');
        hash.update(head, 'latin1');
      } else hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
