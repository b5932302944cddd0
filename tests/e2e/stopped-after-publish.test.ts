// A run stopped right after latest.json pointed at its snapshot, before its sync state took its
// place and its progress was removed: the next run reads the state written aside for that
// snapshot (state/sync-state.pending.json), so it is incremental, and sets the journal aside (the
// state holds all of it), so it takes the page cache's pages where they sit: a night's cost.
// The stop is a failure thrown by the file system right after that rename: what a SIGKILL at that
// moment leaves on disk (tests/chaos/kill-at-every-step.test.ts kills the CLI there for real).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { PENDING_STATE_FILE, STATE_DIR, STATE_FILE } from '../../src/publish/sync-state.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';
import { contentOf } from '../support/snapshot-content.js';

const TOKEN = ['secret', 'published', 'token', '0123456789abcdefghij'].join('_');

/** The output file system, stopping the run right after latest.json was replaced. */
const stoppingAfterPublish: OutputFs = {
  ...nodeOutputFs,
  rename: async (from, to) => {
    await nodeOutputFs.rename(from, to);
    if (String(to).endsWith('latest.json')) throw new Error('stopped right after publishing');
  },
};

/** The output file system, stopping the run just before its staging directory becomes a snapshot. */
const stoppingBeforePublish: OutputFs = {
  ...nodeOutputFs,
  rename: async (from, to) => {
    if (/\/snapshots\/\.tmp-[^/.]*$/.test(String(from)) && /\/snapshots\/\d/.test(String(to))) throw new Error('stopped before publishing');
    await nodeOutputFs.rename(from, to);
  },
};

/** The output file system, stopping the run as it removes its progress once it wrote its sync state. */
function stoppingAtProgressRemoval(): OutputFs {
  let stateWritten = false;
  return {
    ...nodeOutputFs,
    rename: async (from, to) => {
      await nodeOutputFs.rename(from, to);
      if (String(to).endsWith(join(STATE_DIR, STATE_FILE))) stateWritten = true;
    },
    rm: async (path, options) => {
      if (stateWritten && String(path).endsWith(join('state', 'progress'))) throw new Error('stopped before removing its progress');
      return nodeOutputFs.rm(path, options);
    },
  };
}

/**
 * The output file system, gone from the first call `at` says (that call included): every later
 * call fails too, as nothing runs after a kill (the run's own error handling cannot write either).
 */
