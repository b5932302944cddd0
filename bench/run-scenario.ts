import { workspaceKey, type ServerSpec } from './bench-protocol.js';
import { runExportInProcess, type ProfileTarget } from './export-process.js';
import type { HeapSnapshotTaken } from './heap-snapshot-at-publish.js';
import type { ExportMeasurement } from './run-export.js';
import type { Scenario, ScaleScenario } from './scenarios.js';

/** One named pass/fail fact about a scenario's export. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** A scenario's numbers, as printed and written to the results file. */
export interface ScenarioResult {
  name: string;
  /** Which export of a several-export scenario (e.g. "10000p"); absent for single-export scenarios. */
  variant?: string;
  about: string;
  ok: boolean;
  checks: Check[];
  client: { rate: number; concurrency: number };
  server: { rateLimit: ServerSpec['rateLimit']; latencyMs: number; faultRate: number };
  /** Rates are this many times Notion's real ones (wall time shrinks accordingly). */
  timeScale: number;
  /** report.complete as written by the sync. */
  complete: boolean;
  unrendered: number;
  pages: number;
  blocks: number;
  assets: number;
  /** API attempts the exporter sent (retries included). */
  requests: number;
  requestsPerPage: number;
  /** 429 answers the exporter received. */
  rateLimited: number;
  /** 429 answers the server sent (differs from `rateLimited` only if a 429 got lost). */
  serverRateLimited: number;
  retries: number;
  faultsInjected: number;
  fileDownloads: number;
  serverMaxConcurrent: number;
  /** Requests that slept in the pacer (rate or 429 pause). */
  pacerWaits: number;
  /** Pacer waits summed over concurrent callers, so it can exceed the wall time. */
  pacerWaitedS: number;
  wallS: number;
  pagesPerS: number;
  cpuS: number;
  /** Exporter CPU time (user + system, during the sync) per exported page, rows included. */
  cpuMsPerPage: number;
  serverCpuS: number;
  /** The server process's RSS high-water mark: the workspace it generated and serves. */
  serverRssPeakMB: number;
  rssStartMB: number;
  /** The exporter process's RSS high-water mark (exact: VmHWM on Linux), process start included. */
  rssPeakMB: number;
  /** The largest RSS the in-process sampler saw (every 25 ms); at most `rssPeakMB`. */
  rssSampledPeakMB: number;
  /** Node wrote a CPU and a heap profile of this export (`--profile`): its numbers carry the profilers' overhead. */
  profiled: boolean;
  /** The heap snapshot the export process wrote (`--heap-snapshot`); its RSS then counts the snapshots' native memory. */
  heapSnapshot?: HeapSnapshotTaken;
  byRoute: Record<string, number>;
  serverByStatus: Record<string, number>;
  warningCount: number;
  warnings: string[];
  error: string | null;
}

/** Which profiles the measured export processes write, and where (`--profile`, `--heap-snapshot`). */
export type Profiling = Omit<ProfileTarget, 'name'>;

/** Clean reference runs, one per workspace recipe, shared between scenarios. */
export type CleanRuns = Map<string, Promise<ExportMeasurement>>;

// A reference run: same workspace, no rate limit, no latency, no faults.
const CLEAN_CLIENT = { rate: 1000, concurrency: 8 };

/** A run's name in file names: the scenario, and its variant if it has one ("memory-scale-10000p"). */
export function runLabel(run: { name: string; variant?: string }): string {
  return run.variant ? `${run.name}-${run.variant}` : run.name;
}

/**
 * Runs one scenario (plus, if it compares, a clean reference run of its workspace) and checks its
 * export is complete. With `profiling`, the scenario's export process writes its CPU and heap
 * profiles, or a heap snapshot, there (the clean reference run is never profiled).
 */
