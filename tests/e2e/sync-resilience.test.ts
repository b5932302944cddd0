/**
 * A sync under rate limits, faults, hangs and failures. The sync runs in this process (the
 * CLI's `main`, which calls `runSync`) on a simulated clock shared with an in-process local
 * server over real HTTP: Retry-After waits, backoff and request timeouts take virtual time
 * only, and the tests check that virtual time against what the server asked for. What is
 * about the CLI process itself (SIGKILL, the token never shown, exit codes) runs the real CLI.
 */
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/normalise/schemas.js';
import { generateWorkspace } from '../../src/notion-server/generate-workspace.js';
import { startNotionServer, type NotionServer, type NotionServerOptions } from '../../src/notion-server/server.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { RETRY_DEFAULTS } from '../../src/source/retry.js';
import { latestSnapshot, readJson, runCli, spawnCli, tempDir } from '../support/cli.js';
import { createSimulatedClock, SIMULATED_EPOCH } from '../support/simulated-clock.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'resilience', 'token', '0123456789abcdefghij'].join('_');

/** Everything of a snapshot but what names the run (ids, times, request counts): file path → bytes. */
async function contentOf(snapshotDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await listFiles(snapshotDir)) {
    // changes.json, CHANGELOG.md and feed.json name the snapshot ids they compare.
    if (f === 'report.json' || f === 'manifest.json' || f === 'changes.json' || f === 'CHANGELOG.md' || f === 'feed.json') continue;
    let text = await readFile(join(snapshotDir, f), 'latin1');
    if (f === 'index.json') {
      const index = JSON.parse(text) as Record<string, unknown>;
      delete index.snapshotId;
      delete index.createdAt;
      text = JSON.stringify(index);
    }
    out.set(f, text);
  }
  return out;
}

/** One HTTP exchange as the sync's fetch saw it, in virtual time; `sent`/`ended` order all events. */
interface Exchange {
  method: string;
  path: string;
  /** A file download, not an API request (downloads bypass the API pacer). */
  file: boolean;
  sentAt: number;
  sent: number;
  endedAt?: number;
  ended?: number;
  status?: number;
  retryAfterMs?: number;
  error?: string;
}

function writeStream(sink: (text: string) => void): NodeJS.WriteStream {
  return { isTTY: false, columns: 100, write: (chunk: unknown) => (sink(String(chunk)), true) } as unknown as NodeJS.WriteStream;
}

/**
 * `notion-kb sync` in this process, against an in-process server, both on one simulated clock.
 * `yaml` is the config file (by default: the real request timeout, 5 tries).
 */
async function simulatedSync(
  ws: WorkspaceData,
  serverOpts: Partial<NotionServerOptions>,
  args: string[] = [],
  options: { yaml?: string; outDir?: string } = {},
) {
  const clock = createSimulatedClock();
  const server = await startNotionServer({ workspace: ws, token: TOKEN, rateLimit: false, ...serverOpts, clock });
  const temp = options.outDir === undefined ? await tempDir() : null;
  const outDir = options.outDir ?? temp!.dir;
  const exchanges: Exchange[] = [];
  let seq = 0;
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const ex: Exchange = { method: init?.method ?? 'GET', path: url.pathname, file: url.pathname.startsWith('/files/'), sentAt: clock.now(), sent: ++seq };
    exchanges.push(ex);
    try {
      const response = await globalThis.fetch(input, init);
      Object.assign(ex, { status: response.status, endedAt: clock.now(), ended: ++seq });
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter !== null) ex.retryAfterMs = Number(retryAfter) * 1000;
      return response;
    } catch (err) {
      Object.assign(ex, { error: (err as Error).name, endedAt: clock.now(), ended: ++seq });
      throw err;
    }
  };
  let stderr = '';
  try {
    const config = join(outDir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(config, options.yaml ?? 'requests:\n  maxAttempts: 5\n');
    const code = await main(['sync', '--out', outDir, '--config', config, ...args], {
      stdout: writeStream(() => undefined),
      stderr: writeStream((text) => (stderr += text)),
      env: { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl },
      effects: clock.effects({ fetch: recordingFetch, seed: 7 }),
    });
    const snap = code === 0 || code === 3 ? await latestSnapshot(outDir) : null;
    return {
      result: { code, stderr },
      content: snap ? await contentOf(snap) : null,
      report: snap ? await readJson<Report>(join(snap, 'report.json')) : null,
      stats: server.stats(),
      exchanges,
      api: exchanges.filter((e) => !e.file),
      elapsedMs: clock.elapsed(),
      openHolds: clock.openHolds(),
    };
  } finally {
    await server.close();
    await temp?.cleanup();
  }
}