function dyingAt(at: (name: string, args: unknown[]) => boolean): OutputFs {
  let dead = false;
  const fs: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(nodeOutputFs)) {
    fs[name] = async (...args: unknown[]) => {
      if (dead || at(name, args)) {
        dead = true;
        throw new Error('the disk is gone');
      }
      return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  return fs as unknown as OutputFs;
}

describe('a run stopped right after it published its snapshot', () => {
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const { workspace, ids } = smallWorkspace();

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    tmp = await tempDir('notion-kb-published-');
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('the next run is a no-change night: incremental, nothing taken up, nothing rendered, nothing published', async () => {
    const out = join(tmp.dir, 'out');
    const logged: string[] = [];
    const log = (level: string, message: string) => logged.push(`${level}: ${message}`);
    await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { log } });
    server.mutate.editTitle(ids.deepest!, 'Edited before the stop');
    await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { fs: stoppingAfterPublish, log } })).rejects.toThrow('stopped right after publishing');

    logged.length = 0;
    const next = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { log } });
    expect(next).toMatchObject({ exitCode: 0, mode: 'incremental', unchanged: true });
    expect(next.report.warnings).toEqual([]);
    expect(next.report.counts).toMatchObject({ pagesRendered: 0 });
    expect(logged.filter((l) => l.includes('resuming'))).toEqual([]);
    expect(logged).toContain(`info: the progress of the run that wrote the sync state of snapshot ${next.snapshotId} is done: that state holds it`);
    const clean = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(tmp.dir, 'clean'), deps: { full: true, log: () => {} } });
    expect(await contentOf(next.snapshotDir)).toEqual(await contentOf(clean.snapshotDir));
  });

  it('two stops in a row (after publishing, then before publishing): the third run is still incremental', async () => {
    const out = join(tmp.dir, 'twice');
    await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { log: () => {} } });
    server.mutate.editTitle(ids.deepest!, 'Edited before the first stop');
    await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { fs: stoppingAfterPublish, log: () => {} } })).rejects.toThrow('stopped right after publishing');
    // The second run reads the state left aside, and writes its own aside too before it stops.
    server.mutate.editTitle(ids.deepest!, 'Edited before the second stop');
    await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { fs: stoppingBeforePublish, log: () => {} } })).rejects.toThrow('stopped before publishing');
    const third = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { log: () => {} } });
    expect({ mode: third.mode, warnings: third.report.warnings }).toEqual({ mode: 'incremental', warnings: [] });
    const clean = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(tmp.dir, 'twice-clean'), deps: { full: true, log: () => {} } });
    expect(await contentOf(third.snapshotDir)).toEqual(await contentOf(clean.snapshotDir));
  });

  it('a night with no change stopped before it removed its progress: the next run takes nothing up', async () => {
    const out = join(tmp.dir, 'no-change');
    await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { log: () => {} } });
    await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { fs: stoppingAtProgressRemoval(), log: () => {} } })).rejects.toThrow('stopped before removing its progress');
    const logged: string[] = [];
    const next = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { log: (level, message) => logged.push(`${level}: ${message}`) } });
    expect(next).toMatchObject({ exitCode: 0, mode: 'incremental', unchanged: true });
    expect(logged.filter((l) => l.includes('resuming'))).toEqual([]);
    expect(logged.some((l) => l.includes('is done: that state holds it'))).toBe(true);
  });

  it('an export stopped while packing, then one that fails before it publishes: the third still brings the snapshot up to date', async () => {
    const file = { content: { comments: true } };
    const exportRun = (out: string, deps: { fs?: OutputFs; token?: string } = {}) =>
      syncInProcess({ baseUrl: server.baseUrl, token: deps.token ?? TOKEN, out, file, deps: { full: true, keepProgress: true, log: () => {}, ...(deps.fs ? { fs: deps.fs } : {}) } });
    // The control: an export stopped while packing, then the next export.
    const control = join(tmp.dir, 'export-control');
    const out = join(tmp.dir, 'export-failed');
    await exportRun(control);
    const full = await exportRun(out);
    server.mutate.editTitle(ids.deepest!, 'Edited between the exports');
    const second = await exportRun(control);
    // The same, with a failed export between.
    await expect(exportRun(out, { fs: stoppingBeforePublish })).rejects.toThrow('stopped before publishing');
    const third = await exportRun(out);
    // Brought up to date as the control is, not fetched in full again (which pages are reused
    // may differ by one edited in the minute it was fetched: Notion rounds edit times down).
    expect(third.mode).toBe(second.mode);
    expect(second.report.counts.pagesReused).toBeGreaterThan(0);
    expect(third.report.counts.pagesReused).toBeGreaterThan(0);
    expect(third.report.requests.total).toBeLessThan(full.report.requests.total);
  });

  it('runs that get the same snapshot id (a clock behind the newest snapshot, a night that published nothing) never share a page cache', async () => {
    const out = join(tmp.dir, 'same-id');
    const behind = new Date(Date.now() - 3600_000);
    const first = new Date(behind.getTime() + 10_000);
    const run = (deps: { fs?: OutputFs; log?: (level: string, message: string) => void } = {}) =>
      syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { now: () => behind, log: () => {}, ...deps } });
    await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { now: () => first, log: () => {} } });
    // A night with no change: its id (the newest + 1) stays free, and names the cache of its state.
    expect(await run()).toMatchObject({ unchanged: true });
    server.mutate.editTitle(ids.deepest!, 'Edited behind the clock');
    // The next run gets that id again; it fetches the edit and stops before its state is set aside.
    const stopping = dyingAt((name, args) => name === 'rename' && String(args[1]).endsWith(PENDING_STATE_FILE));
    await expect(run({ fs: stopping })).rejects.toThrow('the disk is gone');
    // Its lock names this process, alive: a killed run's would be taken over.
    await rm(join(out, '.notion-kb.lock'));
    // Its journal is taken up (its state was never in effect), and the caches stay whole.
    const logged: string[] = [];
    const next = await run({ log: (level, message) => logged.push(`${level}: ${message}`) });
    expect(logged.filter((l) => l.includes('is done: that state holds it'))).toEqual([]);
    const after = await run();
    expect(after).toMatchObject({ unchanged: true });
    expect(after.report.warnings).toEqual([]);
    const clean = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(tmp.dir, 'same-id-clean'), deps: { full: true, log: () => {} } });
    expect(await contentOf(next.snapshotDir)).toEqual(await contentOf(clean.snapshotDir));
  });

  it('a run with other settings stopped right after it published: the next run with those settings is incremental', async () => {
    const out = join(tmp.dir, 'settings');
    await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { log: () => {} } });
    // Another size limit for files: another config key, so a full crawl, stopped right after it published.
    const file = { assets: { external: 'none', maxBytes: 5_000_000 } };
    server.mutate.editTitle(ids.root!, 'Edited under other settings');
    await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file, deps: { fs: stoppingAfterPublish, log: () => {} } })).rejects.toThrow('stopped right after publishing');
    const next = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file, deps: { log: () => {} } });
    expect({ mode: next.mode, warnings: next.report.warnings }).toEqual({ mode: 'incremental', warnings: [] });
  });
});