export async function runScenario(scenario: Scenario, token: string, cleanRuns: CleanRuns, profiling?: Profiling): Promise<ScenarioResult> {
  const profile: ProfileTarget | undefined = profiling ? { ...profiling, name: runLabel(scenario) } : undefined;
  // An export process that dies (out of memory, say) is an incomplete export, not the end of the bench.
  const m = await runExportInProcess(scenario.server, scenario.client, token, profile).catch((err: unknown) => lostExport(err));
  const checks: Check[] = [];
  const r = m.report;
  checks.push({ name: 'sync published a snapshot', ok: m.error === null, detail: m.error ?? `exit code ${m.exitCode}` });
  if (r) {
    checks.push({
      name: 'no failed pages, databases or files',
      ok: r.failures.length === 0 && r.assetFailures.length === 0,
      detail: `${r.failures.length} failures, ${r.assetFailures.length} asset failures${firstFailure(r)}`,
    });
  }

  const ws = scenario.server.workspace;
  if (ws.kind === 'generated') {
    // Database rows are pages too (index.json lists them with the others).
    const expected = ws.pages + (ws.databases ?? 0) * (ws.rowsPerDatabase ?? 20);
    const rows = ws.databases ? ` (${ws.pages} pages + ${expected - ws.pages} rows)` : ' pages';
    checks.push({ name: 'every generated page exported', ok: m.pageIds.length === expected, detail: `${m.pageIds.length} of ${expected}${rows}` });
  }
  if (scenario.compareWithCleanRun) {
    const key = workspaceKey(ws);
    let clean = cleanRuns.get(key);
    if (!clean) {
      clean = runExportInProcess({ workspace: ws, rateLimit: false, latencyMs: 0 }, CLEAN_CLIENT, token);
      cleanRuns.set(key, clean);
    }
    const reference = await clean;
    checks.push(comparePages(m, reference));
    // Blocks the API cannot deliver (e.g. buttons, as "unsupported") belong to the workspace, not the run:
    // the run is as complete as it can be when it reports exactly the clean run's.
    if (r) checks.push(compareUnrendered(r, reference));
  } else if (r) {
    checks.push({ name: 'report.complete', ok: r.complete, detail: r.complete ? 'complete' : `${r.unrendered.length} unrendered blocks${r.unrendered[0] ? `; first: ${r.unrendered[0].reason}` : ''}` });
  }

  const s = m.server;
  const pages = m.pageIds.length;
  const requests = r?.requests.total ?? 0;
  const wallS = m.usage.wallMs / 1000;
  const mb = (bytes: number) => bytes / 2 ** 20;
  return {
    name: scenario.name,
    ...(scenario.variant ? { variant: scenario.variant } : {}),
    about: scenario.about,
    ok: checks.every((c) => c.ok),
    checks,
    client: scenario.client,
    server: { rateLimit: scenario.server.rateLimit, latencyMs: scenario.server.latencyMs, faultRate: scenario.server.faults?.rate ?? 0 },
    timeScale: scenario.timeScale,
    complete: r?.complete ?? false,
    unrendered: r?.unrendered.length ?? 0,
    pages,
    blocks: r?.counts.blocks ?? 0,
    assets: r?.counts.assets ?? 0,
    requests,
    requestsPerPage: pages > 0 ? requests / pages : 0,
    rateLimited: r?.requests.rateLimited ?? 0,
    serverRateLimited: s.rateLimited,
    retries: r?.requests.retries ?? 0,
    faultsInjected: s.faultsInjected,
    fileDownloads: s.fileDownloads,
    serverMaxConcurrent: s.maxConcurrent,
    pacerWaits: m.pacerWaits,
    pacerWaitedS: m.pacerWaitedMs / 1000,
    wallS,
    pagesPerS: wallS > 0 ? pages / wallS : 0,
    cpuS: m.usage.cpuMs / 1000,
    cpuMsPerPage: pages > 0 ? m.usage.cpuMs / pages : 0,
    serverCpuS: m.serverCpuMs / 1000,
    serverRssPeakMB: mb(m.serverRssPeakBytes),
    rssStartMB: mb(m.usage.rssStartBytes),
    rssPeakMB: mb(Math.max(m.usage.rssHighWaterBytes, m.usage.rssPeakBytes)),
    rssSampledPeakMB: mb(m.usage.rssPeakBytes),
    profiled: profiling !== undefined,
    ...(m.heapSnapshot ? { heapSnapshot: m.heapSnapshot } : {}),
    byRoute: r?.requests.byRoute ?? {},
    serverByStatus: Object.fromEntries(Object.entries(s.requests.byStatus).map(([k, v]) => [String(k), v])),
    warningCount: m.warningCount,
    warnings: m.warnings,
    error: m.error,
  };
}

/** One target of a scale scenario, held against what the large run measured. */
export interface TargetResult {
  scenario: string;
  name: string;
  /** e.g. "≤ 300 MB". */
  target: string;
  /** e.g. "2134 MB". */
  measured: string;
  value: number;
  limit: number;
  /** Within the target; false as well when not judged. */
  pass: boolean;
  /** Both exports were complete, so their numbers mean something. */
  judged: boolean;
}

/** What a scale scenario measured: one result per export, and its targets. */
export interface ScaleResult {
  results: ScenarioResult[];
  targets: TargetResult[];
  /** Peak RSS of the large run over the small run's. */
  rssGrowth: number;
}

/**
 * Runs a scale scenario's exports one after the other, each in a fresh process (so one's heap
 * never counts towards the other's peak), and holds the large run against the targets. Targets
 * are only judged when both exports are complete: a partial export's numbers mean nothing.
 */
