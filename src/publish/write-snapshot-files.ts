import type { AssetOutcome } from '../assets/asset-collector.js';
import { join } from 'node:path';
import { LinkIndex, PageLinks, type UnresolvedLink } from '../links/link-index.js';
import type { DatabasePaths, PathPlan } from '../links/path-plan.js';
import type { AssetLookup, DatabaseRowInput, PageLocation } from '../normalise/normalise-page.js';
import { databaseDigest } from '../normalise/page-digest.js';
import type { DatabaseEntry, PageEntry, PageRecord } from '../normalise/schemas.js';
import { databaseFingerprint, type SnapshotItem, type SnapshotState } from '../history/diff-snapshots.js';
import { renderIndex } from '../render/index-file.js';
import type { CrawlIssue, CrawlResult, CrawledDatabase, CrawledPage } from '../source/crawl-types.js';
import type { KeptJson } from './kept-json.js';
import { LineSpool } from './line-spool.js';
import type { PageSpool } from './page-spool.js';
import type { HeadingAnchors, PlanNode } from './plan-paths.js';
import type { OutputFs } from './output-fs.js';
import { fileAnswer, LookupRecorder, renderInputs, sameInputs, userAnswer, type RenderAnswers, type RenderInputs } from './render-inputs.js';
import { indexDigestOf } from './same-content.js';
import { linkFiles, writeFileStreamed, writeFiles, type FileReuse } from './write-snapshot.js';

/**
 * The renderers (Markdown, YAML, their libraries), loaded when a run first renders a page or a
 * database: a night that takes everything from the latest snapshot never loads them.
 */
let renderers: Promise<{ renderPageFiles: typeof import('../render/page-files.js').renderPageFiles; renderDatabaseFiles: typeof import('../render/database-files.js').renderDatabaseFiles }> | undefined;
const loadRenderers = () =>
  (renderers ??= Promise.all([import('../render/page-files.js'), import('../render/database-files.js')]).then(([pages, databases]) => ({
    renderPageFiles: pages.renderPageFiles,
    renderDatabaseFiles: databases.renderDatabaseFiles,
  })));

export interface SnapshotFilesInput {
  staging: string;
  spool: PageSpool;
  plan: PathPlan;
  /** Heading block id → anchor in its page's file (PlanInputBuilder.headingAnchors). */
  headingAnchors: HeadingAnchors;
  /** Summaries of every page and database found (titles). */
  found: ReadonlyMap<string, PlanNode>;
  databases: ReadonlyMap<string, CrawledDatabase>;
  crawl: CrawlResult;
  /** What became of every file (src/assets/asset-collector.ts), read once every page is written. */
  assets: ReadonlyMap<string, AssetOutcome>;
  /** Looks a file up by key (default: in `assets`); an incremental sync also finds files of pages it took from its cache. */
  lookupAsset?: (key: string) => AssetOutcome | undefined;
  /** The previous snapshot: files whose bytes did not change become hard links to it. */
  reuse?: FileReuse;
  snapshotId: string;
  createdAt: string;
  /** The output file system. */
  fs: OutputFs;
  /** Told after each page is written, with how many are written so far (progress). */
  onPageWritten?: (written: number) => void;
  /** Called on each page read back from the spool, before it is rendered (the privacy rules clean it). */
  beforeRender?: (unit: CrawledPage) => void;
  /** Called on each database before it is rendered. */
  beforeRenderDatabase?: (unit: CrawledDatabase) => void;
  /** Called on each page once its files are written, with them (the self-audit of a full run, src/publish/self-audit.ts). */
  afterPage?: (id: string, page: { record: PageRecord; files: ReadonlyMap<string, string> }) => Promise<void>;
  /**
   * What made the rendering itself (notion-kb's version, the privacy rules' exclusions): a page or
   * database rendered under another key is rendered again.
   */
  renderKey: string;
  /**
   * How the previous snapshot (`reuse`) was rendered (the sync state): a page whose fetched content
   * and render inputs are all the same, or a database none of whose rows, schema and inputs
   * changed, is taken from it as it is (hard links), without being read back or rendered.
   */
  previous?: PreviousRenders;
  /**
   * How each page rendered now was rendered (a RenderedPage), parked for the next run's sync state.
   * A page taken from the previous snapshot is not parked: the store gives the render the
   * previous state holds (`previous`).
   */
  renders: KeptJson;
}

