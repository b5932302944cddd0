// The incremental scenario: what a nightly sync costs when little or nothing changed, against
// the full export it replaces. The syncs run in this process, one after another, into one
// output directory; the server runs in its own process and edits pages between them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncStatePath, type SyncState } from '../src/publish/sync-state.js';
import { runSync } from '../src/run-sync.js';
import { benchConfig } from './run-export.js';
import type { TargetResult } from './run-scenario.js';
import type { IncrementalScenario } from './scenarios.js';
import { startServerProcess } from './server-process.js';

/** One sync of the scenario. */
export interface IncrementalRun {
  run: 'full' | 'no change' | string;
  mode: 'full' | 'incremental';
  published: boolean;
  pages: number;
  pagesReused: number;
  requests: number;
  requestsSaved: number;
  filesLinked: number;
  wallS: number;
  cpuS: number;
  /** How long the requests take at Notion's average of 3 per second. */
  atNotionRateS: number;
  exitCode: number;
}

export interface IncrementalResult {
  name: string;
  about: string;
  runs: IncrementalRun[];
  targets: TargetResult[];
}

const NOTION_RATE = 3;

/** The syncs run a day apart on their own clock (the server's edits keep the real time): every edit is older than the next run's minute. */
const DAY_MS = 24 * 3600_000;

export async function runIncrementalScenario(scenario: IncrementalScenario, token: string): Promise<IncrementalResult> {
  const server = await startServerProcess({ workspace: scenario.workspace, rateLimit: false, latencyMs: 0, bumps: scenario.bumps }, token);
  const dir = await mkdtemp(join(tmpdir(), 'notion-kb-bench-incremental-'));
  try {
    const config = benchConfig(server.baseUrl, dir, scenario.client, token);
    let night = 0;
    const sync = async (run: string): Promise<IncrementalRun> => {
      const offset = ++night * DAY_MS;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const outcome = await runSync({ config, now: () => new Date(Date.now() + offset) });
      const used = process.cpuUsage(cpu);
      const r = outcome.report;
      return {
        run,
        mode: outcome.mode,
        published: !outcome.unchanged,
        pages: r.counts.pages,
        pagesReused: r.counts.pagesReused ?? 0,
        requests: r.requests.total,
        requestsSaved: r.requests.saved ?? 0,
        filesLinked: r.counts.filesLinked ?? 0,
        wallS: (performance.now() - started) / 1000,
        cpuS: (used.user + used.system) / 1e6,
        atNotionRateS: r.requests.total / NOTION_RATE,
        exitCode: outcome.exitCode,
      };
    };
    const readState = async () => JSON.parse(await readFile(syncStatePath(dir), 'utf8')) as SyncState;
    const full = await sync('full');
    const noChange = await sync('no change');
    let state = await readState();
    const edited = await server.edit(scenario.changed);
    // What those pages cost when they were fetched in full.
    const need = edited.reduce((n, id) => n + (state.pages[id]?.requests ?? 0), 0);
    const changed = await sync(`${(scenario.changed * 100).toFixed(0)}% changed (${edited.length} pages)`);
    const afterEdits = await sync('no change, after the edits');

    // Structural changes: what must be fetched again whatever Notion bumps (the server bumps
    // `scenario.bumps`): each moved page and every parent involved (their content), each page
    // pointing at a trashed one (its content and a pages.retrieve), a check of each trashed page,
    // and each new page (one block listing; search gives its object).
    state = await readState();
    const moves = Math.max(1, Math.round((full.pages * scenario.changed) / 3));
    const restructured = await server.restructure(moves);
    const content = (id: string) => state.pages[id]?.requests ?? 0;
    const structuralNeed =
      [...restructured.moved, ...restructured.parents].reduce((n, id) => n + content(id), 0) +
      restructured.referrers.reduce((n, id) => n + content(id) + 1, 0) +
      restructured.trashed.length +
      restructured.created.length;
    const structural = await sync(`structural (${moves} moved, ${moves} trashed, ${moves} new)`);
    const afterStructural = await sync('no change, after the trash');

    const runs = [full, noChange, changed, afterEdits, structural, afterStructural];
    const judged = runs.every((r) => r.exitCode === 0);
    const bound = Math.ceil(full.pages / 100) + (await databaseCount(dir)) + 2;
    const target = (name: string, value: number, limit: number, unit = ' requests'): TargetResult => ({
      scenario: scenario.name,
      name,
      target: `≤ ${Math.floor(limit)}${unit}`,
      measured: `${value}${unit}`,
      value,
      limit,
      pass: judged && value <= limit,
      judged,
    });
    return {
      name: scenario.name,
      about: scenario.about,
      runs,
      targets: [
        target('no-change sync (⌈pages ÷ 100⌉ + databases + 2)', noChange.requests, bound),
        target(`1%-changed sync (1.1 × (${need} for the edited pages + ${noChange.requests}))`, changed.requests, 1.1 * (need + noChange.requests)),
        target('no-change sync after the edits, a day later (⌈pages ÷ 100⌉ + databases + 2)', afterEdits.requests, bound),
        target(
          `structural sync (1.1 × (${structuralNeed} for moved pages, parents, referrers, trashed and new pages + ${noChange.requests}))`,
          structural.requests,
          1.1 * (structuralNeed + noChange.requests),
        ),
        target('no-change sync after the trash, a day later (⌈pages ÷ 100⌉ + databases + 2)', afterStructural.requests, bound),
        { ...target('no-change sync publishes nothing', noChange.published ? 1 : 0, 0, ' snapshots'), target: 'no snapshot', measured: noChange.published ? 'a snapshot' : 'no snapshot' },
      ],
    };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function databaseCount(dir: string): Promise<number> {
  const latest = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8')) as { path: string };
  const report = JSON.parse(await readFile(join(dir, latest.path, 'report.json'), 'utf8')) as { counts: { databases: number } };
  return report.counts.databases;
}

/** The runs as a text table. */
export function formatIncremental(result: IncrementalResult): string {
  const header = ['run', 'mode', 'published', 'pages', 'from cache', 'requests', 'saved', 'files linked', 'wall s', 'cpu s', 'at 3 req/s'];
  const rows = result.runs.map((r) => [
    r.run,
    r.mode,
    r.published ? 'yes' : 'no',
    String(r.pages),
    String(r.pagesReused),
    String(r.requests),
    String(r.requestsSaved),
    String(r.filesLinked),
    r.wallS.toFixed(1),
    r.cpuS.toFixed(1),
    formatDuration(r.atNotionRateS),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function formatDuration(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
