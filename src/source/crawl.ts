import { isFullPage, type BlockObjectResponse, type CommentObjectResponse, type DatabaseObjectResponse, type DataSourceObjectResponse, type PageObjectResponse, type UserObjectResponse } from '@notionhq/client';
import pLimit from 'p-limit';
import type { BlockNode } from './block-tree.js';
import type { CrawlIssue, CrawlPrivacy, CrawlResult, CrawledDatabase, CrawledPage, NotionReader, PageOrigin, PreviousCrawl } from './crawl-types.js';
import { blockFileRefs, databaseFileRefs, pageFileRefs, type FileRef } from './file-refs.js';
import { listWorkspace } from './list-workspace.js';
import { listedParent, planFetch, type FetchPlan, type Listing } from './plan-fetch.js';

export interface CrawlProgress {
  pagesFound: number;
  pagesDone: number;
  databasesFound: number;
  databasesDone: number;
}

export interface CrawlOptions {
  reader: NotionReader;
  /** Dashed page or database ids to export with everything below them; empty: everything shared with the integration. */
  roots: string[];
  /** Called as soon as a file URL is seen, so that it can be downloaded before the signed URL expires. */
  onFile: (ref: FileRef) => void;
  /**
   * Takes each page as soon as its whole block tree is fetched. The crawl keeps nothing of it
   * afterwards, and waits for this before it takes up another page: memory stays bounded by
   * the pages in flight, not by the workspace.
   */
  onPage: (unit: CrawledPage, origin: PageOrigin) => Promise<void>;
  /** Takes each database with its data sources and row ids, once all its rows are listed. */
  onDatabase: (unit: CrawledDatabase) => Promise<void>;
  onProgress?: (p: CrawlProgress) => void;
  /** Pages fetched at the same time (each holds its block tree until handed on). Default 16. */
  pagesInFlight?: number;
  /**
   * The last published snapshot: makes the crawl incremental. Search lists every page with its
   * parent and edit time first (src/source/list-workspace.ts), a pure planner decides from that
   * and the previous sync what to fetch (src/source/plan-fetch.ts), and the crawl carries the plan
   * out: unchanged pages come from the page cache, without their file refs (the caller takes their
   * files from the previous snapshot); the rest are fetched.
   */
  previous?: PreviousCrawl;
  /**
   * Incremental: offered each page the plan takes from the page cache, before it is read back.
   * An answer (the sub-pages and databases the page lists) takes it as it is: the crawl visits
   * those and neither reads the page nor hands it to onPage. Null: it is read and handed on.
   */
  keepCached?: (id: string) => Promise<{ pages: readonly string[]; databases: readonly string[] } | null>;
  /**
   * Also fetch the comments of every page: one request for the page's own discussions and one
   * per block that can carry one (Notion lists a block's comments only by its id). When Notion
   * refuses the first one (no "Read comments" capability) the run warns once and goes on without.
   */
  comments?: boolean;
  /**
   * The privacy rules (config `privacy`), when one leaves pages out: consulted before anything of
   * a page, row or database is requested (see the PRIVACY call sites below).
   */
  privacy?: CrawlPrivacy;
}

/** Blocks whose comments are not this page's (sub-pages, databases) or that cannot carry one (layout). */
const NO_OWN_COMMENTS = new Set(['child_page', 'child_database', 'column_list', 'column']);

/** Ids of the blocks of a tree that can carry comments of this page, in tree order. */
export function commentableBlockIds(blocks: readonly BlockNode[], out: string[] = []): string[] {
  for (const b of blocks) {
    if (!NO_OWN_COMMENTS.has(b.type)) out.push(b.id);
    // A synced reference shows the original's blocks: their comments are the original page's.
    if (b.type === 'synced_block' && b.synced_block.synced_from !== null) continue;
    commentableBlockIds(b.children, out);
  }
  return out;
}

function fileNameOf(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : 'file';
  } catch {
    return 'file';
  }
}

