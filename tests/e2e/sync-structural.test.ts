import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index } from '../../src/normalise/schemas.js';
import { BUMP_POLICIES } from '../../src/notion-server/mutations.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { syncStatePath, type SyncState } from '../../src/publish/sync-state.js';
import type { SyncOutcome } from '../../src/run-sync.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { contentOf } from '../support/snapshot-content.js';
import { structuralWorkspace } from '../support/structural-workspace.js';

const TOKEN = ['secret', 'structural', 'token', '0123456789abcdefghij'].join('_');

/**
 * Every kind of structural change between two nightly runs, under both answers to what Notion
 * does not document: the server bumping parents and related pages (`all`), or only what it edits
 * (`documented`). Each time the incremental snapshot must hold exactly what a full sync of the same
 * workspace holds, and a night with nothing new must cost no more than a night with nothing ever changed.
 */
describe.each(BUMP_POLICIES)('nightly syncs after structural changes equal a full sync, the server bumping %s', (bumps) => {
  const { workspace, ids } = structuralWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let scratch: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-05-04T03:00:10.000Z');
  let fullRuns = 0;
  const at = (iso: string) => {
    now = Date.parse(iso);
  };
  const sync = (dir: string) => syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: dir, deps: { now: () => new Date(now) } });

  async function incrementalEqualsFull(): Promise<SyncOutcome> {
    const incremental = await sync(out.dir);
    expect(incremental.mode).toBe('incremental');
    expect(incremental.report.failures).toEqual([]);
    const full = await sync(join(scratch.dir, `full-${++fullRuns}`));
    expect(full.mode).toBe('full');
    expect(await contentOf(incremental.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
    await expectNoNotionLinkToKnownPages(incremental);
    // The full sync rendered every page, the incremental one only those whose content, place or what they show changed.
    expect(full.report.counts.pagesRendered).toBe(full.report.counts.pages);
    expect(incremental.report.counts.pagesRendered).toBeLessThan(incremental.report.counts.pages);
    return incremental;
  }

  /** A night with nothing new, in a later minute than every edit: ⌈pages ÷ 100⌉ + databases + 2 requests at most, counted by the server. */
  async function quietNight(): Promise<void> {
    now += 24 * 3600_000;
    server.resetStats();
    const quiet = await sync(out.dir);
    expect(quiet).toMatchObject({ mode: 'incremental', unchanged: true });
    const index = await readJson<Index>(join(quiet.snapshotDir, 'index.json'));
    const bound = Math.ceil(index.pages.length / 100) + index.databases.length + 2;
    expect(server.stats().requests.total).toBe(quiet.report.requests.total);
    expect(quiet.report.requests.total).toBeLessThanOrEqual(bound);
  }

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now, bumps });
    out = await tempDir();
    scratch = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
    await scratch.cleanup();
  });

  it('night 1: a full sync, just after an edit in the same minute', async () => {
    server.mutate.editBlockText(ids.a2Paragraph!, 'Second, edited at 03:00:10.');
    at('2026-05-04T03:00:20.000Z');
    const first = await sync(out.dir);
    expect(first).toMatchObject({ mode: 'full', exitCode: 0 });
  });

  it('night 2: every kind of change at once', async () => {
    // An edit in the minute of the previous run: its rounded edit time did not change.
    at('2026-05-04T03:00:40.000Z');
    server.mutate.editBlockText(ids.a2Paragraph!, 'Second, edited again at 03:00:40.');
    at('2026-05-04T09:00:00.000Z');
    server.mutate.editTitle(ids.b1!, 'B one, renamed');
    server.mutate.movePage(ids.a1!, ids.parentA!); // within one parent: a1 goes last
    server.mutate.movePage(ids.a2!, ids.parentB!); // between parents
    server.mutate.movePage(ids.loose!, ids.dsMain!); // into a database
    server.mutate.movePage(ids.p3!, ids.parentB!); // out of a database
    server.mutate.movePage(ids.p5!, ids.dsArchive!); // to another data source
    const newPage = server.mutate.createPage({ parent: ids.parentA!, title: 'A new sub-page', children: [{ type: 'paragraph', payload: { rich_text: [] } } as never] });
    const inColumn = server.mutate.createPage({ parent: ids.leftColumn!, title: 'New in the column' });
    // Under a block no page sat under before: the sync asks Notion which page holds it.
    const inOtherColumn = server.mutate.createPage({ parent: ids.rightColumn!, title: 'New in the other column' });
    const table = server.mutate.createDatabase({ parent: ids.parentB!, title: 'A new table' });
    server.mutate.createPage({ parent: table.dataSourceId, title: 'First row of the new table' });
    server.mutate.trash(ids.a3!); // then restored below, before the next night
    server.mutate.setShared(ids.shy!, false);
    server.mutate.trash(ids.oldTable!); // a database deleted
    server.mutate.trash(ids.p1!); // p2 relates to it
    server.mutate.trash(ids.mentioned!); // hub and home mention it
    server.mutate.trash(ids.linked!); // hub and home link to it
    server.mutate.editBlockText(ids.syncedParagraph!, 'The helpdesk is open on Tuesdays now.');
    at('2026-05-04T10:30:00.000Z');
    server.mutate.restore(ids.a3!);

    at('2026-05-05T03:00:20.000Z');
    const night = await incrementalEqualsFull();
    expect(night.unchanged).toBe(false);
    const index = await readJson<Index>(join(night.snapshotDir, 'index.json'));
    const inIndex = (id: string) => index.pages.some((p) => p.id === id) || index.databases.some((d) => d.id === id);
    for (const id of [newPage, inColumn, inOtherColumn, table.id, ids.a3!, ids.a3x!, ids.loose!]) expect(inIndex(id), id).toBe(true);
    for (const id of [ids.shy!, ids.shyChild!, ids.oldTable!, ids.o1!, ids.p1!, ids.mentioned!, ids.linked!]) expect(inIndex(id), id).toBe(false);
    const parentB = await readFile(join(night.snapshotDir, index.pages.find((p) => p.id === ids.parentB)!.path), 'utf8');
    expect(parentB).toContain('A two');
    expect(parentB).toContain('A new table');
  });

  it('night 3: the trashed pages restored, the unshared page shared again', async () => {
    at('2026-05-05T11:00:00.000Z');
    server.mutate.restore(ids.p1!);
    server.mutate.restore(ids.mentioned!);
    server.mutate.restore(ids.oldTable!);
    server.mutate.setShared(ids.shy!, true);
    at('2026-05-06T03:00:20.000Z');
    const night = await incrementalEqualsFull();
    const index = await readJson<Index>(join(night.snapshotDir, 'index.json'));
    for (const id of [ids.p1!, ids.mentioned!, ids.oldTable!, ids.o1!, ids.shy!, ids.shyChild!]) {
      expect(index.pages.some((p) => p.id === id) || index.databases.some((d) => d.id === id), id).toBe(true);
    }
    const p2 = await readJson<{ properties: Record<string, { value: Array<{ id: string }> }> }>(join(night.snapshotDir, index.pages.find((p) => p.id === ids.p2)!.record));
    expect(p2.properties['Depends on']!.value.map((r) => r.id)).toEqual([ids.p1]);
  });

  it('a night with nothing new costs the no-change bound: pages that left cost nothing more, night after night', async () => {
    await quietNight();
    at('2026-05-08T09:00:00.000Z');
    server.mutate.trash(ids.b1!);
    server.mutate.trash(ids.a3!);
    at('2026-05-09T03:00:20.000Z');
    await incrementalEqualsFull();
    await quietNight();
    await quietNight();
  });

  it('a page created under a block no page sat under before: the sync asks Notion which page holds the block', async () => {
    now += 3600_000;
    const created = server.mutate.createPage({ parent: ids.toggleInB!, title: 'New in the toggle' });
    now += 24 * 3600_000;
    const night = await incrementalEqualsFull();
    const index = await readJson<Index>(join(night.snapshotDir, 'index.json'));
    expect(index.pages.find((p) => p.id === created)?.parentId).toBe(ids.parentB);
    await quietNight();
  });

  it('a few structural changes cost at most 1.1 × (what the moved pages, their parents and the referrers need + the no-change cost)', async () => {
    now += 24 * 3600_000;
    const base = (await sync(out.dir)).report.requests.total;
    const state = await readJson<SyncState>(syncStatePath(out.dir));
    now += 3600_000;
    server.mutate.movePage(ids.hub!, ids.parentA!);
    server.mutate.trash(ids.mentioned!);
    // What the run has to fetch whatever Notion bumped: the moved page, its old and new parent;
    // the parent of the trashed page and the pages mentioning it, each retrieved again (their
    // page objects may have changed); the trashed page's own check.
    const content = (id: string) => state.pages[id]!.requests;
    const need = content(ids.hub!) + content(ids.home!) + content(ids.parentA!) + (content(ids.hub!) + 1) + (content(ids.home!) + 1) + 1;
    now += 24 * 3600_000;
    const outcome = await incrementalEqualsFull();
    expect(outcome.report.requests.total).toBeLessThanOrEqual(1.1 * (need + base));
  });
});

