// Run by `npm run test:chaos` (apart from `npm test`: it takes a few minutes).
// Resume after a crash: a first sync, and an export, are killed (SIGKILL) at 10 seeded moments
// each. The next run publishes what an uninterrupted run publishes, and asks Notion for at most
// what the killed run had not asked for, plus what listing the workspace costs when nothing
// changed, plus 5 % of the whole run (counted by the local server).
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoWorkspace } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { verifyBag } from '../../src/verify/verify-bag.js';
import { runCli, spawnCli, tempDir } from '../support/cli.js';
import { seeded } from '../support/seeded-random.js';
import { contentOf } from '../support/snapshot-content.js';

const TOKEN = ['secret', 'resume', 'kill', '0123456789abcdefghij'].join('_');
const KILLS = 10;

describe.each([
  // The demo wiki: about 270 requests for a sync; with comments (export) about 950.
  { command: 'sync', args: [] as string[] },
  { command: 'export', args: ['--name', 'bundle'] },
])('SIGKILL at $command: 10 seeded moments, then the next run resumes', ({ command, args }) => {
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const random = seeded(Number(process.env.KILL_SEED ?? 20270317) + (command === 'export' ? 1 : 0));
  let env: Record<string, string>;
  let config: string;
  /** An uninterrupted run: its content, requests and how long it ran from its first request; and a no-change sync after it. */
  let clean: { content: Record<string, string>; requests: number; ms: number; listing: number };

  const requests = () => server.stats().requests.total;
  const cli = (out: string, extra: string[] = []) => ['--out', out, '--config', config, '--rate', '1000', '--json', ...extra];

  /**
   * Starts the CLI and kills it once it made `kill.requests` requests, or `kill.ms` after its first
   * request (never, when null). Resolves with its exit code (null: killed), its output, and how
   * long it ran from its first request.
   */
  async function start(argv: string[], kill: { requests: number } | { ms: number } | null): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
    const before = requests();
    const child = spawnCli(argv, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    let exitedYet = false;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => ((exitedYet = true), resolve(code))));
    const until = async (done: () => boolean) => {
      while (!done() && !exitedYet) await new Promise((r) => setTimeout(r, 2));
    };
    await until(() => requests() > before);
    const first = performance.now();
    if (kill && 'requests' in kill) await until(() => requests() - before >= kill.requests);
    if (kill && 'ms' in kill) await until(() => performance.now() - first >= kill.ms);
    if (kill && !exitedYet) child.kill('SIGKILL');
    const code = await exited;
    return { code, stdout, stderr, ms: performance.now() - first };
  }

  beforeAll(async () => {
    // A little latency per request, as over a network.
    server = await startNotionServer({ workspace: buildDemoWorkspace(), token: TOKEN, rateLimit: false, latencyMs: 5 });
    tmp = await tempDir(`notion-kb-resume-kill-${command}-`);
    env = { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl };
    config = join(tmp.dir, 'notion-kb.yaml');
    await writeFile(config, 'assets:\n  external: none\n');
    const before = requests();
    const run = await start([command, ...cli(join(tmp.dir, 'clean')), ...args], null);
    const ms = run.ms;
    expect(run.code, run.stderr).toBe(0);
    const after = requests();
    // What listing the workspace costs when nothing changed: a sync that asks for what the export
    // asked for (comments, the site), plus the export's bot-user lookup.
    const asExported = join(tmp.dir, 'as-exported.yaml');
    await writeFile(asExported, 'assets:\n  external: none\ncontent:\n  comments: true\noutput:\n  site: true\n');
    const noChange = await runCli(['sync', '--out', join(tmp.dir, 'clean'), '--config', command === 'export' ? asExported : config, '--rate', '1000', '--json'], env);
    expect(JSON.parse(noChange.stdout)).toMatchObject({ status: 'unchanged' });
    const listing = requests() - after + (command === 'export' ? 1 : 0);
    clean = { content: await contentOf((JSON.parse(run.stdout) as { snapshotDir: string }).snapshotDir), requests: after - before, ms, listing };
  }, 300_000);
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it(`each rerun publishes what an uninterrupted ${command} publishes, for at most the requests left + the listing + 5 %`, async () => {
    const figures: string[] = [];
    let killedMidRun = 0;
    for (let round = 0; round < KILLS; round++) {
      const out = join(tmp.dir, `round-${round}`);
      const before = requests();
      // Most moments while it reads Notion (after a seeded number of requests), the others anywhere
      // from its first request to a little past the end of an uninterrupted run (writing, publishing, packing).
      const kill = round % 3 === 2 ? { ms: Math.round(random() * clean.ms * 1.05) } : { requests: 1 + Math.floor(random() * clean.requests) };
      const { code, stderr } = await start([command, ...cli(out), ...args], kill);
      expect([null, 0], stderr).toContain(code);
      const killed = requests() - before;
      if (code === null && killed > 0) killedMidRun++;

      const next = await runCli([command, ...cli(out), ...args], env);
      const rerun = requests() - killed - before;
      // The killed run finished the export before the kill: the bundle is there and the rerun says so.
      if (command === 'export' && code === 0) {
        expect(next.code).toBe(2);
        expect(next.stderr).toMatch(/already exists/);
      } else {
        expect(next.code, next.stderr).toBe(0);
        const summary = JSON.parse(next.stdout) as { snapshotDir: string; resumed: number; bundle?: { path: string } };
        const bound = clean.requests - killed + clean.listing + 0.05 * clean.requests;
        const when = 'ms' in kill ? `${kill.ms} ms after its first request` : `at request ${kill.requests}`;
        figures.push(`round ${round}: killed ${when}, after ${killed} requests; rerun ${rerun} (bound ${bound.toFixed(0)}), ${summary.resumed} pages resumed`);
        expect(rerun, figures.at(-1)).toBeLessThanOrEqual(bound);
        expect(await contentOf(summary.snapshotDir), `round ${round}`).toEqual(clean.content);
        if (summary.bundle) expect((await verifyBag(summary.bundle.path)).problems).toEqual([]);
      }
      // Nothing of the killed run is left: no staging, no progress, no half-written bundle.
      expect((await readdir(join(out, 'snapshots'))).filter((e) => e.startsWith('.'))).toEqual([]);
      expect(await readdir(join(out, 'state'))).not.toContain('progress');
      if (command === 'export') expect((await readdir(join(out, 'exports'))).filter((e) => e.endsWith('.partial'))).toEqual([]);
      await rm(out, { recursive: true, force: true });
    }
    console.log(`${command}: uninterrupted ${clean.requests} requests in ${clean.ms.toFixed(0)} ms from the first, no-change listing ${clean.listing}\n${figures.join('\n')}`);
    // The kills did land mid-run.
    expect(killedMidRun).toBeGreaterThanOrEqual(KILLS / 2);
  }, 900_000);
});
