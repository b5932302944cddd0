// Run by `npm run test:chaos` (and .ci/run), apart from `npm test`: it takes a few minutes.
// Crashes survived, at every step: the CLI is SIGKILLed right after each call that changes the
// output directory (a rename, a link, a removal, a whole file written: tests/support/kill-at-fs-op.mjs
// counts them), one kill per run, every call in turn. The random moments of sync-kill.test.ts
// found a window between two of these steps (the spool compacted, the journal not yet rewritten)
// only once in many runs; here every window between two steps is hit.
// After each kill, the latest snapshot still verifies; the next run completes, incremental once a
// snapshot was published (a sync state describes it), and publishes what a sync never
// interrupted publishes, and so does the run after it (the page cache the first one left serves it).
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { verifyBag } from '../../src/verify/verify-bag.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';
import { REPO_ROOT, runCli, spawnCli, tempDir } from '../support/cli.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { decodeRecords } from '../../src/publish/run-journal.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { block as b } from '../../src/notion-server/builder.js';
import { smallWorkspace } from '../support/small-workspace.js';
import { contentOf } from '../support/snapshot-content.js';

const TOKEN = ['secret', 'steps', 'token', '0123456789abcdefghij'].join('_');
const HOOK = join(REPO_ROOT, 'tests/support/kill-at-fs-op.mjs');