/** No Markdown file links a page or database of the snapshot by its Notion URL (what a stale cache shows). */
async function expectNoNotionLinkToKnownPages(outcome: SyncOutcome): Promise<void> {
  const index = await readJson<Index>(join(outcome.snapshotDir, 'index.json'));
  const known = new Set([...index.pages, ...index.databases].map((p) => p.id.replaceAll('-', '')));
  for (const p of index.pages) {
    const md = await readFile(join(outcome.snapshotDir, p.path), 'utf8');
    for (const [, hex] of md.matchAll(/\]\(https:\/\/www\.notion\.so\/(?:[^)\s]*-)?([0-9a-f]{32})/g)) expect(known.has(hex!), `${p.path} links ${hex} by its Notion URL`).toBe(false);
  }
}

describe.each(BUMP_POLICIES)('with a root, pages moved into and out of it, the server bumping %s', (bumps) => {
  const { workspace, ids } = structuralWorkspace();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-06-01T03:00:20.000Z');
  const file = { notion: { roots: [ids.parentA!] } };
  const sync = (dir: string, full = false) =>
    syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: dir, file, deps: { now: () => new Date(now), full } });

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now, bumps });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('follows what enters and leaves the root, and equals a full sync', async () => {
    const out = join(tmp.dir, 'out');
    expect((await sync(out)).mode).toBe('full');
    now += 3600_000;
    server.mutate.movePage(ids.b1!, ids.a2!); // into the root
    server.mutate.movePage(ids.a1!, ids.parentB!); // out of it
    server.mutate.createPage({ parent: ids.a3!, title: 'New below the root' });
    server.mutate.trash(ids.a3x!);
    server.mutate.createPage({ parent: ids.leftColumn!, title: 'New outside the root, in a column' });
    now += 24 * 3600_000;
    const incremental = await sync(out);
    expect(incremental.mode).toBe('incremental');
    const full = await sync(join(tmp.dir, 'full'), true);
    expect(await contentOf(incremental.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
    const index = await readJson<Index>(join(incremental.snapshotDir, 'index.json'));
    expect(index.pages.some((p) => p.id === ids.b1)).toBe(true);
    expect(index.pages.some((p) => p.id === ids.a1)).toBe(false);
    now += 24 * 3600_000;
    const quiet = await sync(out);
    expect(quiet).toMatchObject({ mode: 'incremental', unchanged: true });
  });
});

