import { join } from 'node:path';
import type { ChangeCounts } from '../normalise/schemas.js';
import { nodeOutputFs, type OutputFs } from './output-fs.js';
import { readLatest } from './write-snapshot.js';
import { canonicalJson } from '../render/json/canonical-json.js';
import { renderChangelog } from '../history/changelog.js';
import { diffSnapshots, redirectsBetween, type SnapshotState } from '../history/diff-snapshots.js';
import { readSnapshotState } from './snapshot-state.js';

export interface HistoryFiles {
  /** changes.json, CHANGELOG.md, redirects.json: to write into the staging directory before the manifest. */
  files: Map<string, string>;
  /** For report.json `changes`. */
  changes: ChangeCounts & { from: string | null };
  /** Pages and databases of the previous snapshot left out of the comparison (`hidden`). */
  hidden: number;
  /** Why the previous snapshot could not be compared (then everything counts as added). */
  warning?: { code: string; message: string; pageId?: string; blockId?: string };
}

/**
 * The history files of a snapshot being published: the staging directory (its index.json and
 * records already written) against the snapshot latest.json points at, or against nothing on a
 * first run. A previous snapshot that cannot be read does not fail the sync: it is reported.
 */
export async function buildHistoryFiles(opts: {
  outDir: string;
  staging: string;
  fs?: OutputFs;
  /** This snapshot's state when the caller has it (the sync, from what it just wrote); read from `staging` otherwise. */
  after?: SnapshotState;
  /**
   * Ids the privacy rules leave out of this snapshot: dropped from the previous snapshot before
   * comparing, so that a page left out since then is not listed (with its title) as removed.
   */
  hidden?: ReadonlySet<string>;
}): Promise<HistoryFiles> {
  const fs = opts.fs ?? nodeOutputFs;
  let before: SnapshotState | null = null;
  let warning: HistoryFiles['warning'];
  try {
    const pointer = await readLatest(opts.outDir, fs);
    if (pointer) before = await readSnapshotState(join(opts.outDir, pointer.path), fs);
  } catch (err) {
    warning = { code: 'previous_snapshot_unreadable', message: `the previous snapshot could not be read (${(err as Error).message}); changes.json lists everything as added` };
  }
  const after = opts.after ?? (await readSnapshotState(opts.staging, fs, { trusted: true }));
  let hidden = 0;
  if (before && opts.hidden && opts.hidden.size > 0) {
    const items = new Map([...before.items].filter(([id]) => !opts.hidden!.has(id)));
    hidden = before.items.size - items.size;
    before = { ...before, items };
  }
  const changes = diffSnapshots(before, after);
  const files = new Map([
    ['changes.json', canonicalJson(changes)],
    ['CHANGELOG.md', renderChangelog(changes)],
    ['redirects.json', canonicalJson(redirectsBetween(before, after))],
  ]);
  return { files, changes: { from: changes.from, ...changes.counts }, hidden, ...(warning ? { warning } : {}) };
}
