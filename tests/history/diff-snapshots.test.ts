import { describe, expect, it } from 'vitest';
import { renderChangelog, formatChangesText } from '../../src/history/changelog.js';
import { databaseFingerprint, diffSnapshots, redirectsBetween, type SnapshotItem, type SnapshotState } from '../../src/history/diff-snapshots.js';
import { ChangesSchema, RedirectsSchema } from '../../src/normalise/schemas.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function page(n: number, title: string, path: string, parent: number | null, digest: string): SnapshotItem {
  return { kind: 'page', id: id(n), title, path, parentId: parent === null ? null : id(parent), fingerprint: `sha256:${digest.padEnd(64, '0')}`, files: { markdown: path, record: `records/${id(n)}.json` } };
}
function database(n: number, title: string, stem: string, parent: number, fingerprint: string): SnapshotItem {
  return {
    kind: 'database',
    id: id(n),
    title,
    path: `${stem}.json`,
    parentId: id(parent),
    fingerprint,
    files: { json: `${stem}.json`, markdown: `${stem}.md`, [`csv:${id(n + 100)}`]: `${stem}.csv` },
  };
}
const state = (snapshotId: string, items: SnapshotItem[]): SnapshotState => ({ snapshotId, items: new Map(items.map((i) => [i.id, i])) });

const before = state('20260101T000000Z-aaaaaa', [
  page(1, 'Home', 'pages/home-1.md', null, 'a1'),
  page(2, 'Kept', 'pages/home-1/kept-2.md', 1, 'a2'),
  page(3, 'Edited', 'pages/home-1/edited-3.md', 1, 'a3'),
  page(4, 'Mover', 'pages/home-1/mover-4.md', 1, 'a4'),
  page(5, 'Old name', 'pages/home-1/old-name-5.md', 1, 'a5'),
  page(6, 'Both', 'pages/home-1/both-6.md', 1, 'a6'),
  page(7, 'Gone', 'pages/home-1/gone-7.md', 1, 'a7'),
  page(8, 'Child of renamed', 'pages/home-1/old-name-5/child-8.md', 5, 'a8'),
  database(20, 'Partners', 'pages/home-1/partners-20', 1, databaseFingerprint({ title: 'Partners', path: 'x', rows: [] })),
  database(21, 'Events', 'pages/home-1/events-21', 1, 'sha256:events'),
  database(22, 'Old db', 'pages/home-1/old-db-22', 1, 'sha256:olddb'),
]);
const after = state('20260102T000000Z-bbbbbb', [
  page(1, 'Home', 'pages/home-1.md', null, 'a1'),
  page(2, 'Kept', 'pages/home-1/kept-2.md', 1, 'a2'),
  page(3, 'Edited', 'pages/home-1/edited-3.md', 1, 'b3'),
  // Moved under Kept, content unchanged.
  page(4, 'Mover', 'pages/home-1/kept-2/mover-4.md', 2, 'a4'),
  // Renamed (the title is content: its digest changes too).
  page(5, 'New name', 'pages/home-1/new-name-5.md', 1, 'b5'),
  // Moved and renamed at once.
  page(6, 'Both now', 'pages/home-1/kept-2/both-now-6.md', 2, 'b6'),
  page(8, 'Child of renamed', 'pages/home-1/new-name-5/child-8.md', 5, 'a8'),
  page(9, 'Fresh', 'pages/home-1/fresh-9.md', 1, 'a9'),
  // Same content, new paths (its parent did not move: only the path plan says so).
  database(20, 'Partners', 'pages/home-1/kept-2/partners-20', 2, databaseFingerprint({ title: 'Partners', path: 'y', rows: [] })),
  database(21, 'Events', 'pages/home-1/events-21', 1, 'sha256:events-2'),
  database(23, 'New db', 'pages/home-1/new-db-23', 1, 'sha256:newdb'),
]);

const ids = (list: Array<{ id: string }>) => list.map((c) => c.id);

