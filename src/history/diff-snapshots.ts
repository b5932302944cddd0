// Pure: what changed between two snapshots, from what each snapshot says about its pages and
// databases (src/publish/snapshot-state.ts reads that from disk).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../render/json/canonical-json.js';
import type { Change, ChangeCounts, Changes, Redirects } from '../normalise/schemas.js';

/** One page or database of a snapshot, as the history sees it. */
export interface SnapshotItem {
  kind: 'page' | 'database';
  id: string;
  title: string;
  /** The index entry's path: Markdown file of a page, JSON record of a database. */
  path: string;
  parentId: string | null;
  /**
   * What the content is: a page record's `digest`; for a database, a digest of its record less
   * every path in it (paths follow the plan, not the content). Null when unknown (never "updated").
   */
  fingerprint: string | null;
  /** Every file of the item by role (markdown, record, json, csv:<data source id>…) → path, for redirects. */
  files: Readonly<Record<string, string>>;
  /** The page's last_edited_time, when known (feed.json picks the newest pages by it). */
  edited?: string;
}

/** What a snapshot holds, by id. */
export interface SnapshotState {
  snapshotId: string;
  items: ReadonlyMap<string, SnapshotItem>;
}

const byPath = (a: Change, b: Change) => (a.path ?? a.oldPath ?? '').localeCompare(b.path ?? b.oldPath ?? '') || a.id.localeCompare(b.id);

/**
 * The changes from `before` (null: no earlier snapshot, everything is added) to `after`.
 * Added and removed exclude the rest; an item present in both is `updated` when its
 * fingerprint differs, `moved` when its parent or its path changed, `renamed` when its title
 * changed: one item can be in all three lists. Every list is sorted by path.
 */
export function diffSnapshots(before: SnapshotState | null, after: SnapshotState): Changes {
  const added: Change[] = [];
  const updated: Change[] = [];
  const moved: Change[] = [];
  const renamed: Change[] = [];
  const removed: Change[] = [];
  const old = before?.items ?? new Map<string, SnapshotItem>();
  for (const item of after.items.values()) {
    const prev = old.get(item.id);
    if (!prev || prev.kind !== item.kind) {
      added.push({ kind: item.kind, id: item.id, title: item.title, oldTitle: null, path: item.path, oldPath: null });
      continue;
    }
    const change: Change = { kind: item.kind, id: item.id, title: item.title, oldTitle: prev.title, path: item.path, oldPath: prev.path };
    if (item.fingerprint !== null && prev.fingerprint !== null && item.fingerprint !== prev.fingerprint) updated.push(change);
    if (item.parentId !== prev.parentId || item.path !== prev.path) moved.push(change);
    if (item.title !== prev.title) renamed.push(change);
  }
  for (const prev of old.values()) {
    const now = after.items.get(prev.id);
    if (!now || now.kind !== prev.kind) removed.push({ kind: prev.kind, id: prev.id, title: prev.title, oldTitle: prev.title, path: null, oldPath: prev.path });
  }
  const lists = { added, updated, moved, renamed, removed };
  for (const list of Object.values(lists)) list.sort(byPath);
  return { schemaVersion: 1, from: before?.snapshotId ?? null, to: after.snapshotId, counts: countChanges(lists), ...lists };
}

export function countChanges(c: Pick<Changes, 'added' | 'updated' | 'moved' | 'renamed' | 'removed'>): ChangeCounts {
  return { added: c.added.length, updated: c.updated.length, moved: c.moved.length, renamed: c.renamed.length, removed: c.removed.length };
}

/**
 * Old path → new path of every file (Markdown, JSON record, CSV) of a page or database whose
 * file moved: what a website serving the archive needs to keep old links working. An item
 * removed in `after` gets none; nor does a file whose role is gone (a removed data source).
 */
export function redirectsBetween(before: SnapshotState | null, after: SnapshotState): Redirects {
  const out: Array<[string, string]> = [];
  for (const item of after.items.values()) {
    const prev = before?.items.get(item.id);
    if (!prev || prev.kind !== item.kind) continue;
    for (const [role, oldPath] of Object.entries(prev.files)) {
      const newPath = item.files[role];
      if (newPath !== undefined && newPath !== oldPath) out.push([oldPath, newPath]);
    }
  }
  out.sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(out);
}

/** Keys whose values follow the path plan, not the content: left out of a database's fingerprint. */
const PATH_KEYS = new Set(['path', 'record', 'csv']);

function withoutPaths(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPaths);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !PATH_KEYS.has(k)).map(([k, v]) => [k, withoutPaths(v)]));
}

/**
 * A database's fingerprint: sha256 of its record with every path left out (a database whose
 * parent moved has new paths but the same content). Rows' titles and properties are in it, so a
 * row added, removed or edited (in its properties) updates the database too.
 */
export function databaseFingerprint(record: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(withoutPaths(record))).digest('hex')}`;
}
