import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AssetCollector } from './assets/asset-collector.js';
import { AssetStore } from './assets/asset-store.js';
import type { Config } from './config/config-schema.js';
import { NotionKbError } from './errors.js';
import { buildJsonSchemas } from './normalise/json-schema.js';
import type { Report } from './normalise/schemas.js';
import { buildHistoryFiles } from './publish/history-files.js';
import { nodeOutputFs, type OutputFs } from './publish/output-fs.js';
import { PlanInputBuilder, planPaths } from './publish/plan-paths.js';
import { writeSnapshotFiles } from './publish/write-snapshot-files.js';
import { writeSite } from './publish/write-site.js';
import { canonicalJson } from './render/json/canonical-json.js';
import type { CrawledDatabase } from './source/crawl-types.js';
import {
  createStaging,
  listSnapshots,
  lockOutput,
  newSnapshotId,
  publishSnapshot,
  readLatest,
  readManifestHashes,
  removeStaleStaging,
  writeFiles,
  writeManifest,
  type FileReuse,
} from './publish/write-snapshot.js';
import { configKey, fileIdentity, previousCrawl, readSyncState, STATE_DIR, syncedBlocksOf, writeSyncState, type PageState, type SyncState } from './publish/sync-state.js';
import { sameContent } from './publish/same-content.js';
import { RunPrivacy } from './publish/run-privacy.js';
import { keptProgress, RunProgress } from './publish/run-progress.js';
import type { AssetOutcome } from './assets/asset-collector.js';
import { archiveSnapshot, type GitArchiveResult } from './publish/git-archive.js';
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
  /** Crawl everything even when the sync state allows an incremental run (`--full`). */
  full?: boolean;
  /**
   * Keep the run's progress (src/publish/run-progress.ts) after it publishes, until
   * `clearProgress` (`export` keeps it until its bundle is written). Default: removed at publish.
   */
  keepProgress?: boolean;
  /** Keep no progress at all, so a killed run cannot be resumed (for measuring what keeping it costs). Default true. */
  trackProgress?: boolean;
}

export interface SyncOutcome {
  /** 0 complete, 3 published with failures. (Failures before publishing throw.) */
  exitCode: 0 | 3;
  /** The snapshot published; when nothing changed, the latest one (which stays). */
  snapshotId: string;
  snapshotDir: string;
  /** The run's report (written into the snapshot when one was published). */
  report: Report;
  /** True when nothing changed since the latest snapshot: nothing was published. */
  unchanged: boolean;
  /** How the run read Notion: everything, or only what changed since the sync state's snapshot. */
  mode: 'full' | 'incremental';
  /** The git archive (config archive.git), when there is one: its commit and push. A failure makes the exit code 3. */
  archive?: GitArchiveResult;
  /** Pages taken from what an interrupted run had fetched (it resumed that run), when any. */
  resumed?: number;
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
  // A run that fails leaves the output directory as it found it: what it created goes again.
  const existed = { out: await exists(fs, outDir), snapshots: await exists(fs, join(outDir, 'snapshots')) };
  try {
    const lock = await lockOutput(outDir, fs);
    try {
      // Under the lock: the new id sorts after every snapshot already there.
      const snapshotId = newSnapshotId(startedAt, await listSnapshots(outDir, fs));
      const outcome = await syncLocked(deps, { token: config.token, now, log, startedAt, snapshotId, outDir, fs });
      return await withGitArchive(outcome, config, outDir, log);
    } finally {
      await lock.release();
    }
  } catch (err) {
    const published = (await listSnapshots(outDir, fs).catch(() => [])).length > 0;
    // What the run fetched stays for the next one (src/publish/run-progress.ts).
    const kept = await keptProgress(outDir, fs);
    if (!published && !existed.out && !kept) await fs.rm(outDir, { recursive: true, force: true }).catch(() => {});
    else if (!published && !existed.snapshots) await fs.rm(join(outDir, 'snapshots'), { recursive: true, force: true }).catch(() => {});
    throw outputError(err, outDir) ?? err;
  }
}

const exists = (fs: OutputFs, path: string) => fs.stat(path).then(() => true, () => false);

