import type { DatabaseEntry, Index, PageEntry } from '../normalise/schemas.js';
import { canonicalJson } from './json/canonical-json.js';

/** Backlinks from each page's outgoing links: target id → ids of the pages linking to it, both sorted. */
export function backlinksOf(linksOf: ReadonlyMap<string, readonly string[]>): Record<string, string[]> {
  const backlinks: Record<string, string[]> = {};
  for (const [from, targets] of [...linksOf].sort(([a], [b]) => a.localeCompare(b))) {
    for (const t of targets) (backlinks[t] ??= []).push(from);
  }
  return Object.fromEntries(Object.keys(backlinks).sort().map((k) => [k, backlinks[k]!]));
}

/** index.json: every page and database of the snapshot, and what links to what. */
export function renderIndex(input: {
  snapshotId: string;
  createdAt: string;
  pages: PageEntry[];
  databases: DatabaseEntry[];
  linksOf: ReadonlyMap<string, readonly string[]>;
}): { index: Index; json: string } {
  const index: Index = {
    schemaVersion: 1,
    snapshotId: input.snapshotId,
    createdAt: input.createdAt,
    pages: input.pages,
    databases: input.databases,
    backlinks: backlinksOf(input.linksOf),
  };
  return { index, json: canonicalJson(index) };
}