/** The renders of the previous snapshot, by id (src/publish/sync-state.ts keeps them). */
export interface PreviousRenders {
  page(id: string): { digest: string; rendered: RenderedPage } | undefined;
  database(id: string): RenderedDatabase | undefined;
}

/** What a page's render looked up, and what the index and the report took from it. */
export interface RenderedPage {
  /** What it looked up; `ids` less its `links` (they are looked up too). */
  inputs: RenderInputs;
  /** Its index entry's title, when not its summary's (a mention in a title shows as the render pass shows it). */
  title?: string;
  url: string;
  createdTime: string;
  lastEditedTime: string;
  /** Pages and databases it links to (index.json backlinks). */
  links?: string[];
  blocks: number;
  unrendered?: Array<{ blockId: string; type: string; reason: string }>;
  unresolved?: UnresolvedLink[];
  warnings?: Array<{ code: string; message: string }>;
}

/** What a database's render looked up, and what the index, the history and the report took from it. */
export interface RenderedDatabase {
  inputs: RenderInputs;
  /** Its index entry less the row ids (those are its data sources' rows). */
  entry: Omit<DatabaseEntry, 'rowIds'>;
  /** What the history compares (src/history/diff-snapshots.ts databaseFingerprint). */
  fingerprint: string;
  rows: number;
  unresolved?: UnresolvedLink[];
}

/** What the report needs of the written files. */
export interface SnapshotFilesOutcome {
  /** Files still to write: none (index.json is written); the caller adds its own. */
  files: Map<string, string>;
  warnings: CrawlIssue[];
  unrendered: Array<{ pageId: string; blockId: string; type: string; reason: string }>;
  unresolvedLinks: UnresolvedLink[];
  assetFailures: Array<{ pageId: string; blockId?: string; key: string; reason: string }>;
  counts: { pages: number; databases: number; dataSources: number; rows: number; blocks: number };
  /** What the history needs of this snapshot, from what was just written (no second read of index and records). */
  state: SnapshotState;
  /** How each database was rendered, now or for the previous snapshot (for the next run's sync state; pages: `SnapshotFilesInput.renders`). */
  rendered: { databases: Map<string, RenderedDatabase> };
  /** Pages and databases rendered by this run; the others were taken from the previous snapshot as they are. */
  renderedNow: { pages: number; databases: number };
}

/**
 * The render pass: every page read back from the spool, rendered and written one at a time
 * (in path order, so the index lists pages the same way in every run), then every database
 * from its rows' records, then index.json. Only summaries stay in memory: index.json's page
 * entries wait on disk, beside the staging directory. A page or database whose render would
 * give the bytes of the previous snapshot's (`previous`: the same fetched content, paths and
 * answers to every lookup it made) is linked from there instead.
 */
export async function writeSnapshotFiles(input: SnapshotFilesInput): Promise<SnapshotFilesOutcome> {
  const pageEntries = await LineSpool.create<PageEntry>(`${input.staging}.index`, input.fs);
  try {
    return (await renderAndWrite(input, pageEntries, null))!;
  } finally {
    await pageEntries.remove();
  }
}

/**
 * The render pass of a snapshot that would be the previous one (`reuse`) again, run without
 * writing it: the outcome writeSnapshotFiles would give when it takes every page and database
 * from the previous snapshot as they are and its index.json has the previous one's content
 * (`indexDigest`: src/publish/same-content.ts), with `linked`, how many files it would link;
 * null as soon as one of them would be rendered, or when the index differs. Nothing is linked
 * into the staging directory (files looked up are adopted there as in the render pass).
 */
