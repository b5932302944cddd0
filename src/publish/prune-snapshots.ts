import { join } from 'node:path';
import { NotionKbError } from '../errors.js';
import { nodeOutputFs, type OutputFs } from './output-fs.js';
import { isSnapshotId, listSnapshots, lockOutput, readLatest, removeStaleStaging, removeTree, STAGING_PREFIX } from './write-snapshot.js';

/** How many snapshots to keep (config `retention`, flags of `notion-kb prune`). */
export interface RetentionPolicy {
  /** The newest N snapshots. */
  keepLast: number;
  /** The newest snapshot of each of the newest N days (UTC) that have one. */
  keepDaily: number;
  /** The newest snapshot of each of the newest N months (UTC) that have one. */
  keepMonthly: number;
}

/**
 * Pure: which snapshots a policy keeps. Snapshot ids sort by time, so "newest" is the largest id.
 * Days and months are those that have a snapshot (as restic and borg count them), so a gap in
 * nightly runs never removes older history early. `protect` (what latest.json points at) is
 * always kept. Returns both lists oldest first.
 */
export function selectForPrune(ids: readonly string[], policy: RetentionPolicy, protect: string | null): { keep: string[]; remove: string[] } {
  const newestFirst = [...ids].filter(isSnapshotId).sort().reverse();
  const keep = new Set<string>(newestFirst.slice(0, policy.keepLast));
  const byPeriod = (period: (id: string) => string, count: number) => {
    const seen = new Set<string>();
    for (const id of newestFirst) {
      if (seen.size >= count) break;
      const p = period(id);
      if (seen.has(p)) continue;
      seen.add(p);
      keep.add(id);
    }
  };
  byPeriod((id) => id.slice(0, 8), policy.keepDaily);
  byPeriod((id) => id.slice(0, 6), policy.keepMonthly);
  if (protect !== null && newestFirst.includes(protect)) keep.add(protect);
  const oldestFirst = [...newestFirst].reverse();
  return { keep: oldestFirst.filter((id) => keep.has(id)), remove: oldestFirst.filter((id) => !keep.has(id)) };
}

export interface PruneOutcome {
  kept: string[];
  removed: string[];
  dryRun: boolean;
  /** The snapshot latest.json points at (never removed). */
  latest: string | null;
}

/**
 * Removes the snapshots a retention policy does not keep, holding the output lock so no sync
 * publishes meanwhile. Removes whole `snapshots/<id>/` directories and nothing else (no file
 * outside `snapshots/`, no directory whose name is not a snapshot id), besides the staging
 * directories that stopped runs left (a sync removes those too).
 * Snapshots share no files today (each is self-contained: its own assets/, schema/ and records),
 * so removing one never breaks another; if snapshots ever share files, the shared files must
 * stay as long as a kept snapshot links to them.
 */
export async function pruneSnapshots(opts: { outDir: string; policy: RetentionPolicy; dryRun: boolean; fs?: OutputFs }): Promise<PruneOutcome> {
  const fs = opts.fs ?? nodeOutputFs;
  if (!(await fs.stat(opts.outDir).catch(() => null))?.isDirectory()) throw new NotionKbError('usage', `${opts.outDir} is not an output directory (nothing to prune; pass --out <dir>)`);
  const lock = await lockOutput(opts.outDir, fs);
  try {
    const latest = (await readLatest(opts.outDir, fs))?.snapshotId ?? null;
    const { keep, remove } = selectForPrune(await listSnapshots(opts.outDir, fs), opts.policy, latest);
    if (!opts.dryRun) {
      // What a prune stopped part-way left (below), and staging directories of stopped syncs.
      await removeStaleStaging(opts.outDir, undefined, fs);
      // Each snapshot leaves its name at once (renamed as staging), then goes: a prune stopped
      // part-way leaves no half-removed snapshot under a snapshot's name for a reader to open.
      for (const id of remove) {
        const going = join(opts.outDir, 'snapshots', `${STAGING_PREFIX}pruned-${id}`);
        await fs.rename(join(opts.outDir, 'snapshots', id), going);
        await removeTree(going, fs);
      }
    }
    return { kept: keep, removed: remove, dryRun: opts.dryRun, latest };
  } finally {
    await lock.release();
  }
}