/**
 * The planner with privacy rules that leave pages out: the rules decide from the listing before
 * the plan is made, and the planner skips what they leave out. A left-out page is never fetched
 * nor cached, and it is not new to the archive night after night: its parent is not fetched again
 * every night, so a night with nothing new still costs the no-change bound.
 */
describe.each(BUMP_POLICIES)('with privacy rules that leave pages out, the server bumping %s', (bumps) => {
  const { workspace, ids } = structuralWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let scratch: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-07-01T03:00:20.000Z');
  let fullRuns = 0;
  // shy (and shyChild under it) and the page in hub's column by id; the archived row by a property.
  const file = { privacy: { excludePages: [ids.shy!, ids.inColumn!], excludeWhere: [{ property: 'Budget', equals: 1600 }] } };
  const sync = (dir: string) => syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: dir, file, deps: { now: () => new Date(now) } });
  /** Pages left out (they grow as pages are created under or moved below a left-out one). */
  const leftOut = new Set([ids.shy!, ids.shyChild!, ids.inColumn!, ids.z1!]);
  const hex = (id: string) => id.replaceAll('-', '');

  /** Requests the server saw for the content or object of a page left out, from log entry `from` on. */
  const requestsForLeftOut = (from: number) =>
    server
      .requestLog()
      .slice(from)
      .filter((r) => [...leftOut].some((id) => r.path.includes(id) || r.path.includes(hex(id))))
      .map((r) => `${r.method} ${r.path}`);

  async function incrementalEqualsFull(): Promise<SyncOutcome> {
    const from = server.requestLog().length;
    const incremental = await sync(out.dir);
    expect(incremental.mode).toBe('incremental');
    expect(incremental.report.failures).toEqual([]);
    expect(requestsForLeftOut(from)).toEqual([]);
    const full = await sync(join(scratch.dir, `full-${++fullRuns}`));
    expect(full.mode).toBe('full');
    expect(await contentOf(incremental.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
    await expectNothingLeftOutIn(incremental);
    return incremental;
  }

  /** Neither the snapshot's index nor the sync state (ids, parents, refs, left pages, blocks) names a page left out. */
  async function expectNothingLeftOutIn(outcome: SyncOutcome): Promise<void> {
    const index = await readFile(join(outcome.snapshotDir, 'index.json'), 'utf8');
    const state = await readFile(syncStatePath(out.dir), 'utf8');
    for (const id of leftOut) {
      expect(index.includes(id) || index.includes(hex(id)), `index.json names ${id}`).toBe(false);
      expect(state.includes(id) || state.includes(hex(id)), `the sync state names ${id}`).toBe(false);
    }
  }

  /** A night with nothing new: ⌈pages ÷ 100⌉ + databases + 2 requests at most, counted by the server; the left-out pages' parents are not fetched again. */
  async function quietNight(): Promise<void> {
    now += 24 * 3600_000;
    server.resetStats();
    const from = server.requestLog().length;
    const quiet = await sync(out.dir);
    expect(quiet).toMatchObject({ mode: 'incremental', unchanged: true });
    const index = await readJson<Index>(join(quiet.snapshotDir, 'index.json'));
    const bound = Math.ceil(index.pages.length / 100) + index.databases.length + 2;
    expect(server.stats().requests.total).toBe(quiet.report.requests.total);
    expect(quiet.report.requests.total).toBeLessThanOrEqual(bound);
    const children = server.requestLog().slice(from).filter((r) => r.path.endsWith('/children'));
    expect(children.map((r) => r.path)).toEqual([]);
    expect(quiet.report.counts.pagesReused).toBe(index.pages.length);
    // Nothing retrieved to apply the rules: the last run placed every block holding a page (kept ones in plain ids, the others hashed).
    expect(quiet.report.privacy).toMatchObject({ requestsSpent: 0 });
  }

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now, bumps, requestLog: true });
    out = await tempDir();
    scratch = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
    await scratch.cleanup();
  });

  it('night 1: a full sync requests nothing of what the rules leave out', async () => {
    const first = await sync(out.dir);
    expect(first).toMatchObject({ mode: 'full', exitCode: 0 });
    expect(first.report.privacy).toMatchObject({ excludedPages: 4 });
    // The column holding inColumn is retrieved to place it; nothing of the pages themselves.
    expect(requestsForLeftOut(0)).toEqual([]);
    await expectNothingLeftOutIn(first);
  });

  it('a night with nothing new costs the no-change bound, night after night', async () => {
    await quietNight();
    await quietNight();
  });

  it('edits to left-out pages, a page created under one, a kept page moved below one: the incremental run equals a full one, then quiet nights cost the bound', async () => {
    now += 3600_000;
    server.mutate.editTitle(ids.b1!, 'B one, renamed');
    server.mutate.editTitle(ids.shy!, 'Shy page, renamed');
    server.mutate.editTitle(ids.shyChild!, 'Below shy, renamed');
    leftOut.add(server.mutate.createPage({ parent: ids.shy!, title: 'New below shy' }));
    leftOut.add(server.mutate.createPage({ parent: ids.inColumn!, title: 'New below the page in the column' }));
    // Kept, in a column of a kept page: placed from the sync state's blocks on the nights after.
    server.mutate.createPage({ parent: ids.rightColumn!, title: 'New in the other column' });
    // Kept until now (the hub and home mention it): it leaves the archive, and nothing remembers its id.
    server.mutate.movePage(ids.mentioned!, ids.shyChild!);
    leftOut.add(ids.mentioned!);
    now += 24 * 3600_000;
    const night = await incrementalEqualsFull();
    expect(night.unchanged).toBe(false);
    expect(night.report.privacy).toMatchObject({ excludedPages: 7 });
    await quietNight();
    await quietNight();
  });
});
