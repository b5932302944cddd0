// Run by `npm run test:chaos` (and .ci/run), apart from `npm test`: it takes a few minutes.
// Crashes survived: the CLI is killed (SIGKILL) at 20 random moments, on full and on incremental
// runs. After every kill the latest snapshot still verifies and the sync state still describes
// it; the next run cleans up, completes, and gives what a run never interrupted gives.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { PENDING_STATE_FILE, syncStatePath } from '../../src/publish/sync-state.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';
import { readJson, runCli, spawnCli, tempDir } from '../support/cli.js';
import { seeded } from '../support/seeded-random.js';
import { contentOf } from '../support/snapshot-content.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'kill', 'token', '0123456789abcdefghij'].join('_');
const KILLS = 20;

describe('SIGKILL at 20 random moments', () => {
  const { workspace, ids } = smallWorkspace();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const random = seeded(Number(process.env.KILL_SEED ?? 20261129));

  beforeAll(async () => {
    // 15 ms per request keeps a run busy for about a second, so kills land all over it.
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, latencyMs: 15 });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('never damages the latest snapshot or the state, and the next run completes as if never interrupted', async () => {
    const out = join(tmp.dir, 'out');
    const env = { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl };
    const pages = Object.keys(workspace.pages).filter((id) => workspace.pages[id]!.parent.type !== 'data_source');
    const killedIn = new Set<string>();
    for (let round = 0; round < KILLS; round++) {
      // Every other round changes the workspace first; the first kill hits a first (full) run.
      if (round > 0 && round % 2 === 0) server.mutate.editTitle(pages[Math.floor(random() * pages.length)]!, `Edited in round ${round}`);
      const full = round % 5 === 4;
      const child = spawnCli(['sync', '--out', out, '--rate', '1000', ...(full ? ['--full'] : [])], env);
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const delay = 300 + random() * 1700;
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const code = await exited;
      clearTimeout(timer);
      killedIn.add(code === null ? 'killed' : `finished ${code}`);
      expect([null, 0], stderr).toContain(code);

      // The latest snapshot (if there is one yet) verifies, and the state describes it.
      const hasLatest = (await readdir(out).catch(() => [] as string[])).includes('latest.json');
      if (hasLatest) {
        const verified = await verifySnapshot({ outDir: out });
        expect(verified.problems, `round ${round} (killed after ${delay.toFixed(0)} ms)`).toEqual([]);
        const latest = await readJson<{ snapshotId: string }>(join(out, 'latest.json'));
        // The state in place, or the one written just before the snapshot was published (moved into place right after).
        const states = await Promise.all([syncStatePath(out), join(out, 'state', PENDING_STATE_FILE)].map((f) => readFile(f, 'utf8').then((t) => (JSON.parse(t) as { snapshotId: string }).snapshotId, () => null)));
        if (states.some((s) => s !== null)) expect(states, `round ${round}`).toContain(latest.snapshotId);
      }

      // The next run cleans up and completes; its content is what a run never interrupted gives.
      const next = await runCli(['sync', '--out', out, '--rate', '1000', '--json'], env);
      expect(next.code, next.stderr).toBe(0);
      const summary = JSON.parse(next.stdout) as { snapshotDir: string };
      const entries = await readdir(join(out, 'snapshots'));
      expect(entries.filter((e) => e.startsWith('.')), `round ${round}`).toEqual([]);
      expect((await readdir(out)).filter((e) => e.includes('.lock'))).toEqual([]);
      const clean = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(tmp.dir, `clean-${round}`), deps: { full: true } });
      expect(await contentOf(summary.snapshotDir), `round ${round}`).toEqual(await contentOf(clean.snapshotDir));
    }
    // The kills did land mid-run (not all before the start or after the end).
    expect(killedIn.has('killed')).toBe(true);
  }, 600_000);
});
