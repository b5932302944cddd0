// A run stopped right after latest.json pointed at its snapshot, before its sync state took its
// place and its progress was removed: the next run reads the state written aside for that
// snapshot (state/sync-state.pending.json), so it is incremental, and sets the journal aside (the
// state holds all of it), so it takes the page cache's pages where they sit: a night's cost.
// The stop is a failure thrown by the file system right after that rename: what a SIGKILL at that
// moment leaves on disk (tests/chaos/kill-at-every-step.test.ts kills the CLI there for real).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
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
      if (String(to).endsWith(join('state', 'sync-state.json'))) stateWritten = true;
    },
    rm: async (path, options) => {
      if (stateWritten && String(path).endsWith(join('state', 'progress'))) throw new Error('stopped before removing its progress');
      return nodeOutputFs.rm(path, options);
    },
  };
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
    await exportRun(out);
    server.mutate.editTitle(ids.deepest!, 'Edited between the exports');
    const second = await exportRun(control);
    // The same, with a failed export between.
    await expect(exportRun(out, { fs: stoppingBeforePublish })).rejects.toThrow('stopped before publishing');
    const third = await exportRun(out);
    expect(third.report.counts.pagesReused).toBe(second.report.counts.pagesReused);
    expect(third.report.requests.total).toBeLessThanOrEqual(second.report.requests.total);
    expect(third.mode).toBe(second.mode);
  });
});