describe('diffSnapshots', () => {
  const changes = diffSnapshots(before, after);

  it('is a valid changes.json naming both snapshots', () => {
    expect(ChangesSchema.safeParse(changes).error).toBeUndefined();
    expect(changes.from).toBe(before.snapshotId);
    expect(changes.to).toBe(after.snapshotId);
  });

  it('lists added pages and databases with their new path', () => {
    expect(changes.added).toEqual([
      { kind: 'page', id: id(9), title: 'Fresh', oldTitle: null, path: 'pages/home-1/fresh-9.md', oldPath: null },
      { kind: 'database', id: id(23), title: 'New db', oldTitle: null, path: 'pages/home-1/new-db-23.json', oldPath: null },
    ]);
  });

  it('lists removed pages and databases with their old path', () => {
    expect(changes.removed).toEqual([
      { kind: 'page', id: id(7), title: 'Gone', oldTitle: 'Gone', path: null, oldPath: 'pages/home-1/gone-7.md' },
      { kind: 'database', id: id(22), title: 'Old db', oldTitle: 'Old db', path: null, oldPath: 'pages/home-1/old-db-22.json' },
    ]);
  });

  it('counts as updated exactly what has a different digest or database fingerprint', () => {
    expect(ids(changes.updated).sort()).toEqual([id(3), id(5), id(6), id(21)].sort());
    // Moved without a content change is not an update; neither is a database whose paths alone changed.
    expect(ids(changes.updated)).not.toContain(id(4));
    expect(ids(changes.updated)).not.toContain(id(20));
  });

  it('lists moves by parent or path, descendants of a renamed page included', () => {
    expect(ids(changes.moved).sort()).toEqual([id(4), id(5), id(6), id(8), id(20)].sort());
    const mover = changes.moved.find((c) => c.id === id(4))!;
    expect(mover).toMatchObject({ title: 'Mover', oldTitle: 'Mover', path: 'pages/home-1/kept-2/mover-4.md', oldPath: 'pages/home-1/mover-4.md' });
  });

  it('lists renames with the old and new title; a page can be moved and renamed at once', () => {
    expect(changes.renamed.map((c) => [c.oldTitle, c.title])).toEqual([
      ['Both', 'Both now'],
      ['Old name', 'New name'],
    ]);
    expect(ids(changes.moved)).toContain(id(6));
    expect(ids(changes.renamed)).toContain(id(6));
  });

  it('counts every list', () => {
    expect(changes.counts).toEqual({ added: 2, updated: 4, moved: 5, renamed: 2, removed: 2 });
  });

  it('leaves unchanged pages out of every list', () => {
    const all = [...changes.added, ...changes.updated, ...changes.moved, ...changes.renamed, ...changes.removed];
    expect(ids(all)).not.toContain(id(1));
    expect(ids(all)).not.toContain(id(2));
  });

  it('against nothing (a first run) lists everything as added', () => {
    const first = diffSnapshots(null, after);
    expect(first.from).toBeNull();
    expect(first.counts).toEqual({ added: after.items.size, updated: 0, moved: 0, renamed: 0, removed: 0 });
  });

  it('between a snapshot and itself finds nothing', () => {
    expect(diffSnapshots(after, after).counts).toEqual({ added: 0, updated: 0, moved: 0, renamed: 0, removed: 0 });
  });
});

