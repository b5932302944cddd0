import { join } from 'node:path';
import type { ChangeCounts, Changes } from '../normalise/schemas.js';
import { nodeOutputFs, type OutputFs } from './output-fs.js';
import { readLatest, writeFileStreamed } from './write-snapshot.js';
import { canonicalJsonChunks, JsonEntries, JsonList } from '../render/json/canonical-json.js';
import { changelogChunks } from '../history/changelog.js';
import { feedSummary, renderFeed, type FeedPage } from '../history/feed.js';
import { diffSnapshots, redirectsBetween, type SnapshotState } from '../history/diff-snapshots.js';
import { readSnapshotState } from './snapshot-state.js';

export interface HistoryFiles {
  /** For report.json `changes`. */
  changes: ChangeCounts & { from: string | null };
  /** Pages and databases of the previous snapshot left out of the comparison (`hidden`). */
  hidden: number;
  /** Why the previous snapshot could not be compared (then everything counts as added). */
  warning?: { code: string; message: string; pageId?: string; blockId?: string };
}

/**
 * Writes the history files of a snapshot being published into its staging directory
 * (changes.json, CHANGELOG.md, redirects.json, feed.json; before the manifest): the staging
 * directory (its index.json and records already written) against the snapshot latest.json
 * points at, or against nothing on a first run. Each file is written in pieces, one after the
 * other (a first snapshot of a large wiki lists every page as added). A previous snapshot that
 * cannot be read does not fail the sync: it is reported.
 */
export async function writeHistoryFiles(opts: {
  outDir: string;
  staging: string;
  fs?: OutputFs;
  /** This snapshot's state when the caller has it (the sync, from what it just wrote); read from `staging` otherwise. */
  after?: SnapshotState;
  /**
   * The state of the snapshot latest.json points at, when the caller has it (an incremental sync,
   * from its sync state); read from that snapshot (its index and every record) otherwise.
   */
  before?: SnapshotState;
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
    if (pointer) before = opts.before?.snapshotId === pointer.snapshotId ? opts.before : await readSnapshotState(join(opts.outDir, pointer.path), fs);
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
  const lists = { added: new JsonList(changes.added), updated: new JsonList(changes.updated), moved: new JsonList(changes.moved), renamed: new JsonList(changes.renamed), removed: new JsonList(changes.removed) };
  await writeFileStreamed(opts.staging, 'changes.json', canonicalJsonChunks({ ...changes, ...lists }), fs);
  await writeFileStreamed(opts.staging, 'CHANGELOG.md', changelogChunks(changes), fs);
  await writeFileStreamed(opts.staging, 'redirects.json', canonicalJsonChunks(new JsonEntries(Object.entries(redirectsBetween(before, after)))), fs);
  const feed = renderFeed(changes, await feedPages(opts.staging, changes, after, fs), archiveTitle(after));
  await writeFileStreamed(opts.staging, 'feed.json', canonicalJsonChunks({ ...feed, items: new JsonList(feed.items) }), fs);
  return { changes: { from: changes.from, ...changes.counts }, hidden, ...(warning ? { warning } : {}) };
}

/** Most pages feed.json lists (the newest edits). */
export const FEED_LIMIT = 1000;

/**
 * The records of the pages feed.json lists (added or updated), from the staging directory, one
 * at a time; only what the feed keeps of each (its text cut to the summary) stays in memory.
 */
async function feedPages(staging: string, changes: Changes, after: SnapshotState, fs: OutputFs): Promise<Map<string, FeedPage>> {
  const out = new Map<string, FeedPage>();
  // A feed is for polling what changed lately: the newest FEED_LIMIT pages (a first snapshot of a
  // large wiki would otherwise list, and read back, every page; changes.json lists them all).
  let listed = [...changes.added, ...changes.updated].filter((c) => c.kind === 'page');
  if (listed.length > FEED_LIMIT) {
    const edited = (id: string) => after.items.get(id)?.edited ?? '';
    listed = listed.sort((a, b) => edited(b.id).localeCompare(edited(a.id)) || a.id.localeCompare(b.id)).slice(0, FEED_LIMIT);
  }
  for (const c of listed) {
    const record = c.kind === 'page' ? after.items.get(c.id)?.files.record : undefined;
    if (!record || out.has(c.id)) continue;
    try {
      const r = JSON.parse(await fs.readFile(join(staging, record), 'utf8')) as FeedPage;
      out.set(c.id, { id: r.id, title: r.title, path: r.path, createdTime: r.createdTime, lastEditedTime: r.lastEditedTime, plainText: feedSummary(r.plainText), digest: r.digest });
    } catch {
      // A record that cannot be read is left out of the feed; verify reports the damage.
    }
  }
  return out;
}

/** The feed's title: the archive's first top-level page. */
function archiveTitle(state: SnapshotState): string {
  const tops = [...state.items.values()].filter((i) => i.kind === 'page' && i.parentId === null).sort((a, b) => a.path.localeCompare(b.path));
  return tops[0]?.title || 'notion-kb archive';
}
