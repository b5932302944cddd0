// A run stopped while it rewrote (compacted) its spool, before its journal followed: the next
// run must not take the pages of the sync state's page cache where the state says, since the
// spool may no longer hold them there. Seen in the chaos test (tests/chaos/sync-kill.test.ts):
// the run after such a kill read another page's bytes and failed with "Unterminated string in
// JSON". The stop is a failure thrown by the file system just before or right after the
// compacted file takes the spool's place: what a SIGKILL at that moment leaves on disk.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';
import { contentOf } from '../support/snapshot-content.js';

const TOKEN = ['secret', 'compact', 'token', '0123456789abcdefghij'].join('_');

type Moment = 'before' | 'after';

/**
 * The output file system, stopping the run when the spool's compacted file is about to take the
 * spool's place (`before`: the spool is as it was) or right after it did (`after`).
 */
function stoppingAtCompaction(moment: Moment): { fs: OutputFs; compacted: () => number } {
  let compacted = 0;
  const fs: OutputFs = {
    ...nodeOutputFs,
    rename: async (from, to) => {
      const compacting = String(from).endsWith('.compact');
      if (compacting && moment === 'before') compacted++;
      else await nodeOutputFs.rename(from, to);
      if (!compacting) return;
      if (moment === 'after') compacted++;
      throw new Error('stopped at the compaction of the spool');
    },
  };
  return { fs, compacted: () => compacted };
}

describe('a run stopped right after compacting its spool', () => {
  /** One clock for the server (edit times) and the syncs, moved on a few minutes between runs. */
  let now = Date.parse('2026-03-02T10:00:05.000Z');
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const { workspace, ids } = smallWorkspace();
  const pages = Object.keys(workspace.pages).filter((id) => workspace.pages[id]!.parent.type !== 'data_source');

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    tmp = await tempDir('notion-kb-compacted-');
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  const sync = (out: string, deps: { full?: boolean; fs?: OutputFs; log?: (level: string, message: string) => void } = {}) => {
    now += 5 * 60_000;
    return syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { now: () => new Date(now), log: () => {}, ...deps } });
  };
  const edit = (id: string, title: string) => {
    now += 5 * 60_000;
    server.mutate.editTitle(id, title);
  };

  /** Every page but one (a small one) is edited each round: the spool holds mostly earlier forms of pages. */
  const edited = () => Object.keys(workspace.pages).filter((id) => id !== ids.deepest && id !== ids.hidden);

  it.each<[Moment]>([['after'], ['before']])('stopped %s the compacted spool took its place: the next runs publish what a run never stopped publishes', async (moment) => {
    const name = `stopped-${moment}`;
    const out = join(tmp.dir, name);
    await sync(out);
    // Edited and synced until a run compacts its spool (once earlier forms of pages are half of it), and stops there.
    const stopping = stoppingAtCompaction(moment);
    let stopped = false;
    for (let round = 0; round < 5 && !stopped; round++) {
      for (const id of edited()) edit(id, `Edited: ${name} ${id.slice(0, 8)} ${round}`);
      stopped = await sync(out, { fs: stopping.fs }).then(
        () => false,
        (err: Error) => {
          expect(err.message).toBe('stopped at the compaction of the spool');
          return true;
        },
      );
    }
    // The stop did land where it must (else this test proves nothing).
    expect(stopping.compacted()).toBe(1);

    const logged: string[] = [];
    const resumed = await sync(out, { log: (level, message) => logged.push(`${level}: ${message}`) });
    expect(logged.filter((l) => l.startsWith('warn'))).toEqual([]);
    expect(logged.some((l) => l.includes('resuming:'))).toBe(true);
    const clean = await sync(join(tmp.dir, `${name}-clean`), { full: true });
    expect(await contentOf(resumed.snapshotDir)).toEqual(await contentOf(clean.snapshotDir));
    // And the page cache it leaves serves the run after it.
    edit(pages[0]!, `Edited last: ${name}`);
    const after = await sync(out);
    const cleanAfter = await sync(join(tmp.dir, `${name}-clean-after`), { full: true });
    expect(await contentOf(after.snapshotDir)).toEqual(await contentOf(cleanAfter.snapshotDir));
  });
});