export async function unchangedSnapshotFiles(input: SnapshotFilesInput & { reuse: FileReuse }, indexDigest: string): Promise<(SnapshotFilesOutcome & { linked: number }) | null> {
  const pageEntries = await LineSpool.create<PageEntry>(`${input.staging}.index`, input.fs);
  try {
    const check = { indexDigest, linked: 0 };
    const outcome = await renderAndWrite(input, pageEntries, check);
    return outcome && { ...outcome, linked: check.linked };
  } finally {
    await pageEntries.remove();
  }
}

/** The render pass; with `check`, a dry run (unchangedSnapshotFiles): null as soon as the snapshot would not be the previous one. */
async function renderAndWrite(input: SnapshotFilesInput, pageEntries: LineSpool<PageEntry>, check: { indexDigest: string; linked: number } | null): Promise<SnapshotFilesOutcome | null> {
  const { plan, staging } = input;
  const assets: AssetLookup = input.lookupAsset ?? ((key) => input.assets.get(key));
  const linkIndex = new LinkIndex(plan, input.headingAnchors);
  const titleOf = (id: string): string | null => {
    const node = input.found.get(id);
    return node ? node.title || 'Untitled' : null;
  };
  /** This run's answer to each lookup a render makes. */
  const answers: RenderAnswers = {
    id: (id) => JSON.stringify([linkIndex.targetOf(id), linkIndex.pathOf(id), linkIndex.anchorOf(id), titleOf(id)]),
    user: (id) => userAnswer(input.crawl.users.get(id)),
    file: (key) => fileAnswer(assets(key)),
  };
  const warnings: CrawlIssue[] = [];
  const unrendered: SnapshotFilesOutcome['unrendered'] = [];
  const unresolvedLinks: UnresolvedLink[] = [];
  const contentFailures = new Map<string, string>();
  for (const f of input.crawl.failures) if (f.pageId && !f.blockId && !contentFailures.has(f.pageId)) contentFailures.set(f.pageId, f.message);

  const madeFolders = new Set<string>();
  const items = new Map<string, SnapshotItem>();
  const linksOf = new Map<string, string[]>();
  /** Pages rendered by this run (their databases are rendered again too). */
  const renderedNow = new Set<string>();
  let blocks = 0;

  /** Everything a page's files are made of besides the lookups: a change in any renders it again. */
  const ownInputs = (id: string, location: PageLocation, digest: string) => ({ key: input.renderKey, digest, location, failure: contentFailures.get(id) ?? null });

  /** Files taken from the previous snapshot as they are (a dry run only counts those it would take). */
  const takeFiles = async (paths: string[]): Promise<boolean> => {
    if (!check) return linkFiles(staging, paths, input.fs, madeFolders, input.reuse!);
    if (!paths.every((p) => input.reuse!.hashes.has(p))) return false;
    check.linked += paths.length;
    return true;
  };

  /** The page as the previous snapshot has it, when nothing it was made from changed; null otherwise. */
  const reusePage = async (id: string, location: PageLocation): Promise<RenderedPage | null> => {
    const before = input.previous?.page(id);
    const digest = input.spool.location(id)?.digest;
    if (!before || !input.reuse || digest !== before.digest) return null;
    const inputs = before.rendered.inputs;
    if (!sameInputs({ ...inputs, ids: [...(inputs.ids ?? []), ...(before.rendered.links ?? [])] }, ownInputs(id, location, digest), answers)) return null;
    return (await takeFiles([location.record, location.markdown])) ? before.rendered : null;
  };

  const renderPage = async (id: string, location: PageLocation): Promise<RenderedPage> => {
    const { renderPageFiles } = await loadRenderers();
    const unit = await input.spool.get(id);
    input.beforeRender?.(unit);
    const asked = new LookupRecorder();
    const links = new PageLinks(linkIndex, id, location.markdown);
    const pageWarnings: Array<{ code: string; message: string }> = [];
    const page = await renderPageFiles(unit, {
      location,
      links,
      users: asked.usersMap(input.crawl.users),
      assets: asked.assets(assets),
      titleOf: asked.titleOf(titleOf),
      ...(contentFailures.has(id) ? { contentFailure: contentFailures.get(id)! } : {}),
      warn: (code, message) => pageWarnings.push({ code, message }),
    });
    await writeFiles(staging, page.files, input.fs, madeFolders, input.reuse);
    await input.afterPage?.(id, page);
    renderedNow.add(id);
    const { title, url, createdTime, lastEditedTime } = page.record;
    const inputs = renderInputs(ownInputs(id, location, unit.digest), { ids: [...asked.ids, ...links.asked, ...page.links], users: asked.users, files: asked.files }, answers);
    const linked = new Set(page.links);
    const extra = inputs.ids?.filter((x) => !linked.has(x)) ?? [];
    const { ids: _all, ...rest } = inputs;
    return {
      inputs: extra.length > 0 ? { ...rest, ids: extra } : rest,
      ...(title !== input.found.get(id)?.title ? { title } : {}),
      url,
      createdTime,
      lastEditedTime,
      ...(page.links.length > 0 ? { links: page.links } : {}),
      blocks: page.blocks,
      ...(page.unrendered.length > 0 ? { unrendered: page.unrendered.map(({ blockId, type, reason }) => ({ blockId, type, reason })) } : {}),
      ...(page.unresolvedLinks.length > 0 ? { unresolved: page.unresolvedLinks } : {}),
      ...(pageWarnings.length > 0 ? { warnings: pageWarnings } : {}),
    };
  };

  for (const [id, location] of [...plan.pages].sort(([, a], [, b]) => a.markdown.localeCompare(b.markdown))) {
    const before = await reusePage(id, location);
    const page = before ?? (check ? null : await renderPage(id, location));
    if (!page) return null;
    if (!before) input.renders.park(id, page);
    input.onPageWritten?.(pageEntries.size + 1);
    const { markdown: path, record, parentId, databaseId } = location;
    const { url, createdTime, lastEditedTime } = page;
    // The summary's title string when it is the same (one copy per page, not two).
    const title = page.title ?? input.found.get(id)?.title ?? '';
    await pageEntries.add({ id, title, path, record, parentId, databaseId, url, createdTime, lastEditedTime });
    items.set(id, { kind: 'page', id, title, path, parentId, fingerprint: input.spool.location(id)?.digest ?? null, files: { markdown: path, record }, edited: lastEditedTime });
    linksOf.set(id, page.links ?? []);
    blocks += page.blocks;
    for (const u of page.unrendered ?? []) unrendered.push({ pageId: id, blockId: u.blockId, type: u.type, reason: u.reason });
    for (const w of page.warnings ?? []) warnings.push({ code: w.code, message: w.message, pageId: id });
    unresolvedLinks.push(...(page.unresolved ?? []));
  }

  const rowOf = async (rowId: string): Promise<DatabaseRowInput> => {
    const paths = plan.pages.get(rowId)!;
    const record = JSON.parse(await input.fs.readFile(join(staging, paths.record), 'utf8')) as PageRecord;
    return { id: rowId, title: record.title || 'Untitled', path: paths.markdown, record: paths.record, properties: record.properties };
  };
  const databaseEntries: DatabaseEntry[] = [];
  const renderedDatabases = new Map<string, RenderedDatabase>();
  let databasesRendered = 0;
  let dataSources = 0;
  let rows = 0;

  /** The database as the previous snapshot has it, when neither it, its rows nor anything it looked up changed; null otherwise. */
  const reuseDatabase = async (id: string, paths: DatabasePaths, own: unknown, rowIds: string[]): Promise<RenderedDatabase | null> => {
    const before = input.previous?.database(id);
    if (!before || !input.reuse || rowIds.some((r) => renderedNow.has(r))) return null;
    if (!sameInputs(before.inputs, own, answers)) return null;
    return (await takeFiles([paths.json, ...paths.csv, paths.markdown])) ? before : null;
  };

  const renderDatabase = async (id: string, paths: DatabasePaths, own: unknown, unit: CrawledDatabase, rowIds: Map<string, string[]>): Promise<RenderedDatabase> => {
    const { renderDatabaseFiles } = await loadRenderers();
    const asked = new LookupRecorder();
    const links = new PageLinks(linkIndex, id, paths.markdown);
    const db = await renderDatabaseFiles(unit, {
      paths,
      links,
      assets: asked.assets(assets),
      titleOf: asked.titleOf(titleOf),
      rowsOf: async (dataSourceId) => {
        const out: DatabaseRowInput[] = [];
        for (const rowId of rowIds.get(dataSourceId) ?? []) out.push(await rowOf(rowId));
        return out;
      },
    });
    await writeFiles(staging, db.files, input.fs, madeFolders, input.reuse);
    databasesRendered++;
    const { rowIds: _rows, ...entry } = db.entry;
    return {
      inputs: renderInputs(own, { ids: [...asked.ids, ...links.asked], files: asked.files }, answers),
      entry,
      fingerprint: databaseFingerprint(db.record),
      rows: db.rows,
      ...(db.unresolvedLinks.length > 0 ? { unresolved: db.unresolvedLinks } : {}),
    };
  };

  for (const [id, paths] of [...plan.databases].sort(([, a], [, b]) => a.json.localeCompare(b.json))) {
    const unit = input.databases.get(id)!;
    input.beforeRenderDatabase?.(unit);
    const rowIds = new Map(unit.dataSources.map((d) => [d.dataSource.id, d.rowIds.filter((r) => plan.pages.has(r))]));
    const own = { key: input.renderKey, digest: databaseDigest(unit), paths, rows: [...rowIds] };
    const allRows = [...rowIds.values()].flat();
    const db = (await reuseDatabase(id, paths, own, allRows)) ?? (check ? null : await renderDatabase(id, paths, own, unit, rowIds));
    if (!db) return null;
    renderedDatabases.set(id, db);
    databaseEntries.push({ ...db.entry, rowIds: allRows });
    const dbFiles: Record<string, string> = { json: db.entry.path, markdown: paths.markdown };
    for (const ds of db.entry.dataSources) dbFiles[`csv:${ds.id}`] = ds.csv;
    items.set(id, { kind: 'database', id, title: db.entry.title, path: db.entry.path, parentId: db.entry.parentId, fingerprint: db.fingerprint, files: dbFiles });
    dataSources += db.entry.dataSources.length;
    rows += db.rows;
    unresolvedLinks.push(...(db.unresolved ?? []));
  }

  const index = renderIndex({ snapshotId: input.snapshotId, createdAt: input.createdAt, pages: pageEntries.items(), databases: databaseEntries, linksOf });
  if (!check) await writeFileStreamed(staging, 'index.json', index, input.fs, input.reuse);
  else if ((await indexDigestOf(index)) !== check.indexDigest) return null;

  const assetFailures: SnapshotFilesOutcome['assetFailures'] = [];
  for (const o of input.assets.values()) {
    if (o.kind === 'missing') assetFailures.push({ pageId: o.ref.pageId, ...(o.ref.blockId ? { blockId: o.ref.blockId } : {}), key: o.ref.key, reason: o.reason });
    else if (o.kind === 'link' && o.reason)
      warnings.push({ code: 'external_file_kept_as_link', message: `${o.ref.key}: ${o.reason}; kept as a link to ${o.url}`, pageId: o.ref.pageId, ...(o.ref.blockId ? { blockId: o.ref.blockId } : {}) });
  }

  return {
    files: new Map(),
    warnings,
    unrendered,
    unresolvedLinks: dedupeLinks(unresolvedLinks),
    assetFailures: assetFailures.sort((a, b) => a.key.localeCompare(b.key)),
    counts: { pages: pageEntries.size, databases: databaseEntries.length, dataSources, rows, blocks },
    state: { snapshotId: input.snapshotId, items },
    rendered: { databases: renderedDatabases },
    renderedNow: { pages: renderedNow.size, databases: databasesRendered },
  };
}

function dedupeLinks(list: UnresolvedLink[]): UnresolvedLink[] {
  const seen = new Map<string, UnresolvedLink>();
  for (const l of list) seen.set(`${l.pageId} ${l.target} ${l.url}`, l);
  return [...seen.values()].sort((a, b) => a.pageId.localeCompare(b.pageId) || a.url.localeCompare(b.url));
}
