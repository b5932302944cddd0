import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AssetCollector } from './assets/asset-collector.js';
import { AssetStore } from './assets/asset-store.js';
import type { Config } from './config/config-schema.js';
import { NotionKbError } from './errors.js';
import { buildJsonSchemas } from './normalise/json-schema.js';
import type { Audit, PageRecord, Report } from './normalise/schemas.js';
import { writeHistoryFiles, type HistoryFiles } from './publish/history-files.js';
import { nodeOutputFs, type OutputFs } from './publish/output-fs.js';
import type { PageSpool } from './publish/page-spool.js';
import { PlanInputBuilder, planPaths, type PageSummary, type PathPlan } from './publish/plan-paths.js';
import { KeptJson } from './publish/kept-json.js';
import { unchangedSnapshotFiles, writeSnapshotFiles, type PreviousRenders, type SnapshotFilesInput, type SnapshotFilesOutcome } from './publish/write-snapshot-files.js';
import { canonicalJson } from './render/json/canonical-json.js';
import type { CrawledDatabase, CrawledPage, CrawlResult, PageOrigin, PreviousCrawl } from './source/crawl-types.js';
import {
  createStaging,
  listSnapshots,
  lockOutput,
  newSnapshotId,
  publishSnapshot,
  readLatest,
  readManifestFiles,
  removeStaleStaging,
  writeFiles,
  writeManifest,
  noteWritten,
  removeTree,
  type FileReuse,
} from './publish/write-snapshot.js';
import { configKey, fileIdentity, settingsDigest, type MadeWith, parentKey, previousCrawl, readSyncState, refsOf, settleSyncState, snapshotStateOf, STATE_DIR, SYNC_STATE_VERSION, syncedBlocksOf, writeSyncState, type PageState, type StateToWrite, type SyncState } from './publish/sync-state.js';
import { indexDigest, sameContent, workspaceFileCount } from './publish/same-content.js';
import { SelfAudit, type PreviousFetched } from './publish/self-audit.js';
import { fetchedAgain, listingOfCrawl, planFetch } from './source/plan-fetch.js';
import { RunPrivacy } from './publish/run-privacy.js';
import { keyCheck, newPrivacyKey, parsePrivacyKey } from './privacy/keyed-hash.js';
import { keptProgress, RunProgress } from './publish/run-progress.js';
import type { AssetOutcome } from './assets/asset-collector.js';
import { archiveSnapshot, type GitArchiveResult } from './publish/git-archive.js';
import { crawlWorkspace, type CrawlProgress } from './source/crawl.js';
import type { SyncEffects } from './source/effects.js';
import { createNotionGateway, type GatewayStats, type NotionGateway } from './source/notion-gateway.js';
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
  /** Whether `log` is given debug messages (each request, each wait); default true. */
  debug?: boolean;
  onProgress?: (p: SyncProgress) => void;
  /** Clock, timers, fetch and jitter of the run (default: the real ones); `now` defaults to its clock. */
  effects?: SyncEffects;
  /** The output file system (default: the real one). */
  fs?: OutputFs;
  /** The run's one limiter (rate, concurrency, the pause after a 429); default: built from the config. */
  limiter?: Limiter;
  /** Crawl everything even when the sync state allows an incremental run (`--full`). */
  full?: boolean;
  /** What renders the files: pages rendered by another version are rendered again (default: notion-kb's version). */
  renderVersion?: string;
  /**
   * Keep the run's progress (src/publish/run-progress.ts) after it publishes, until
   * `clearProgress` (`export` keeps it until its bundle is written). Default: removed at publish.
   */
  keepProgress?: boolean;
  /** Keep no progress at all, so a killed run cannot be resumed (for measuring what keeping it costs). Default true. */
  trackProgress?: boolean;
  /**
   * Tunes the process's memory and compilation for the work ahead (src/cli/runtime-tuning.ts):
   * `footprint` while an incremental run has fetched nothing, `throughput` for a full crawl,
   * `brief` from an incremental run's first page fetched (or before it builds a snapshot), and
   * `throughput` once it has fetched and rendered `longRunPages` pages. Default: nothing is tuned
   * (a test's process is left as it is).
   */
  tuneRuntime?: (tuning: RuntimeTuning) => void;
  /** Pages an incremental run fetches and renders (together) before it is tuned for throughput. Default 400. */
  longRunPages?: number;
}

/**
 * How the process is to spend memory and compilation on the work ahead (`SyncDeps.tuneRuntime`):
 * a night that may find nothing new, a run with a little to fetch or render, a run with a lot.
 */
export type RuntimeTuning = 'footprint' | 'brief' | 'throughput';

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

/** The run's own facts: its clock, log, snapshot id and where it writes. */
interface RunInfo {
  token: string;
  now: () => Date;
  log: NonNullable<SyncDeps['log']>;
  startedAt: Date;
  snapshotId: string;
  outDir: string;
  fs: OutputFs;
}

async function syncLocked(deps: SyncDeps, info: RunInfo): Promise<SyncOutcome> {
  const start = await startingPoint(deps, info);
  try {
    return await crawlAndPublish(deps, info, start);
  } catch (err) {
    // What the run fetched stays for the next run (unless it holds nothing).
    await start.resume.abandon();
    throw err;
  } finally {
    await start.close();
  }
}

/** What a run starts from: the latest snapshot, the sync state that describes it (or why there is none), the privacy rules. */
interface StartingPoint {
  latest: { snapshotId: string; path: string } | null;
  latestDir: string | null;
  /** The latest snapshot's files by path and hash: what did not change is linked from there. */
  reuse: FileReuse | undefined;
  /** The sync state, on an incremental run. */
  state: SyncState | null;
  /**
   * The previous sync as the crawl sees it (its page cache), on an incremental run; combined with
   * the pages an interrupted run fetched, when this run takes that run up (`resume`).
   */
  previous: Awaited<ReturnType<typeof previousCrawl>> | null;
  /** What this run keeps for the next one should it be stopped, and what it took up of an interrupted one (its page spool). */
  resume: RunProgress;
  /** The previous run's page cache and state for the self-audit of a --full run, when they describe the latest snapshot. */
  auditCache: (PreviousFetched & { crawl: PreviousCrawl }) | null;
  /**
   * The latest snapshot was made with other settings (roots, files, privacy rules) or by another
   * version: the self-audit compares no page's files with it, only what was fetched (page cache).
   */
  madeOtherwise: boolean;
  key: string;
  /** What makes this run's files besides Notion's content (`renderVersion`, else package.json's version, is its notionKb). */
  madeWith: MadeWith;
  runWarnings: Array<{ code: string; message: string }>;
  /** Pages that left the archive before, with the pages that pointed at them: kept by a --full run too. */
  left: SyncState['left'];
  privacy: RunPrivacy;
  privacyKey: Buffer | undefined;
  close(): Promise<void>;
}

