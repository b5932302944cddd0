import { workspaceKey, type ServerSpec } from './bench-protocol.js';
import { runExportInProcess } from './export-process.js';
import type { ExportMeasurement } from './run-export.js';
import type { Scenario } from './scenarios.js';

/** One named pass/fail fact about a scenario's export. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** A scenario's numbers, as printed and written to the results file. */
export interface ScenarioResult {
  name: string;
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
  serverCpuS: number;
  rssStartMB: number;
  rssPeakMB: number;
  byRoute: Record<string, number>;
  serverByStatus: Record<string, number>;
  warningCount: number;
  warnings: string[];
  error: string | null;
}

/** Clean reference runs, one per workspace recipe, shared between scenarios. */
export type CleanRuns = Map<string, Promise<ExportMeasurement>>;

// A reference run: same workspace, no rate limit, no latency, no faults.
const CLEAN_CLIENT = { rate: 1000, concurrency: 8 };

/** Runs one scenario (plus, if it compares, a clean reference run of its workspace) and checks its export is complete. */
export async function runScenario(scenario: Scenario, token: string, cleanRuns: CleanRuns): Promise<ScenarioResult> {
  const m = await runExportInProcess(scenario.server, scenario.client, token);
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
  if (ws.kind === 'generated' && !ws.databases) {
    checks.push({ name: 'every generated page exported', ok: m.pageIds.length === ws.pages, detail: `${m.pageIds.length} of ${ws.pages} pages` });
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
  return {
    name: scenario.name,
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
    serverCpuS: m.serverCpuMs / 1000,
    rssStartMB: m.usage.rssStartBytes / 2 ** 20,
    rssPeakMB: m.usage.rssPeakBytes / 2 ** 20,
    byRoute: r?.requests.byRoute ?? {},
    serverByStatus: Object.fromEntries(Object.entries(s.requests.byStatus).map(([k, v]) => [String(k), v])),
    warningCount: m.warningCount,
    warnings: m.warnings,
    error: m.error,
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
