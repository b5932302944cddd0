import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NotionKbError } from '../errors.js';
import { diffSnapshots } from '../history/diff-snapshots.js';
import type { Change, Changes } from '../normalise/schemas.js';
import { readSnapshotState } from '../publish/snapshot-state.js';
import { isSnapshotId, listSnapshots, readLatest } from '../publish/write-snapshot.js';
import { openSnapshot, type OpenSnapshotOptions, type Snapshot } from './open-snapshot.js';
import { ShippedSchemas } from './shipped-schema.js';

/** A published snapshot of an archive. */
export interface SnapshotInfo {
  snapshotId: string;
  /** Absolute path of the snapshot directory. */
  dir: string;
}

/** What changed between a given snapshot and the latest one, page by page (net of every snapshot between). */
export interface ChangesSince {
  from: string;
  to: string;
  /**
   * The changes.json of every snapshot after `from`, oldest first. When that chain is broken
   * (a snapshot between was pruned), one entry: the two snapshots compared directly.
   */
  steps: Changes[];
  /** Net changes, each list sorted by path, with the same meaning as in changes.json. */
  added: Change[];
  updated: Change[];
  moved: Change[];
  renamed: Change[];
  removed: Change[];
}

/** An output directory of notion-kb: its snapshots and their change feed. */
export interface Archive {
  /** Absolute path of the output directory. */
  readonly outDir: string;
  /** The snapshot latest.json points at. */
  latest(opts?: OpenSnapshotOptions): Promise<Snapshot>;
  /** Every published snapshot, oldest first. */
  snapshots(): Promise<SnapshotInfo[]>;
  /** One snapshot by id. */
  snapshot(snapshotId: string, opts?: OpenSnapshotOptions): Promise<Snapshot>;
  /** What changed from snapshot `snapshotId` to the latest one; empty lists when it is the latest. */
  changesSince(snapshotId: string): Promise<ChangesSince>;
}

/** Opens a notion-kb output directory (the one with latest.json and snapshots/). */
export async function openArchive(outDir: string): Promise<Archive> {
  const root = resolve(outDir);
  const latestPointer = async () => {
    const pointer = await readLatest(root);
    if (!pointer) throw new NotionKbError('usage', `no ${join(root, 'latest.json')}: ${root} holds no notion-kb snapshot yet (run "notion-kb sync --out ${outDir}" first)`);
    return pointer;
  };
  await latestPointer();
  const snapshotDir = (id: string) => {
    if (!isSnapshotId(id)) throw new NotionKbError('usage', `${JSON.stringify(id)} is not a snapshot id (like 20261128T190721Z-073acf)`);
    return join(root, 'snapshots', id);
  };
  const snapshots = async () => (await listSnapshots(root)).map((snapshotId) => ({ snapshotId, dir: snapshotDir(snapshotId) }));

  return {
    outDir: root,
    latest: async (opts) => openSnapshot(join(root, (await latestPointer()).path), opts),
    snapshots,
    async snapshot(id, opts) {
      const all = await snapshots();
      if (!all.some((s) => s.snapshotId === id)) throw new NotionKbError('not_found', `${root} has no snapshot ${id} (it has ${all.length}: see snapshots())`);
      return openSnapshot(snapshotDir(id), opts);
    },
    async changesSince(since) {
      snapshotDir(since);
      const to = (await latestPointer()).snapshotId;
      const ids = (await listSnapshots(root)).filter((id) => id > since && id <= to);
      const steps: Changes[] = [];
      let previous = since;
      for (const id of ids) {
        const changes = await readChanges(snapshotDir(id));
        if (!changes || changes.from !== previous) break;
        steps.push(changes);
        previous = id;
      }
      if (previous === to) return { from: since, to, steps, ...netChanges(steps) };
      // The chain is broken (a snapshot between was pruned): compare the two snapshots themselves.
      const all = await listSnapshots(root);
      if (!all.includes(since)) {
        throw new NotionKbError('not_found', `${root} has no snapshot ${since} and the change feed after it is incomplete: compare with a snapshot that is still there (see snapshots())`);
      }
      const direct = diffSnapshots(await readSnapshotState(snapshotDir(since)), await readSnapshotState(snapshotDir(to)));
      return { from: since, to, steps: [direct], ...netChanges([direct]) };
    },
  };
}

/** A snapshot's changes.json, validated against its shipped schema; null when the snapshot has none. */
async function readChanges(dir: string): Promise<Changes | null> {
  let text: string;
  try {
    text = await readFile(join(dir, 'changes.json'), 'utf8');
  } catch {
    return null;
  }
  const value = JSON.parse(text) as Changes;
  await new ShippedSchemas(dir).check('changes.schema.json', value, 'changes.json');
  return value;
}

interface Track {
  kind: Change['kind'];
  existedBefore: boolean;
  originalTitle: string | null;
  originalPath: string | null;
  title: string;
  path: string | null;
  present: boolean;
  updated: boolean;
  moved: boolean;
}

/** Folds consecutive change lists into what changed from the first one's `from` to the last one's `to`. */
export function netChanges(steps: readonly Changes[]): Pick<ChangesSince, 'added' | 'updated' | 'moved' | 'renamed' | 'removed'> {
  const tracks = new Map<string, Track>();
  for (const step of steps) {
    for (const list of ['removed', 'added', 'updated', 'moved', 'renamed'] as const) {
      for (const c of step[list]) {
        let t = tracks.get(c.id);
        if (!t) {
          const before = list !== 'added';
          t = { kind: c.kind, existedBefore: before, originalTitle: before ? (c.oldTitle ?? c.title) : null, originalPath: before ? c.oldPath : null, title: c.title, path: c.path, present: true, updated: false, moved: false };
          tracks.set(c.id, t);
        }
        if (list === 'removed') {
          t.present = false;
          continue;
        }
        if (list === 'added' && !t.present) t.updated = t.existedBefore; // removed, then back: its content may differ
        t.present = true;
        t.kind = c.kind;
        t.title = c.title;
        t.path = c.path;
        if (list === 'updated') t.updated = true;
        if (list === 'moved') t.moved = true;
      }
    }
  }
  const out = { added: [] as Change[], updated: [] as Change[], moved: [] as Change[], renamed: [] as Change[], removed: [] as Change[] };
  for (const [id, t] of tracks) {
    if (!t.present) {
      if (t.existedBefore) out.removed.push({ kind: t.kind, id, title: t.originalTitle ?? t.title, oldTitle: t.originalTitle, path: null, oldPath: t.originalPath });
      continue;
    }
    if (!t.existedBefore) {
      out.added.push({ kind: t.kind, id, title: t.title, oldTitle: null, path: t.path, oldPath: null });
      continue;
    }
    const change: Change = { kind: t.kind, id, title: t.title, oldTitle: t.originalTitle, path: t.path, oldPath: t.originalPath };
    if (t.updated) out.updated.push(change);
    if (t.moved && t.path !== t.originalPath) out.moved.push(change);
    if (t.title !== t.originalTitle) out.renamed.push(change);
  }
  const byPath = (a: Change, b: Change) => (a.path ?? a.oldPath ?? '').localeCompare(b.path ?? b.oldPath ?? '') || a.id.localeCompare(b.id);
  for (const list of Object.values(out)) list.sort(byPath);
  return out;
}