/** Plan: what the run starts from, and so whether it reads Notion in full or only what changed. */
async function startingPoint(deps: SyncDeps, { outDir, fs, log, now }: RunInfo): Promise<StartingPoint> {
  const { config } = deps;
  await fs.mkdir(join(outDir, 'snapshots'), { recursive: true });
  await removeStaleStaging(outDir, undefined, fs);

  // The latest snapshot: files that did not change become hard links to it; with the sync state
  // that describes it, the crawl fetches only what changed.
  const latest = await readLatest(outDir, fs).catch(() => null);
  // Perhaps a night with nothing new: reading the state and the manifest is most of what it allocates.
  if (latest && deps.full !== true) deps.tuneRuntime?.('footprint');
  const latestDir = latest ? join(outDir, latest.path) : null;
  const files = latestDir ? await readManifestFiles(latestDir, fs) : null;
  // What the run links is listed by the manifest with the latest one's hash and size, unread.
  const reuse: FileReuse | undefined = latestDir && files ? { dir: latestDir, hashes: files.hashes, sizes: files.sizes, linked: 0, linkedPaths: new Set(), written: new Map() } : undefined;
  // The privacy rules (config `privacy`): what is left out, what is redacted. With rules that leave
  // pages out, the state keeps keyed hashes under the output directory's own key.
  const rulesLeaveOut = new RunPrivacy(config.privacy).leavesOut;
  const privacyKey = rulesLeaveOut ? await readOrCreatePrivacyKey(outDir, fs) : undefined;
  const privacy = new RunPrivacy(config.privacy, privacyKey, config.content.comments);
  const settings = { roots: config.notion.roots, external: config.assets.external, maxBytes: config.assets.maxBytes, privacy: privacy.policy.keyPart() };
  const key = configKey({ ...settings, baseUrl: config.notion.baseUrl });
  const madeWith: MadeWith = { settings: settingsDigest(settings), notionKb: deps.renderVersion ?? (await notionKbVersion()) };
  /** The latest snapshot was made with other settings or by another version, as far as its sync state says. */
  let madeOtherwise = false;
  const runWarnings: Array<{ code: string; message: string }> = [];
  // What an interrupted run fetched; a snapshot it published for an unfinished export needs no full crawl again.
  const resume = await RunProgress.open({ outDir, fs, key, latestId: latest?.snapshotId ?? null, now, log, enabled: deps.trackProgress !== false });
  const fetchesAll = deps.full === true && !resume.continuesFull;
  let state: SyncState | null = null;
  /** On a --full run, the state describing the latest snapshot: its page cache serves the self-audit. */
  let auditState: SyncState | null = null;
  let left: SyncState['left'];
  if (latest) {
    const read = await readSyncState(outDir, fs, { snapshotId: latest.snapshotId, configKey: key, ...(privacyKey ? { privacyKeyCheck: keyCheck(privacyKey) } : {}) });
    const before = 'state' in read ? read.state.madeWith : read.madeWith;
    madeOtherwise = before === 'other' || (before !== undefined && (before.settings !== madeWith.settings || before.notionKb !== madeWith.notionKb));
    // Rules that leave pages out, under settings other than the latest snapshot's (new or changed
    // rules, as far as the state tells): what was published before may hold what they leave out now.
    if (rulesLeaveOut && before !== undefined && before !== 'other' && before.settings !== madeWith.settings) {
      const message = `the settings changed since snapshot ${latest.snapshotId} and the privacy rules leave pages out: snapshots published before this run, and the git archive's history, may still hold what the rules leave out now (prune those snapshots; README, Privacy filters: Never pushed)`;
      runWarnings.push({ code: 'privacy_history', message });
      log('warn', message);
    }
    // The state a run stopped right after publishing left aside goes into place now: a pending
    // state this run writes must not take the place of the only one that describes latest.json.
    if ('state' in read && read.pending) await settleSyncState(outDir, read.state.cache, fs);
    if (fetchesAll) {
      if ('state' in read) left = read.state.left;
      if ('state' in read && reuse) auditState = read.state;
    } else if ('state' in read && reuse) state = read.state;
    else {
      const reason = 'reason' in read ? read.reason : `snapshot ${latest.snapshotId} has no readable manifest.json`;
      runWarnings.push({ code: 'full_crawl', message: `a full crawl: ${reason}` });
      log('warn', `a full crawl, because ${reason}`);
    }
  }
  if (!state) deps.tuneRuntime?.('throughput');
  // The state's keyed hashes (of what the privacy rules left out) as this run reads them.
  const hashesNow = { revealsAny: privacy.revealsAny, hiddenRows: privacy.hiddenRows };
  const fromState = state ? await previousCrawl(outDir, state, fs, (message) => runWarnings.push({ code: 'page_cache_damaged', message }), hashesNow) : null;
  // The run's spool (the page cache, linked, on an incremental run), and what the crawl starts from.
  const previous = await resume.begin({ fetchesAll, state, statePrevious: fromState, latestDir, rows: !privacy.leavesOut }).catch(async (err: unknown) => {
    await resume.abandon();
    await fromState?.close();
    throw err;
  });
  // A page the cache lost is compared through the previous snapshot's files instead: no warning.
  const cached = auditState ? await previousCrawl(outDir, auditState, fs, () => {}, hashesNow).catch(() => null) : null;
  const auditCache: (PreviousFetched & { crawl: PreviousCrawl }) | null = cached && auditState ? { digestOf: (id) => auditState.pages[id]?.digest, load: (id) => cached.load(id), crawl: cached } : null;
  return {
    latest,
    latestDir,
    reuse,
    state,
    previous,
    resume,
    auditCache,
    madeOtherwise,
    key,
    madeWith,
    runWarnings,
    left: state?.left ?? left,
    privacy,
    privacyKey,
    close: async () => {
      await previous?.close();
      await cached?.close();
      // Whatever became of the run (a snapshot published without its sync state keeps its progress open).
      await resume.release();
    },
  };
}

/**
 * A sync from its starting point on, in the order its data flows: fetch what changed (a page
 * that did not change is kept as it is, unread), render what changed and take the rest from the
 * latest snapshot, write the snapshot, publish it (or keep the latest when nothing changed).
 * Anything that throws leaves no staging directory and no spool behind.
 */