describe('sync under rate limits and server faults (simulated time)', () => {
  const workspace = generateWorkspace({ seed: 'resilience', pages: 30, blocksPerPage: 8, databases: 1, rowsPerDatabase: 15, imageEvery: 5 });
  let clean: Awaited<ReturnType<typeof simulatedSync>>;

  beforeAll(async () => {
    clean = await simulatedSync(structuredClone(workspace), {}, ['--concurrency', '4']);
  });

  it('a clean run is complete, paced at the configured 3 requests/s of simulated time', () => {
    expect(clean.result.code, clean.result.stderr).toBe(0);
    expect(clean.report!.complete).toBe(true);
    expect(clean.content!.size).toBeGreaterThan(50);
    // The run's clock is the simulated one.
    expect(clean.report!.startedAt).toBe(new Date(SIMULATED_EPOCH).toISOString());
    expect(clean.report!.durationMs).toBe(clean.elapsedMs);
    // 3 requests/s with a burst of 3: n API requests need at least (n - 3) / 3 seconds.
    const n = clean.api.length;
    expect(n).toBe(clean.report!.requests.total);
    expect(clean.elapsedMs).toBeGreaterThanOrEqual(((n - 3) / 3) * 1000 - 1);
    expect(clean.elapsedMs).toBeLessThanOrEqual((n / 3) * 1000 + 1000);
    expect(clean.openHolds).toBe(0);
  });

  it('honours 429 + Retry-After and still exports exactly what a clean run does', async () => {
    // The client asks for 40 requests/s from a server that allows 8/s with bursts of 4.
    const limited = await simulatedSync(structuredClone(workspace), { rateLimit: { ratePerSecond: 8, burst: 4 } }, ['--rate', '40', '--concurrency', '4']);
    expect(limited.result.code, limited.result.stderr).toBe(0);
    expect(limited.stats.rateLimited).toBeGreaterThan(0);
    expect(limited.report!.requests.rateLimited).toBe(limited.stats.rateLimited);
    expect(limited.content).toEqual(clean.content);

    // Every 429 the server sent reached the client, with the Retry-After the server computed.
    const tooMany = limited.api.filter((e) => e.status === 429);
    expect(tooMany).toHaveLength(limited.stats.rateLimited);
    for (const e of tooMany) expect(e.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    // No API request leaves during a Retry-After wait: whatever was sent after a 429 arrived
    // went out no earlier than the time the server asked for.
    for (const e of tooMany) {
      const resumeAt = e.endedAt! + e.retryAfterMs!;
      const after = limited.api.filter((x) => x.sent > e.ended!);
      expect(after.length).toBeGreaterThan(0);
      for (const x of after) expect(x.sentAt, `${x.method} ${x.path} after a 429 at ${e.endedAt}`).toBeGreaterThanOrEqual(resumeAt);
    }
    // The run waited at least the longest Retry-After, and the report counts the waiting.
    const longest = Math.max(...tooMany.map((e) => e.retryAfterMs!));
    expect(limited.report!.requests.waitedMs).toBeGreaterThanOrEqual(longest);
    expect(limited.elapsedMs).toBeGreaterThanOrEqual(longest);
  });

  it('retries 500, 502 (HTML), 503, 529, dropped and hung requests, GET and POST alike, with the same result', async () => {
    const faulty = await simulatedSync(
      structuredClone(workspace),
      {
        faults: {
          seed: 'faults-1',
          rate: 0.12,
          kinds: ['500', '502-html', '503', '529', 'reset'],
          script: [
            { match: { route: 'POST /v1/search', nth: 1 }, fault: '502-html' },
            { match: { route: 'POST /v1/data_sources/:id/query', nth: 1 }, fault: '503' },
            { match: { route: 'GET /v1/blocks/:id/children', nth: 3 }, fault: 'hang' },
          ],
        },
      },
      ['--rate', '500', '--concurrency', '4'],
    );
    expect(faulty.result.code, faulty.result.stderr).toBe(0);
    expect(faulty.stats.faultsInjected).toBeGreaterThan(5);
    expect(faulty.report!.requests.retries).toBeGreaterThanOrEqual(faulty.stats.faultsInjected);
    expect(faulty.content).toEqual(clean.content);

    // The hung request was given up by the client after exactly its timeout (60 s by default),
    // in simulated time, and then retried.
    const hung = faulty.api.filter((e) => e.error === 'TimeoutError');
    expect(hung).toHaveLength(1);
    expect(hung[0]!.endedAt! - hung[0]!.sentAt).toBe(60_000);
    const retried = faulty.api.find((e) => e.path === hung[0]!.path && e.sent > hung[0]!.ended!);
    expect(retried?.status).toBe(200);
    expect(faulty.elapsedMs).toBeGreaterThanOrEqual(60_000);
  });

  it('retries truncated and invalid JSON, bodies reset halfway, a 429 storm with long Retry-After, and file downloads that fail, stall or break off, with the same result', async () => {
    const faulty = await simulatedSync(
      structuredClone(workspace),
      {
        faults: {
          seed: 'faults-2',
          rate: 0.08,
          kinds: ['long-429', 'truncated-json', 'reset-mid-body'],
          script: [
            { match: { route: 'POST /v1/search', nth: 1 }, fault: 'truncated-json' },
            { match: { route: 'GET /v1/blocks/:id/children', nth: 2 }, fault: 'invalid-json' },
            { match: { route: 'GET /v1/blocks/:id/children', nth: 4 }, fault: 'reset-mid-body' },
            { match: { route: 'POST /v1/data_sources/:id/query', nth: 1 }, fault: 'long-429' },
          ],
          files: { 1: 'stall', 2: 'reset-mid-body', 3: '500' },
        },
      },
      ['--rate', '500', '--concurrency', '4'],
    );
    expect(faulty.result.code, faulty.result.stderr).toBe(0);
    expect(faulty.stats.faultsInjected).toBeGreaterThan(6);
    expect(faulty.content).toEqual(clean.content);
    // The stalled download was ended by its time limit (120 s by default), in simulated time.
    expect(faulty.elapsedMs).toBeGreaterThanOrEqual(120_000);
  });

  it('a 429 storm that never ends fails cleanly within the configured time, and publishes nothing', async () => {
    const stormy = await simulatedSync(structuredClone(workspace), { faults: { seed: 'storm', rate: 1, kinds: ['long-429'] } }, ['--rate', '500'], {
      yaml: 'requests:\n  giveUpAfterMs: 600000\n',
    });
    expect(stormy.result.code).toBe(1);
    expect(stormy.result.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(stormy.result.stderr).toMatch(/gave up|rate limit|429/i);
    // Bounded by the configuration: the users list gives up (a warning: people by id only), then
    // search gives up and ends the run; each within the give-up time plus one Retry-After.
    expect(stormy.elapsedMs).toBeLessThanOrEqual(2 * (600_000 + 61_000));
    expect(stormy.elapsedMs).toBeGreaterThanOrEqual(600_000);
  });

  // Notion going down part-way (every request from the 60th on fails) is no page's trouble: the
  // run fails, keeps what it fetched for the next one, and publishes no snapshot of empty pages.
  it.each(['503', 'reset'] as const)('an outage part-way (%s from the 60th request on) fails the run: exit 1, nothing published', async (fault) => {
    const down = await simulatedSync(structuredClone(workspace), { faults: { seed: 'outage', script: [{ match: { from: 60 }, fault }] } }, ['--rate', '500']);
    expect(down.result.code, down.result.stderr).toBe(1);
    expect(down.result.stderr).toMatch(/gave up after 5 tries/);
    expect(down.result.stderr).toMatch(/Nothing was published/);
    expect(down.content).toBeNull();
    // It asked Notion for nothing but the integration's own user to tell an outage from one page's trouble.
    expect(down.api.some((e) => e.path === '/v1/users/me')).toBe(true);
  });

  it('keeps a page whose nested content keeps failing, notes it, lists it in report.json and exits 3', async () => {
    const ws = structuredClone(workspace);
    // A block with children on some page: its children listing always answers 500.
    const victim = Object.values(ws.blocks).find((b) => b.children.length > 0 && b.type !== 'child_page' && !ws.pages[b.parentId]?.inTrash)!;
    const pageId = ws.pages[victim.parentId] ? victim.parentId : ws.blocks[victim.parentId]!.parentId;
    const broken = await simulatedSync(
      ws,
      { faults: { seed: 'always', script: [{ match: { route: 'GET /v1/blocks/:id/children', pathIncludes: victim.id }, fault: '500' }] } },
      ['--rate', '500'],
    );
    expect(broken.result.code, broken.result.stderr).toBe(3);
    expect(broken.result.stderr).toContain('FAILED');
    expect(broken.report!.complete).toBe(false);
    expect(broken.report!.failures).toEqual([expect.objectContaining({ blockId: victim.id, pageId })]);
    // Everything else is exactly as in the clean run, apart from the page that holds the block.
    const differing = [...clean.content!.keys()].filter((f) => broken.content!.get(f) !== clean.content!.get(f));
    expect(differing.every((f) => f === 'index.json' || f.includes(pageId.slice(0, 8)) || f.includes(pageId))).toBe(true);

    // Tried maxAttempts (5) times, each wait within the full-jitter ceiling base · 2^(n-1).
    const tries = broken.api.filter((e) => e.path.includes(victim.id));
    expect(tries.map((e) => e.status)).toEqual([500, 500, 500, 500, 500]);
    tries.slice(1).forEach((e, i) => {
      const gap = e.sentAt - tries[i]!.endedAt!;
      expect(gap).toBeGreaterThanOrEqual(0);
      // Plus a little for the pacer (500/s) and requests queued ahead.
      expect(gap).toBeLessThanOrEqual(RETRY_DEFAULTS.baseDelayMs * 2 ** i + 50);
    });
  });
});

describe('files that cannot be had', () => {
  it('publishes the snapshot, lists each file by page and block id, shows a note in the page, exits 3', async () => {
    const { workspace, ids } = smallWorkspace();
    const out = await tempDir();
    try {
      const run = await simulatedSync(workspace, {}, ['--rate', '500'], { yaml: 'assets:\n  maxBytes: 10\n', outDir: out.dir });
      expect(run.result.code, run.result.stderr).toBe(3);
      expect(run.result.stderr).toMatch(/2 files could NOT be downloaded/);
      const snap = await latestSnapshot(out.dir);
      const report = await readJson<Report>(join(snap, 'report.json'));
      expect(report.complete).toBe(false);
      expect(report.assetFailures).toHaveLength(2);
      for (const f of report.assetFailures) {
        expect(f.pageId).toBe(ids.root);
        expect(f.blockId).toMatch(/^[0-9a-f-]{36}$/);
        expect(f.reason).toMatch(/assets\.maxBytes/);
      }
      const index = await readJson<{ pages: Array<{ id: string; path: string }> }>(join(snap, 'index.json'));
      const md = await readFile(join(snap, index.pages.find((p) => p.id === ids.root)!.path), 'utf8');
      expect(md.match(/not available/gi)?.length).toBeGreaterThanOrEqual(2);
    } finally {
      await out.cleanup();
    }
  });
});

/** `notion-kb verify` in this process. */
async function verify(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(['verify', ...args], { stdout: writeStream(() => undefined), stderr: writeStream((t) => (stderr += t)), env: {} });
  return { code, stderr };
}

describe('a failed or killed sync never damages the last good snapshot', () => {
  const { workspace } = smallWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let firstLatest: string;
  let firstSnapshot: string;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
    const first = await simulatedSync(workspace, {}, [], { outDir: out.dir });
    expect(first.result.code, first.result.stderr).toBe(0);
    firstLatest = await readFile(join(out.dir, 'latest.json'), 'utf8');
    firstSnapshot = await latestSnapshot(out.dir);
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  // Each CLI case gets its own copy of the output directory (with the first snapshot), so
  // the three processes can run at the same time without meeting each other's lock.
  describe.concurrent('CLI processes', () => {
    const copies: Array<{ dir: string; cleanup: () => Promise<void> }> = [];
    const copyOfOut = async () => {
      const own = await tempDir();
      await cp(out.dir, own.dir, { recursive: true });
      copies.push(own);
      return own;
    };
    afterAll(async () => {
      // Through all of it, each copy's first snapshot stayed byte for byte what it was.
      for (const own of copies) {
        const verified = await verify([join(own.dir, relative(out.dir, firstSnapshot))]);
        expect(verified.code, verified.stderr).toBe(0);
        await own.cleanup();
      }
    });

    it('a CLI process killed halfway leaves latest.json and the previous snapshot intact; the next run cleans up', async () => {
      // Real time here: the CLI is another process. 40 ms per request keeps it busy long enough.
      const own = await copyOfOut();
      const slow = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, latencyMs: 40 });
      try {
        const child = spawnCli(['sync', '--out', own.dir, '--rate', '500', '--concurrency', '1'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: slow.baseUrl });
        // Wait until the run has started writing its staging directory, and a few requests more.
        for (let i = 0; i < 1_000; i++) {
          const entries = await readdir(join(own.dir, 'snapshots'));
          if (entries.some((e) => e.startsWith('.tmp-')) && slow.stats().requests.total >= 4) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        expect(slow.stats().requests.total).toBeLessThan(12); // it really was halfway
      } finally {
        await slow.close();
      }
      expect(await readFile(join(own.dir, 'latest.json'), 'utf8')).toBe(firstLatest);
      const verified = await verify(['--out', own.dir]);
      expect(verified.code, verified.stderr).toBe(0);
      // The killed run's staging directory and page spool are left behind, beside the intact snapshot.
      expect((await readdir(join(own.dir, 'snapshots'))).filter((e) => e.startsWith('.tmp-')).length).toBeGreaterThan(0);

      // Nothing changed in Notion since the first snapshot: the next run publishes nothing new.
      const next = await simulatedSync(workspace, {}, [], { outDir: own.dir });
      expect(next.result.code, next.result.stderr).toBe(0);
      expect(next.result.stderr).toMatch(/No changes since snapshot/);
      const entries = await readdir(join(own.dir, 'snapshots'));
      expect(entries.filter((e) => e.startsWith('.tmp-'))).toHaveLength(0);
      expect(entries.filter((e) => !e.startsWith('.'))).toHaveLength(1);
      expect(await readdir(join(own.dir, 'snapshots'))).not.toContainEqual(expect.stringMatching(/\.spool$/));
      expect(await readFile(join(own.dir, 'latest.json'), 'utf8')).toBe(firstLatest);
    });

    it('a CLI run that fails (token rejected) publishes nothing, exits 2 with one line, never shows the token', async () => {
      const own = await copyOfOut();
      const before = await readFile(join(own.dir, 'latest.json'), 'utf8');
      const wrong = ['secret', 'wrong', 'token', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'].join('_');
      const res = await runCli(['sync', '--out', own.dir], { NOTION_TOKEN: wrong, NOTION_BASE_URL: server.baseUrl });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/NOTION_TOKEN/);
      expect(res.stderr).not.toContain(wrong);
      expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(await readFile(join(own.dir, 'latest.json'), 'utf8')).toBe(before);
      expect((await readdir(join(own.dir, 'snapshots'))).filter((e) => e.startsWith('.tmp-'))).toHaveLength(0);
    });

    it('a CLI run whose API keeps failing exits 1 and leaves the previous snapshot', async () => {
      const own = await copyOfOut();
      const failing = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, faults: { seed: 'down', rate: 1, kinds: ['503'] } });
      try {
        // One try: this is about the process's exit code; the retries are the next test's.
        const config = join(own.dir, 'fast-fail.yaml');
        await writeFile(config, 'requests:\n  maxAttempts: 1\n');
        const before = await readFile(join(own.dir, 'latest.json'), 'utf8');
        const res = await runCli(['sync', '--out', own.dir, '--config', config], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: failing.baseUrl });
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(/Nothing was published/);
        expect(await readFile(join(own.dir, 'latest.json'), 'utf8')).toBe(before);
      } finally {
        await failing.close();
      }
    });
  });

  it('with the default retry policy a run whose API keeps failing gives up after 8 tries, exits 1, publishes nothing', async () => {
    const before = await readFile(join(out.dir, 'latest.json'), 'utf8');
    const down = await simulatedSync(workspace, { faults: { seed: 'down', rate: 1, kinds: ['503'] } }, [], { yaml: '{}\n', outDir: out.dir });
    expect(down.result.code).toBe(1);
    expect(down.result.stderr).toMatch(/gave up after 8 tries/);
    expect(down.result.stderr).toMatch(/Nothing was published/);
    expect(await readFile(join(out.dir, 'latest.json'), 'utf8')).toBe(before);
    expect((await readdir(join(out.dir, 'snapshots'))).filter((e) => e.startsWith('.tmp-'))).toHaveLength(0);

    // The first request's 8 tries, spaced by full-jitter backoff: each wait below its ceiling
    // min(30 s, 500 ms · 2^(n-1)), all of it well inside the 5-minute budget, in simulated time.
    const first = down.api[0]!;
    const tries = down.api.filter((e) => e.method === first.method && e.path === first.path);
    expect(tries).toHaveLength(RETRY_DEFAULTS.maxAttempts);
    expect(tries.every((e) => e.status === 503)).toBe(true);
    const waits = tries.slice(1).map((e, i) => e.sentAt - tries[i]!.endedAt!);
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(Math.min(RETRY_DEFAULTS.maxDelayMs, RETRY_DEFAULTS.baseDelayMs * 2 ** i) + 400);
    });
    expect(down.elapsedMs).toBeGreaterThan(0);
    expect(down.elapsedMs).toBeLessThan(RETRY_DEFAULTS.giveUpAfterMs);
  });

  it('keeps the first snapshot byte for byte through all of it', async () => {
    const verified = await verify([firstSnapshot]);
    expect(verified.code, verified.stderr).toBe(0);
  });
});
