import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Changes, Feed, Index, Manifest, Redirects, Report } from '../../src/normalise/schemas.js';
import { block as b, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { syncStatePath } from '../../src/publish/sync-state.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';
import { readJson, runCli, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'history', 'token', '0123456789abcdefghij'].join('_');

function historyWorkspace() {
  const w = new WorkspaceBuilder({ seed: 'history', integrationName: 'notion-kb tests', workspaceName: 'History space' });
  const root = w.page({ parent: 'workspace', title: 'Handbook', children: [b.paragraph('Welcome.')] });
  const edited = w.page({ parent: root, title: 'Edited', children: [b.paragraph('Old text.')] });
  const mover = w.page({ parent: root, title: 'Mover', children: [b.paragraph('I move.')] });
  const renamed = w.page({ parent: root, title: 'Old name', children: [b.paragraph('I am renamed.')] });
  const child = w.page({ parent: renamed, title: 'Child', children: [b.paragraph('My parent is renamed.')] });
  const gone = w.page({ parent: root, title: 'Gone', children: [b.paragraph('I am trashed.')] });
  const target = w.page({ parent: root, title: 'Target', children: [b.paragraph('Things move here.')] });
  const quiet = w.page({ parent: root, title: 'Quiet', children: [b.paragraph('Nothing happens to me.')] });
  const db = w.database({
    parent: root,
    title: 'Partners',
    dataSources: [{ name: 'Partners', properties: { Name: { type: 'title' }, Country: { type: 'select', options: ['DE', 'BG'] } } }],
  });
  w.row(db.dataSourceIds[0]!, { Name: 'SINGA', Country: 'DE' }, { children: [b.paragraph('A partner.')] });
  return { workspace: w.build(), ids: { root, edited, mover, renamed, child, gone, target, quiet, database: db.id, dataSource: db.dataSourceIds[0]! } };
}

describe('history: changes.json, CHANGELOG.md and redirects.json at publish; diff; verify --all', () => {
  const { workspace, ids } = historyWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let first: { id: string; dir: string; index: Index };
  let second: { id: string; dir: string; index: Index };
  let fresh: string;
  let newRow: string;

  const sync = async () => {
    const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir });
    expect(outcome.exitCode).toBe(0);
    return { id: outcome.snapshotId, dir: outcome.snapshotDir, index: await readJson<Index>(join(outcome.snapshotDir, 'index.json')) };
  };
  const pathIn = (snap: { index: Index }, id: string) => snap.index.pages.find((p) => p.id === id)?.path ?? snap.index.databases.find((d) => d.id === id)?.path;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
    first = await sync();
    const paragraph = Object.values(server.workspace.blocks).find((x) => x.parentId === ids.edited && x.type === 'paragraph')!;
    server.mutate.editBlockText(paragraph.id, 'New text.');
    server.mutate.movePage(ids.mover, ids.target);
    server.mutate.editTitle(ids.renamed, 'New name');
    server.mutate.trash(ids.gone);
    fresh = server.mutate.createPage({ parent: ids.root, title: 'Fresh', children: [b.paragraph('Just made.')] });
    newRow = server.mutate.createPage({ parent: ids.dataSource, title: 'Migrant Hub' });
    second = await sync();
  });
  afterAll(async () => {
    await server?.close();
    await out?.cleanup();
  });

  it('the first snapshot lists everything as added, has no redirects, and ships the files in its manifest', async () => {
    const changes = await readJson<Changes>(join(first.dir, 'changes.json'));
    expect(changes.from).toBeNull();
    expect(changes.to).toBe(first.id);
    expect(changes.counts).toEqual({ added: first.index.pages.length + first.index.databases.length, updated: 0, moved: 0, renamed: 0, removed: 0 });
    expect(await readJson(join(first.dir, 'redirects.json'))).toEqual({});
    expect(await readFile(join(first.dir, 'CHANGELOG.md'), 'utf8')).toContain('The first snapshot of this archive: everything is new.');
    const manifest = await readJson<Manifest>(join(first.dir, 'manifest.json'));
    for (const f of ['changes.json', 'CHANGELOG.md', 'redirects.json', 'schema/changes.schema.json', 'schema/redirects.schema.json']) {
      expect(manifest.files.map((m) => m.path)).toContain(f);
    }
    const report = await readJson<Report>(join(first.dir, 'report.json'));
    expect(report.changes).toEqual({ from: null, ...changes.counts });
  });

  it('the second snapshot names each change against the first', async () => {
    const changes = await readJson<Changes>(join(second.dir, 'changes.json'));
    expect(changes.from).toBe(first.id);
    expect(changes.to).toBe(second.id);
    const idsOf = (list: Changes['added']) => list.map((c) => c.id);
    expect(idsOf(changes.added).sort()).toEqual([fresh, newRow].sort());
    expect(changes.added.find((c) => c.id === fresh)).toEqual({ kind: 'page', id: fresh, title: 'Fresh', oldTitle: null, path: pathIn(second, fresh), oldPath: null });
    expect(changes.removed).toEqual([{ kind: 'page', id: ids.gone, title: 'Gone', oldTitle: 'Gone', path: null, oldPath: pathIn(first, ids.gone) }]);
    // Edited text, the renamed page, the database that gained a row: their content changed.
    expect(idsOf(changes.updated)).toEqual(expect.arrayContaining([ids.edited, ids.renamed, ids.database]));
    // Moved: the page itself and the child of the renamed page (its directory was renamed).
    expect(idsOf(changes.moved).sort()).toEqual([ids.mover, ids.renamed, ids.child].sort());
    expect(changes.moved.find((c) => c.id === ids.mover)).toMatchObject({ oldPath: pathIn(first, ids.mover), path: pathIn(second, ids.mover) });
    expect(pathIn(second, ids.mover)).toContain(pathIn(second, ids.target)!.replace(/\.md$/, '/'));
    expect(changes.renamed).toEqual([{ kind: 'page', id: ids.renamed, title: 'New name', oldTitle: 'Old name', path: pathIn(second, ids.renamed), oldPath: pathIn(first, ids.renamed) }]);
    // A page nothing happened to is in no list.
    const all = [...changes.added, ...changes.updated, ...changes.moved, ...changes.renamed, ...changes.removed];
    expect(idsOf(all)).not.toContain(ids.quiet);
    const report = await readJson<Report>(join(second.dir, 'report.json'));
    expect(report.changes).toEqual({ from: first.id, ...changes.counts });
  });

  it('feed.json (JSON Feed 1.1) lists the pages added or updated, newest edit first, with relative URLs and summaries', async () => {
    const feed = await readJson<Feed>(join(second.dir, 'feed.json'));
    const changes = await readJson<Changes>(join(second.dir, 'changes.json'));
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('Handbook');
    expect(feed._notion_kb).toEqual({ schemaVersion: 1, snapshotId: second.id, from: first.id });
    const pagesChanged = [...changes.added, ...changes.updated].filter((c) => c.kind === 'page');
    expect(feed.items.map((i) => i._notion_kb.pageId).sort()).toEqual(pagesChanged.map((c) => c.id).sort());
    expect(feed.items.map((i) => i._notion_kb.pageId)).not.toContain(ids.quiet);
    const edited = feed.items.find((i) => i._notion_kb.pageId === ids.edited)!;
    expect(edited).toMatchObject({ title: 'Edited', url: pathIn(second, ids.edited), summary: 'New text.', content_text: 'New text.', _notion_kb: { change: 'updated' } });
    expect(feed.items.find((i) => i._notion_kb.pageId === fresh)).toMatchObject({ title: 'Fresh', summary: 'Just made.', _notion_kb: { change: 'added' } });
    const entry = second.index.pages.find((p) => p.id === ids.edited)!;
    expect(edited.date_modified).toBe(entry.lastEditedTime);
    const dates = feed.items.map((i) => i.date_modified);
    expect(dates).toEqual([...dates].sort().reverse());
    // Each url is a file of the snapshot, relative to where feed.json is.
    const manifest = new Set((await readJson<Manifest>(join(second.dir, 'manifest.json'))).files.map((f) => f.path));
    for (const item of feed.items) expect(manifest.has(item.url), item.url).toBe(true);
    expect(manifest.has('feed.json') && manifest.has('schema/feed.schema.json')).toBe(true);
    // The first snapshot's feed lists every page.
    const firstFeed = await readJson<Feed>(join(first.dir, 'feed.json'));
    expect(firstFeed.items).toHaveLength(first.index.pages.length);
    expect(firstFeed._notion_kb.from).toBeNull();
  });

  it('redirects every old path of a moved or renamed page to a file of the new snapshot', async () => {
    const redirects = await readJson<Redirects>(join(second.dir, 'redirects.json'));
    expect(redirects).toEqual({
      [pathIn(first, ids.mover)!]: pathIn(second, ids.mover),
      [pathIn(first, ids.renamed)!]: pathIn(second, ids.renamed),
      [pathIn(first, ids.child)!]: pathIn(second, ids.child),
    });
    const before = new Set((await readJson<Manifest>(join(first.dir, 'manifest.json'))).files.map((f) => f.path));
    const after = new Set((await readJson<Manifest>(join(second.dir, 'manifest.json'))).files.map((f) => f.path));
    for (const [from, to] of Object.entries(redirects)) {
      expect(before.has(from), from).toBe(true);
      expect(after.has(to), to).toBe(true);
    }
  });

  it('writes a CHANGELOG.md a person can read, whose links resolve (verify checks them)', async () => {
    const md = await readFile(join(second.dir, 'CHANGELOG.md'), 'utf8');
    expect(md).toContain(`# Changes in snapshot ${second.id}`);
    expect(md).toContain(`Compared with the previous snapshot, ${first.id}.`);
    expect(md).toMatch(/Pages and databases: 2 added, \d+ updated, 3 moved, 1 renamed, 1 removed\./);
    expect(md).toContain(`- [Fresh](./${pathIn(second, fresh)})`);
    expect(md).toContain(`- [New name](./${pathIn(second, ids.renamed)}): renamed from “Old name”`);
    expect(md).toContain(`- Gone: was \`${pathIn(first, ids.gone)}\``);
    const verified = await verifySnapshot({ outDir: out.dir, snapshotDir: second.dir });
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
  });

  it('notion-kb diff prints the changes, and with --json the same object as changes.json', async () => {
    const json = await runCli(['diff', first.id, 'latest', '--out', out.dir, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(await readJson(join(second.dir, 'changes.json')));
    const text = await runCli(['diff', first.dir, second.dir, '--out', out.dir]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^${first.id} → ${second.id}: 2 added, \\d+ updated, 3 moved, 1 renamed, 1 removed$`));
    expect(text.stdout).toContain(`  Old name → New name  ${pathIn(second, ids.renamed)}`);
    // Backwards: what was added is removed.
    const back = JSON.parse((await runCli(['diff', second.id, first.id, '--out', out.dir, '--json'])).stdout) as Changes;
    expect(back.removed.map((c) => c.id).sort()).toEqual([fresh, newRow].sort());
  });

  it('notion-kb diff with a snapshot that does not exist exits 2 with one line', async () => {
    const result = await runCli(['diff', first.id, '20200101T000000Z-abcdef', '--out', out.dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([`notion-kb: 20200101T000000Z-abcdef: no such snapshot in ${join(out.dir, 'snapshots')} and no such directory (give a snapshot id, a snapshot directory or "latest")`]);
    const missing = await runCli(['diff', first.id, '--out', out.dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`diff needs a second snapshot to compare "${first.id}" with`);
  });

  it('notion-kb verify --all checks every snapshot, one line each, and exits 1 when one is damaged', async () => {
    const good = await runCli(['verify', '--all', '--out', out.dir]);
    expect(good.code).toBe(0);
    const lines = good.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('ok '))).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^ok +${first.id} `));
    expect(lines.at(-1)).toBe('All 2 snapshots are intact.');

    const damaged = await tempDir();
    try {
      await cp(out.dir, damaged.dir, { recursive: true });
      const page = join(damaged.dir, 'snapshots', first.id, pathIn(first, ids.quiet)!);
      await writeFile(page, `${await readFile(page, 'utf8')}tampered\n`);
      const bad = await runCli(['verify', '--all', '--out', damaged.dir]);
      expect(bad.code).toBe(1);
      const badLines = bad.stderr.trim().split('\n');
      expect(badLines[0]).toMatch(new RegExp(`^DAMAGED +${first.id} +1 problem\\(s\\), first: ${pathIn(first, ids.quiet)!.replace(/[.]/g, '\\.')}: size`));
      expect(badLines[1]).toMatch(new RegExp(`^ok +${second.id} `));
      expect(badLines.at(-1)).toContain('1 of 2 snapshots are damaged');
      const asJson = JSON.parse((await runCli(['verify', '--all', '--out', damaged.dir, '--json'])).stdout) as { ok: boolean; snapshots: Array<{ ok: boolean }> };
      expect(asJson.ok).toBe(false);
      expect(asJson.snapshots.map((s) => s.ok)).toEqual([false, true]);
    } finally {
      await damaged.cleanup();
    }
  });

  it('a sync whose previous snapshot cannot be read still publishes, lists everything as added and says why', async () => {
    const broken = await tempDir();
    try {
      await cp(out.dir, broken.dir, { recursive: true });
      await writeFile(join(broken.dir, 'snapshots', second.id, 'index.json'), '{ not json');
      // Without a sync state (with one, the history takes the previous snapshot from it and reads nothing of it).
      await rm(syncStatePath(broken.dir));
      const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: broken.dir });
      expect(outcome.exitCode).toBe(0);
      const changes = await readJson<Changes>(join(outcome.snapshotDir, 'changes.json'));
      expect(changes.from).toBeNull();
      expect(changes.counts).toEqual({ added: second.index.pages.length + second.index.databases.length, updated: 0, moved: 0, renamed: 0, removed: 0 });
      expect(outcome.report.warnings.map((w) => w.code)).toContain('previous_snapshot_unreadable');
    } finally {
      await broken.cleanup();
    }
  });
});
