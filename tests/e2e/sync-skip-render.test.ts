import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../src/history/diff-snapshots.js';
import type { Changes, Index } from '../../src/normalise/schemas.js';
import { generateWorkspace, HUB_TITLE } from '../../src/notion-server/generate-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { readSnapshotState } from '../../src/publish/snapshot-state.js';
import type { SyncOutcome } from '../../src/run-sync.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { contentOf } from '../support/snapshot-content.js';

const TOKEN = ['secret', 'skip', 'render', 'token', '0123456789abcdefghij'].join('_');
const REFERRERS = 12;

/**
 * An incremental sync renders only the pages whose fetched content or whatever they show changed,
 * and takes the others from the previous snapshot as they are; the snapshot is the one a sync
 * rendering everything makes.
 */
describe('incremental syncs render only what changed', () => {
  const workspace = generateWorkspace({ seed: 'skip-render', pages: 40, blocksPerPage: 6, databases: 1, rowsPerDatabase: 5, imageEvery: 7, hubReferrers: REFERRERS });
  const hub = Object.values(workspace.pages).find((p) => p.properties.title !== undefined && JSON.stringify(p.properties.title).includes(HUB_TITLE))!.id;
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let scratch: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-05-04T10:00:05.000Z');
  let fullRuns = 0;
  const tick = (s: number) => void (now += s * 1000);
  const sync = (dir: string, extra: { full?: boolean; renderVersion?: string; file?: Record<string, unknown> } = {}) =>
    syncInProcess({
      baseUrl: server.baseUrl,
      token: TOKEN,
      out: dir,
      ...(extra.file ? { file: extra.file } : {}),
      deps: { now: () => new Date(now), ...(extra.full ? { full: true } : {}), ...(extra.renderVersion ? { renderVersion: extra.renderVersion } : {}) },
    });

  /**
   * The same snapshot as a full sync into a fresh directory; changes.json as the two snapshots'
   * own files say (under privacy rules it hides what they leave out: tested in privacy.test.ts).
   */
  async function equalsFull(outcome: SyncOutcome, previousDir: string, file?: Record<string, unknown>): Promise<void> {
    const full = await sync(join(scratch.dir, `full-${++fullRuns}`), file ? { file } : {});
    expect(full.mode).toBe('full');
    expect(full.report.counts.pagesRendered).toBe(full.report.counts.pages);
    expect(await contentOf(outcome.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
    if (outcome.unchanged || file) return;
    const changes = await readJson<Changes>(join(outcome.snapshotDir, 'changes.json'));
    expect(changes).toEqual(JSON.parse(JSON.stringify(diffSnapshots(await readSnapshotState(previousDir), await readSnapshotState(outcome.snapshotDir)))));
  }

  const latestDir = async () => join(out.dir, (await readJson<{ path: string }>(join(out.dir, 'latest.json'))).path);

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    out = await tempDir();
    scratch = await tempDir();
    const first = await sync(out.dir);
    expect(first).toMatchObject({ mode: 'full', exitCode: 0 });
    expect(first.report.counts.pagesRendered).toBe(first.report.counts.pages);
    expect(first.report.counts.databasesRendered).toBe(first.report.counts.databases);
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
    await scratch.cleanup();
  });

  it('a night without change renders nothing and publishes nothing', async () => {
    tick(3600);
    const quiet = await sync(out.dir);
    expect(quiet).toMatchObject({ mode: 'incremental', unchanged: true });
    expect(quiet.report.counts).toMatchObject({ pagesRendered: 0, databasesRendered: 0 });
  });

  it(`renaming a page that ${REFERRERS} pages mention renders those pages and the renamed one, and no other`, async () => {
    tick(3600);
    const before = await latestDir();
    const beforeIndex = await readJson<Index>(join(before, 'index.json'));
    const referrers = (beforeIndex.backlinks[hub] ?? []).sort();
    expect(referrers).toHaveLength(REFERRERS);
    server.mutate.editTitle(hub, 'Hub page, renamed');
    const renamed = await sync(out.dir);
    expect(renamed).toMatchObject({ mode: 'incremental', unchanged: false });
    expect(renamed.report.counts.pagesRendered).toBe(REFERRERS + 1);
    expect(renamed.report.counts.databasesRendered).toBe(0);
    await equalsFull(renamed, before);
    // Exactly those: the pages whose Markdown changed are the hub and the pages mentioning it.
    const afterIndex = await readJson<Index>(join(renamed.snapshotDir, 'index.json'));
    const changed: string[] = [];
    for (const p of afterIndex.pages) {
      const old = beforeIndex.pages.find((q) => q.id === p.id)!;
      if ((await readFile(join(before, old.path), 'utf8')) !== (await readFile(join(renamed.snapshotDir, p.path), 'utf8'))) changed.push(p.id);
    }
    expect(changed.sort()).toEqual([hub, ...referrers].sort());
  });

  it('an edit renders the page edited, and a new title the pages showing it', async () => {
    tick(3600);
    const before = await latestDir();
    const index = await readJson<Index>(join(before, 'index.json'));
    const leaf = index.pages.find((p) => p.id !== hub && !p.databaseId && !Object.values(index.backlinks).flat().includes(p.id) && p.parentId !== null)!;
    const text = workspace.pages[leaf.id]!.children.find((c) => 'rich_text' in (workspace.blocks[c]?.payload ?? {}))!;
    server.mutate.editBlockText(text, 'Edited tonight.');
    const edited = await sync(out.dir);
    // The page itself; its parent shows no text of it.
    expect(edited.report.counts.pagesRendered).toBe(1);
    await equalsFull(edited, before);
  });

  it('a row edited renders its database again; the other databases stay', async () => {
    tick(3600);
    const before = await latestDir();
    const index = await readJson<Index>(join(before, 'index.json'));
    const row = index.databases[0]!.rowIds[0]!;
    server.mutate.editTitle(row, 'Renamed row');
    const outcome = await sync(out.dir);
    expect(outcome.report.counts.databasesRendered).toBe(1);
    expect(outcome.report.counts.pagesRendered).toBeLessThan(outcome.report.counts.pages / 2);
    await equalsFull(outcome, before);
  });

  it('another notion-kb version renders every page again', async () => {
    tick(3600);
    const bumped = await sync(out.dir, { renderVersion: '99.0.0-test' });
    expect(bumped.mode).toBe('incremental');
    expect(bumped.report.counts.pagesRendered).toBe(bumped.report.counts.pages);
    expect(bumped.report.counts.databasesRendered).toBe(bumped.report.counts.databases);
    // The same renderer under another name: the same files, nothing to publish.
    expect(bumped.unchanged).toBe(true);
    tick(3600);
    const next = await sync(out.dir, { renderVersion: '99.0.0-test' });
    expect(next.report.counts.pagesRendered).toBe(0);
  });

  it('comments turned on or off render every page again, and equal a full sync each time', async () => {
    // A page without comments has `discussions: []` with comments exported and none without, under
    // the same digest: only the setting tells its record must change.
    const index = await readJson<Index>(join(await latestDir(), 'index.json'));
    const commented = index.pages.find((p) => p.id !== hub && !p.databaseId && p.parentId !== null)!;
    server.mutate.addComment(commented.id, 'Who keeps this page up to date?', { bump: false });
    for (const comments of [true, false]) {
      tick(3600);
      const before = await latestDir();
      const file = { content: { comments } };
      const outcome = await sync(out.dir, { file, renderVersion: '99.0.0-test' });
      expect(outcome.mode).toBe('incremental');
      expect(outcome.report.counts.pagesRendered).toBe(outcome.report.counts.pages);
      await equalsFull(outcome, before, file);
    }
    // The weekly --full run that turns them on again: the setting changed, not the comments.
    tick(3600);
    const full = await sync(out.dir, { full: true, file: { content: { comments: true } }, renderVersion: '99.0.0-test' });
    expect(full.report.audit).toMatchObject({ differed: [], commentChanges: [] });
    expect(full.report.audit!.compared).toBeGreaterThan(0);
    tick(3600);
    await sync(out.dir, { renderVersion: '99.0.0-test' });
  });

  it('new privacy rules crawl and render everything, and equal a full sync under them', async () => {
    tick(3600);
    const before = await latestDir();
    const index = await readJson<Index>(join(before, 'index.json'));
    const leftOut = index.pages.find((p) => p.parentId !== null && p.id !== hub && !p.databaseId)!;
    const file = { privacy: { excludePages: [leftOut.id], redactPropertyTypes: ['people'] } };
    const outcome = await sync(out.dir, { file, renderVersion: '99.0.0-test' });
    expect(outcome.mode).toBe('full');
    expect(outcome.report.counts.pagesRendered).toBe(outcome.report.counts.pages);
    // What was published before the rules may hold what they leave out: the run says so, once.
    expect(outcome.report.warnings.filter((w) => w.code === 'privacy_history')).toHaveLength(1);
    await equalsFull(outcome, before, file);
    // The night after, under the same rules: nothing to render.
    tick(3600);
    const quiet = await sync(out.dir, { file, renderVersion: '99.0.0-test' });
    expect(quiet).toMatchObject({ mode: 'incremental', unchanged: true });
    expect(quiet.report.counts.pagesRendered).toBe(0);
    expect(quiet.report.warnings.filter((w) => w.code === 'privacy_history')).toEqual([]);
  });
});