/** Notion's answer when the integration lacks "Read comments": 403 (restricted_resource). */
const lacksCapability = (err: unknown): boolean => (err as { context?: { status?: unknown } } | null)?.context?.status === 403;

/** Page objects from search or queries waiting for a slot, at most, before the listing pauses. */
const MAX_WAITING_PAGES = 200;

/** Lists the value of a property item response as an array of items (the endpoint answers a list or one item). */
function propertyItems(response: unknown): Array<Record<string, unknown>> {
  const r = response as { kind?: string; results?: Array<Record<string, unknown>>; item?: Record<string, unknown> };
  if (r.kind === 'list' && Array.isArray(r.results)) return r.results;
  if (r.kind === 'item' && r.item) return [r.item];
  throw new Error('unexpected property item response');
}

const mentionCount = (items: Array<{ type: string }>) => items.filter((i) => i.type === 'mention').length;

/**
 * A rollup from the property endpoint: calculated ones come whole in `property_item.rollup`;
 * "show original" ones as one item per value, which become the elements of the array.
 */
function completeRollup(summary: Record<string, unknown> | undefined, items: Array<Record<string, unknown>>): Record<string, unknown> {
  if (!summary) throw new Error('the property endpoint gave no rollup value');
  if (summary.type !== 'array') return summary;
  const array = items.map((item) => {
    const type = item.type as string;
    const value = item[type];
    // Text and people come back one element per item; the value type wants lists.
    return { type, [type]: ['title', 'rich_text', 'people', 'relation'].includes(type) ? [value] : value };
  });
  return { ...summary, array };
}

/** Notion cuts relation, people and mention lists at 25 items in page objects. */
const CUT_AT = 25;

/**
 * Walks everything reachable from the roots (or everything search finds), fetching each
 * page, block tree, database, data source and row exactly once. Page objects returned by
 * search and queries are reused; property values cut at 25 items are completed through the
 * property endpoint. Failures of single pages are collected, not thrown.
 */
