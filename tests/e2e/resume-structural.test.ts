// A run stopped part-way, then structural changes (pages moved, created, trashed, unshared)
// before the next run takes it up: the pages the stopped run fetched are known as it fetched
// them (src/publish/run-progress.ts `combined`), and the resumed snapshot must hold exactly what a
// full sync of the workspace holds, whatever the server bumps where Notion's documentation is silent.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultPlan } from '../../src/notion-server/faults.js';
import { BUMP_POLICIES } from '../../src/notion-server/mutations.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { decodeRecords, type PageRecord } from '../../src/publish/run-journal.js';
import { progressDir } from '../../src/publish/run-progress.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { contentOf } from '../support/snapshot-content.js';
import { structuralWorkspace } from '../support/structural-workspace.js';

const TOKEN = ['secret', 'resume', 'structural', '0123456789abcdefghij'].join('_');

/** A 401 on the n-th block-children request: the run stops there, having fetched part of the workspace. */
const revokedAt = (nth: number): FaultPlan => ({ seed: 'resume-structural', script: [{ match: { route: 'GET /v1/blocks/:id/children', nth }, fault: 'revoked-token' }] });

const journaledPages = async (out: string) =>
  decodeRecords(await readFile(join(progressDir(out), 'journal'))).records.filter((r): r is PageRecord => r.t === 'page').map((r) => r.id);

describe.each(BUMP_POLICIES)('structural changes before a stopped run is taken up, the server bumping %s', (bumps) => {
  const { workspace, ids } = structuralWorkspace();
  let now = Date.parse('2026-05-04T03:00:10.000Z');
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  /** One page at a time: the stopped run has fetched the same pages every time. */
  const sync = (dir: string, full = false) => syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: dir, file: { requests: { rate: 1000, concurrency: 1 } }, deps: { now: () => new Date(now), full } });

  const resumedEqualsFull = async (out: string) => {
    const resumed = await sync(out);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.report.failures).toEqual([]);
    const full = await sync(join(tmp.dir, `full-${now}`), true);
    expect(await contentOf(resumed.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
    return resumed;
  };

  beforeEach(async () => {
    tmp = await tempDir('notion-kb-resume-structural-');
  });
  afterEach(async () => {
    await server?.close();
    await tmp.cleanup();
  });

  it('a first sync stopped half-way, then pages moved, created, trashed and unshared: the resumed snapshot equals a full sync', async () => {
    server = await startNotionServer({ workspace: structuralWorkspace().workspace, token: TOKEN, rateLimit: false, clock: () => now, bumps, faults: revokedAt(30) });
    const out = join(tmp.dir, 'out');
    await expect(sync(out)).rejects.toMatchObject({ code: 'auth' });
    const fetched = await journaledPages(out);
    // The changes touch pages the stopped run fetched (and their parents).
    for (const id of [ids.parentA!, ids.a2!, ids.a3!, ids.hub!, ids.mentioned!, ids.shy!]) expect(fetched, id).toContain(id);
    now += 3_600_000;
    server.mutate.movePage(ids.a2!, ids.parentB!);
    server.mutate.movePage(ids.loose!, ids.dsMain!);
    server.mutate.createPage({ parent: ids.parentA!, title: 'A new sub-page' });
    server.mutate.createPage({ parent: ids.leftColumn!, title: 'New in the column' });
    server.mutate.createPage({ parent: ids.rightColumn!, title: 'New in the other column' });
    server.mutate.trash(ids.a3!);
    server.mutate.trash(ids.mentioned!);
    server.mutate.setShared(ids.shy!, false);
    now += 3_600_000;
    const resumed = await resumedEqualsFull(out);
    expect(resumed.resumed).toBeGreaterThan(0);
  });

  it('an incremental run stopped half-way, then more structural changes: the resumed snapshot equals a full sync', async () => {
    // The block-children requests of the first (full) sync, one page at a time: the same every time.
    const probe = await startNotionServer({ workspace: structuralWorkspace().workspace, token: TOKEN, rateLimit: false, clock: () => now, bumps });
    await syncInProcess({ baseUrl: probe.baseUrl, token: TOKEN, out: join(tmp.dir, 'probe'), file: { requests: { rate: 1000, concurrency: 1 } }, deps: { now: () => new Date(now) } });
    const firstSync = probe.stats().requests.byRoute['GET /v1/blocks/:id/children']!;
    await probe.close();
    // The incremental run fetches some of what changed, then stops.
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now, bumps, faults: revokedAt(firstSync + 4) });
    const out = join(tmp.dir, 'out');
    expect((await sync(out)).mode).toBe('full');
    now += 3_600_000;
    server.mutate.movePage(ids.a1!, ids.parentB!);
    server.mutate.createPage({ parent: ids.parentA!, title: 'Created before the stopped run' });
    server.mutate.trash(ids.p1!);
    for (const id of [ids.home!, ids.hub!, ids.parentA!, ids.parentB!, ids.b1!, ids.linked!]) server.mutate.editTitle(id, `Renamed ${id.slice(0, 4)}`);
    now += 3_600_000;
    await expect(sync(out)).rejects.toMatchObject({ code: 'auth' });
    expect((await journaledPages(out)).length).toBeGreaterThan(0);
    now += 3_600_000;
    server.mutate.movePage(ids.a2!, ids.parentB!);
    server.mutate.createPage({ parent: ids.toggleInB!, title: 'New in the toggle' });
    server.mutate.trash(ids.linked!);
    server.mutate.restore(ids.p1!);
    now += 3_600_000;
    const resumed = await resumedEqualsFull(out);
    expect(resumed.mode).toBe('incremental');
    expect(resumed.resumed).toBeGreaterThan(0);
  });
});
