import { join } from 'node:path';
import { AssetCollector } from './assets/asset-collector.js';
import { AssetStore } from './assets/asset-store.js';
import type { Config } from './config/config-schema.js';
import { NotionKbError } from './errors.js';
import { buildJsonSchemas } from './normalise/json-schema.js';
import type { Report } from './normalise/schemas.js';
import { buildHistoryFiles } from './publish/history-files.js';
import { nodeOutputFs, type OutputFs } from './publish/output-fs.js';
import { PageSpool } from './publish/page-spool.js';
import { PlanInputBuilder, planPaths } from './publish/plan-paths.js';
import { writeSnapshotFiles } from './publish/write-snapshot-files.js';
import { canonicalJson } from './render/json/canonical-json.js';
import type { CrawledDatabase } from './source/crawl-types.js';
import { createStaging, listSnapshots, lockOutput, newSnapshotId, publishSnapshot, removeStaleStaging, writeFiles, writeManifest } from './publish/write-snapshot.js';
import { crawlWorkspace, type CrawlProgress } from './source/crawl.js';
import type { SyncEffects } from './source/effects.js';
import { createNotionGateway, type GatewayStats } from './source/notion-gateway.js';
import type { Limiter } from './source/pacer.js';

/** Progress of a run, for the terminal. */
export interface SyncProgress extends CrawlProgress {
  phase: 'crawl' | 'assets' | 'write' | 'publish';
  requests: number;
  rateLimited: number;
  /** Requests that waited for the rate limit so far, and their waiting summed over callers. */
  waitsForRate: number;
  waitedMs: number;
  assetsDone: number;
  /** Pages written so far in the write phase (the render pass), one at a time. */
  pagesWritten?: number;
}

/** Everything effectful a sync needs, handed in from the CLI (or a test). */
export interface SyncDeps {
  config: Config;
  /** The run's clock (snapshot id, report times). */
  now?: () => Date;
  log?: (level: 'info' | 'warn' | 'debug', message: string) => void;
  onProgress?: (p: SyncProgress) => void;
  /** Clock, timers, fetch and jitter of the run (default: the real ones); `now` defaults to its clock. */
  effects?: SyncEffects;
  /** The output file system (default: the real one). */
  fs?: OutputFs;
  /** The run's one limiter (rate, concurrency, the pause after a 429); default: built from the config. */
  limiter?: Limiter;
}

export interface SyncOutcome {
  /** 0 complete, 3 published with failures. (Failures before publishing throw.) */
  exitCode: 0 | 3;
  snapshotId: string;
  snapshotDir: string;
  report: Report;
}

/**
 * One full sync: crawl everything, download every file while its URL is fresh, render and
 * normalise, write the snapshot into a staging directory, hash it, then publish it by
 * rename and move latest.json last. Anything that throws before the rename leaves the
 * previous snapshot and latest.json untouched (the staging directory is removed).
 */
export async function runSync(deps: SyncDeps): Promise<SyncOutcome> {
  const { config } = deps;
  const clock = deps.effects?.clock;
  const now = deps.now ?? (clock ? () => new Date(clock.now()) : () => new Date());
  const log = deps.log ?? (() => {});
  if (!config.token) {
    throw new NotionKbError(
      'config',
      'NOTION_TOKEN is not set. Create an internal integration at https://www.notion.so/profile/integrations, share your wiki pages with it, then: export NOTION_TOKEN=<its secret>',
    );
  }
  const startedAt = now();
  const outDir = config.output.dir;
  const fs = deps.fs ?? nodeOutputFs;
  const lock = await lockOutput(outDir, fs);
  try {
    // Under the lock: the new id sorts after every snapshot already there.
    const snapshotId = newSnapshotId(startedAt, await listSnapshots(outDir, fs));
    return await syncLocked(deps, { token: config.token, now, log, startedAt, snapshotId, outDir, fs });
  } finally {
    await lock.release();
  }
}