export async function crawlWorkspace(opts: CrawlOptions): Promise<CrawlResult> {
  const { reader } = opts;
  const pageSlots = pLimit(opts.pagesInFlight ?? 16);
  /** Listings (search, queries) waiting for the page queue to shrink before they read on. */
  let listingsWaiting: Array<() => void> = [];
  const roomForMore = async (): Promise<void> => {
    while (pageSlots.pendingCount >= MAX_WAITING_PAGES && !fatal) await new Promise<void>((resolve) => listingsWaiting.push(resolve));
  };
  const wakeListings = () => {
    const waiting = listingsWaiting;
    listingsWaiting = [];
    for (const resolve of waiting) resolve();
  };
  const users = new Map<string, UserObjectResponse>();
  const failures: CrawlIssue[] = [];
  const warnings: CrawlIssue[] = [];
  const seenPages = new Set<string>();
  const seenDatabases = new Set<string>();
  const syncedChildren = new Map<string, Promise<BlockNode[]>>();
  const knownDataSources = new Map<string, DataSourceObjectResponse>();
  const tasks: Array<Promise<void>> = [];
  const prev = opts.previous;
  /** Incremental: what this run found before fetching, and what it fetches. */
  let listing: Listing | undefined;
  let plan: FetchPlan | undefined;
  /** Blocks that search shows as the parent of a page or database, with the page holding them when known. */
  const blockParents = new Map<string, string | null | undefined>();
  /** Requests spent on each page in flight (about: one per 100 children listed), for the report's savings. */
  const requestsFor = new Map<string, number>();
  const countFor = (pageId: string, n: number) => requestsFor.set(pageId, (requestsFor.get(pageId) ?? 0) + n);
  /** An error that ends the whole crawl (a rejected token); tasks record it instead of rejecting. */
  let fatal: unknown;
  const progress: CrawlProgress = { pagesFound: 0, pagesDone: 0, databasesFound: 0, databasesDone: 0 };
  const report = () => opts.onProgress?.({ ...progress });

  const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
  const codeOf = (err: unknown) => (err as { code?: string })?.code ?? 'error';
  /** Errors that stop the run (noted once decided, so that an error passed up is not judged twice). */
  const stopping = new WeakSet<object>();
  let probing: Promise<boolean> | undefined;
  /**
   * Whether an error stops the whole run rather than failing its page: a rejected token, or Notion
   * no longer answering at all. A request that gave up after its retries (or could not reach
   * Notion) may be this page's trouble alone; a request that asks nothing of any page (the
   * integration's own user) tells which, and gives up too when Notion is down. Otherwise an outage
   * part-way would publish a snapshot whose pages past it are empty, and its export bundle. The run
   * then fails (exit 1), keeping what it fetched for the next run to resume from.
   */
  const stopsRun = async (err: unknown): Promise<boolean> => {
    if (err !== null && typeof err === 'object' && stopping.has(err)) return true;
    const code = codeOf(err);
    let stops = code === 'auth';
    if (!stops && (code === 'gave_up' || code === 'network') && reader.me) {
      const me = reader.me.bind(reader);
      probing ??= me().then(
        () => false,
        () => true,
      ).finally(() => (probing = undefined));
      stops = await probing;
    }
    if (stops && err !== null && typeof err === 'object') stopping.add(err);
    return stops;
  };

  // PRIVACY (6): an external "file" at a left-out page's URL (a files property holding a link to
  // it) is no file of the archive: the rules drop it from the property (privacy-policy.ts).
  const emitFiles = (refs: FileRef[]) => refs.forEach((r) => (r.source === 'external' && opts.privacy?.excludesUrl(r.url) ? undefined : opts.onFile(r)));

  /** Comments: asked for, and not refused by Notion so far. */
  let commentsOn = opts.comments === true;
  /** The run's first comments request; the others wait for it, so a refusal costs one request. */
  let firstComments: Promise<unknown> | undefined;
  const commentsRefused = new Error('comments refused');
  /** Notion refused comments: one warning, and no more comments requests this run. */
  const refuseComments = () => {
    if (!commentsOn) return;
    commentsOn = false;
    warnings.push({
      code: 'comments_unavailable',
      message:
        'comments are not exported: Notion refused to list them (403). Tick "Read comments" under Capabilities of the integration (https://www.notion.so/profile/integrations) and run again',
    });
  };
  async function listComments(id: string): Promise<CommentObjectResponse[]> {
    if (firstComments === undefined) {
      const first = reader.listCommentsAll(id);
      // Settles only once a refusal is recorded, so no request waiting on it goes out after one.
      firstComments = first.catch((err: unknown) => {
        if (lacksCapability(err)) refuseComments();
      });
      return first;
    }
    await firstComments;
    if (!commentsOn) throw commentsRefused;
    return reader.listCommentsAll(id);
  }

  /**
   * The comments of a page (its own discussions, then each block's in tree order); undefined when
   * comments are off, refused, or could not be had (a failure of the page, which keeps the rest).
   */
  async function fetchComments(pageId: string, blocks: BlockNode[]): Promise<CommentObjectResponse[] | undefined> {
    if (!commentsOn || fatal) return undefined;
    try {
      const own = await listComments(pageId);
      countFor(pageId, 1);
      const perBlock = await Promise.all(
        commentableBlockIds(blocks).map(async (id) => {
          const list = await listComments(id);
          countFor(pageId, 1);
          return list;
        }),
      );
      const all = [...own, ...perBlock.flat()];
      // Attachments come with signed URLs that expire (and are not kept): note their file names.
      for (const c of all) for (const a of c.attachments ?? []) (a.file as { name?: string }).name ??= fileNameOf(a.file.url);
      return all;
    } catch (err) {
      if (err === commentsRefused) return undefined;
      if (await stopsRun(err)) throw err;
      if (lacksCapability(err)) {
        refuseComments();
        return undefined;
      }
      failures.push({ code: codeOf(err), message: `page ${pageId}: its comments could not be fetched: ${describe(err)}`, pageId });
      return undefined;
    }
  }

  /**
   * Replaces values Notion cut at 25 items with the full ones from the property endpoint:
   * relations, people and mention-heavy text; and, when any relation was cut, every rollup
   * (Notion computes a page object's rollups over the first 25 related pages only).
   */
  async function completeProperties(page: PageObjectResponse): Promise<void> {
    const props = page.properties as Record<string, Record<string, unknown> & { id: string; type: string }>;
    const cut = (v: Record<string, unknown> & { type: string }): boolean => {
      if (v.type === 'relation') return v.has_more === true || (v.relation as unknown[]).length >= CUT_AT;
      if (v.type === 'people') return (v.people as unknown[]).length >= CUT_AT;
      if (v.type === 'title' || v.type === 'rich_text') return mentionCount(v[v.type] as Array<{ type: string }>) >= CUT_AT;
      return false;
    };
    const relationCut = Object.values(props).some((v) => v.type === 'relation' && cut(v));
    for (const [name, v] of Object.entries(props)) {
      if (v.type === 'rollup' ? !relationCut : !cut(v)) continue;
      countFor(page.id, 1);
      const response = (await reader.listPropertyItemsAll(page.id, v.id)) as {
        kind?: string;
        propertyItem?: { rollup?: Record<string, unknown> };
        item?: Record<string, unknown>;
      };
      const items = propertyItems(response);
      if (v.type === 'rollup') {
        props[name] = { ...v, rollup: completeRollup(response.propertyItem?.rollup ?? (response.item?.rollup as Record<string, unknown>), items) };
        continue;
      }
      const complete = items.map((item) => item[v.type]);
      props[name] = v.type === 'relation' ? { ...v, relation: complete, has_more: false } : { ...v, [v.type]: complete };
    }
  }

  /** Fetches the children of a block (or page), recursively, and reports the files in them. */
  async function fetchTree(parentId: string, pageId: string): Promise<BlockNode[]> {
    const children = await reader.listBlockChildrenAll(parentId);
    countFor(pageId, Math.max(1, Math.ceil(children.length / 100)));
    return Promise.all(children.map((b) => fetchNode(b, pageId)));
  }

  async function fetchNode(block: BlockObjectResponse, pageId: string): Promise<BlockNode> {
    emitFiles(blockFileRefs(block, pageId));
    if (block.type === 'child_page') {
      // PRIVACY (4): a sub-page the rules leave out is not visited.
      if (!opts.privacy || opts.privacy.keepsChild(block as never)) visitPage(block.id);
      return { ...block, children: [] };
    }
    if (block.type === 'child_database') {
      // PRIVACY (4): likewise a database.
      if (!opts.privacy || opts.privacy.keepsChild(block as never)) visitDatabase(block.id);
      return { ...block, children: [] };
    }
    if (!block.has_children) return { ...block, children: [] };
    if (block.type === 'synced_block') {
      // The original and every reference show the same children: fetch them once, under the
      // original's id (through a reference when it comes first, which works even when the
      // original itself is not shared with the integration).
      const originalId = block.synced_block.synced_from?.type === 'block_id' ? block.synced_block.synced_from.block_id : block.id;
      // PRIVACY (5): a reference whose original sits in a left-out page shows none of it (the
      // rules then drop the reference itself: privacy-policy.ts hideInBlocks).
      if (opts.privacy && originalId !== block.id && !(await opts.privacy.keepsSyncedOriginal(originalId))) return { ...block, children: [] };
      let shared = syncedChildren.get(originalId);
      if (!shared) {
        shared = fetchChildrenOrReport(block, pageId);
        syncedChildren.set(originalId, shared);
      }
      return { ...block, children: await shared };
    }
    return { ...block, children: await fetchChildrenOrReport(block, pageId) };
  }

  /**
   * Children of one block; when they cannot be had (after the gateway's retries) the page keeps
   * everything else, the block shows a note, and the failure is reported by page and block id.
   */
  async function fetchChildrenOrReport(block: BlockObjectResponse, pageId: string): Promise<BlockNode[]> {
    try {
      return await fetchTree(block.id, pageId);
    } catch (err) {
      if (await stopsRun(err)) throw err;
      failures.push({
        code: codeOf(err),
        message: `page ${pageId} → block ${block.id} (${block.type}): its content could not be fetched: ${describe(err)}`,
        pageId,
        blockId: block.id,
      });
      return [];
    }
  }

  /**
   * Every row of a data source, in creation order. Notion stops one query after 10,000 rows
   * (request_status "incomplete"); the query then goes on from the last row's creation minute,
   * with rows seen already skipped, so large databases come out whole. Only when one minute
   * alone holds more rows than a query returns is that impossible, and it is reported.
   */
  async function queryAllRows(databaseId: string, dataSourceId: string): Promise<string[]> {
    const rowIds: string[] = [];
    const seen = new Set<string>();
    let from: string | null = null;
    for (;;) {
      let stopped: { reason: string } | null = null;
      let lastCreated: string | null = null;
      let added = 0;
      const params = {
        sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
        ...(from ? { filter: { timestamp: 'created_time', created_time: { on_or_after: from } } } : {}),
      };
      for await (const row of reader.iterateDataSourceQuery(dataSourceId, params as never, { onIncomplete: (info) => (stopped = info) })) {
        const r = row as PageObjectResponse;
        if (r.object !== 'page') continue;
        lastCreated = r.created_time ?? lastCreated;
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        rowIds.push(r.id);
        added++;
        await roomForMore();
        // PRIVACY (2d): a row is decided from the query that lists it (its properties, its database).
        opts.privacy?.listed(r);
        // A partial row (the gateway gives one for a malformed row) is fetched on its own.
        visitPage(r.id, isFullPage(r) ? r : undefined);
      }
      if (!stopped) return rowIds;
      if (added === 0 || lastCreated === null || lastCreated === from) {
        // Rows Notion will not return are lost from the archive: a failure, not a warning.
        failures.push({
          code: 'incomplete_query',
          message: `data source ${dataSourceId}: Notion stopped the query after ${rowIds.length} rows (${(stopped as { reason: string }).reason}) and more rows than one query returns share one creation minute; the rest are missing`,
          databaseId,
        });
        return rowIds;
      }
      from = lastCreated;
    }
  }

  /** The page object the incremental listing holds for a page (it saves a retrieve); held no longer than needed. */
  const takeListedObject = (id: string): PageObjectResponse | undefined => {
    const entry = listing?.pages.get(id);
    const object = entry?.object;
    if (entry) delete entry.object;
    return object;
  };

  function visitPage(id: string, known?: PageObjectResponse): void {
    // PRIVACY (3a): a page known to be left out is not visited at all.
    if (opts.privacy?.excludes(id)) {
      takeListedObject(id);
      return;
    }
    if (seenPages.has(id) || fatal) return;
    // Left the archive (in the trash, no longer shared, deleted), or kept out: no request.
    if (plan && (plan.left.has(id) || plan.skipped.has(id))) return;
    seenPages.add(id);
    progress.pagesFound++;
    report();
    tasks.push(
      pageSlots(async () => {
        if (fatal) return;
        try {
          let page = known;
          // PRIVACY (3b): before anything of the page is requested (its object, cached or not,
          // its blocks, comments, property items, files): is it kept? A page no listing showed is
          // retrieved here to tell (and that object is used below).
          if (opts.privacy) {
            const admitted = await opts.privacy.admit('page', id, page ?? listing?.pages.get(id)?.object);
            if (!admitted.keep) {
              takeListedObject(id);
              return;
            }
            page ??= admitted.object as PageObjectResponse | undefined;
          }
          if (prev && plan) {
            if (plan.cache.has(id)) {
              const keepCached = opts.keepCached;
              const kept = keepCached ? await handOff(() => keepCached(id)) : null;
              if (kept) {
                for (const sub of kept.pages) visitPage(sub);
                for (const db of kept.databases) visitDatabase(db);
                return;
              }
              const cached = await prev.load(id);
              if (cached) {
                visitChildrenOf(cached.blocks);
                // The cache keeps the comments it was fetched with; a cache from a run without them gets them now.
                if (!opts.comments) delete cached.comments;
                else if (cached.comments === undefined) {
                  const comments = await fetchComments(id, cached.blocks);
                  if (comments) cached.comments = comments;
                }
                if (!fatal) await handOff(() => opts.onPage(cached, { reused: true }));
                return;
              }
            }
            // The object search gave (kept for pages likely to be fetched); held no longer than needed.
            const listed = takeListedObject(id);
            page ??= listed;
            // A parent fetched again for its list of sub-pages: its page object did not change
            // (its edit time says so), only its content; a referrer's may have (a relation to a
            // page in the trash is no longer listed), so it is retrieved.
            if (!page && plan.refresh.get(id) === 'parent') page = (await prev.load(id))?.page;
          }
          if (!page) {
            page = await reader.retrievePage(id);
            countFor(id, 1);
          }
          if (page.in_trash) return;
          await completeProperties(page);
          emitFiles(pageFileRefs(page));
          let blocks: BlockNode[] = [];
          try {
            blocks = await fetchTree(page.id, page.id);
          } catch (err) {
            // Keep the page (title, properties, files) and report that its content is missing.
            if (await stopsRun(err)) throw err;
            failures.push({ code: codeOf(err), message: `page ${id}: its content could not be fetched: ${describe(err)}`, pageId: id });
          }
          const comments = await fetchComments(page.id, blocks);
          const requests = requestsFor.get(id) ?? 0;
          requestsFor.delete(id);
          const unit: CrawledPage = comments ? { page, blocks, comments } : { page, blocks };
          if (!fatal) await handOff(() => opts.onPage(unit, { reused: false, requests }));
        } catch (err) {
          if (isHandOffError(err)) fatal ??= (err as HandOffError).cause;
          else if (await stopsRun(err)) fatal ??= err;
          else failures.push({ code: codeOf(err), message: `page ${id}: ${describe(err)}`, pageId: id });
        } finally {
          requestsFor.delete(id);
          progress.pagesDone++;
          report();
          wakeListings();
        }
      }),
    );
  }

  /** Visits the sub-pages and databases a cached page shows (the tree walk of a page not fetched again). */
  function visitChildrenOf(blocks: BlockNode[]): void {
    for (const b of blocks) {
      // PRIVACY (4): as in fetchNode, for the tree of a page from the page cache.
      if (b.type === 'child_page' || b.type === 'child_database') {
        if (opts.privacy && !opts.privacy.keepsChild(b as never)) continue;
        if (b.type === 'child_page') visitPage(b.id);
        else visitDatabase(b.id);
      } else if (b.children.length > 0) visitChildrenOf(b.children);
    }
  }

  /** Incremental: a data source's rows are those of the last sync unless the plan queries it. */
  function unchangedRows(dataSourceId: string): string[] | null {
    if (!prev || !plan || plan.query.has(dataSourceId)) return null;
    return prev.rowsOf(dataSourceId) ?? null;
  }

  function visitDatabase(id: string, known?: DatabaseObjectResponse): void {
    // PRIVACY (5a): a database known to be left out is not visited (nor retrieved, nor queried).
    if (opts.privacy?.excludes(id)) return;
    if (seenDatabases.has(id) || fatal) return;
    if (plan && (plan.left.has(id) || plan.skipped.has(id))) return;
    known ??= listing?.databases.get(id)?.object;
    seenDatabases.add(id);
    progress.databasesFound++;
    report();
    tasks.push(
      (async () => {
        try {
          const database = known ?? (await reader.retrieveDatabase(id));
          // PRIVACY (5b): its object says where it sits; nothing more of it (files, data sources, rows) is requested when it is left out.
          if (opts.privacy && !(await opts.privacy.admit('database', id, database)).keep) return;
          if (database.in_trash) return;
          emitFiles(databaseFileRefs(database));
          if (database.data_sources.length === 0) {
            warnings.push({
              code: 'linked_view',
              message: `database ${id}: a linked view; the API gives no data sources for it, so only its title is exported`,
              databaseId: id,
            });
          }
          const dataSources = await Promise.all(
            database.data_sources.map(async ({ id: dsId }) => {
              // Search already returned full data source objects; reuse them.
              const dataSource = knownDataSources.get(dsId) ?? (await reader.retrieveDataSource(dsId));
              if ((dataSource as { in_trash?: boolean }).in_trash) {
                warnings.push({ code: 'data_source_in_trash', message: `database ${id} → data source ${dsId}: in the Notion trash, not exported`, databaseId: id });
                return null;
              }
              const sameRows = unchangedRows(dsId);
              if (sameRows) {
                for (const rowId of sameRows) {
                  await roomForMore();
                  visitPage(rowId);
                }
                return { dataSource, rowIds: sameRows };
              }
              return { dataSource, rowIds: await queryAllRows(id, dsId) };
            }),
          );
          if (!fatal) await handOff(() => opts.onDatabase({ database, dataSources: dataSources.filter((d) => d !== null) }));
        } catch (err) {
          if (isHandOffError(err)) fatal ??= (err as HandOffError).cause;
          else if (await stopsRun(err)) fatal ??= err;
          else failures.push({ code: codeOf(err), message: `database ${id}: ${describe(err)}`, databaseId: id });
        } finally {
          progress.databasesDone++;
          report();
        }
      })(),
    );
  }

  try {
    for (const u of await reader.listUsersAll()) users.set(u.id, u);
  } catch (err) {
    if (codeOf(err) === 'auth') throw err; // a rejected token fails the run at once
    warnings.push({ code: codeOf(err), message: `users could not be listed (${describe(err)}); people are exported by id only` });
  }

  const onIncompleteSearch = (info: { reason: string }) =>
    warnings.push({ code: 'incomplete_search', message: `search results were incomplete (${info.reason}); the tree walk still finds children of what was found` });

  try {
    if (prev) {
      // Incremental: list everything first (about one request per 100 pages), plan, then carry the plan out.
      // PRIVACY (2b): the listing shows every result to the rules, and they decide (settle) before
      // anything else is asked for; the planner skips what they leave out (never fetched, cached,
      // nor new night after night).
      const privacy = opts.privacy;
      const listed = await listWorkspace(reader, prev, { onIncomplete: onIncompleteSearch }, opts.roots, privacy);
      listing = listed.listing;
      for (const [dsId, ds] of listed.dataSourceObjects) knownDataSources.set(dsId, ds);
      plan = planFetch(prev, listing, privacy ? { skip: (entry) => privacy.excludes(entry.id) } : {});
      for (const entry of [...listing.pages.values(), ...listing.databases.values()]) {
        if (entry.parent.type !== 'block' || plan.skipped.has(entry.id)) continue;
        const b = entry.parent.id;
        blockParents.set(b, listing.blockPages.has(b) ? listing.blockPages.get(b) : prev.blockPage(b));
      }
      if (opts.roots.length === 0) {
        for (const [id, entry] of listing.pages) {
          await roomForMore();
          visitPage(id, entry.object);
        }
        for (const [id, reason] of plan.fetch) if (reason === 'unchecked') visitPage(id);
        for (const id of listing.databases.keys()) visitDatabase(id);
      } else {
        for (const root of opts.roots) {
          if (listing.pages.has(root)) visitPage(root, listing.pages.get(root)!.object);
          else if (listing.databases.has(root)) visitDatabase(root);
          else tasks.push(visitRoot(root));
        }
      }
    } else if (opts.roots.length === 0) {
      // PRIVACY (2a): a full crawl first lists every shared page once, to know what is left out before anything is fetched.
      if (opts.privacy) {
        await opts.privacy.listWorkspace();
        await opts.privacy.settle();
      }
      const onIncomplete = (info: { reason: string }) =>
        warnings.push({ code: 'incomplete_search', message: `search results were incomplete (${info.reason}); the tree walk still finds children of what was found` });
      for await (const result of reader.iterateSearch({ page_size: 100 }, { onIncomplete })) {
        // PRIVACY (2c): a page or data source new since the listing is noted too.
        opts.privacy?.listed(result);
        const r = result as { object: string; id: string; parent?: { database_id?: string }; database_parent?: unknown };
        const parent = listedParent(r.object === 'data_source' ? r.database_parent : r.parent);
        if (parent.type === 'block' && !opts.privacy?.excludes(r.id)) blockParents.set(parent.id, undefined);
        if (r.object === 'page') {
          await roomForMore();
          visitPage(r.id, isFullPage(result as PageObjectResponse) ? (result as PageObjectResponse) : undefined);
        }
        else if (r.object === 'data_source' && r.parent?.database_id) {
          if ('properties' in r) knownDataSources.set(r.id, result as DataSourceObjectResponse);
          visitDatabase(r.parent.database_id);
        }
      }
    } else {
      // PRIVACY (2a): likewise before a full crawl from roots (the listing shows what lies under a left-out page).
      if (opts.privacy) {
        await opts.privacy.listWorkspace();
        await opts.privacy.settle();
      }
      for (const root of opts.roots) tasks.push(visitRoot(root));
    }
  } catch (err) {
    // The listing failed with pages under way: they see `fatal` and stop, and the crawl throws once they have ended (below).
    fatal ??= err;
    wakeListings();
  }

  async function visitRoot(id: string): Promise<void> {
    // PRIVACY (6): a root the rules leave out is not even retrieved.
    if (opts.privacy?.excludes(id)) return;
    const inTrash = () =>
      failures.push({ code: 'root_in_trash', message: `root ${id} is in the Notion trash; restore it in Notion or remove it from the roots`, pageId: id });
    try {
      const page = await reader.retrievePage(id);
      if (page.in_trash) return void inTrash();
      visitPage(id, page);
    } catch (pageErr) {
      // Not a page (or not a valid id): try it as a database. Transient trouble and a rejected
      // token are not about the id, and end the run.
      if (['auth', 'network', 'gave_up'].includes(codeOf(pageErr))) throw pageErr;
      if (codeOf(pageErr) === 'malformed_object') {
        return void failures.push({ code: 'malformed_object', message: `root ${id}: ${describe(pageErr)}`, pageId: id });
      }
      try {
        const database = await reader.retrieveDatabase(id);
        if (database.in_trash) return void inTrash();
        visitDatabase(id, database);
      } catch (dbErr) {
        if (codeOf(dbErr) === 'malformed_object') {
          return void failures.push({ code: 'malformed_object', message: `root ${id}: ${describe(dbErr)}`, databaseId: id });
        }
        failures.push({
          code: 'root_not_found',
          message: `root ${id}: no page or database with this id is shared with the integration`,
          pageId: id,
        });
      }
    }
  }

  // A root that cannot be retrieved ends the crawl as a rejected token does: the tasks still under
  // way see `fatal` and stop, and the crawl throws only once every one has ended (none outlives it).
  while (tasks.length > 0) {
    await Promise.all(
      tasks.splice(0).map((t) =>
        t.catch((err: unknown) => {
          fatal ??= err;
          wakeListings();
        }),
      ),
    );
  }
  if (fatal) throw fatal;
  return { users, failures, warnings, blockParents, ...(plan ? { plan } : {}) };
}

/** A failure of the caller's onPage/onDatabase (writing the spool, say): it ends the crawl, it is not the page's fault. */
class HandOffError extends Error {
  constructor(readonly cause: unknown) {
    super('hand-off failed');
  }
}
const isHandOffError = (err: unknown): err is HandOffError => err instanceof HandOffError;
async function handOff<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new HandOffError(err);
  }
}
