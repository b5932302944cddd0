import { join } from 'node:path';
import type { OutputFs } from './output-fs.js';
import { readManifestHashes } from './write-snapshot.js';

/** Files that describe the run, not the workspace: they differ between any two snapshots. */
const ABOUT_THE_RUN = new Set(['manifest.json', 'report.json', 'changes.json', 'CHANGELOG.md', 'redirects.json', 'feed.json', 'index.json']);

/** index.json fields that name the run. */
const RUN_FIELDS = ['snapshotId', 'createdAt'];

/**
 * True when a staged snapshot holds exactly the content of a published one: the same files with
 * the same bytes (by their manifests), and the same index apart from the run's id and time.
 * The staging directory's manifest must be written.
 */
export async function sameContent(staging: string, published: string, fs: OutputFs): Promise<boolean> {
  const [mine, theirs] = await Promise.all([readManifestHashes(staging, fs), readManifestHashes(published, fs)]);
  if (!mine || !theirs) return false;
  const content = (m: Map<string, string>) => [...m].filter(([path]) => !ABOUT_THE_RUN.has(path));
  const a = content(mine);
  const b = content(theirs);
  if (a.length !== b.length) return false;
  for (const [path, sha] of a) if (theirs.get(path) !== sha) return false;
  // index.json is written by canonicalJson: its run fields are top-level lines, found without parsing it.
  const index = async (dir: string) => {
    let text = await fs.readFile(join(dir, 'index.json'), 'utf8');
    for (const field of RUN_FIELDS) text = text.replace(new RegExp(`^  "${field}": "[^"\\n]*",?$`, 'm'), '');
    return text;
  };
  try {
    return (await index(staging)) === (await index(published));
  } catch {
    return false;
  }
}
