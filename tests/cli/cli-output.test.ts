// What a scheduler sees: --json gives exactly one JSON object on stdout for every outcome,
// --quiet only warnings and errors, --verbose every request, retry and wait, never the token.
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { latestSnapshot, runCli, spawnCli, tempDir, type CliResult } from '../support/cli.js';
import { smallWorkspace } from '../support/small-workspace.js';

// Built at run time so that no token-shaped string is committed (secret scanners flag them).
const TOKEN = ['secret', 'cliOutputToken', '0123456789abcdefghijklmnop'].join('_');
const { workspace, ids } = smallWorkspace();

let server: NotionServer;
let tmp: { dir: string; cleanup: () => Promise<void> };
let n = 0;
const freshOut = () => join(tmp.dir, `out-${++n}`);
const env = (extra: Record<string, string> = {}) => ({ NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl, ...extra });

beforeAll(async () => {
  server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
  tmp = await tempDir();
});
afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});

interface JsonOutcome {
  status: string;
  exitCode: number;
  error?: { code: string; message: string };
  [key: string]: unknown;
}

/** stdout must be one JSON object and nothing else; it must agree with the exit code and never hold the token. */
function onlyJson(res: CliResult): JsonOutcome {
  expect(res.stdout + res.stderr).not.toContain(TOKEN);
  const parsed = JSON.parse(res.stdout) as JsonOutcome;
  expect(typeof parsed, res.stdout).toBe('object');
  expect(Array.isArray(parsed)).toBe(false);
  expect(parsed.exitCode).toBe(res.code);
  if (res.code === 0 || res.code === 3) expect(parsed.error).toBeUndefined();
  else expect(parsed.error).toEqual({ code: expect.any(String), message: expect.any(String) });
  return parsed;
}