describe('redirectsBetween', () => {
  it('maps every old file of a moved or renamed page or database to its new path, and nothing else', () => {
    const redirects = redirectsBetween(before, after);
    expect(RedirectsSchema.safeParse(redirects).error).toBeUndefined();
    expect(redirects).toEqual({
      'pages/home-1/both-6.md': 'pages/home-1/kept-2/both-now-6.md',
      'pages/home-1/mover-4.md': 'pages/home-1/kept-2/mover-4.md',
      'pages/home-1/old-name-5.md': 'pages/home-1/new-name-5.md',
      'pages/home-1/old-name-5/child-8.md': 'pages/home-1/new-name-5/child-8.md',
      'pages/home-1/partners-20.csv': 'pages/home-1/kept-2/partners-20.csv',
      'pages/home-1/partners-20.json': 'pages/home-1/kept-2/partners-20.json',
      'pages/home-1/partners-20.md': 'pages/home-1/kept-2/partners-20.md',
    });
    expect(Object.keys(redirects)).toEqual(Object.keys(redirects).sort());
  });

  it('is {} on a first run and when nothing moved', () => {
    expect(redirectsBetween(null, after)).toEqual({});
    expect(redirectsBetween(after, after)).toEqual({});
  });
});

describe('databaseFingerprint', () => {
  it('ignores paths but not content', () => {
    const a = { title: 'T', path: 'a.json', dataSources: [{ csv: 'a.csv', rows: [{ id: 'r', path: 'a/r.md', record: 'records/r.json', properties: { N: 1 } }] }] };
    const moved = { title: 'T', path: 'b.json', dataSources: [{ csv: 'b.csv', rows: [{ id: 'r', path: 'b/r.md', record: 'records/r.json', properties: { N: 1 } }] }] };
    const edited = { title: 'T', path: 'a.json', dataSources: [{ csv: 'a.csv', rows: [{ id: 'r', path: 'a/r.md', record: 'records/r.json', properties: { N: 2 } }] }] };
    expect(databaseFingerprint(moved)).toBe(databaseFingerprint(a));
    expect(databaseFingerprint(edited)).not.toBe(databaseFingerprint(a));
  });
});

describe('CHANGELOG.md and the diff summary', () => {
  const changes = diffSnapshots(before, after);
  const md = renderChangelog(changes);

  it('gives the counts first, then one section per kind of change with relative links', () => {
    expect(md.split('\n').slice(0, 5)).toEqual([
      `# Changes in snapshot ${after.snapshotId}`,
      '',
      `Compared with the previous snapshot, ${before.snapshotId}.`,
      '',
      'Pages and databases: 2 added, 4 updated, 5 moved, 2 renamed, 2 removed.',
    ]);
    expect(md).toContain('## Added (2)\n\n- [Fresh](./pages/home-1/fresh-9.md)\n- [New db](./pages/home-1/new-db-23.json) (database)\n');
    expect(md).toContain('- [Mover](./pages/home-1/kept-2/mover-4.md): moved from `pages/home-1/mover-4.md`');
    expect(md).toContain('- [Both now](./pages/home-1/kept-2/both-now-6.md): renamed from “Both”');
    // A removed page's file is gone: named, not linked.
    expect(md).toContain('## Removed (2)\n\n- Gone: was `pages/home-1/gone-7.md`');
  });

  it('says so on a first run and when nothing changed', () => {
    expect(renderChangelog(diffSnapshots(null, after))).toContain('The first snapshot of this archive: everything is new.');
    expect(renderChangelog(diffSnapshots(after, after))).toContain('Nothing changed.');
  });

  it('escapes titles that would break a link', () => {
    const odd = state('x', [page(1, 'A [b] *c*', 'pages/a-1.md', null, 'a')]);
    expect(renderChangelog(diffSnapshots(null, odd))).toContain('- [A \\[b\\] \\*c\\*](./pages/a-1.md)');
  });

  it('prints a plain summary for notion-kb diff', () => {
    const text = formatChangesText(changes);
    expect(text.split('\n')[0]).toBe(`${before.snapshotId} → ${after.snapshotId}: 2 added, 4 updated, 5 moved, 2 renamed, 2 removed`);
    expect(text).toContain('  + Fresh  pages/home-1/fresh-9.md');
    expect(text).toContain('  Mover  pages/home-1/mover-4.md → pages/home-1/kept-2/mover-4.md');
    expect(text).toContain('  Old name → New name  pages/home-1/new-name-5.md');
    expect(text).toContain('  - Gone  pages/home-1/gone-7.md');
  });
});
