import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index, Manifest, Report } from '../../src/normalise/schemas.js';
import { generateWorkspace } from '../../src/notion-server/generate-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { describesTheRun } from '../../src/publish/same-content.js';
import { syncStatePath } from '../../src/publish/sync-state.js';
import type { SyncOutcome } from '../../src/run-sync.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { contentOf } from '../support/snapshot-content.js';

const TOKEN = ['secret', 'unchanged', 'shortcut', 'token', '0123456789abcdef'].join('_');

/** Files of the workspace (not those that describe the run), stored files aside. */
const ofPagesAndDatabases = (path: string) => !describesTheRun(path) && !path.startsWith('assets/');

/**
 * A night that fetched nothing new, whose snapshot would be the latest one again, is found
 * unchanged without building that snapshot; a night that fetched nothing new but whose snapshot
 * would differ (what Notion changes without a new edit time, another renderer) still builds it,
 * publishes it, and equals a full sync.
 */
describe('a night whose snapshot would be the latest one builds no snapshot', () => {
  const workspace = generateWorkspace({ seed: 'unchanged-shortcut', pages: 30, blocksPerPage: 5, databases: 2, rowsPerDatabase: 4, imageEvery: 5, hubReferrers: 4 });
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let scratch: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-06-01T02:00:05.000Z');
  let fullRuns = 0;
  const tick = (s: number) => void (now += s * 1000);
  /** Files the sync wrote or linked into its staging directory, snapshot-relative. */
  let staged: string[] = [];
  const watched: OutputFs = {
    ...nodeOutputFs,
    link: async (from, to) => {
      noteStaged(String(to));
      return nodeOutputFs.link(from, to);
    },
    writeFile: async (file, ...rest) => {
      noteStaged(String(file));
      return nodeOutputFs.writeFile(file, ...rest);
    },
    open: async (file, flags, ...rest) => {
      if (flags !== undefined && flags !== 'r') noteStaged(String(file));
      return nodeOutputFs.open(file, flags, ...rest);
    },
  };
  function noteStaged(file: string): void {
    const at = file.indexOf(`${sep}snapshots${sep}.tmp-`);
    if (at < 0) return;
    const rest = file.slice(at + `${sep}snapshots${sep}`.length);
    const slash = rest.indexOf(sep);
    if (slash >= 0) staged.push(rest.slice(slash + 1).split(sep).join('/'));
  }
  const sync = (dir: string, extra: { renderVersion?: string; file?: Record<string, unknown> } = {}) => {
    const { file, ...deps } = extra;
    return syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: dir, ...(file ? { file } : {}), deps: { now: () => new Date(now), fs: watched, ...deps } });
  };
  const latestDir = async () => join(out.dir, (await readJson<{ path: string }>(join(out.dir, 'latest.json'))).path);

  async function publishesAsFull(outcome: SyncOutcome, extra: { renderVersion?: string; file?: Record<string, unknown> } = {}): Promise<void> {
    expect(outcome).toMatchObject({ mode: 'incremental', unchanged: false, exitCode: 0 });
    const full = await sync(join(scratch.dir, `full-${++fullRuns}`), extra);
    expect(full.mode).toBe('full');
    expect(await contentOf(outcome.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
  }

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    out = await tempDir();
    scratch = await tempDir();
    expect(await sync(out.dir)).toMatchObject({ mode: 'full', exitCode: 0 });
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
    await scratch.cleanup();
  });

  it('a night without change writes and links nothing of a snapshot, and reports what the latest one holds', async () => {
    tick(86_400);
    const latest = await latestDir();
    const stateBefore = await readJson<{ startedAt: string; snapshotId: string }>(syncStatePath(out.dir));
    staged = [];
    const quiet = await sync(out.dir);
    expect(quiet).toMatchObject({ mode: 'incremental', unchanged: true, exitCode: 0, snapshotDir: latest });
    // Stored files looked up are adopted as the render pass adopts them, and the history is
    // written for the report; no page, database, schema, index or manifest.
    const written = staged.filter(ofPagesAndDatabases);
    expect(written).toEqual([]);
    expect(staged).not.toContain('manifest.json');
    expect(staged).not.toContain('index.json');
    // The report a snapshot built and found the same would give.
    const report = await readJson<Report>(join(latest, 'report.json'));
    const manifest = await readJson<Manifest>(join(latest, 'manifest.json'));
    const { counts } = quiet.report;
    for (const k of ['pages', 'databases', 'dataSources', 'rows', 'blocks', 'assets', 'assetBytes'] as const) expect(counts[k], k).toBe(report.counts[k]);
    expect(counts).toMatchObject({ pagesRendered: 0, databasesRendered: 0, pagesReused: report.counts.pages });
    // Every file of a page, a database or a schema: taken as it is.
    expect(counts.filesLinked).toBe(manifest.files.filter((f) => ofPagesAndDatabases(f.path)).length);
    expect(quiet.report.changes).toMatchObject({ from: report.snapshotId, added: 0, updated: 0, moved: 0, renamed: 0, removed: 0 });
    expect(quiet.report.complete).toBe(true);
    // The state moves on to this run, still describing the latest snapshot; no staging directory stays.
    const stateAfter = await readJson<{ startedAt: string; snapshotId: string }>(syncStatePath(out.dir));
    expect(stateAfter.snapshotId).toBe(stateBefore.snapshotId);
    expect(stateAfter.startedAt).not.toBe(stateBefore.startedAt);
    expect(await readdir(join(out.dir, 'snapshots'))).toEqual([report.snapshotId]);
  });

  it('a database moved under another page (Notion bumps nothing) is published at its new place', async () => {
    tick(86_400);
    const index = await readJson<Index>(join(await latestDir(), 'index.json'));
    const db = index.databases[0]!;
    const target = index.pages.find((p) => p.parentId !== null && !p.databaseId && p.id !== db.parentId)!;
    server.mutate.moveDatabase(db.id, target.id);
    const night = await sync(out.dir);
    await publishesAsFull(night);
  });

  it('a row trashed (its database lists one row less) is published without it', async () => {
    tick(86_400);
    const index = await readJson<Index>(join(await latestDir(), 'index.json'));
    const row = index.databases[1]!.rowIds[0]!;
    server.mutate.trash(row);
    const night = await sync(out.dir);
    await publishesAsFull(night);
    const after = await readJson<Index>(join(night.snapshotDir, 'index.json'));
    expect(after.pages.some((p) => p.id === row)).toBe(false);
  });

  it('another notion-kb version builds the snapshot (its renders are compared, not assumed)', async () => {
    tick(86_400);
    staged = [];
    const bumped = await sync(out.dir, { renderVersion: '99.0.0-shortcut' });
    expect(bumped.report.counts.pagesRendered).toBe(bumped.report.counts.pages);
    // The same renderer under another name: built, compared, the same.
    expect(bumped.unchanged).toBe(true);
    expect(staged).toContain('manifest.json');
    tick(86_400);
    staged = [];
    const quiet = await sync(out.dir, { renderVersion: '99.0.0-shortcut' });
    expect(quiet).toMatchObject({ unchanged: true });
    expect(staged).not.toContain('manifest.json');
  });

  it('a latest snapshot holding a file this night would not write (its offline site, now turned off) is not taken as unchanged', async () => {
    tick(86_400);
    const site = { output: { site: true } };
    const withSite = await sync(out.dir, { file: site });
    expect(withSite).toMatchObject({ unchanged: false });
    const manifest = await readJson<Manifest>(join(withSite.snapshotDir, 'manifest.json'));
    expect(manifest.files.some((f) => f.path.startsWith('site/'))).toBe(true);
    // Nothing fetched, every page and database taken as it is, the same index: only the site goes.
    tick(86_400);
    const night = await sync(out.dir);
    await publishesAsFull(night);
    const after = await readJson<Manifest>(join(night.snapshotDir, 'manifest.json'));
    expect(after.files.some((f) => f.path.startsWith('site/'))).toBe(false);
  });

  it('a latest snapshot whose index.json differs from the one this night would write is not taken as unchanged', async () => {
    tick(86_400);
    const latest = await latestDir();
    // As another notion-kb version might have written it: one title otherwise.
    const file = join(latest, 'index.json');
    const index = await readJson<Index>(file);
    const page = index.pages.find((p) => p.parentId !== null)!;
    await writeFile(file, (await readFile(file, 'utf8')).replace(JSON.stringify(page.title), JSON.stringify(`${page.title} (as it was)`)));
    const night = await sync(out.dir);
    await publishesAsFull(night);
    expect((await readJson<Index>(join(night.snapshotDir, 'index.json'))).pages.find((p) => p.id === page.id)!.title).toBe(page.title);
  });

  it('after all that, a night without change is found unchanged again, and the latest snapshot equals a full sync', async () => {
    tick(86_400);
    staged = [];
    const quiet = await sync(out.dir);
    expect(quiet).toMatchObject({ unchanged: true });
    expect(staged.filter(ofPagesAndDatabases)).toEqual([]);
    const full = await sync(join(scratch.dir, `full-${++fullRuns}`));
    expect(await contentOf(quiet.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
    expect(JSON.parse(await readFile(join(quiet.snapshotDir, 'index.json'), 'utf8')).pages.length).toBe(quiet.report.counts.pages);
  });

  it('a page no longer shared (nothing edited, nothing fetched) is published without it (last: the next nights fail to read it)', async () => {
    tick(86_400);
    const index = await readJson<Index>(join(await latestDir(), 'index.json'));
    const leaf = index.pages.find((p) => p.parentId !== null && !p.databaseId && !index.pages.some((q) => q.parentId === p.id))!;
    server.mutate.setShared(leaf.id, false);
    const night = await sync(out.dir);
    await publishesAsFull(night);
    const after = await readJson<Index>(join(night.snapshotDir, 'index.json'));
    expect(after.pages.some((p) => p.id === leaf.id)).toBe(false);
  });
});