describe('--json: one JSON object on stdout, whatever the outcome', () => {
  it('complete (sync)', async () => {
    const res = await runCli(['sync', '--json', '--out', freshOut(), '--rate', '200'], env());
    expect(res.code, res.stderr).toBe(0);
    expect(onlyJson(res)).toMatchObject({ status: 'complete', exitCode: 0, snapshotId: expect.any(String) });
  });

  it('partial: a root that is not shared (exit 3)', async () => {
    const res = await runCli(['sync', '--json', '--out', freshOut(), '--rate', '200', '--root', ids.root!, '--root', ids.hidden!], env());
    expect(res.code, res.stderr).toBe(3);
    expect(onlyJson(res)).toMatchObject({ status: 'partial', exitCode: 3, failures: 1 });
  });

  it('usage error: an unknown flag, and an unknown command', async () => {
    const flag = await runCli(['sync', '--json', '--bogus'], env());
    expect(flag.code).toBe(2);
    expect(onlyJson(flag)).toEqual({ status: 'failed', exitCode: 2, error: { code: 'usage', message: expect.stringContaining('unknown option --bogus') } });
    const command = await runCli(['synk', '--json'], env());
    expect(command.code).toBe(2);
    expect(onlyJson(command).error).toMatchObject({ code: 'usage', message: expect.stringContaining('did you mean "sync"') });
  });

  it('configuration errors: a bad config file, no token', async () => {
    const file = join(tmp.dir, 'bad.yaml');
    await writeFile(file, 'requests:\n  rate: fast\n');
    const bad = await runCli(['sync', '--json', '--config', file, '--out', freshOut()], env());
    expect(bad.code).toBe(2);
    expect(onlyJson(bad).error).toMatchObject({ code: 'config', message: expect.stringContaining('requests.rate') });
    const noToken = await runCli(['sync', '--json', '--out', freshOut()], { NOTION_BASE_URL: server.baseUrl });
    expect(noToken.code).toBe(2);
    expect(onlyJson(noToken).error).toMatchObject({ code: 'config', message: expect.stringContaining('NOTION_TOKEN is not set') });
  });

  it('API refused: a wrong token (never printed)', async () => {
    const wrong = ['secret', 'wrongWrongWrong', '0123456789abcdefghijkl'].join('_');
    const res = await runCli(['sync', '--json', '--out', freshOut()], env({ NOTION_TOKEN: wrong }));
    expect(res.code).toBe(2);
    expect(res.stdout + res.stderr).not.toContain(wrong);
    expect(onlyJson(res)).toMatchObject({ status: 'failed', error: { code: 'auth' } });
  });

  it('failed: the API keeps answering 500 (exit 1)', async () => {
    const down = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, faults: { seed: 'down', script: [{ match: { route: 'POST /v1/search' }, fault: '500' }] } });
    try {
      const config = join(tmp.dir, 'one-try.yaml');
      await writeFile(config, 'requests:\n  maxAttempts: 1\n');
      const res = await runCli(['sync', '--json', '--config', config, '--out', freshOut()], env({ NOTION_BASE_URL: down.baseUrl }));
      expect(res.code, res.stderr).toBe(1);
      expect(onlyJson(res)).toMatchObject({ status: 'failed', exitCode: 1, error: { code: 'gave_up', message: expect.stringContaining('POST /v1/search') } });
    } finally {
      await down.close();
    }
  });

  it('interrupted: SIGTERM in the middle of a run (exit 143)', async () => {
    const slow = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, latencyMs: 100 });
    const out = freshOut();
    try {
      const child = spawnCli(['sync', '--json', '--out', out, '--concurrency', '1', '--rate', '200'], env({ NOTION_BASE_URL: slow.baseUrl }));
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      for (let i = 0; i < 1_000 && slow.stats().requests.total < 2; i++) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => child.once('close', r));
      expect(code, stderr).toBe(143);
      expect(onlyJson({ code: 143, stdout, stderr })).toMatchObject({ status: 'interrupted', exitCode: 143, error: { code: 'interrupted' } });
    } finally {
      await slow.close();
    }
  });

  it('verify: a missing snapshot and an intact one', async () => {
    const missing = await runCli(['verify', '--json', '--out', join(tmp.dir, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(onlyJson(missing)).toMatchObject({ status: 'failed', exitCode: 1, error: { code: 'no_snapshot', message: expect.stringContaining('nothing-here') } });
    const out = freshOut();
    expect((await runCli(['sync', '--quiet', '--out', out, '--rate', '200'], env())).code).toBe(0);
    const intact = await runCli(['verify', '--json', '--out', out]);
    expect(intact.code, intact.stderr).toBe(0);
    expect(onlyJson(intact)).toMatchObject({ status: 'complete', exitCode: 0, ok: true });
    await appendFile(join(await latestSnapshot(out), 'index.json'), ' ');
    const damaged = await runCli(['verify', '--json', '--out', out]);
    expect(damaged.code).toBe(1);
    expect(onlyJson(damaged)).toMatchObject({ status: 'failed', exitCode: 1, ok: false, error: { code: 'verify_failed' } });
    // As every failure with --json: the message's one line on stderr too.
    expect(damaged.stderr).toMatch(/^notion-kb: Snapshot .* has 1 problem\(s\)\.\n$/);
  });
});

describe('warnings: a command hears of the settings it uses', () => {
  it('verify, diff and prune never call the API: no warning about the roots, the request rate or the token', async () => {
    const config = join(tmp.dir, 'warned.yaml');
    const out = freshOut();
    await writeFile(config, `notion:\n  roots: [${ids.root}, ${ids.root}]\nrequests:\n  rate: 50\noutput:\n  dir: ${out}\n`);
    // sync (it calls the API) hears of the duplicate root; the local server's origin is not Notion's, so no rate warning.
    const sync = await runCli(['sync', '--quiet', '--config', config], env({ NOTION_TOKEN: ` ${TOKEN}` }));
    expect(sync.code).toBe(0);
    expect(sync.stderr).toContain('warning: notion.roots: 1 duplicate root(s) ignored');
    expect(sync.stderr).toContain('warning: NOTION_TOKEN: leading or trailing whitespace removed');
    // Without NOTION_BASE_URL the origin is Notion's: a command that only reads the output directory stays quiet all the same.
    for (const args of [['verify'], ['diff', 'latest', 'latest'], ['prune', '--dry-run']]) {
      const res = await runCli([...args, '--config', config], { NOTION_TOKEN: ` ${TOKEN}`, NOTION_BASE_URL: undefined });
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0);
      expect(res.stderr, args.join(' ')).not.toContain('warning');
    }
  });
});

describe('the self-audit of a --full run: one line of the summary, and `audit` in --json', () => {
  it('compares the pages not edited since the previous snapshot and says none differed', async () => {
    const out = freshOut();
    expect((await runCli(['sync', '--out', out, '--quiet'], env())).code).toBe(0);
    const json = onlyJson(await runCli(['sync', '--full', '--json', '--out', out], env()));
    expect(json).toMatchObject({ status: 'unchanged', mode: 'full', audit: { differed: [], formulaRollupChanges: [], commentChanges: [] } });
    expect((json.audit as { compared: number }).compared).toBeGreaterThan(5);
    const human = await runCli(['sync', '--full', '--out', out], env());
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/^ {2}self-audit against \S+: \d+ pages not edited since, none differed; 0 with formula\/rollup values and 0 with comments changed without an edit \(expected\)$/m);
    // An incremental run has no audit.
    expect(onlyJson(await runCli(['sync', '--json', '--out', out], env())).audit).toBeNull();
  }, 120_000);
});

describe('--quiet: only warnings and errors', () => {
  it('prints nothing for a complete run', async () => {
    const res = await runCli(['sync', '--quiet', '--out', freshOut(), '--rate', '200'], env());
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('');
  });

  it('prints one line for a partial run and one for a failed one', async () => {
    const out = freshOut();
    const partial = await runCli(['sync', '--quiet', '--out', out, '--rate', '200', '--root', ids.root!, '--root', ids.hidden!], env());
    expect(partial.code).toBe(3);
    // The unshared root is a warning-level log line; then the one summary line of what failed.
    const lines = partial.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^notion-kb: snapshot \S+ published, but 1 pages or databases and 0 files failed; see .*report\.json$/);
    expect(partial.stderr).not.toMatch(/^(crawl|write|publish):|Snapshot \S+ written|API requests/m);
    const failed = await runCli(['sync', '--quiet', '--out', freshOut()], { NOTION_BASE_URL: server.baseUrl });
    expect(failed.code).toBe(2);
    expect(failed.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^notion-kb: NOTION_TOKEN is not set/)]);
  });
});

