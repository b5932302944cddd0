import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index, Report } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import type { SyncOutcome } from '../../src/run-sync.js';
import { syncStatePath, type SyncState } from '../../src/publish/sync-state.js';
import { readJson, runCli, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { contentOf } from '../support/snapshot-content.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';

const TOKEN = ['secret', 'incremental', 'token', '0123456789abcdefghij'].join('_');

describe('incremental sync: the same snapshot as a full sync, for a fraction of the requests', () => {
  const { workspace, ids } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let scratch: { dir: string; cleanup: () => Promise<void> };
  /** One clock for the server (edit times) and the syncs (their start), moved by the test. */
  let now = Date.parse('2026-03-02T10:00:05.000Z');
  let fullRuns = 0;

  const sync = (dir: string, extra: { full?: boolean } = {}) =>
    syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: dir, deps: { now: () => new Date(now), ...extra } });

  /** An incremental sync of the archive, checked against a full sync of the same workspace into a fresh directory. */
  async function incrementalEqualsFull(): Promise<SyncOutcome> {
    const incremental = await sync(out.dir);
    expect(incremental.mode).toBe('incremental');
    // Its manifest (which takes what the run linked, wrote and stored without reading it back) says what is on disk.
    const verified = await verifySnapshot({ outDir: out.dir });
    expect(verified.problems).toEqual([]);
    const full = await sync(join(scratch.dir, `full-${++fullRuns}`));
    expect(full.mode).toBe('full');
    const [a, b] = [await contentOf(incremental.snapshotDir), await contentOf(full.snapshotDir)];
    expect(a).toEqual(b);
    // The full sync rendered every page; the incremental one only those whose content or what they show changed.
    expect(full.report.counts.pagesRendered).toBe(full.report.counts.pages);
    expect(incremental.report.counts.pagesRendered).toBeLessThan(full.report.counts.pages / 3);
    return incremental;
  }

  const tick = (seconds: number) => {
    now += seconds * 1000;
  };

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    out = await tempDir();
    scratch = await tempDir();
    const first = await sync(out.dir);
    expect(first.mode).toBe('full');
    expect(first.exitCode).toBe(0);
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
    await scratch.cleanup();
  });

  it('a run with no change publishes nothing, exits 0, and costs at most ⌈pages ÷ 100⌉ + databases + 2 requests', async () => {
    tick(3600);
    const before = await readJson<{ snapshotId: string }>(join(out.dir, 'latest.json'));
    const snapshotsBefore = await readdir(join(out.dir, 'snapshots'));
    const outcome = await sync(out.dir);
    expect(outcome).toMatchObject({ exitCode: 0, unchanged: true, mode: 'incremental', snapshotId: before.snapshotId });
    expect(await readdir(join(out.dir, 'snapshots'))).toEqual(snapshotsBefore);
    expect(await readJson(join(out.dir, 'latest.json'))).toEqual(before);
    const published = await readJson<Report>(join(outcome.snapshotDir, 'report.json'));
    const bound = Math.ceil(published.counts.pages / 100) + published.counts.databases + 2;
    expect(outcome.report.requests.total).toBeLessThanOrEqual(bound);
    // Against what a full crawl costs: several hundred requests for the demo.
    expect(published.requests.total).toBeGreaterThan(5 * bound);
    expect(outcome.report.counts.pagesReused).toBe(published.counts.pages);
    expect(outcome.report.requests.saved).toBeGreaterThan(published.requests.total / 2);
  });

  it('picks up an edit made in the same minute as the previous sync', async () => {
    // An edit at 11:00:10, a sync at 11:00:20, another edit at 11:00:40: both edits have
    // last_edited_time 11:00:00, so only the sync's own start tells the second one apart.
    now = Date.parse('2026-03-02T11:00:10.000Z');
    const paragraph = workspace.pages[ids.pages.glossary]!.children.find((c) => workspace.blocks[c]?.type === 'paragraph')!;
    server.mutate.editBlockText(paragraph, 'First edit of the minute.');
    now = Date.parse('2026-03-02T11:00:20.000Z');
    const first = await sync(out.dir);
    expect(first.unchanged).toBe(false);
    now = Date.parse('2026-03-02T11:00:40.000Z');
    server.mutate.editBlockText(paragraph, 'Second edit of the same minute.');
    tick(5);
    const second = await incrementalEqualsFull();
    expect(second.unchanged).toBe(false);
    const md = await readFile(join(second.snapshotDir, (await pathOf(second, ids.pages.glossary))), 'utf8');
    expect(md).toContain('Second edit of the same minute.');
  });

  it('follows a title change, a move, a new page, trash and restore', async () => {
    tick(600);
    server.mutate.editTitle(ids.pages.ws11, 'Workshop 1.1 (renamed)');
    await incrementalEqualsFull();
    tick(600);
    server.mutate.movePage(ids.pages.icebreakers, ids.pages.toolkit);
    const moved = await incrementalEqualsFull();
    expect(moved.report.changes).toMatchObject({ moved: 1 });
    const redirects = await readJson<Record<string, string>>(join(moved.snapshotDir, 'redirects.json'));
    expect(Object.keys(redirects).length).toBeGreaterThan(0);
    tick(600);
    const created = server.mutate.createPage({ parent: ids.pages.howTo, title: 'A new how-to', children: [{ type: 'paragraph', payload: { rich_text: [] } } as never] });
    const added = await incrementalEqualsFull();
    expect(await pathOf(added, created)).toMatch(/a-new-how-to/);
    tick(600);
    server.mutate.trash(ids.pages.mentors);
    const trashed = await incrementalEqualsFull();
    expect(trashed.report.changes?.removed).toBeGreaterThanOrEqual(1);
    tick(600);
    server.mutate.restore(ids.pages.mentors);
    const restored = await incrementalEqualsFull();
    expect(await pathOf(restored, ids.pages.mentors)).toBeTruthy();
  });

  it('drops a page that is no longer shared, and takes it back when it is shared again', async () => {
    tick(600);
    server.mutate.setShared(ids.pages.glossary, false);
    const unshared = await incrementalEqualsFull();
    const index = await readJson<Index>(join(unshared.snapshotDir, 'index.json'));
    expect(index.pages.some((p) => p.id === ids.pages.glossary)).toBe(false);
    tick(600);
    server.mutate.setShared(ids.pages.glossary, true);
    const back = await incrementalEqualsFull();
    expect(await pathOf(back, ids.pages.glossary)).toBeTruthy();
  });

  it('follows database rows added, changed and removed', async () => {
    const ds = ids.partners.dataSourceId;
    tick(600);
    server.mutate.createPage({ parent: ds, title: 'New partner' });
    const added = await incrementalEqualsFull();
    expect(added.report.changes?.added).toBe(1);
    tick(600);
    const row = Object.values(ids.partners.rows)[0]!;
    server.mutate.editTitle(row, 'Renamed partner');
    await incrementalEqualsFull();
    tick(600);
    server.mutate.trash(Object.values(ids.partners.rows)[1]!);
    const removed = await incrementalEqualsFull();
    expect(removed.report.changes?.removed).toBe(1);
  });

  it("re-fetches the pages that show a synced block when its original is edited (Notion does not bump them)", async () => {
    tick(600);
    const original = workspace.blocks[ids.syncedOriginal]!;
    const inside = original.children.find((c) => 'rich_text' in (workspace.blocks[c]?.payload ?? {}))!;
    server.mutate.editBlockText(inside, 'The helpdesk moved to a new address.');
    const outcome = await incrementalEqualsFull();
    expect(ids.syncedReferences.length).toBeGreaterThan(0);
    let shown = 0;
    const index = await readJson<Index>(join(outcome.snapshotDir, 'index.json'));
    for (const p of index.pages) {
      const md = await readFile(join(outcome.snapshotDir, p.path), 'utf8');
      if (md.includes('The helpdesk moved to a new address.')) shown++;
    }
    // The original's page and every page showing a reference.
    expect(shown).toBeGreaterThanOrEqual(2);
  });

  it('shares unchanged files with the previous snapshot through hard links', async () => {
    tick(600);
    server.mutate.editTitle(ids.pages.call2501, 'Call 2025-01 (notes)');
    const outcome = await sync(out.dir);
    expect(outcome.report.counts.filesLinked).toBeGreaterThan(100);
    const index = await readJson<Index>(join(outcome.snapshotDir, 'index.json'));
    const unchanged = index.pages.find((p) => p.id === ids.pages.glossary)!;
    expect((await stat(join(outcome.snapshotDir, unchanged.path))).nlink).toBeGreaterThan(1);
    const assets = await readdir(join(outcome.snapshotDir, 'assets'));
    expect(assets.length).toBeGreaterThan(0);
    expect((await stat(join(outcome.snapshotDir, 'assets', assets[0]!))).nlink).toBeGreaterThan(1);
  });

  it('costs at most 1.1 × (what the changed pages need + the no-change cost) when a few pages changed', async () => {
    tick(3600);
    const noChange = await sync(out.dir);
    expect(noChange.unchanged).toBe(true);
    const base = noChange.report.requests.total;
    tick(3600);
    const state = await readJson<SyncState>(syncStatePath(out.dir));
    const changed = [ids.pages.roles, ids.pages.agreement];
    for (const id of changed) server.mutate.editTitle(id, `Edited ${id.slice(0, 4)}`);
    const need = changed.reduce((n, id) => n + state.pages[id]!.requests, 0);
    expect(need).toBeGreaterThan(0);
    const outcome = await incrementalEqualsFull();
    expect(outcome.unchanged).toBe(false);
    expect(outcome.report.requests.total).toBeLessThanOrEqual(1.1 * (need + base));
  });

  it('--full crawls everything; a damaged or missing state means a full crawl with a warning, never a crash', async () => {
    tick(600);
    const full = await sync(out.dir, { full: true });
    expect(full.mode).toBe('full');
    expect(full.unchanged).toBe(true);
    // Its self-audit: every page not edited since the last snapshot came out the same.
    expect(full.report.audit).toMatchObject({ differed: [], formulaRollupChanges: [], commentChanges: [] });
    expect(full.report.audit!.compared).toBeGreaterThan(100);
    const stateFile = syncStatePath(out.dir);
    await writeFile(stateFile, '{ this is not json');
    tick(600);
    server.mutate.editTitle(ids.pages.roles, 'Roles and duties');
    const damaged = await sync(out.dir);
    expect(damaged.mode).toBe('full');
    expect(damaged.report.warnings.some((w) => w.code === 'full_crawl' && /not valid JSON/.test(w.message))).toBe(true);
    // The state is written again: the next run is incremental.
    tick(600);
    const next = await sync(out.dir);
    expect(next.mode).toBe('incremental');
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as SyncState;
    await writeFile(stateFile, JSON.stringify({ ...state, version: 99 }));
    tick(600);
    const otherVersion = await sync(out.dir);
    expect(otherVersion.mode).toBe('full');
    expect(otherVersion.report.warnings.find((w) => w.code === 'full_crawl')?.message).toMatch(/another version/);
  });

  it('prune keeps what later snapshots share with the ones it removes: every snapshot left verifies', async () => {
    const snapshots = (await readdir(join(out.dir, 'snapshots'))).filter((e) => !e.startsWith('.'));
    expect(snapshots.length).toBeGreaterThan(5);
    const pruned = await runCli(['prune', '--out', out.dir, '--keep-last', '2', '--keep-daily', '0', '--keep-monthly', '0']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect((await readdir(join(out.dir, 'snapshots'))).filter((e) => !e.startsWith('.'))).toHaveLength(2);
    const verified = await runCli(['verify', '--all', '--out', out.dir]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    // And the next sync still starts from the state.
    tick(600);
    expect((await sync(out.dir)).mode).toBe('incremental');
  });

  it('keeps no signed file URL and no token in the state', async () => {
    const text = await readFile(syncStatePath(out.dir), 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/[?&](sig|expires|X-Amz-Signature)=/);
  });
});