/** A file-system refusal while writing the output, as one sentence naming the directory and the fix. */
function outputError(err: unknown, outDir: string): NotionKbError | null {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = JSON.stringify(outDir);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new NotionKbError('output', `cannot write into the output directory ${where}: permission denied. Make it writable, or choose another with --out.`, {}, { cause: err });
    case 'EROFS':
      return new NotionKbError('output', `cannot write into the output directory ${where}: the file system is read-only. Choose another with --out.`, {}, { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new NotionKbError('output', `the disk holding the output directory ${where} is full. Free some space (or remove old snapshots with notion-kb prune) and run again.`, {}, { cause: err });
    case 'ENOTDIR':
    case 'EEXIST':
      return new NotionKbError('usage', `the output path ${where} is a file, not a directory. Choose a directory with --out.`, {}, { cause: err });
    default:
      return null;
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

  // The latest snapshot: files that did not change become hard links to it; with the sync state
  // that describes it, the crawl fetches only what changed.
  const latest = await readLatest(outDir, fs).catch(() => null);
  const latestDir = latest ? join(outDir, latest.path) : null;
  const hashes = latestDir ? await readManifestHashes(latestDir, fs) : null;
  const reuse: FileReuse | undefined = latestDir && hashes ? { dir: latestDir, hashes, linked: 0 } : undefined;
  const key = configKey({ roots: config.notion.roots, baseUrl: config.notion.baseUrl, external: config.assets.external, maxBytes: config.assets.maxBytes, privacy: new RunPrivacy(config.privacy).policy.keyPart() });
  const runWarnings: Array<{ code: string; message: string }> = [];
  // What an interrupted run fetched; a snapshot it published for an unfinished export needs no full crawl again.
  const progress = await RunProgress.open({ outDir, fs, key, latestId: latest?.snapshotId ?? null, now, log, enabled: deps.trackProgress !== false });
  const fetchesAll = deps.full === true && !progress.continuesFull;
  let state: SyncState | null = null;
  if (latest && !fetchesAll) {
    const read = await readSyncState(outDir, fs, { snapshotId: latest.snapshotId, configKey: key });
    if ('state' in read && reuse) state = read.state;
    else {
      const reason = 'reason' in read ? read.reason : `snapshot ${latest.snapshotId} has no readable manifest.json`;
      runWarnings.push({ code: 'full_crawl', message: `a full crawl: ${reason}` });
      log('warn', `notion-kb: a full crawl, because ${reason}`);
    }
  }
  const fromState = state ? await previousCrawl(outDir, state, fs, (message) => runWarnings.push({ code: 'page_cache_damaged', message })) : null;
  const previous = await progress.begin({ fetchesAll, state, statePrevious: fromState, latestDir });
  try {
    return await crawlAndPublish(deps, { ...run, token, now, log, startedAt, snapshotId, outDir, fs }, { latest, latestDir, reuse, state, previous, key, runWarnings, progress });
  } catch (err) {
    await progress.abandon();
    throw err;
  } finally {
    await previous?.close();
  }
}

async function crawlAndPublish(
  deps: SyncDeps,
  run: { token: string; now: () => Date; log: NonNullable<SyncDeps['log']>; startedAt: Date; snapshotId: string; outDir: string; fs: OutputFs },
  before: {
    latest: { snapshotId: string; path: string } | null;
    latestDir: string | null;
    reuse: FileReuse | undefined;
    state: SyncState | null;
    previous: Awaited<ReturnType<typeof previousCrawl>> | null;
    key: string;
    runWarnings: Array<{ code: string; message: string }>;
    progress: RunProgress;
  },
): Promise<SyncOutcome> {
  const { config } = deps;
  const { token, now, log, startedAt, snapshotId, outDir, fs } = run;
  const { state, previous, reuse, progress } = before;
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

  const store = new AssetStore(staging, fs, progress.keepDir);
  const previousAssets = progress.previousAssets(state, before.latestDir);
  const collector = new AssetCollector({
    downloader: { fetchBinary: (url, o) => gateway.fetchBinary(url, { maxBytes: o.maxBytes, timeoutMs: config.assets.timeoutMs }) },
    refetcher: gateway,
    store,
    policy: { external: config.assets.external, maxBytes: config.assets.maxBytes, concurrency: config.assets.concurrency },
    ...(previousAssets ? { previous: previousAssets } : {}),
    onOutcome: (k, o) => progress.fileDone(k, o),
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

  const spool = progress.spool;
  // The privacy rules (config `privacy`): what is left out, what is redacted.
  const privacy = new RunPrivacy(config.privacy);
  let spoolKept = false;
  const summaries = new PlanInputBuilder();
  const databases = new Map<string, CrawledDatabase>();
  /** What the next sync's state needs of each page, beyond the spool and the plan. */
  const pageFacts = new Map<string, { lastEdited: string; requests: number; holds: string[]; shows: string[]; reused: boolean }>();
  let pagesReused = 0;
  let requestsSaved = 0;
  const resumed = () => (progress.resumed > 0 ? { resumed: progress.resumed } : {});
  try {
    // 1. Crawl: each page is parked in the spool as soon as its tree is fetched (or taken from the
    // page cache); only a summary stays.
    const crawl = await crawlWorkspace({
      reader: progress.observe(gateway, !privacy.active),
      roots: config.notion.roots,
      ...(previous ? { previous } : {}),
      comments: config.content.comments,
      onFile: (ref) => {
        if (!privacy.wantsFile(ref)) return;
        collector.add(ref);
        progress.fileFound(ref);
      },
      onPage: async (unit, origin) => {
        // A page left out by itself is summarised (pages under it follow it out) but never spooled.
        if (!privacy.takePage(unit)) return void summaries.addPage(unit);
        summaries.addPage(unit);
        const { holds, shows } = syncedBlocksOf(unit.blocks);
        const id = unit.page.id;
        let requests = origin.requests ?? 0;
        if (origin.reused) {
          requests = progress.requestsOf(id) ?? state?.pages[id]?.requests ?? 0;
          pagesReused++;
          requestsSaved += requests;
        }
        pageFacts.set(id, { lastEdited: unit.page.last_edited_time, requests, holds, shows, reused: origin.reused });
        await progress.putPage(unit, origin, { requests, holds, shows });
      },
      onDatabase: async (unit) => {
        privacy.takeDatabase(unit);
        summaries.addDatabase(unit);
        databases.set(unit.database.id, unit);
        progress.databaseDone(unit);
        if (state) {
          for (const ds of unit.dataSources) {
            const rowsBefore = state.dataSources[ds.dataSource.id];
            if (rowsBefore && rowsBefore.length === ds.rowIds.length && rowsBefore.every((r, i) => r === ds.rowIds[i])) requestsSaved += Math.max(1, Math.ceil(ds.rowIds.length / 100));
          }
        }
      },
      onProgress: (p) => {
        crawlProgress = p;
        emit();
      },
    });
    phase = 'assets';
    emit();
    await collector.drain();
    privacy.exclude(summaries, databases);
    if (summaries.nodes.size === 0) {
      const why = crawl.failures.length > 0 ? crawl.failures.map((f) => f.message).join('; ') : 'nothing is shared with the integration';
      const sharingHint = crawl.failures.every((f) => f.code === 'root_not_found')
        ? crawl.failures.length > 0
          ? ' Check the id, or in Notion open that page → ••• → Connections → add your integration.'
          : ' In Notion, open each top-level page → ••• → Connections → add your integration.'
        : '';
      throw new NotionKbError('not_found', `Nothing to export: ${why}.${sharingHint}`);
    }

    // 2. Plan every path from the summaries, then 3. render and write page by page.
    phase = 'write';
    emit();
    const plan = planPaths(summaries.build());
    const content = await writeSnapshotFiles({ staging, spool, plan, headingAnchors: summaries.headingAnchors(), found: summaries.nodes, databases, crawl, assets: collector.outcomes, snapshotId, createdAt: startedAt.toISOString(),
      lookupAsset: (k) => {
        privacy.usedAssets.add(k);
        return collector.previousOutcome(k);
      },
      beforeRender: privacy.beforeRender,
      beforeRenderDatabase: privacy.beforeRenderDatabase,
      ...(reuse ? { reuse } : {}),
      fs,
      onPageWritten: (n) => {
        pagesWritten = n;
        emit();
      },
    });
    // Files of pages taken from the cache are linked from the previous snapshot as they are looked up.
    await collector.drain();
    await privacy.removeUnusedAssets(staging, collector.outcomes, fs);
    await spool.close();
    for (const [name, schema] of Object.entries(buildJsonSchemas())) content.files.set(`schema/${name}`, canonicalJson(schema));
    await writeFiles(staging, content.files, fs, undefined, reuse);
    // 4. What changed since the previous latest snapshot: changes.json, CHANGELOG.md, redirects.json.
    const history = await buildHistoryFiles({ outDir, staging, fs, after: content.state, hidden: privacy.excluded });
    await writeFiles(staging, history.files, fs);
    if (history.warning) log('warn', history.warning.message);
    // The offline site (config output.site; `notion-kb export` always asks for it), from the files just written.
    if (config.output.site) await writeSite(staging, fs, reuse);

    const stats: GatewayStats = gateway.stats();
    const finishedAt = now();
    const failures = privacy.visibleIssues(crawl.failures).map((f) => ({
      code: f.code,
      message: f.message,
      ...(f.pageId ? { pageId: f.pageId } : {}),
      ...(f.blockId ? { blockId: f.blockId } : {}),
      ...(f.databaseId ? { databaseId: f.databaseId } : {}),
    }));
    const warnings = privacy.visibleIssues([...before.runWarnings, ...crawl.warnings, ...content.warnings, ...(history.warning ? [history.warning] : [])]).map((w: { code: string; message: string; pageId?: string; blockId?: string }) => ({
      code: w.code,
      message: w.message,
      ...(w.pageId ? { pageId: w.pageId } : {}),
      ...(w.blockId ? { blockId: w.blockId } : {}),
    }));
    const assetBytes = [...collector.outcomes.values()].reduce(
      (acc, o) => (o.kind === 'stored' && !acc.seen.has(o.asset.path) && !privacy.removedPaths.has(o.asset.path) ? (acc.seen.add(o.asset.path), { seen: acc.seen, bytes: acc.bytes + o.asset.bytes }) : acc),
      { seen: new Set<string>(), bytes: 0 },
    ).bytes;
    const report: Report = {
      snapshotId,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
      complete: failures.length === 0 && privacy.visibleIssues(content.assetFailures).length === 0,
      mode: state ? 'incremental' : 'full',
      counts: { ...content.counts, assets: store.size - privacy.removedPaths.size, assetBytes, pagesReused, filesLinked: reuse?.linked ?? 0 },
      requests: {
        total: stats.total,
        byRoute: stats.byRoute,
        retries: stats.retries,
        rateLimited: stats.rateLimited,
        waitedMs: Math.round(stats.waitedMs + stats.retryWaitedMs),
        saved: requestsSaved,
      },
      warnings,
      failures,
      unrendered: content.unrendered,
      unresolvedLinks: privacy.visibleIssues(content.unresolvedLinks),
      assetFailures: privacy.visibleIssues(content.assetFailures),
      changes: history.changes,
    };
    const privacyCounts = privacy.counts(plan.pages.keys(), history.hidden);
    if (privacyCounts) report.privacy = privacyCounts;
    await fs.writeFile(join(staging, 'report.json'), canonicalJson(report));
    await writeManifest(staging, fs);

    // The state the next sync starts from: this run's pages, rows and files.
    const nextState = (describes: string, cache: string): SyncState => {
      const failed = new Set<string>();
      for (const f of crawl.failures) if (f.pageId) failed.add(f.pageId);
      for (const f of content.assetFailures) failed.add(f.pageId);
      const assetsOf = new Map<string, string[]>();
      const assets: SyncState['assets'] = {};
      for (const [k, o] of collector.outcomes) {
        // Files of left-out pages and files removed from the snapshot are not remembered.
        if (!privacy.keepsOutcome(o)) continue;
        let list = assetsOf.get(o.ref.pageId);
        if (!list) assetsOf.set(o.ref.pageId, (list = []));
        list.push(k);
        const identity = fileIdentity(o.ref.url, o.ref.source);
        // No signed URL goes into the state: it expires, and it is a credential while it lives.
        assets[k] = { identity, outcome: { ...o, ref: { ...o.ref, url: identity } } as AssetOutcome };
      }
      const pages: Record<string, PageState> = {};
      for (const [id, location] of plan.pages) {
        const at = spool.location(id);
        const facts = pageFacts.get(id);
        if (!at || !facts) continue;
        pages[id] = {
          lastEdited: facts.lastEdited,
          digest: at.digest,
          path: location.markdown,
          assets: (assetsOf.get(id) ?? []).sort(),
          at: [at.offset, at.length],
          checksum: at.checksum,
          requests: facts.requests,
          ...(facts.holds.length > 0 ? { holds: facts.holds } : {}),
          ...(facts.shows.length > 0 ? { shows: facts.shows } : {}),
          ...(failed.has(id) ? { retry: true as const } : {}),
        };
      }
      const dataSources: SyncState['dataSources'] = {};
      for (const db of databases.values()) for (const ds of db.dataSources) dataSources[ds.dataSource.id] = ds.rowIds;
      return { format: 'notion-kb/sync-state', version: 1, snapshotId: describes, startedAt: startedAt.toISOString(), configKey: before.key, cache, pages, dataSources, assets };
    };
    const keepCache = async (): Promise<string> => {
      const cache = `pages-${snapshotId}.spool`;
      await fs.mkdir(join(outDir, STATE_DIR), { recursive: true });
      await fs.rename(spool.file, join(outDir, STATE_DIR, cache));
      spoolKept = true;
      await progress.finish(deps.keepProgress === true);
      return cache;
    };

    // 5. Nothing changed: publish nothing, keep the latest snapshot, move the state on.
    if (before.latest && before.latestDir && failures.length === 0 && (await sameContent(staging, before.latestDir, fs))) {
      await fs.rm(staging, { recursive: true, force: true });
      const cache = await keepCache();
      await writeSyncState(outDir, nextState(before.latest.snapshotId, cache), fs);
      log('info', `no changes since snapshot ${before.latest.snapshotId}; nothing published`);
      return { exitCode: 0, snapshotId: before.latest.snapshotId, snapshotDir: before.latestDir, report, unchanged: true, mode: state ? 'incremental' : 'full', ...resumed() };
    }

    phase = 'publish';
    emit();
    await progress.publishing(snapshotId);
    const snapshotDir = await publishSnapshot(outDir, staging, snapshotId, fs);
    log('info', `published snapshot ${snapshotId}`);
    // The state is written only once the snapshot it describes is published; a failure here
    // leaves the snapshot, and the next run crawls in full.
    try {
      const cache = await keepCache();
      await writeSyncState(outDir, nextState(snapshotId, cache), fs);
    } catch (err) {
      log('warn', `notion-kb: the sync state could not be written (${(err as Error).message}); the next sync crawls in full`);
    }
    // A file that could not be downloaded is lost for good once Notion's URL expires: partial.
    return { exitCode: report.complete ? 0 : 3, snapshotId, snapshotDir, report, unchanged: false, mode: state ? 'incremental' : 'full', ...resumed() };
  } catch (err) {
    // Downloads under way finish first (into the progress kept for the next run), then nothing of the run stays.
    await collector.drain().catch(() => {});
    await fs.rm(staging, { recursive: true, force: true });
    if (!spoolKept) await progress.abandon();
    throw err;
  }
}

/** Where the git archive keeps its local repository: with the sync state, under the output directory. */
export const gitArchiveDir = (outDir: string) => join(outDir, STATE_DIR, 'git-archive');

/**
 * Commits the latest snapshot to the git archive and pushes it, when the config names one. On a
 * run that published nothing this commits nothing new (the tree is the same) but pushes what a
 * failed push left behind. A failed commit or push leaves the snapshot published: exit code 3.
 */
async function withGitArchive(outcome: SyncOutcome, config: Config, outDir: string, log: NonNullable<SyncDeps['log']>): Promise<SyncOutcome> {
  const git = config.archive.git;
  if (!git.remote) return outcome;
  const archive = await archiveSnapshot({
    remote: git.remote,
    branch: git.branch,
    author: git.author,
    workDir: gitArchiveDir(outDir),
    snapshotDir: outcome.snapshotDir,
    message: await commitMessage(outcome.snapshotDir, outcome.snapshotId),
  });
  if (archive.error) log('warn', `notion-kb: ${archive.error.message}`);
  else if (archive.commit) log('info', `git archive: committed ${archive.commit.slice(0, 12)} to ${git.branch}${archive.pushed ? ' and pushed it' : ''}`);
  return { ...outcome, archive, exitCode: archive.error ? 3 : outcome.exitCode };
}

/** The commit message of a snapshot: its change counts as the subject, its CHANGELOG.md as the body. */
async function commitMessage(snapshotDir: string, snapshotId: string): Promise<string> {
  const changelog = await readFile(join(snapshotDir, 'CHANGELOG.md'), 'utf8').catch(() => '');
  const counts = /^Pages and databases: (.*)\.$/m.exec(changelog)?.[1];
  const subject = `Snapshot ${snapshotId}${counts ? `: ${counts}` : ''}`;
  const body = changelog.split('\n').slice(0, 200).join('\n').trim();
  return body ? `${subject}\n\n${body}\n` : `${subject}\n`;
}