describe('--verbose: every request, retry and wait, redacted', () => {
  it('shows each API request with its status, the retries and the rate-limit waits, never the token', async () => {
    const flaky = await startNotionServer({
      workspace,
      token: TOKEN,
      rateLimit: false,
      faults: { seed: 'flaky', script: [{ match: { route: 'GET /v1/blocks/:id/children', nth: 2 }, fault: '503' }] },
    });
    try {
      const out = freshOut();
      const res = await runCli(['sync', '--verbose', '--out', out, '--rate', '20', '--concurrency', '1'], env({ NOTION_BASE_URL: flaky.baseUrl }));
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).not.toContain(TOKEN);
      expect(res.stderr).not.toMatch(/Bearer (?!\[REDACTED\])/);
      const requests = res.stderr.split('\n').filter((l) => /^notion-kb: debug: (GET|POST|PATCH) \/v1\/\S+ → \d{3} in \d+ ms$/.test(l));
      // Every HTTP attempt the server saw is one line.
      expect(requests).toHaveLength(flaky.stats().requests.total);
      expect(requests.some((l) => l.includes('→ 503'))).toBe(true);
      expect(res.stderr).toMatch(/^notion-kb: debug: retrying block \S+ → GET \/v1\/blocks\/:id\/children after HTTP 503/m);
      expect(res.stderr).toMatch(/^notion-kb: debug: waited \d+ ms for the rate limit before /m);
      expect(res.stderr).toContain('token: set (from NOTION_TOKEN, redacted)');
      expect((await readdir(join(out, 'snapshots'))).length).toBe(1);
    } finally {
      await flaky.close();
    }
  });

  it('a default run does not print requests or retries', async () => {
    const res = await runCli(['sync', '--out', freshOut(), '--rate', '200'], env());
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/debug:|retrying|→ 200/);
    expect(res.stderr).toMatch(/Snapshot \S+ written to/);
  });
});

describe('demo (npm start)', () => {
  it('writes into output/demo/ by default, never into output/ itself, and answers --json', async () => {
    const cwd = join(tmp.dir, 'demo-cwd');
    await mkdir(cwd);
    const res = await runCli(['demo', '--json'], {}, cwd);
    expect(res.code, res.stderr).toBe(0);
    const outcome = onlyJson(res);
    expect(outcome).toMatchObject({ status: 'complete', exitCode: 0 });
    const snapshotDir = resolve(cwd, outcome.snapshotDir as string);
    expect(snapshotDir).toBe(join(cwd, 'output', 'demo', 'snapshots', outcome.snapshotId as string));
    expect(await readdir(join(cwd, 'output'))).toEqual(['demo']);
    expect(await latestSnapshot(join(cwd, 'output', 'demo'))).toBe(snapshotDir);
    // The demo exports comments: the demo wiki's threads are in the Markdown and the records.
    const index = JSON.parse(await readFile(join(snapshotDir, 'index.json'), 'utf8')) as { pages: Array<{ title: string; path: string; record: string }> };
    const worked = index.pages.find((p) => p.title === 'Lessons learnt: what worked')!;
    expect(await readFile(join(snapshotDir, worked.path), 'utf8')).toMatch(/\n## Discussion\n\n\*\*On the page\*\*\n\n> \*\*Aylin Demir\*\*/);
    const record = JSON.parse(await readFile(join(snapshotDir, worked.record), 'utf8')) as { discussions: Array<{ comments: unknown[] }> };
    expect(record.discussions.map((d) => d.comments.length)).toEqual([2]);
  });

  it('writes the offline site and ends by saying which file to open and how to verify the snapshot', async () => {
    const cwd = join(tmp.dir, 'demo-site-cwd');
    await mkdir(cwd);
    const res = await runCli(['demo'], {}, cwd);
    expect(res.code, res.stderr).toBe(0);
    const last = res.stderr.trimEnd().split('\n').slice(-2);
    expect(last[0]).toMatch(/^Open the offline site in a browser: output\/demo\/snapshots\/[^/]+\/site\/index\.html$/);
    expect(last[1]).toBe('Check the snapshot with: node bin/notion-kb.js verify --out output/demo');
    const site = join(cwd, last[0]!.slice('Open the offline site in a browser: '.length));
    expect(site).toBe(join(await latestSnapshot(join(cwd, 'output', 'demo')), 'site', 'index.html'));
    expect(await readFile(site, 'utf8')).toContain('<h1 id="magnet-network-wiki">MAGNET Network Wiki</h1>');
    const verified = await runCli(['verify', '--out', 'output/demo'], {}, cwd);
    expect(verified.code, verified.stderr).toBe(0);
  });
});