async function pathOf(outcome: SyncOutcome, id: string): Promise<string> {
  const index = await readJson<Index>(join(outcome.snapshotDir, 'index.json'));
  const page = index.pages.find((p) => p.id === id);
  if (!page) throw new Error(`page ${id} is not in snapshot ${outcome.snapshotId}`);
  return page.path;
}

describe('incremental sync with roots', () => {
  const { workspace, ids } = buildDemo();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-04-01T10:00:05.000Z');
  const file = { notion: { roots: [ids.pages.toolkit] } };
  const sync = (out: string, full = false) =>
    syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file, deps: { now: () => new Date(now), full } });

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('fetches only what changed below the root, ignores the rest of the workspace, and equals a full sync', async () => {
    const out = join(tmp.dir, 'out');
    const first = await sync(out);
    expect(first.mode).toBe('full');
    now += 3600_000;
    const quiet = await sync(out);
    expect(quiet).toMatchObject({ mode: 'incremental', unchanged: true });
    expect(quiet.report.requests.total).toBeLessThan(first.report.requests.total / 5);
    // An edit outside the root changes nothing; one inside, a rename and a new page below it do.
    now += 3600_000;
    server.mutate.editTitle(ids.pages.glossary, 'Glossary (outside the root)');
    expect((await sync(out)).unchanged).toBe(true);
    now += 3600_000;
    server.mutate.editTitle(ids.pages.ws11, 'Workshop 1.1, renamed below the root');
    server.mutate.createPage({ parent: ids.pages.mod2, title: 'New below the root' });
    const changed = await sync(out);
    expect(changed).toMatchObject({ mode: 'incremental', unchanged: false });
    const full = await sync(join(tmp.dir, 'full'), true);
    expect(await contentOf(changed.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
    const index = await readJson<Index>(join(changed.snapshotDir, 'index.json'));
    expect(index.pages.some((p) => p.title === 'New below the root')).toBe(true);
    expect(index.pages.some((p) => p.id === ids.pages.glossary)).toBe(false);
  });
});
