// The rate-auto scenario: `notion-kb export --rate auto` against Notion's newer per-connection
// limit, a budget of requests per 60-second window, on the real clock. The exporter is never told
// the budget. For each budget: how long the export took against the ideal (its requests spent at
// exactly the budget), the 429s it got per window, and the budget it found. The exports run in
// this process, one after another; the server runs in its own process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExport } from '../src/run-export.js';
import { benchConfig } from './run-export.js';
import type { TargetResult } from './run-scenario.js';
import type { RateAutoScenario } from './scenarios.js';
import { startServerProcess } from './server-process.js';

/** One export against one budget. */
export interface RateAutoRun {
  /** The server's budget per 60-second window (never given to the exporter). */
  budgetPerMinute: number;
  pages: number;
  /** API requests Notion accepted: what the budget paid for. */
  requests: number;
  rateLimited: number;
  /** The whole export: the full sync with comments and the site, and the bundle. */
  wallS: number;
  /** `requests ÷ (budget / 60 s)`: the time the requests take spent at exactly the budget. */
  idealS: number;
  ratio: number;
  /** 60-second windows the export spanned (started ones count whole). */
  windows: number;
  rateLimitedPerWindow: number;
  /** What the exporter found (report.json `requests.rate.budgetPerMinute`). */
  budgetFound: number | null;
  /** The pace it settled on, requests per second. */
  pacePerSecond: number | null;
  exitCode: number | null;
  error: string | null;
}

export interface RateAutoResult {
  name: string;
  about: string;
  runs: RateAutoRun[];
  targets: TargetResult[];
}

export async function runRateAutoScenario(scenario: RateAutoScenario, token: string, onRun?: (run: RateAutoRun) => void): Promise<RateAutoResult> {
  const runs: RateAutoRun[] = [];
  for (const { budgetPerMinute, workspace } of scenario.runs) {
    const server = await startServerProcess({ workspace, rateLimit: { requests: budgetPerMinute }, latencyMs: scenario.latencyMs }, token);
    const dir = await mkdtemp(join(tmpdir(), 'notion-kb-bench-rate-auto-'));
    try {
      const config = benchConfig(server.baseUrl, dir, { rate: 'auto', concurrency: scenario.concurrency }, token);
      const started = performance.now();
      let run: RateAutoRun;
      try {
        const outcome = await runExport({ config, format: 'zip', version: 'bench', name: 'bench' });
        const wallS = (performance.now() - started) / 1000;
        const r = outcome.report;
        const requests = r.requests.total - r.requests.rateLimited;
        const idealS = requests / (budgetPerMinute / 60);
        const windows = Math.ceil(wallS / 60);
        run = {
          budgetPerMinute,
          pages: r.counts.pages,
          requests,
          rateLimited: r.requests.rateLimited,
          wallS,
          idealS,
          ratio: wallS / idealS,
          windows,
          rateLimitedPerWindow: r.requests.rateLimited / windows,
          budgetFound: r.requests.rate?.budgetPerMinute ?? null,
          pacePerSecond: r.requests.rate?.perSecond ?? null,
          exitCode: outcome.exitCode,
          error: null,
        };
      } catch (err) {
        const wallS = (performance.now() - started) / 1000;
        run = {
          budgetPerMinute,
          pages: 0,
          requests: 0,
          rateLimited: 0,
          wallS,
          idealS: 0,
          ratio: 0,
          windows: 0,
          rateLimitedPerWindow: 0,
          budgetFound: null,
          pacePerSecond: null,
          exitCode: null,
          error: (err instanceof Error ? err.message : String(err)).split(token).join('<token>'),
        };
      }
      runs.push(run);
      onRun?.(run);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { name: scenario.name, about: scenario.about, runs, targets: runs.flatMap((run) => targetsOf(scenario.name, run)) };
}

function targetsOf(scenario: string, run: RateAutoRun): TargetResult[] {
  const judged = run.exitCode === 0;
  const at = `at ${run.budgetPerMinute}/min`;
  const found = run.budgetFound ?? 0;
  return [
    {
      scenario,
      name: `export time ÷ (requests ÷ budget) ${at}`,
      target: '≤ 1.10 ×',
      measured: `${run.ratio.toFixed(3)} × (${run.wallS.toFixed(1)} s for ${run.requests} requests; ideal ${run.idealS.toFixed(1)} s)`,
      value: run.ratio,
      limit: 1.1,
      pass: judged && run.ratio <= 1.1,
      judged,
    },
    {
      scenario,
      name: `429s per 60-second window ${at}`,
      target: '≤ 1 on average',
      measured: `${run.rateLimitedPerWindow.toFixed(2)} (${run.rateLimited} in ${run.windows} windows)`,
      value: run.rateLimitedPerWindow,
      limit: 1,
      pass: judged && run.rateLimitedPerWindow <= 1,
      judged,
    },
    {
      // Never configured: within 2 % of the server's, and never above it.
      scenario,
      name: `budget found ${at}`,
      target: `${Math.ceil(run.budgetPerMinute * 0.98)}–${run.budgetPerMinute}`,
      measured: run.budgetFound === null ? 'none' : `${run.budgetFound}/min`,
      value: Math.abs(run.budgetPerMinute - found) / run.budgetPerMinute,
      limit: 0.02,
      pass: judged && found <= run.budgetPerMinute && found >= run.budgetPerMinute * 0.98,
      judged,
    },
  ];
}

/** The runs as a text table. */
export function formatRateAuto(result: RateAutoResult): string {
  const header = ['budget/min', 'pages', 'requests', '429s', 'windows', '429s/window', 'wall s', 'ideal s', 'ratio', 'budget found', 'pace/s'];
  const rows = result.runs.map((r) =>
    r.error !== null
      ? [String(r.budgetPerMinute), `FAILED: ${r.error}`]
      : [
          String(r.budgetPerMinute),
          String(r.pages),
          String(r.requests),
          String(r.rateLimited),
          String(r.windows),
          r.rateLimitedPerWindow.toFixed(2),
          r.wallS.toFixed(1),
          r.idealS.toFixed(1),
          r.ratio.toFixed(3),
          r.budgetFound === null ? 'none' : String(r.budgetFound),
          r.pacePerSecond === null ? '-' : r.pacePerSecond.toFixed(2),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row.length > 2 ? row[i]!.length : 0))));
  const line = (cells: string[]) => cells.map((c, i) => (cells.length === 2 && i === 1 ? c : i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
