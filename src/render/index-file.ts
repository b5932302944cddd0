import type { DatabaseEntry, PageEntry } from '../normalise/schemas.js';
import { canonicalJsonChunks, JsonEntries, JsonList } from './json/canonical-json.js';

/** Backlinks from each page's outgoing links: target id → ids of the pages linking to it, both sorted. */
export function backlinksOf(linksOf: ReadonlyMap<string, readonly string[]>): Record<string, string[]> {
  const backlinks: Record<string, string[]> = {};
  for (const [from, targets] of [...linksOf].sort(([a], [b]) => a.localeCompare(b))) {
    for (const t of targets) (backlinks[t] ??= []).push(from);
  }
  return Object.fromEntries(Object.keys(backlinks).sort().map((k) => [k, backlinks[k]!]));
}

/**
 * index.json (the contract's Index): every page and database of the snapshot, and what links to
 * what, as canonical JSON in pieces. The pages are read one at a time (a large wiki's would not
 * fit in memory at once).
 */
export function renderIndex(input: {
  snapshotId: string;
  createdAt: string;
  pages: Iterable<PageEntry> | AsyncIterable<PageEntry>;
  databases: DatabaseEntry[];
  linksOf: ReadonlyMap<string, readonly string[]>;
}): AsyncGenerator<string> {
  // Keys in the order of the Index schema.
  return canonicalJsonChunks({
    schemaVersion: 1,
    snapshotId: input.snapshotId,
    createdAt: input.createdAt,
    pages: new JsonList(input.pages),
    databases: input.databases,
    backlinks: new JsonEntries(Object.entries(backlinksOf(input.linksOf))),
  });
}
