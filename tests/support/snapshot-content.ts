import { join } from 'node:path';
import type { Manifest } from '../../src/normalise/schemas.js';
import { readJson } from './cli.js';

/** Files that describe the run rather than the workspace. */
const ABOUT_THE_RUN = new Set(['manifest.json', 'report.json', 'changes.json', 'CHANGELOG.md', 'redirects.json', 'feed.json', 'index.json']);

/**
 * What a snapshot holds of the workspace, to compare two snapshots: the sha256 of every Markdown
 * file, record, CSV and stored file, and index.json without its run fields (snapshot id and time).
 */
export async function contentOf(snapshotDir: string): Promise<Record<string, string>> {
  const manifest = await readJson<Manifest>(join(snapshotDir, 'manifest.json'));
  const files: Record<string, string> = {};
  for (const f of manifest.files) if (!ABOUT_THE_RUN.has(f.path)) files[f.path] = f.sha256;
  const index = await readJson<Record<string, unknown>>(join(snapshotDir, 'index.json'));
  delete index.snapshotId;
  delete index.createdAt;
  files['index.json (without run fields)'] = JSON.stringify(index);
  return files;
}
