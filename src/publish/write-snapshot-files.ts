import type { AssetOutcome } from '../assets/asset-collector.js';
import { join } from 'node:path';
import { LinkIndex, PageLinks, type UnresolvedLink } from '../links/link-index.js';
import type { PathPlan } from '../links/path-plan.js';
import type { AssetLookup, DatabaseRowInput } from '../normalise/normalise-page.js';
import type { DatabaseEntry, PageEntry, PageRecord } from '../normalise/schemas.js';
import { databaseFingerprint, type SnapshotItem, type SnapshotState } from '../history/diff-snapshots.js';
import { renderDatabaseFiles } from '../render/database-files.js';
import { renderIndex } from '../render/index-file.js';
import { renderPageFiles } from '../render/page-files.js';
import type { CrawlIssue, CrawlResult, CrawledDatabase, CrawledPage } from '../source/crawl-types.js';
import { LineSpool } from './line-spool.js';
import type { PageSpool } from './page-spool.js';
import type { HeadingAnchors, PlanNode } from './plan-paths.js';
import type { OutputFs } from './output-fs.js';
import { writeFileStreamed, writeFiles, type FileReuse } from './write-snapshot.js';

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
}

/**
 * The render pass: every page read back from the spool, rendered and written one at a time
 * (in path order, so the index lists pages the same way in every run), then every database
 * from its rows' records, then index.json. Only summaries stay in memory: index.json's page
 * entries wait on disk, beside the staging directory.
 */
export async function writeSnapshotFiles(input: SnapshotFilesInput): Promise<SnapshotFilesOutcome> {
  const pageEntries = await LineSpool.create<PageEntry>(`${input.staging}.index`, input.fs);
  try {
    return await renderAndWrite(input, pageEntries);
  } finally {
    await pageEntries.remove();
  }
}

async function renderAndWrite(input: SnapshotFilesInput, pageEntries: LineSpool<PageEntry>): Promise<SnapshotFilesOutcome> {
  const { plan, staging } = input;
  const assets: AssetLookup = input.lookupAsset ?? ((key) => input.assets.get(key));
  const linkIndex = new LinkIndex(plan, input.headingAnchors);
  const titleOf = (id: string): string | null => {
    const node = input.found.get(id);
    return node ? node.title || 'Untitled' : null;
  };
  const warnings: CrawlIssue[] = [];
  const unrendered: SnapshotFilesOutcome['unrendered'] = [];
  const unresolvedLinks: UnresolvedLink[] = [];
  const contentFailures = new Map<string, string>();
  for (const f of input.crawl.failures) if (f.pageId && !f.blockId && !contentFailures.has(f.pageId)) contentFailures.set(f.pageId, f.message);

  const madeFolders = new Set<string>();
  const items = new Map<string, SnapshotItem>();
  const linksOf = new Map<string, string[]>();
  let blocks = 0;
  for (const [id, location] of [...plan.pages].sort(([, a], [, b]) => a.markdown.localeCompare(b.markdown))) {
    const unit = await input.spool.get(id);
    input.beforeRender?.(unit);
    const page = await renderPageFiles(unit, {
      location,
      links: new PageLinks(linkIndex, id, location.markdown),
      users: input.crawl.users,
      assets,
      titleOf,
      ...(contentFailures.has(id) ? { contentFailure: contentFailures.get(id)! } : {}),
      warn: (code, message) => warnings.push({ code, message, pageId: id }),
    });
    await writeFiles(staging, page.files, input.fs, madeFolders, input.reuse);
    input.onPageWritten?.(pageEntries.size + 1);
    const { id: _id, title, path, record, parentId, databaseId, url, createdTime, lastEditedTime } = page.record;
    await pageEntries.add({ id, title, path, record, parentId, databaseId, url, createdTime, lastEditedTime });
    // The history keeps the summary's title string when it is the same (one copy per page, not two).
    const summary = input.found.get(id)?.title;
    items.set(id, { kind: 'page', id, title: summary === title ? summary : title, path, parentId, fingerprint: page.record.digest, files: { markdown: path, record }, edited: lastEditedTime });
    linksOf.set(id, page.links);
    blocks += page.blocks;
    for (const u of page.unrendered) unrendered.push({ pageId: id, blockId: u.blockId, type: u.type, reason: u.reason });
    unresolvedLinks.push(...page.unresolvedLinks);
  }

  const rowOf = async (rowId: string): Promise<DatabaseRowInput> => {
    const paths = plan.pages.get(rowId)!;
    const record = JSON.parse(await input.fs.readFile(join(staging, paths.record), 'utf8')) as PageRecord;
    return { id: rowId, title: record.title || 'Untitled', path: paths.markdown, record: paths.record, properties: record.properties };
  };
  const databaseEntries: DatabaseEntry[] = [];
  let dataSources = 0;
  let rows = 0;
  for (const [id, paths] of [...plan.databases].sort(([, a], [, b]) => a.json.localeCompare(b.json))) {
    const unit = input.databases.get(id)!;
    input.beforeRenderDatabase?.(unit);
    const rowIds = new Map(unit.dataSources.map((d) => [d.dataSource.id, d.rowIds.filter((r) => plan.pages.has(r))]));
    const db = await renderDatabaseFiles(unit, {
      paths,
      links: new PageLinks(linkIndex, id, paths.markdown),
      assets,
      titleOf,
      rowsOf: async (dataSourceId) => {
        const out: DatabaseRowInput[] = [];
        for (const rowId of rowIds.get(dataSourceId) ?? []) out.push(await rowOf(rowId));
        return out;
      },
    });
    await writeFiles(staging, db.files, input.fs, madeFolders, input.reuse);
    databaseEntries.push(db.entry);
    const dbFiles: Record<string, string> = { json: db.entry.path, markdown: paths.markdown };
    for (const ds of db.entry.dataSources) dbFiles[`csv:${ds.id}`] = ds.csv;
    items.set(id, { kind: 'database', id, title: db.entry.title, path: db.entry.path, parentId: db.entry.parentId, fingerprint: databaseFingerprint(db.record), files: dbFiles });
    dataSources += db.dataSources;
    rows += db.rows;
    unresolvedLinks.push(...db.unresolvedLinks);
  }

  const index = renderIndex({ snapshotId: input.snapshotId, createdAt: input.createdAt, pages: pageEntries.items(), databases: databaseEntries, linksOf });
  await writeFileStreamed(staging, 'index.json', index, input.fs, input.reuse);

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
  };
}

function dedupeLinks(list: UnresolvedLink[]): UnresolvedLink[] {
  const seen = new Map<string, UnresolvedLink>();
  for (const l of list) seen.set(`${l.pageId} ${l.target} ${l.url}`, l);
  return [...seen.values()].sort((a, b) => a.pageId.localeCompare(b.pageId) || a.url.localeCompare(b.url));
}
