/**
 * `--rate auto` end to end: the CLI's `main` in this process against an in-process local server
 * over real HTTP, both on one simulated clock, so minutes of Retry-After cost no real time. The
 * server applies Notion's newer limits (a budget per 60-second window per connection, and one
 * per workspace); the sync is never told them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/normalise/schemas.js';
import { generateWorkspace } from '../../src/notion-server/generate-workspace.js';
import { startNotionServer, type NotionServerOptions } from '../../src/notion-server/server.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';
import { latestSnapshot, readJson, tempDir } from '../support/cli.js';
import { createSimulatedClock } from '../support/simulated-clock.js';

const TOKEN = ['secret', 'rate', 'auto', 'token', '0123456789abcdef'].join('_');

interface Sent {
  sentAt: number;
  status: number;
}

function writeStream(sink: (text: string) => void): NodeJS.WriteStream {
  return { isTTY: false, columns: 100, write: (chunk: unknown) => (sink(String(chunk)), true) } as unknown as NodeJS.WriteStream;
}

/** `notion-kb sync <args>` on a simulated clock shared with the server; every API request as sent. */
async function simulatedSync(ws: WorkspaceData, serverOpts: Partial<NotionServerOptions>, args: string[]) {
  const clock = createSimulatedClock();
  const server = await startNotionServer({ workspace: ws, token: TOKEN, ...serverOpts, clock });
  const temp = await tempDir();
  const sent: Sent[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const entry = { sentAt: clock.now(), status: 0 };
    if (!url.pathname.startsWith('/files/')) sent.push(entry);
    const response = await globalThis.fetch(input, init);
    entry.status = response.status;
    return response;
  };
  let stdout = '';
  let stderr = '';
  try {
    const config = join(temp.dir, 'c.yaml');
    await writeFile(config, 'assets:\n  external: none\n');
    const code = await main(['sync', '--out', join(temp.dir, 'out'), '--config', config, ...args], {
      stdout: writeStream((t) => (stdout += t)),
      stderr: writeStream((t) => (stderr += t)),
      env: { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl },
      effects: clock.effects({ fetch: recordingFetch, seed: 3 }),
    });
    const snap = code === 0 || code === 3 ? await latestSnapshot(join(temp.dir, 'out')) : null;
    return {
      code,
      stdout,
      stderr,
      report: snap ? await readJson<Report>(join(snap, 'report.json')) : null,
      index: snap ? await readFile(join(snap, 'index.json'), 'utf8') : null,
      stats: server.stats(),
      sent,
      elapsedMs: clock.elapsed(),
    };
  } finally {
    await server.close();
    await temp.cleanup();
  }
}

/** Most requests the server accepted within any 60 s from `fromMs` on. */
function busiestMinute(sent: Sent[], fromMs: number): number {
  const times = sent.filter((s) => s.status !== 429 && s.sentAt >= fromMs).map((s) => s.sentAt).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('sync --rate auto (simulated time)', () => {
  const workspace = generateWorkspace({ seed: 'rate-auto', pages: 90, blocksPerPage: 6, databases: 1, rowsPerDatabase: 20 });

  it('against a budget per 60-second window it has never been told: completes, learns the budget, few 429s, and says so', async () => {
    const budget = 50;
    const run = await simulatedSync(structuredClone(workspace), { rateLimit: { requests: budget } }, ['--rate', 'auto', '--concurrency', '4']);
    expect(run.code, run.stderr).toBe(0);
    const report = run.report!;
    expect(report.complete).toBe(true);
    const accepted = run.sent.filter((s) => s.status !== 429).length;
    // Several windows' worth of requests, so the budget had to be found and then kept to.
    expect(accepted).toBeGreaterThan(3 * budget);
    expect(report.requests.rate).toMatchObject({ mode: 'auto', budgetPerMinute: budget, workspaceLimitHit: false });
    expect(report.requests.rate!.perSecond).toBeCloseTo((budget * 0.99 - 1) / 60, 2);
    // The 429s: those in flight when the first window's budget ran out, none after it.
    const limited = run.sent.filter((s) => s.status === 429);
    expect(report.requests.rateLimited).toBe(limited.length);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeLessThanOrEqual(4);
    expect(run.stats.rateLimitedBy).toEqual({ connection: limited.length, workspace: 0 });
    const firstLimited = Math.min(...limited.map((s) => s.sentAt));
    expect(busiestMinute(run.sent, firstLimited)).toBeLessThanOrEqual(budget);
    // The whole run took about what the budget allows: requests ÷ (budget / 60 s), not more.
    expect(run.elapsedMs).toBeLessThanOrEqual(1.1 * (accepted / (budget / 60)) * 1000);
    expect(run.stderr).toContain(`rate auto: the connection's budget is ${budget} requests per minute, paced at`);

    // The same snapshot as a run the server never held back.
    const free = await simulatedSync(structuredClone(workspace), { rateLimit: false }, ['--rate', '1000', '--concurrency', '4']);
    expect(free.code).toBe(0);
    const pages = (index: string) => (JSON.parse(index) as { pages: Array<{ id: string; path: string }> }).pages.map((p) => `${p.id} ${p.path}`);
    expect(pages(run.index!)).toEqual(pages(free.index!));
    expect(free.report!.requests.rate).toMatchObject({ mode: 'fixed', perSecond: 1000, budgetPerMinute: null });
  });

  it('against a workspace limit lower than the connection budget: completes, and the summary and report say the workspace limit was hit', async () => {
    // The connection may send 300 per minute, but the workspace allows only 50 per 120 s.
    const run = await simulatedSync(
      structuredClone(workspace),
      { rateLimit: { requests: 300 }, workspaceLimit: { requests: 50, windowSeconds: 120 } },
      ['--rate', 'auto', '--concurrency', '4', '--json'],
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { status: string; requests: { rate: Report['requests']['rate'] } };
    expect(summary.status).toBe('complete');
    expect(summary.requests.rate).toMatchObject({ mode: 'auto', workspaceLimitHit: true, budgetPerMinute: null, reasons: { workspace_rate_limit: expect.any(Number) } });
    expect(run.report!.requests.rate).toEqual(summary.requests.rate);
    expect(run.stats.rateLimitedBy.connection).toBe(0);
    // Slowed to below the workspace's 50 per 120 s, and held there: 429s only when it first met the limit.
    expect(summary.requests.rate!.perSecond!).toBeLessThan(50 / 120);
    const limited = run.sent.filter((s) => s.status === 429);
    expect(Math.max(...limited.map((s) => s.sentAt)) - Math.min(...limited.map((s) => s.sentAt))).toBeLessThan(1_000);

    // The same, in words, without --json.
    const text = await simulatedSync(
      structuredClone(workspace),
      { rateLimit: { requests: 300 }, workspaceLimit: { requests: 50, windowSeconds: 120 } },
      ['--rate', 'auto', '--concurrency', '4'],
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/per-workspace limit \(shared with the workspace's other integrations\) was hit, so it slowed down for the rest of the run/);
  });
});