describe('SIGKILL right after each step that changes the output', () => {
  const { workspace, ids } = smallWorkspace();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    tmp = await tempDir('notion-kb-steps-');
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  const env = () => ({ NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
  /** The CLI's options: the settings of syncInProcess (the same config key: the runs take up each other's progress and state). */
  const cli = async (out: string) => {
    const config = join(tmp.dir, 'notion-kb.yml');
    await writeFile(config, stringify({ requests: { rate: 1000, concurrency: 4 }, assets: { external: 'none' }, ...file }));
    return ['--out', out, '--config', config];
  };
  /** The scenario's config file (beyond the settings of syncInProcess), for the CLI and the runs in process alike. */
  let file: Record<string, unknown> = {};
  const sync = (out: string, full = false) => syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file, deps: { log: () => {}, ...(full ? { full: true } : {}) } });
  /** Every page but a small one, edited: after two rounds, earlier forms are half the spool, and the night compacts it. */
  const editMost = (round: string) => {
    for (const id of Object.keys(workspace.pages)) if (id !== ids.deepest && id !== ids.hidden) server.mutate.editTitle(id, `Edited ${round}`);
  };

  /** `notion-kb <command>` into `out`, killed right after its `killAt`-th step (never, past its last): how it ended. `log`: where its steps are listed. */
  const killedRun = async (command: 'sync' | 'export', out: string, killAt: number, log?: string) => {
    const child = spawnCli([command, ...(await cli(out)), ...(command === 'export' ? ['--name', 'bundle'] : [])], { ...env(), NODE_OPTIONS: `--import ${HOOK}`, NOTION_KB_KILL_AT: String(killAt), ...(log ? { NOTION_KB_FS_OPS_LOG: log } : {}) });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    return { code, signal, stderr };
  };

  it.each<[string, (out: string) => Promise<void>, Record<string, unknown>?]>([
    ['a first sync', async () => {}],
    [
      'a night that compacts its spool',
      async (out: string) => {
        await sync(out);
        editMost('once');
        await sync(out);
        editMost('twice');
      },
    ],
    [
      'a night of pages moved, trashed and created',
      async (out: string) => {
        await sync(out);
        server.mutate.movePage(ids.deepest!, ids.root!);
        server.mutate.trash(ids.row!);
        server.mutate.createPage({ parent: ids.root!, title: 'Created tonight', children: [b.paragraph('New.')] });
      },
    ],
    [
      'a night taking up a run that failed after fetching',
      async (out: string) => {
        await sync(out);
        editMost('before the failure');
        // The run fetches every edited page, then fails as it writes the snapshot: its progress stays.
        let written = 0;
        const failing: OutputFs = {
          ...nodeOutputFs,
          writeFile: (async (...args: Parameters<OutputFs['writeFile']>) => {
            if (String(args[0]).includes('/snapshots/.tmp-') && ++written === 3) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
            return nodeOutputFs.writeFile(...args);
          }) as OutputFs['writeFile'],
        };
        await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file, deps: { log: () => {}, fs: failing } })).rejects.toMatchObject({ code: 'EIO' });
        const journal = decodeRecords(await readFile(join(out, 'state', 'progress', 'journal'))).records;
        expect(journal.filter((r) => r.t === 'page').length).toBeGreaterThan(3);
      },
    ],
    [
      'a night after a run stopped right after it published',
      async (out: string) => {
        await sync(out);
        editMost('before the stop');
        const stopping: OutputFs = {
          ...nodeOutputFs,
          rename: async (from, to) => {
            await nodeOutputFs.rename(from, to);
            if (String(to).endsWith('latest.json')) throw new Error('stopped right after publishing');
          },
        };
        await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file, deps: { log: () => {}, fs: stopping } })).rejects.toThrow('stopped right after publishing');
        editMost('after the stop');
      },
    ],
    [
      'a night under privacy rules that leave a page out and redact a property',
      async (out: string) => {
        await sync(out);
        editMost('under rules');
      },
      { privacy: { excludePages: [ids.deepest!], redactPropertyTypes: ['select'] } },
    ],
  ])('%s: every kill leaves the latest snapshot whole, and the next two runs publish what an uninterrupted sync publishes', async (name, prepare, config = {}) => {
    file = config;
    const dir = join(tmp.dir, name.replaceAll(/\W+/g, '-'));
    const base = join(dir, 'base');
    await prepare(base);
    const expected = await contentOf((await sync(join(dir, 'clean'), true)).snapshotDir);

    // The steps of the run uninterrupted (killed at none).
    const stepsLog = join(dir, 'steps.log');
    await cp(base, join(dir, 'counted'), { recursive: true }).catch(() => {});
    const counted = await killedRun('sync', join(dir, 'counted'), 0, stepsLog);
    expect(counted.code, counted.stderr).toBe(0);
    const steps = (await readFile(stepsLog, 'utf8')).trim().split('\n');
    expect(steps.length).toBeGreaterThan(20);
    if (name.includes('compacts')) expect(steps.some((s) => s.includes('pages.spool.compact'))).toBe(true);
    // (A run taking up the failed one reuses the pages its journal holds unless they were edited in
    // the minute they were fetched, as they are here at times: Notion rounds edit times down to the
    // minute. Either way it takes the journal up, and is killed at each of its steps.)

    const killedAfter: string[] = [];
    for (let step = 1; step <= steps.length; step++) {
      const out = join(dir, `kill-${step}`);
      await cp(base, out, { recursive: true }).catch(() => {});
      const killed = await killedRun('sync', out, step);
      const where = `${name}, killed after step ${step} (${steps[step - 1]?.split(' ').slice(1).join(' ').replace(out, '<out>')})`;
      // Steps happen in parallel: a run may end before its step numbered so (then it finished).
      if (killed.signal !== 'SIGKILL') {
        expect(killed.code, `${where}: ${killed.stderr}`).toBe(0);
        continue;
      }
      killedAfter.push(String(step));

      const hasLatest = (await readdir(out).catch(() => [] as string[])).includes('latest.json');
      if (hasLatest) {
        const verified = await verifySnapshot({ outDir: out });
        expect(verified.problems, where).toEqual([]);
      }

      for (const run of ['the next run', 'the run after it']) {
        const outcome = await sync(out).catch((err: Error) => {
          throw new Error(`${where}: ${run} failed: ${err.message}`);
        });
        expect(outcome.exitCode, `${where}: ${run}`).toBe(0);
        expect(await contentOf(outcome.snapshotDir), `${where}: ${run}`).toEqual(expected);
        // Once a snapshot is published, a state describes it: no kill costs a full crawl.
        if (hasLatest) expect({ mode: outcome.mode, warnings: outcome.report.warnings }, `${where}: ${run}`).toEqual({ mode: 'incremental', warnings: [] });
      }
      expect((await readdir(join(out, 'snapshots'))).filter((e) => e.startsWith('.')), where).toEqual([]);
      expect((await readdir(out)).filter((e) => e.includes('.lock')), where).toEqual([]);
      await rm(out, { recursive: true, force: true });
    }
    // Most steps were kills (a few at the very end may race the run's exit).
    expect(killedAfter.length, `killed after steps ${killedAfter.join(', ')}`).toBeGreaterThan(steps.length / 2);
  }, 900_000);

  it('an export: every kill leaves no bundle or a whole one, and the next export publishes and packs what an uninterrupted one does', async () => {
    file = {};
    const dir = join(tmp.dir, 'export');
    const clean = await runCli(['export', ...(await cli(join(dir, 'clean'))), '--name', 'bundle', '--json'], env());
    expect(clean.code, clean.stderr).toBe(0);
    const expected = await contentOf((JSON.parse(clean.stdout) as { snapshotDir: string }).snapshotDir);

    const stepsLog = join(dir, 'steps.log');
    const counted = await killedRun('export', join(dir, 'counted'), 0, stepsLog);
    expect(counted.code, counted.stderr).toBe(0);
    const steps = (await readFile(stepsLog, 'utf8')).trim().split('\n');
    expect(steps.some((s) => s.includes('bundle.zip.partial'))).toBe(true);
    // An export takes a few seconds: every step but the files written into the staging directory
    // (alike, and nothing names that directory until it is renamed), of which the first, the last and every fifth.
    const staged = steps.map((s, i) => (/^\d+ writeFile .*\/snapshots\/\.tmp-/.test(s) ? i + 1 : 0)).filter((i) => i > 0);
    const points = steps.map((_, i) => i + 1).filter((i) => !staged.includes(i) || i === staged[0] || i === staged.at(-1) || i % 5 === 0);

    let killedAt = 0;
    for (const step of points) {
      const out = join(dir, `kill-${step}`);
      const killed = await killedRun('export', out, step);
      const where = `export killed after step ${step} (${steps[step - 1]?.split(' ').slice(1).join(' ').replace(join(dir, 'counted'), '<out>')})`;
      if (killed.signal !== 'SIGKILL') {
        expect(killed.code, `${where}: ${killed.stderr}`).toBe(0);
        continue;
      }
      killedAt++;
      const bundle = join(out, 'exports', 'bundle.zip');
      const packed = await stat(bundle).then(() => true, () => false);
      // A bundle there is a whole one; none is half-written under its name.
      if (packed) expect((await verifyBag(bundle)).problems, where).toEqual([]);
      const next = await runCli(['export', ...(await cli(out)), '--name', 'bundle', '--json'], env());
      if (packed) {
        expect(next.code, `${where}: ${next.stderr}`).toBe(2);
        expect(next.stderr, where).toMatch(/already exists/);
      } else {
        expect(next.code, `${where}: ${next.stderr}`).toBe(0);
        const summary = JSON.parse(next.stdout) as { snapshotDir: string; bundle: { path: string } };
        expect(await contentOf(summary.snapshotDir), where).toEqual(expected);
        expect((await verifyBag(summary.bundle.path)).problems, where).toEqual([]);
      }
      expect((await readdir(join(out, 'snapshots'))).filter((e) => e.startsWith('.')), where).toEqual([]);
      expect((await readdir(join(out, 'exports'))).filter((e) => e.endsWith('.partial')), where).toEqual([]);
      // (A refused export touches nothing: the killed run's lock stays, for the next run to take over.)
      if (!packed) expect((await readdir(out)).filter((e) => e.includes('.lock')), where).toEqual([]);
      await rm(out, { recursive: true, force: true });
    }
    expect(killedAt).toBeGreaterThan(points.length / 2);
  }, 900_000);
});
