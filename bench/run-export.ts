import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDefaults, type Config } from '../src/config/config-schema.js';
import type { Index, Report } from '../src/normalise/schemas.js';
import type { ServerStats } from '../src/notion-server/server.js';
import { runSync, type SyncProgress } from '../src/run-sync.js';
import type { ServerSpec } from './bench-protocol.js';
import type { HeapSnapshotTaken } from './heap-snapshot-at-publish.js';
import { startResourceSampler, type ResourceUsage } from './resource-sampler.js';
import { startServerProcess } from './server-process.js';

/** Everything one export against one bench server measured. */
export interface ExportMeasurement {
  /** The sync threw before publishing (then `report` is null). */
  error: string | null;
  exitCode: number | null;
  report: Report | null;
  /** Exported page ids (rows included), sorted; empty if the sync threw. */
  pageIds: string[];
  /** Pacer waits (rate pacing and Retry-After pauses) summed over callers, in ms. */
  pacerWaitedMs: number;
  /** Requests that had to sleep in the pacer (for the rate or a 429 pause). */
  pacerWaits: number;
  usage: ResourceUsage;
  server: ServerStats;
  serverCpuMs: number;
  /** The server process's RSS high-water mark (the generated workspace lives there, not in the exporter). */
  serverRssPeakBytes: number;
  /** The first few warnings the sync logged (already redacted), for a failing scenario's diagnosis. */
  warnings: string[];
  warningCount: number;
  /** The heap snapshot this export process wrote (`--heap-snapshot`). */
  heapSnapshot?: HeapSnapshotTaken;
}

const MAX_KEPT_WARNINGS = 5;

/**
 * Starts a bench server for `server`, runs one full sync against it over loopback HTTP into a
 * fresh temp directory, measures it, and removes the directory and the server again.
 */
export async function runExport(
  server: ServerSpec,
  client: { rate: number; concurrency: number },
  token: string,
  /** Told each time the sync enters another phase (crawl, assets, write, publish). */
  onPhase?: (phase: SyncProgress['phase']) => void,
): Promise<ExportMeasurement> {
  const proc = await startServerProcess(server, token);
  const dir = await mkdtemp(join(tmpdir(), 'notion-kb-bench-'));
  try {
    const config = benchConfig(proc.baseUrl, dir, client, token);
    const warnings: string[] = [];
    let warningCount = 0;
    let last: SyncProgress | null = null;
    const sampler = startResourceSampler();
    let error: string | null = null;
    let exitCode: number | null = null;
    let report: Report | null = null;
    let pageIds: string[] = [];
    let usage: ResourceUsage;
    try {
      const outcome = await runSync({
        config,
        onProgress: (p) => {
          if (p.phase !== (last as SyncProgress | null)?.phase) onPhase?.(p.phase);
          last = p;
        },
        log: (level, message) => {
          if (level !== 'warn') return;
          warningCount++;
          if (warnings.length < MAX_KEPT_WARNINGS) warnings.push(message.split(token).join('<token>'));
        },
      });
      usage = sampler.stop();
      exitCode = outcome.exitCode;
      report = outcome.report;
      const index = JSON.parse(await readFile(join(outcome.snapshotDir, 'index.json'), 'utf8')) as Index;
      pageIds = index.pages.map((p) => p.id).sort();
    } catch (err) {
      usage = sampler.stop();
      error = (err instanceof Error ? err.message : String(err)).split(token).join('<token>');
    }
    const { stats, cpuMs, rssPeakBytes } = await proc.stats();
    const final = last as SyncProgress | null;
    const pacerWaitedMs = final?.waitedMs ?? 0;
    const pacerWaits = final?.waitsForRate ?? 0;
    return { error, exitCode, report, pageIds, pacerWaitedMs, pacerWaits, usage, server: stats, serverCpuMs: cpuMs, serverRssPeakBytes: rssPeakBytes, warnings, warningCount };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await proc.stop();
  }
}

/** The config of a bench sync: defaults, the bench server, the client's rate and concurrency, `dir` as output. */
export function benchConfig(baseUrl: string, dir: string, client: { rate: number | 'auto'; concurrency: number }, token: string): Config {
  const defaults = configDefaults();
  return {
    ...defaults,
    token,
    notion: { ...defaults.notion, baseUrl },
    output: { ...defaults.output, dir },
    requests: { ...defaults.requests, rate: client.rate, concurrency: client.concurrency },
    // The demo's external files sit on fictional hosts: keep them as links, no traffic off this machine.
    assets: { ...defaults.assets, external: 'none' },
  };
}