async function crawlAndPublish(deps: SyncDeps, info: RunInfo, start: StartingPoint): Promise<SyncOutcome> {
  const run = await openRun(deps, info, start);
  try {
    const fetched = await fetchPages(run);
    const rendered = await renderOrReuse(run, fetched);
    const written = await writeSnapshot(run, fetched, rendered);
    return await publish(run, fetched, rendered, written);
  } catch (err) {
    // Downloads under way finish first (into the progress kept for the next run), then nothing of the run stays.
    await run.collector.drain().catch(() => {});
    await removeTree(run.staging, run.fs);
    throw err;
  } finally {
    await run.kept.summaries.remove().catch(() => {});
    await run.kept.renders.remove().catch(() => {});
  }
}

/** One run from its first step to its last: where it started, its connections, its staging directory and page spool. */
interface Run extends RunInfo, StartingPoint {
  /** What `SyncDeps.tuneRuntime` was last asked for, and the pages fetched and rendered so far (`workAhead`). */
  tuned: { for: RuntimeTuning; pages: number };
  deps: SyncDeps;
  config: Config;
  staging: string;
  gateway: NotionGateway;
  store: AssetStore;
  collector: AssetCollector;
  /** The pages of this run (`resume.spool`): the page cache, linked (or copied), on an incremental run; it becomes the next page cache. */
  spool: PageSpool;
  /** Each page's summary and render, for the state written at the end: parked on disk when made by this run (src/publish/kept-json.ts). */
  kept: { summaries: KeptJson; renders: KeptJson };
  progress: { phase(phase: SyncProgress['phase']): void; crawl(p: CrawlProgress): void; written(pages: number): void };
}