export async function runScaleScenario(scenario: ScaleScenario, token: string, cleanRuns: CleanRuns, profiling?: Profiling, onRun?: (r: ScenarioResult) => void): Promise<ScaleResult> {
  const results: ScenarioResult[] = [];
  for (const run of scenario.runs) {
    const r = await runScenario(run, token, cleanRuns, profiling);
    results.push(r);
    onRun?.(r);
  }
  const [small, large] = results as [ScenarioResult, ScenarioResult];
  const rssGrowth = small.rssPeakMB > 0 ? large.rssPeakMB / small.rssPeakMB : 0;
  const t = scenario.targets;
  const judged = small.ok && large.ok;
  const target = (name: string, value: number, limit: number, show: (n: number) => string): TargetResult => ({
    scenario: scenario.name,
    name,
    target: `≤ ${show(limit)}`,
    measured: show(value),
    value,
    limit,
    pass: judged && value <= limit,
    judged,
  });
  const targets = [
    target(`peak RSS of the ${large.variant} export`, large.rssPeakMB, t.rssPeakMB, (n) => `${n.toFixed(0)} MB`),
    target(`peak RSS ${large.variant} / ${small.variant}`, rssGrowth, t.rssGrowth, (n) => `${n.toFixed(2)} ×`),
    target(`CPU per page of the ${large.variant} export`, large.cpuMsPerPage, t.cpuMsPerPage, (n) => `${n.toFixed(2)} ms`),
  ];
  return { results, targets, rssGrowth };
}

/** What is known of an export whose process died before it reported: nothing but the error. */
function lostExport(err: unknown): ExportMeasurement {
  return {
    error: err instanceof Error ? err.message : String(err),
    exitCode: null,
    report: null,
    pageIds: [],
    pacerWaitedMs: 0,
    pacerWaits: 0,
    usage: { wallMs: 0, cpuMs: 0, rssStartBytes: 0, rssPeakBytes: 0, rssHighWaterBytes: 0 },
    server: { requests: { byRoute: {}, byStatus: {}, total: 0 }, maxConcurrent: 0, rateLimited: 0, rateLimitedBy: { connection: 0, workspace: 0 }, faultsInjected: 0, fileDownloads: 0 },
    serverCpuMs: 0,
    serverRssPeakBytes: 0,
    warnings: [],
    warningCount: 0,
  };
}

function firstFailure(r: NonNullable<ExportMeasurement['report']>): string {
  const first = r.failures[0]?.message ?? r.assetFailures[0]?.reason;
  return first ? `; first: ${first}` : '';
}

/** The page ids of `m` against those of the clean run, naming a few that differ. */
function comparePages(m: ExportMeasurement, clean: ExportMeasurement): Check {
  const name = 'same pages as a clean run';
  if (clean.error !== null || !clean.report || clean.report.failures.length > 0) {
    const why = clean.error ?? `${clean.report?.failures.length ?? 0} failures${clean.report ? firstFailure(clean.report) : ''}`;
    return { name, ok: false, detail: `the clean reference run itself failed: ${why}` };
  }
  const mine = new Set(m.pageIds);
  const theirs = new Set(clean.pageIds);
  const missing = clean.pageIds.filter((id) => !mine.has(id));
  const extra = m.pageIds.filter((id) => !theirs.has(id));
  const ok = missing.length === 0 && extra.length === 0;
  const sample = (ids: string[]) => ids.slice(0, 3).join(', ') + (ids.length > 3 ? ', …' : '');
  const detail = ok
    ? `${m.pageIds.length} = ${clean.pageIds.length} pages`
    : `${m.pageIds.length} vs ${clean.pageIds.length} pages` +
      (missing.length ? `; missing ${missing.length}: ${sample(missing)}` : '') +
      (extra.length ? `; extra ${extra.length}: ${sample(extra)}` : '');
  return { name, ok, detail };
}

/** The blocks `r` could not render against those of the clean run, by page and block id. */
function compareUnrendered(r: NonNullable<ExportMeasurement['report']>, clean: ExportMeasurement): Check {
  const name = 'unrendered blocks as in a clean run';
  const key = (u: { pageId: string; blockId: string }) => `${u.pageId}/${u.blockId}`;
  const mine = r.unrendered.map(key).sort();
  const theirs = (clean.report?.unrendered ?? []).map(key).sort();
  const ok = clean.report !== null && mine.join() === theirs.join();
  const types = [...new Set(r.unrendered.map((u) => u.type))].join(', ');
  return {
    name,
    ok,
    detail: ok
      ? `${mine.length} reported by page and block id${types ? ` (${types})` : ''}, same as the clean run`
      : `${mine.length} here vs ${theirs.length} in the clean run`,
  };
}