async function syncLocked(
  deps: SyncDeps,
  run: { token: string; now: () => Date; log: NonNullable<SyncDeps['log']>; startedAt: Date; snapshotId: string; outDir: string; fs: OutputFs },
): Promise<SyncOutcome> {
  const { config } = deps;
  const { token, now, log, startedAt, snapshotId, outDir, fs } = run;
  await fs.mkdir(join(outDir, 'snapshots'), { recursive: true });
  await removeStaleStaging(outDir, undefined, fs);
  const staging = await createStaging(outDir, snapshotId, fs);

  const gateway = createNotionGateway({
    token,
    baseUrl: config.notion.baseUrl,
    rate: config.requests.rate,
    concurrency: config.requests.concurrency,
    timeoutMs: config.requests.timeoutMs,
    retry: { maxAttempts: config.requests.maxAttempts, giveUpAfterMs: config.requests.giveUpAfterMs },
    downloadConcurrency: config.assets.concurrency,
    effects: deps.effects,
    ...(deps.limiter ? { limiter: deps.limiter } : {}),
    logger: (level, message) => {
      if (level === 'warn' || level === 'error') log('warn', message);
      else log('debug', message);
    },
  });

  const store = new AssetStore(staging, fs);
  const collector = new AssetCollector({
    downloader: { fetchBinary: (url, o) => gateway.fetchBinary(url, { maxBytes: o.maxBytes, timeoutMs: config.assets.timeoutMs }) },
    refetcher: gateway,
    store,
    policy: { external: config.assets.external, maxBytes: config.assets.maxBytes, concurrency: config.assets.concurrency },
  });

  let phase: SyncProgress['phase'] = 'crawl';
  let crawlProgress: CrawlProgress = { pagesFound: 0, pagesDone: 0, databasesFound: 0, databasesDone: 0 };
  let pagesWritten: number | undefined;
  const emit = () => {
    const s = gateway.stats();
    deps.onProgress?.({
      ...crawlProgress,
      phase,
      requests: s.total,
      rateLimited: s.rateLimited,
      waitsForRate: s.waitsForRate,
      waitedMs: s.waitedMs,
      assetsDone: store.size,
      ...(pagesWritten === undefined ? {} : { pagesWritten }),
    });
  };

  const spool = await PageSpool.create(`${staging}.spool`, fs);
  const summaries = new PlanInputBuilder();
  const databases = new Map<string, CrawledDatabase>();
  try {
    // 1. Crawl: each page is parked in the spool as soon as its tree is fetched; only a summary stays.
    const crawl = await crawlWorkspace({
      reader: gateway,
      roots: config.notion.roots,
      onFile: (ref) => collector.add(ref),
      onPage: async (unit) => {
        summaries.addPage(unit);
        await spool.put(unit);
      },
      onDatabase: async (unit) => {
        summaries.addDatabase(unit);
        databases.set(unit.database.id, unit);
      },
      onProgress: (p) => {
        crawlProgress = p;
        emit();
      },
    });
    phase = 'assets';
    emit();
    await collector.drain();
    if (summaries.nodes.size === 0) {
      const why = crawl.failures.length > 0 ? crawl.failures.map((f) => f.message).join('; ') : 'nothing is shared with the integration';
      const sharingHint = crawl.failures.every((f) => f.code === 'root_not_found')
        ? ' In Notion, open each top-level page → ••• → Connections → add your integration.'
        : '';
      throw new NotionKbError('not_found', `Nothing to export: ${why}.${sharingHint}`);
    }

    // 2. Plan every path from the summaries, then 3. render and write page by page.
    phase = 'write';
    emit();
    const plan = planPaths(summaries.build());
    const content = await writeSnapshotFiles({ staging, spool, plan, headingAnchors: summaries.headingAnchors(), found: summaries.nodes, databases, crawl, assets: collector.outcomes, snapshotId, createdAt: startedAt.toISOString(),
      fs,
      onPageWritten: (n) => {
        pagesWritten = n;
        emit();
      },
    });
    await spool.remove();
    for (const [name, schema] of Object.entries(buildJsonSchemas())) content.files.set(`schema/${name}`, canonicalJson(schema));
    await writeFiles(staging, content.files, fs);
    // 4. What changed since the previous latest snapshot: changes.json, CHANGELOG.md, redirects.json.
    const history = await buildHistoryFiles({ outDir, staging, fs, after: content.state });
    await writeFiles(staging, history.files, fs);
    if (history.warning) log('warn', history.warning.message);

    const stats: GatewayStats = gateway.stats();
    const finishedAt = now();
    const failures = crawl.failures.map((f) => ({
      code: f.code,
      message: f.message,
      ...(f.pageId ? { pageId: f.pageId } : {}),
      ...(f.blockId ? { blockId: f.blockId } : {}),
      ...(f.databaseId ? { databaseId: f.databaseId } : {}),
    }));
    const warnings = [...crawl.warnings, ...content.warnings, ...(history.warning ? [history.warning] : [])].map((w) => ({
      code: w.code,
      message: w.message,
      ...(w.pageId ? { pageId: w.pageId } : {}),
      ...(w.blockId ? { blockId: w.blockId } : {}),
    }));
    const assetBytes = [...collector.outcomes.values()].reduce(
      (acc, o) => (o.kind === 'stored' && !acc.seen.has(o.asset.path) ? (acc.seen.add(o.asset.path), { seen: acc.seen, bytes: acc.bytes + o.asset.bytes }) : acc),
      { seen: new Set<string>(), bytes: 0 },
    ).bytes;
    const report: Report = {
      snapshotId,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
      complete: failures.length === 0 && content.assetFailures.length === 0,
      counts: { ...content.counts, assets: store.size, assetBytes },
      requests: { total: stats.total, byRoute: stats.byRoute, retries: stats.retries, rateLimited: stats.rateLimited, waitedMs: Math.round(stats.waitedMs + stats.retryWaitedMs) },
      warnings,
      failures,
      unrendered: content.unrendered,
      unresolvedLinks: content.unresolvedLinks,
      assetFailures: content.assetFailures,
      changes: history.changes,
    };
    await fs.writeFile(join(staging, 'report.json'), canonicalJson(report));
    await writeManifest(staging, fs);

    phase = 'publish';
    emit();
    const snapshotDir = await publishSnapshot(outDir, staging, snapshotId, fs);
    log('info', `published snapshot ${snapshotId}`);
    // A file that could not be downloaded is lost for good once Notion's URL expires: partial.
    return { exitCode: report.complete ? 0 : 3, snapshotId, snapshotDir, report };
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true });
    await spool.remove();
    throw err;
  }
}