/** The staging directory, the gateway, the file collector, the page spool and the progress line of a run. */
async function openRun(deps: SyncDeps, info: RunInfo, start: StartingPoint): Promise<Run> {
  const { config } = deps;
  const { outDir, fs, snapshotId } = info;
  const { state, privacy } = start;
  // No log line names a page the rules leave out (nor its id): it says "a page left out by the privacy rules".
  const log: RunInfo['log'] = (level, message) => info.log(level, privacy.mask(message));
  const staging = await createStaging(outDir, snapshotId, fs);
  const gateway = createNotionGateway({
    token: info.token,
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
    debug: deps.log !== undefined && deps.debug !== false,
  });
  // Downloaded files are kept by sha256 in the run's progress too; files an interrupted run downloaded are taken from there.
  const store = new AssetStore(staging, fs, start.resume.keepDir);
  const previousAssets = start.resume.previousAssets(state, start.latestDir);
  const collector = new AssetCollector({
    downloader: { fetchBinary: (url, o) => gateway.fetchBinary(url, { maxBytes: o.maxBytes, timeoutMs: config.assets.timeoutMs }) },
    refetcher: gateway,
    store,
    policy: { external: config.assets.external, maxBytes: config.assets.maxBytes, concurrency: config.assets.concurrency },
    ...(previousAssets ? { previous: previousAssets } : {}),
    onOutcome: (k, o) => start.resume.fileDone(k, o),
  });

  let phase: SyncProgress['phase'] = 'crawl';
  let crawlProgress: CrawlProgress = { pagesFound: 0, pagesDone: 0, databasesFound: 0, databasesDone: 0 };
  let pagesWritten: number | undefined;
  const emit = () => {
    // Nobody listening (a script, the bench): no statistics gathered for every page written.
    if (!deps.onProgress) return;
    const s = gateway.stats();
    deps.onProgress({
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
  const progress: Run['progress'] = {
    phase: (p) => {
      phase = p;
      emit();
    },
    crawl: (p) => {
      crawlProgress = p;
      emit();
    },
    written: (n) => {
      pagesWritten = n;
      emit();
    },
  };

  // Beside the staging directory: removed at the run's end, or as stale staging files by the next run.
  // A page taken as it is keeps the summary and render the previous state holds.
  const previous = state?.pages;
  // A run that cannot start leaves no staging directory either (crawlAndPublish removes it from here on).
  const summaries = await KeptJson.create(`${staging}.summaries`, fs, (id) => previous?.[id]?.summary).catch(async (err: unknown) => {
    await removeTree(staging, fs).catch(() => {});
    throw err;
  });
  const renders = await KeptJson.create(`${staging}.renders`, fs, (id) => previous?.[id]?.rendered).catch(async (err: unknown) => {
    await summaries.remove();
    await removeTree(staging, fs).catch(() => {});
    throw err;
  });
  const kept = { summaries, renders };
  return { ...info, ...start, log, deps, config, staging, gateway, store, collector, spool: start.resume.spool, kept, progress, tuned: { for: start.state && deps.full !== true ? 'footprint' : 'throughput', pages: 0 } };
}

/** What the fetch step hands on: the crawl, a summary of every page and database, and what the next state needs of each page. */
interface Fetched {
  crawl: CrawlResult;
  summaries: PlanInputBuilder;
  databases: Map<string, CrawledDatabase>;
  pageFacts: Map<string, PageFacts>;
  pagesReused: number;
  requestsSaved: number;
  /** Each page's parent as the API gave it, for the self-audit of a full run. */
  auditParents: Map<string, unknown>;
}

/**
 * Fetch: the crawl lists the workspace, plans what to fetch (src/source/plan-fetch.ts) and
 * fetches it; each fetched page is parked in the spool, each unchanged one kept as it is
 * (`keepAsItIs`). Ends with what the privacy rules leave out taken out of the summaries.
 */
async function fetchPages(run: Run): Promise<Fetched> {
  const { config, state, previous, privacy, collector, resume } = run;
  const fetched: Omit<Fetched, 'crawl'> = { summaries: new PlanInputBuilder(), databases: new Map(), pageFacts: new Map(), pagesReused: 0, requestsSaved: 0, auditParents: new Map() };
  // The crawl's reads, watched: when each page was read, which reads failed, and (without privacy
  // rules) the children and comments listed for pages not finished yet, for a run taking this one up.
  const reader = resume.observe(run.gateway, !privacy.active);
  // The last run's blocks holding pages (plain ids for kept pages, keyed hashes for the others) place them without a request.
  const crawlPrivacy = privacy.crawlGate(
    reader,
    state && previous ? { ...(state.blockHomes ? { blockHomes: state.blockHomes } : {}), blockPage: previous.blockPage, changedFrom: previous.changedFrom } : undefined,
  );
  const crawl = await crawlWorkspace({
    reader,
    roots: config.notion.roots,
    ...(previous ? { previous } : {}),
    comments: config.content.comments,
    // What the rules leave out is decided before it is fetched (never requested, cached or logged).
    ...(crawlPrivacy ? { privacy: crawlPrivacy } : {}),
    ...(state ? { keepCached: async (id: string) => keepAsItIs(run, fetched, state, id) } : {}),
    onFile: (ref) => {
      if (!privacy.wantsFile(ref)) return;
      collector.add(ref);
      resume.fileFound(ref);
    },
    onPage: (unit, origin) => spoolPage(run, fetched, unit, origin),
    onDatabase: async (unit) => {
      privacy.takeDatabase(unit);
      fetched.summaries.addDatabase(unit);
      fetched.databases.set(unit.database.id, unit);
      resume.databaseDone(unit);
      if (state) {
        for (const ds of unit.dataSources) {
          const rowsBefore = state.dataSources[ds.dataSource.id];
          const rowsNow = privacy.rowsForState(ds.dataSource.id, unit.database.id, ds.rowIds)?.rows ?? [];
          if (rowsBefore && rowsBefore.length === rowsNow.length && rowsBefore.every((r, i) => r === rowsNow[i])) fetched.requestsSaved += Math.max(1, Math.ceil(ds.rowIds.length / 100));
        }
      }
    },
    onProgress: run.progress.crawl,
  });
  run.progress.phase('assets');
  await collector.drain();
  privacy.exclude(fetched.summaries, fetched.databases);
  const unchecked = privacy.uncheckedCount();
  if (unchecked > 0) {
    const message = `${unchecked} pages or databases were left out because the privacy rules could not be checked for them (a parent of theirs could not be retrieved); the next run tries again`;
    run.runWarnings.push({ code: 'privacy_unchecked', message });
    run.log('warn', message);
  }
  if (fetched.summaries.nodes.size === 0) {
    const why = crawl.failures.length > 0 ? crawl.failures.map((f) => f.message).join('; ') : 'nothing is shared with the integration';
    const sharingHint = crawl.failures.every((f) => f.code === 'root_not_found')
      ? crawl.failures.length > 0
        ? ' Check the id, or in Notion open that page → ••• → Connections → add your integration.'
        : ' In Notion, open each top-level page → ••• → Connections → add your integration.'
      : '';
    throw new NotionKbError('not_found', `Nothing to export: ${why}.${sharingHint}`);
  }
  return { ...fetched, crawl };
}

/**
 * The skip, in the fetch step: a page the plan takes from the page cache is kept as it is, never
 * read back: planned from the summary the state keeps, its bytes left where they sit in the
 * copied cache; the render step renders it only if something it shows changed. Null (read it
 * back, the way a page cache without summaries is read) when the state has no summary or render
 * of it, or when it was cached with comments and the run asks for none, or the other way round;
 * and for a page an interrupted run fetched (src/publish/run-progress.ts).
 */
function keepAsItIs(run: Run, fetched: Omit<Fetched, 'crawl'>, state: SyncState, id: string): { pages: string[]; databases: string[] } | null {
  // A page an interrupted run fetched is read from the spool and rendered (the state has it as it was
  // before); a spool that is not the page cache's copy holds no page where the state says.
  if (run.resume.resumes(id) || !run.resume.adoptsCache) return null;
  const p = state.pages[id];
  if (!p?.summary || !p.rendered || (p.comments === true) !== run.config.content.comments) return null;
  run.spool.adopt(id, { offset: p.at[0], length: p.at[1], digest: p.digest, checksum: p.checksum });
  fetched.summaries.addSummary(id, p.summary);
  run.privacy.keepPage(id, p.redacted ?? 0);
  fetched.pageFacts.set(id, { lastEdited: p.lastEdited, requests: p.requests, ...(p.holds ? { holds: p.holds } : {}), ...(p.shows ? { shows: p.shows } : {}), reused: true, parent: p.parent, refs: p.refs ?? [], summary: p.summary, comments: p.comments === true, ...(p.hid ? { hid: p.hid } : {}) });
  fetched.pagesReused++;
  fetched.requestsSaved += p.requests;
  return { pages: p.summary.subPages ?? [], databases: p.summary.subDatabases ?? [] };
}

/** Pages fetched and rendered after which an incremental run is a long one (`SyncDeps.longRunPages`). */
const LONG_RUN_PAGES = 400;

/**
 * The run has work: a page to fetch or render (`pages` 1), or a snapshot to build (0). An
 * incremental run is tuned as a brief one from its first, and for throughput once its pages
 * make it a long one (src/cli/runtime-tuning.ts); a full crawl is tuned for throughput from its start.
 */
function workAhead(run: Run, pages: 0 | 1): void {
  const { tuned } = run;
  if (tuned.for === 'throughput') return;
  tuned.pages += pages;
  const next = tuned.pages >= (run.deps.longRunPages ?? LONG_RUN_PAGES) ? 'throughput' : 'brief';
  if (next === tuned.for) return;
  tuned.for = next;
  run.deps.tuneRuntime?.(next);
}

/** A page fetched now (or read back from the page cache): summarised, and parked in the spool as the snapshot will show it. */
async function spoolPage(run: Run, fetched: Omit<Fetched, 'crawl'>, unit: CrawledPage, origin: PageOrigin): Promise<void> {
  const { privacy, state, resume } = run;
  // A page left out by itself is summarised (pages under it follow it out) but never spooled (nor journaled).
  if (!privacy.takePage(unit)) return void fetched.summaries.addPage(unit);
  // The page cache holds what the snapshot shows: no trace of what is left out.
  privacy.beforeSpool(unit);
  const summary = fetched.summaries.addPage(unit);
  const { holds, shows } = syncedBlocksOf(unit.blocks);
  const id = unit.page.id;
  let requests = origin.requests ?? 0;
  // A page fetched (or taken from an interrupted run) is rendered: the night is not one with nothing new.
  if (!origin.reused || resume.resumes(id)) workAhead(run, 1);
  if (origin.reused) {
    requests = resume.requestsOf(id) ?? state?.pages[id]?.requests ?? 0;
    fetched.pagesReused++;
    fetched.requestsSaved += requests;
  }
  // A page from the cache points at what it pointed at when it was fetched (one an interrupted run fetched: at what it shows).
  const refs = origin.reused && !resume.resumes(id) ? (state?.pages[id]?.refs ?? refsOf(unit)) : refsOf(unit);
  fetched.pageFacts.set(id, { lastEdited: unit.page.last_edited_time, requests, ...(holds.length > 0 ? { holds } : {}), ...(shows.length > 0 ? { shows } : {}), reused: origin.reused, parent: parentKey(unit.page.parent), refs, summary, comments: unit.comments !== undefined });
  // The self-audit plans this run as an incremental one would have: it needs each page's parent as the API gave it.
  if (run.auditCache) fetched.auditParents.set(id, unit.page.parent);
  // Parked in the spool, and journaled for a run taking this one up (cleaned as the page cache holds it).
  await resume.putPage(unit, origin, { requests, holds, shows, refs });
}

/** What the render step hands on: every path, the files written (rendered or taken as they are), the self-audit of a full run. */
interface Rendered {
  plan: PathPlan;
  content: SnapshotFilesOutcome;
  audit: SelfAudit | null;
  /** Found to be the latest snapshot again before it was built (`sameAsLatest`): nothing of it is written. */
  sameAsLatest: boolean;
}

/**
 * Render or reuse: every path planned from the summaries, then each page and database rendered,
 * or (its content and everything it shows unchanged since the latest snapshot, as the state
 * records) linked from the latest snapshot as it is (src/publish/write-snapshot-files.ts).
 */
async function renderOrReuse(run: Run, fetched: Fetched): Promise<Rendered> {
  const { state, reuse, privacy, spool, fs } = run;
  const { crawl } = fetched;
  run.progress.phase('write');
  const plan = planPaths(fetched.summaries.build());
  keepSummaries(run, fetched, plan);
  // A full crawl with a previous snapshot checks what the incremental runs built (report.json `audit`).
  // Not against a snapshot made with other settings or by another version with no page cache
  // describing it: its files differ for that alone, and what it was made from is not known.
  const comparable = !run.madeOtherwise || run.auditCache !== null;
  if (!state && run.latest && reuse && !comparable) {
    run.log('info', `no self-audit: snapshot ${run.latest.snapshotId} was made with other settings (roots, files, privacy rules) or by another version of notion-kb, so its pages' files are not comparable with this run's`);
  }
  const audit =
    !state && run.latest && run.latestDir && reuse && comparable
      ? await SelfAudit.open({
          snapshotId: run.latest.snapshotId,
          dir: run.latestDir,
          hashes: reuse.hashes,
          fs,
          cache: run.auditCache,
          byFiles: !run.madeOtherwise,
          failed: crawl.failures.flatMap((f) => (f.pageId ? [f.pageId] : [])),
          // Pages an incremental run would fetch again now (the planner's own answer) are left out.
          ...(run.auditCache
            ? {
                fetchedAgain: fetchedAgain(
                  planFetch(
                    run.auditCache.crawl,
                    listingOfCrawl({
                      pages: [...fetched.auditParents].map(([id, parent]) => ({ id, parent, lastEdited: fetched.pageFacts.get(id)!.lastEdited })),
                      databases: fetched.databases.values(),
                      blockParents: crawl.blockParents,
                    }),
                  ),
                ),
              }
            : {}),
        })
      : null;
  const files: SnapshotFilesInput = {
    staging: run.staging,
    spool,
    plan,
    headingAnchors: fetched.summaries.headingAnchors(),
    found: fetched.summaries.nodes,
    databases: fetched.databases,
    crawl,
    assets: run.collector.outcomes,
    snapshotId: run.snapshotId,
    createdAt: run.startedAt.toISOString(),
    // Another notion-kb version, other pages left out, or comments turned on or off, renders everything again.
    renderKey: renderKey(run.madeWith.notionKb, privacy.excluded, run.config.content.comments),
    ...(state ? { previous: previousRenders(state) } : {}),
    lookupAsset: (k) => {
      privacy.usedAssets.add(k);
      return run.collector.previousOutcome(k);
    },
    beforeRender: (unit) => {
      workAhead(run, 1);
      privacy.beforeRender(unit);
    },
    beforeRenderDatabase: privacy.beforeRenderDatabase,
    ...(reuse ? { reuse } : {}),
    renders: run.kept.renders,
    ...(audit ? { afterPage: (id: string, page: { record: PageRecord; files: ReadonlyMap<string, string> }) => audit.page(id, page, () => spool.get(id)) } : {}),
    fs,
    onPageWritten: run.progress.written,
  };
  const same = await sameAsLatest(run, fetched, files);
  if (same) return { plan, content: same, audit, sameAsLatest: true };
  workAhead(run, 0);
  return { plan, content: await writeSnapshotFiles(files), audit, sameAsLatest: false };
}

/**
 * Each planned page's summary made by this run parked for the state (`Run.kept`); one taken from
 * the previous state stays there. Nothing else reads them again.
 */
function keepSummaries(run: Run, fetched: Fetched, plan: PathPlan): void {
  const previous = run.state?.pages;
  for (const [id, facts] of fetched.pageFacts) {
    if (facts.summary && plan.pages.has(id) && previous?.[id]?.summary !== facts.summary) run.kept.summaries.park(id, facts.summary);
    // Not deleted: an object that loses a field is kept in a larger form.
    facts.summary = undefined;
  }
}

/**
 * The shortcut of a night that fetched nothing new: when the snapshot would be the latest one
 * again (every page and database taken from it as it is, the same index, schemas and files, no
 * failure), its outcome without building it; null otherwise (then it is built, and compared
 * with the latest one when it is published). What it checks is what the comparison would find.
 */
async function sameAsLatest(run: Run, fetched: Fetched, files: SnapshotFilesInput): Promise<SnapshotFilesOutcome | null> {
  const { state, reuse, latestDir, fs } = run;
  // The offline site is made from the files written: a night writing one builds it and compares it (the count below would miss it).
  if (!state || !reuse || !latestDir || run.config.output.site || fetched.crawl.failures.length > 0 || run.resume.resumed > 0) return null;
  for (const facts of fetched.pageFacts.values()) if (!facts.reused) return null;
  const previousIndex = await indexDigest(latestDir, fs).catch(() => null);
  if (previousIndex === null) return null;
  const content = await unchangedSnapshotFiles({ ...files, reuse }, previousIndex);
  if (!content) return null;
  // Files looked up are in the staging directory once adopted; the schemas are written beside the render pass's.
  await run.collector.drain();
  let count = content.linked;
  let schemas = 0;
  for (const [path, text] of schemaFiles()) {
    if (reuse.hashes.get(path) !== createHash('sha256').update(text).digest('hex')) return null;
    schemas++;
  }
  // Stored files are named by their sha256: the same path holds the same bytes.
  for (const path of run.privacy.keptAssetPaths(run.collector.outcomes)) {
    if (!reuse.hashes.has(path)) return null;
    count++;
  }
  // Every file it would hold is the latest snapshot's: as many as that one holds, it holds no other.
  if (count + schemas !== workspaceFileCount(reuse.hashes)) return null;
  // As the report of a snapshot built and found the same counts them.
  reuse.linked += content.linked + schemas;
  return content;
}

/** The JSON Schemas each snapshot holds (schema/<name>), by path. */
function schemaFiles(): Map<string, string> {
  return new Map(Object.entries(buildJsonSchemas()).map(([name, schema]) => [`schema/${name}`, canonicalJson(schema)]));
}

/** What the write step hands on: the report, the failures it counts, the history. */
interface Written {
  report: Report;
  failures: Report['failures'];
}

/**
 * Write: the page cache settled, the files of stored assets, the schemas, the history (against
 * the latest snapshot as the state describes it), the offline site, report.json and the manifest.
 */
async function writeSnapshot(run: Run, fetched: Fetched, rendered: Rendered): Promise<Written> {
  const { config, state, reuse, privacy, spool, fs, staging, collector } = run;
  const { content } = rendered;
  const rewritten = await settlePageCache(run);
  // Files of pages taken from the cache are linked from the previous snapshot as they are looked up.
  await collector.drain();
  await privacy.removeUnusedAssets(staging, collector.outcomes, fs);
  // The journal follows the spool rewritten, and keeps nothing the privacy rules left out late.
  if (rewritten || privacy.removedPaths.size > 0) await run.resume.settled({ keeps: (id) => !privacy.isPrivate(id), keepsFile: (o) => privacy.keepsOutcome(o) });
  await spool.close();
  if (!rendered.sameAsLatest) {
    for (const [path, text] of schemaFiles()) content.files.set(path, text);
    await writeFiles(staging, content.files, fs, undefined, reuse);
  }
  // What changed since the previous latest snapshot: changes.json, CHANGELOG.md, redirects.json, feed.json.
  const described = state ? snapshotStateOf(state) : null;
  const history = await writeHistoryFiles({ outDir: run.outDir, staging, fs, after: content.state, ...(described ? { before: described } : {}), hidden: privacy.excluded });
  if (history.warning) run.log('warn', history.warning.message);
  // The offline site (config output.site; `notion-kb export` always asks for it), from the files just written.
  // Loaded only by a run that writes it (its search index and Markdown libraries are large).
  if (config.output.site) await (await import('./publish/write-site.js')).writeSite(staging, fs, reuse);
  const written = snapshotReport(run, fetched, rendered, history);
  if (rendered.sameAsLatest) return written;
  await fs.writeFile(join(staging, 'report.json'), canonicalJson(written.report));
  // A stored file is named by the sha256 of the bytes the asset store put there.
  if (reuse) for (const o of collector.outcomes.values()) if (o.kind === 'stored' && !privacy.removedPaths.has(o.asset.path)) noteWritten(reuse, o.asset.path, o.asset.sha256, o.asset.bytes);
  await writeManifest(staging, fs, reuse);
  return written;
}

/** report.json: what the run fetched, rendered, linked and failed, what changed, what the rules left out, the self-audit. */
function snapshotReport(run: Run, fetched: Fetched, rendered: Rendered, history: HistoryFiles): Written {
  const { state, reuse, privacy, collector } = run;
  const { crawl } = fetched;
  const { content, plan, audit } = rendered;
  const stats: GatewayStats = run.gateway.stats();
  const finishedAt = run.now();
  const failures = privacy.visibleIssues(crawl.failures).map((f) => ({
    code: f.code,
    message: f.message,
    ...(f.pageId ? { pageId: f.pageId } : {}),
    ...(f.blockId ? { blockId: f.blockId } : {}),
    ...(f.databaseId ? { databaseId: f.databaseId } : {}),
  }));
  const audited = audit?.result();
  if (audited) logAudit(audited, run.log);
  const warnings = privacy.visibleIssues([...run.runWarnings, ...crawl.warnings, ...content.warnings, ...(history.warning ? [history.warning] : []), ...(audited?.warnings ?? [])]).map((w: { code: string; message: string; pageId?: string; blockId?: string }) => ({
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
    snapshotId: run.snapshotId,
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.max(0, finishedAt.getTime() - run.startedAt.getTime()),
    complete: failures.length === 0 && privacy.visibleIssues(content.assetFailures).length === 0,
    mode: state ? 'incremental' : 'full',
    counts: {
      ...content.counts,
      assets: run.store.size - privacy.removedPaths.size,
      assetBytes,
      pagesReused: fetched.pagesReused,
      filesLinked: reuse?.linked ?? 0,
      pagesRendered: content.renderedNow.pages,
      databasesRendered: content.renderedNow.databases,
    },
    requests: {
      total: stats.total,
      byRoute: stats.byRoute,
      retries: stats.retries,
      rateLimited: stats.rateLimited,
      waitedMs: Math.round(stats.waitedMs + stats.retryWaitedMs),
      saved: fetched.requestsSaved,
      rate: stats.rate,
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
  if (audited) report.audit = audited.audit;
  return { report, failures };
}

/**
 * The spool as the next page cache holds it: what the snapshot shows and nothing more. A page
 * left out only after it was fetched (a row whose query showed it matching excludeWhere once its
 * listing had not, say) leaves it; a page that lost a trace of one only in the render pass is
 * spooled again as rendered; a page of the copied cache that the rules leave out now goes too.
 * The file is then rewritten without the earlier bytes, as it is once they are half of it (true).
 */
async function settlePageCache(run: Run): Promise<boolean> {
  const { spool, privacy, state } = run;
  const leftLate = [...privacy.excluded].filter((id) => spool.location(id) !== undefined);
  for (const id of leftLate) spool.drop(id);
  for (const id of privacy.lateFiltered) {
    if (spool.location(id) === undefined) continue;
    const { digest: _digest, ...unit } = await spool.get(id);
    privacy.refilter(unit);
    await spool.put(unit);
  }
  const leftSinceCopy = state !== null && privacy.leavesOut && Object.keys(state.pages).some((id) => privacy.isPrivate(id));
  // An interrupted run's spool taken up: bytes of it this run did not use may be of a page left out since, or an earlier form of a page that named one.
  const leftSinceInterrupted = privacy.leavesOut && run.resume.spoolTakenUp && spool.unusedBytes() > 0;
  if (!(privacy.lateFiltered.size > 0 || leftLate.length > 0 || leftSinceCopy || leftSinceInterrupted || 2 * spool.unusedBytes() >= Math.max(1, spool.size()))) return false;
  await run.resume.rewriting();
  await spool.compact();
  return true;
}

/**
 * Publish: a snapshot with the latest one's content is not published (the latest stays, the
 * state moves on); any other is published by rename, then the state that describes it written.
 */
async function publish(run: Run, fetched: Fetched, rendered: Rendered, written: Written): Promise<SyncOutcome> {
  const { fs, outDir, staging, snapshotId, latest, latestDir, reuse } = run;
  const { report, failures } = written;
  const mode = run.state ? 'incremental' : 'full';
  /**
   * The spool becomes the page cache of the state written next: linked there, so that the
   * progress, which holds it too, stays whole until that state is written (a kill in between
   * takes the progress up; moved where the file system has no links). The journal says so before
   * the state is written (`RunProgress.writingState`).
   */
  const keepCache = async (): Promise<string> => {
    // Unique to the run: a run that publishes nothing leaves its snapshot id free, and a clock behind
    // the newest snapshot gives the next run the same id: its cache must never replace this one's.
    const cache = `pages-${snapshotId}-${randomBytes(4).toString('hex')}.spool`;
    await fs.mkdir(join(outDir, STATE_DIR), { recursive: true });
    const target = join(outDir, STATE_DIR, cache);
    await fs.link(run.spool.file, target).catch(() => fs.rename(run.spool.file, target));
    await run.resume.writingState(cache);
    return cache;
  };
  /** The state describes what the run published: the progress goes (an export keeps it until its bundle is written). */
  const finishProgress = () => run.resume.finish(run.deps.keepProgress === true);
  const resumed = run.resume.resumed > 0 ? { resumed: run.resume.resumed } : {};
  if (latest && latestDir && failures.length === 0 && (rendered.sameAsLatest || (await sameContent(staging, latestDir, fs, reuse?.hashes)))) {
    await removeTree(staging, fs);
    const cache = await keepCache();
    await writeSyncState(outDir, nextSyncState(run, fetched, rendered, latest.snapshotId, cache), fs);
    await finishProgress();
    run.log('info', `no changes since snapshot ${latest.snapshotId}; nothing published`);
    return { exitCode: 0, snapshotId: latest.snapshotId, snapshotDir: latestDir, report, unchanged: true, mode, ...resumed };
  }
  run.progress.phase('publish');
  // The state that describes the snapshot is written before the snapshot is published, aside (a
  // run stopped in between leaves the state in place, which still describes latest.json), and
  // moved into place after (a run stopped before that leaves both: the next run reads the one that
  // describes latest.json). A failure to write it leaves the snapshot, and the next run crawls in full.
  const stateWritten = await keepCache()
    .then(async (cache) => {
      await writeSyncState(outDir, nextSyncState(run, fetched, rendered, snapshotId, cache), fs, { pending: true });
      return cache;
    })
    .catch((err: Error) => {
      run.log('warn', `the sync state could not be written (${err.message}); the next sync crawls in full`);
      return null;
    });
  await run.resume.publishing(snapshotId);
  const snapshotDir = await publishSnapshot(outDir, staging, snapshotId, fs);
  run.log('info', `published snapshot ${snapshotId}`);
  if (stateWritten !== null) {
    try {
      await settleSyncState(outDir, stateWritten, fs);
      await finishProgress();
    } catch (err) {
      run.log('warn', `the sync state could not be moved into place (${(err as Error).message}); the next sync reads it where it is`);
    }
  }
  // A file that could not be downloaded is lost for good once Notion's URL expires: partial.
  return { exitCode: report.complete ? 0 : 3, snapshotId, snapshotDir, report, unchanged: false, mode, ...resumed };
}

/** The state the next sync starts from: this run's pages (with their summaries and renders), rows and files. */
function nextSyncState(run: Run, fetched: Fetched, rendered: Rendered, describes: string, cache: string): StateToWrite {
  const { privacy, spool, collector } = run;
  const { crawl, pageFacts, databases } = fetched;
  const { plan, content } = rendered;
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
  /** The pages the state keeps: those spooled and planned. */
  const statePages = new Set<string>();
  for (const id of plan.pages.keys()) if (spool.location(id) && pageFacts.has(id)) statePages.add(id);
  const pageEntry = (id: string): Omit<PageState, 'summary' | 'rendered'> => {
    const location = plan.pages.get(id)!;
    const at = spool.location(id)!;
    const facts = pageFacts.get(id)!;
    // As the cached content shows it: nothing the privacy rules leave out (`hid` keeps a keyed hash instead).
    const refs = privacy.leavesOut ? facts.refs.filter((r) => !privacy.isPrivate(r)) : facts.refs;
    // A page taken as it is lost what it lost before (and a render now may have found more).
    const hid = [...new Set([...(facts.hid ?? []), ...privacy.hiddenHashes(id)])].sort();
    return {
      parent: facts.parent,
      ...(location.parentId ? { under: location.parentId } : {}),
      ...(refs.length > 0 ? { refs } : {}),
      lastEdited: facts.lastEdited,
      digest: at.digest,
      path: location.markdown,
      assets: (assetsOf.get(id) ?? []).sort(),
      at: [at.offset, at.length],
      checksum: at.checksum,
      requests: facts.requests,
      ...(facts.holds ? { holds: facts.holds } : {}),
      ...(facts.shows ? { shows: facts.shows } : {}),
      ...(failed.has(id) ? { retry: true as const } : {}),
      ...(facts.comments ? { comments: true as const } : {}),
      ...(privacy.redactedIn(id) > 0 ? { redacted: privacy.redactedIn(id) } : {}),
      ...(hid.length > 0 ? { hid } : {}),
    };
  };
  /** Each page's entry, made as it is written: its summary and render as the run kept them (`Run.kept`), as JSON text. */
  async function* pages(): AsyncGenerator<[string, string]> {
    for (const id of statePages) {
      const entry = JSON.stringify(pageEntry(id));
      const summary = await run.kept.summaries.text(id);
      const render = await run.kept.renders.text(id);
      yield [id, `${entry.slice(0, -1)}${summary === undefined ? '' : `,"summary":${summary}`}${render === undefined ? '' : `,"rendered":${render}`}}`];
    }
  }
  // Rows the rules leave out are remembered by keyed hash only; a left-out database not at all.
  const dataSources: SyncState['dataSources'] = {};
  const hiddenRows: NonNullable<SyncState['hiddenRows']> = {};
  const databaseStates: SyncState['databases'] = {};
  for (const db of databases.values()) {
    const dataSourceIds: string[] = [];
    for (const ds of db.dataSources) {
      const rows = privacy.rowsForState(ds.dataSource.id, db.database.id, ds.rowIds);
      if (!rows) continue;
      dataSources[ds.dataSource.id] = rows.rows;
      if (rows.hidden.length > 0) hiddenRows[ds.dataSource.id] = rows.hidden;
      dataSourceIds.push(ds.dataSource.id);
    }
    if (privacy.isPrivate(db.database.id)) continue;
    const under = plan.databases.get(db.database.id)?.parentId;
    const renderedDb = content.rendered.databases.get(db.database.id);
    databaseStates[db.database.id] = { parent: parentKey(db.database.parent), ...(under ? { under } : {}), dataSources: dataSourceIds, ...(renderedDb ? { rendered: renderedDb } : {}) };
  }
  // What left the archive (now or before) and who pointed at it, until it comes back; never
  // what the privacy rules leave out (the pages that lost a trace of it keep a keyed hash).
  const left: NonNullable<SyncState['left']> = {};
  for (const [id, who] of [...Object.entries(run.left ?? {}), ...(crawl.plan?.pointedAt ?? [])]) {
    if (statePages.has(id) || databaseStates[id]) continue;
    if (privacy.isPrivate(id)) {
      delete left[id];
      continue;
    }
    const still = [...new Set([...(left[id] ?? []), ...who])].filter((p) => statePages.has(p)).sort();
    if (still.length > 0) left[id] = still;
    else delete left[id];
  }
  // Blocks holding pages, with the page they sit in: in plain ids where both are kept, as keyed hashes (blockHomes) otherwise.
  const blocks: NonNullable<SyncState['blocks']> = {};
  for (const [blockId, known] of crawl.blockParents) {
    const page = plan.pageOfBlock.get(blockId) ?? known;
    if (page === undefined || privacy.isPrivate(blockId) || (page !== null && privacy.isPrivate(page))) continue;
    blocks[blockId] = page ?? '';
  }
  const blockHomes = privacy.blockHomes((blockId, pageId) => blocks[blockId] === pageId);
  return {
    format: 'notion-kb/sync-state',
    version: SYNC_STATE_VERSION,
    snapshotId: describes,
    startedAt: run.startedAt.toISOString(),
    configKey: run.key,
    madeWith: run.madeWith,
    cache,
    pages: pages(),
    dataSources,
    databases: databaseStates,
    ...(Object.keys(left).length > 0 ? { left } : {}),
    ...(Object.keys(blocks).length > 0 ? { blocks } : {}),
    ...(Object.keys(hiddenRows).length > 0 ? { hiddenRows } : {}),
    ...(blockHomes ? { blockHomes } : {}),
    ...(run.privacyKey ? { privacyKeyCheck: keyCheck(run.privacyKey) } : {}),
    assets,
  };
}

/** What the sync state keeps of a page beside its place in the spool and the plan. */
interface PageFacts {
  lastEdited: string;
  requests: number;
  /** Synced block originals it holds and shows (most pages none: no empty lists kept). */
  holds?: string[];
  shows?: string[];
  reused: boolean;
  parent: string;
  refs: string[];
  /** Until the render step parks it for the state (`kept.summaries`, once the privacy rules have left out what they leave out). */
  summary: PageSummary | undefined;
  /** Its spooled content holds comments. */
  comments: boolean;
  /** Keyed hashes of what its cached content lost to the privacy rules, for a page taken as it is. */
  hid?: string[];
}

/** The renders of the snapshot a sync state describes, as the render pass asks for them. */
function previousRenders(state: SyncState): PreviousRenders {
  return {
    page: (id) => {
      const p = state.pages[id];
      return p?.rendered ? { digest: p.digest, rendered: p.rendered } : undefined;
    },
    database: (id) => state.databases[id]?.rendered,
  };
}

/**
 * What renders the files besides each page's inputs: notion-kb's version, what the privacy
 * rules leave out (a digest: the state names no left-out page) and whether comments are exported
 * (a page without comments has `discussions: []` then, and none otherwise, with the same digest).
 * Another key renders everything again. Comments off adds nothing: the key of a state written
 * before it counted them stays the same.
 */
function renderKey(version: string, excluded: ReadonlySet<string>, comments: boolean): string {
  return createHash('sha256')
    .update(JSON.stringify({ version, excluded: [...excluded].sort(), ...(comments ? { comments } : {}) }))
    .digest('hex')
    .slice(0, 32);
}

let packageVersion: Promise<string> | undefined;
/** notion-kb's version (package.json). */
function notionKbVersion(): Promise<string> {
  packageVersion ??= readFile(new URL('../package.json', import.meta.url), 'utf8').then((text) => (JSON.parse(text) as { version: string }).version);
  return packageVersion;
}

/** Drift the self-audit found, in the log (stderr, --quiet too): one warning naming the pages (the first 20). The summary line is the CLI's. */
function logAudit(audited: { audit: Audit }, log: NonNullable<SyncDeps['log']>): void {
  const a = audited.audit;
  if (a.differed.length === 0) return;
  const named = a.differed.slice(0, 20).map((p) => `${p.path} (${p.id})`);
  if (a.differed.length > 20) named.push(`and ${a.differed.length - 20} more (report.json)`);
  log('warn', `incremental_drift: ${a.differed.length} of ${a.compared} pages not edited since snapshot ${a.from} differed from it; this snapshot has their current content: ${named.join(', ')}`);
}

/** Where the output directory's privacy key lives (the key of the keyed hashes in the sync state). */
const PRIVACY_KEY_FILE = 'privacy-key';

/** The output directory's privacy key: read from state/privacy-key, or a new random one written there (mode 600). */
async function readOrCreatePrivacyKey(outDir: string, fs: OutputFs): Promise<Buffer> {
  const file = join(outDir, STATE_DIR, PRIVACY_KEY_FILE);
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  const known = text === null ? null : parsePrivacyKey(text);
  if (known) return known;
  // A new key: hashes made with another one no longer match, and the sync state says so (a full crawl).
  const key = newPrivacyKey();
  await fs.mkdir(join(outDir, STATE_DIR), { recursive: true });
  await fs.writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  return key;
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
  if (archive.error) log('warn', archive.error.message);
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
