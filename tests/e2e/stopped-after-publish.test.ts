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
    expect(logged).toContain(`info: the progress of the run that published snapshot ${next.snapshotId} is done: its sync state holds it`);
    const clean = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(tmp.dir, 'clean'), deps: { full: true, log: () => {} } });
    expect(await contentOf(next.snapshotDir)).toEqual(await contentOf(clean.snapshotDir));
  });
});
