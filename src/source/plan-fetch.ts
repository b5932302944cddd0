import type { DatabaseObjectResponse, PageObjectResponse } from '@notionhq/client';
import type { PreviousCrawl } from './crawl-types.js';

/** Where a listed page or database sits, from the API's `parent` object. */
export type ListedParent =
  | { type: 'workspace' }
  | { type: 'page'; id: string }
  | { type: 'block'; id: string }
  | { type: 'data_source'; id: string }
  | { type: 'database'; id: string };

/** A page as this run's listing knows it (search, or a retrieve of a page search did not list). */
export interface ListedPage {
  id: string;
  parent: ListedParent;
  lastEdited: string;
  /** The page object the listing gave, kept only when the page is likely to be fetched (it saves a retrieve). */
  object?: PageObjectResponse;
}

/** A database as this run's listing knows it. */
export interface ListedDatabase {
  id: string;
  parent: ListedParent;
  /** The database object, when the listing retrieved it (every database of the previous sync). */
  object?: DatabaseObjectResponse;
}

/**
 * What one run found before fetching anything: every page search lists (with its parent and edit
 * time), every database (from its data sources), the rows search lists under each data source, and
 * for the pages and databases of the previous sync that search did not list, whether they are still
 * there (then they are in `pages` / `databases`, found by a retrieve) or gone.
 */
export interface Listing {
  pages: Map<string, ListedPage>;
  databases: Map<string, ListedDatabase>;
  /** Listed data source → its database. */
  dataSources: Map<string, string>;
  /** Row ids search listed under each data source. */
  rows: Map<string, Set<string>>;
  /** Pages and databases of the previous sync that are in the trash, no longer shared or deleted. */
  gone: Set<string>;
  /** Pages of the previous sync that search did not list and that could not be retrieved (not a 404). */
  unchecked: Set<string>;
  /** The page each block sits in, where this run asked Notion (null: no page, or one it cannot see). */
  blockPages: Map<string, string | null>;
}

export const emptyListing = (): Listing => ({
  pages: new Map(),
  databases: new Map(),
  dataSources: new Map(),
  rows: new Map(),
  gone: new Set(),
  unchecked: new Set(),
  blockPages: new Map(),
});

/** Why a page is fetched although the previous sync has it. */
export type FetchReason =
  | 'new' // not in the previous sync (created, restored, shared again, moved in from outside)
  | 'edited' // its last_edited_time changed, or lies in the minute of the previous sync or later
  | 'moved' // its parent changed
  | 'retry' // its last fetch had failures
  | 'synced' // it shows a synced block whose original changed (Notion does not bump it)
  | 'unchecked'; // search did not list it and a retrieve failed: try again

/** Why an unchanged page's content is fetched again. */
export type RefreshReason =
  | 'parent' // a page or database was added to, moved into or out of, or left its content
  | 'referrer'; // it points at a page or database that left the archive, or came back

/** What an incremental run fetches, takes from the page cache, queries, and leaves out. */
export interface FetchPlan {
  /** Pages to fetch, for a change of their own. */
  fetch: Map<string, FetchReason>;
  /** Unchanged pages to take from the page cache. */
  cache: Set<string>;
  /** Unchanged pages whose content must be fetched again: parents and referrers of what changed place. */
  refresh: Map<string, RefreshReason>;
  /** Data sources to query: new ones, and those whose rows changed (by search) or gained or lost a row. */
  query: Set<string>;
  /** Pages and databases of the previous sync that left the archive. */
  left: Set<string>;
  /** For each page or database that left now: the pages that pointed at it (to fetch again should it come back). */
  pointedAt: Map<string, string[]>;
  /** Listed pages and databases the caller's `skip` rule keeps out of the archive: neither fetched, cached nor queried. */
  skipped: Set<string>;
}

export interface PlanOptions {
  /**
   * Leaves a listed page or database out before anything is fetched (a privacy rule, say): it
   * counts as not in the archive. One that was in the previous sync leaves it (its parent is
   * fetched again); one that never was changes nothing, night after night.
   */
  skip?: (entry: { id: string; parent: ListedParent }) => boolean;
}

/** The id a listed parent names, or 'workspace' (the form the sync state keeps). */
export const listedParentKey = (p: ListedParent): string => (p.type === 'workspace' ? 'workspace' : p.id);

/** A parent object of the API (page, database or data source) as a ListedParent. */
export function listedParent(parent: unknown): ListedParent {
  const p = (parent ?? {}) as Record<string, unknown>;
  switch (p.type) {
    case 'page_id':
      return typeof p.page_id === 'string' ? { type: 'page', id: p.page_id } : { type: 'workspace' };
    case 'block_id':
      return typeof p.block_id === 'string' ? { type: 'block', id: p.block_id } : { type: 'workspace' };
    case 'data_source_id':
      return typeof p.data_source_id === 'string' ? { type: 'data_source', id: p.data_source_id } : { type: 'workspace' };
    case 'database_id':
      return typeof p.database_id === 'string' ? { type: 'database', id: p.database_id } : { type: 'workspace' };
    default:
      return { type: 'workspace' };
  }
}

/**
 * Plans an incremental run (pure): from the previous sync and this run's listing, which pages to
 * fetch, which to take from the cache, which unchanged pages to fetch again, which data sources to
 * query, and what left the archive.
 *
 * Notion documents neither that a page's last_edited_time moves when its list of sub-pages
 * changes, nor that a page relating to or mentioning another is bumped when that one leaves. So a
 * structural change (a page or database new, moved, trashed, restored, unshared or gone) fetches
 * again its old parent (from the previous sync) and its new one (from the listing), and a page or
 * database that leaves fetches again every page that pointed at it (relations, mentions,
 * link_to_page), as does one that comes back.
 */
export function planFetch(prev: PreviousCrawl, listing: Listing, opts: PlanOptions = {}): FetchPlan {
  const plan: FetchPlan = { fetch: new Map(), cache: new Set(), refresh: new Map(), query: new Set(), left: new Set(), pointedAt: new Map(), skipped: new Set() };
  const pages = new Map(listing.pages);
  const databases = new Map(listing.databases);
  const listedDataSources = new Map(listing.dataSources);
  if (opts.skip) {
    for (const listed of [pages, databases]) {
      for (const [id, entry] of listed) {
        if (!opts.skip(entry)) continue;
        plan.skipped.add(id);
        listed.delete(id);
      }
    }
    // The data sources of a database left out are not the archive's either.
    for (const [ds, db] of listedDataSources) if (plan.skipped.has(db)) listedDataSources.delete(ds);
  }
  const dataSourcesOf = (databaseId: string): string[] => {
    const out = new Set(prev.database(databaseId)?.dataSources ?? []);
    for (const [ds, db] of listedDataSources) if (db === databaseId) out.add(ds);
    return [...out];
  };

  /** An unchanged page of the previous sync, still here: its content is fetched again. */
  const refreshPage = (id: string | null | undefined, reason: RefreshReason) => {
    if (!id || !prev.page(id) || !pages.has(id) || plan.refresh.has(id)) return;
    plan.refresh.set(id, reason);
  };
  /** The content listing something: a page (fetched again) or a data source (queried again). */
  const refreshContent = (at: { page?: string | null; dataSource?: string; database?: string }) => {
    if (at.dataSource) plan.query.add(at.dataSource);
    else if (at.database) for (const ds of dataSourcesOf(at.database)) plan.query.add(ds);
    else refreshPage(at.page, 'parent');
  };
  /** Where something listed now sits. */
  const newContainer = (parent: ListedParent) => {
    switch (parent.type) {
      case 'page':
        return { page: parent.id };
      case 'block':
        return { page: listing.blockPages.has(parent.id) ? listing.blockPages.get(parent.id) : prev.blockPage(parent.id) };
      case 'data_source':
        return { dataSource: parent.id };
      case 'database':
        return { database: parent.id };
      case 'workspace':
        return {};
    }
  };
  /** Where something of the previous sync sat. */
  const oldContainer = (was: { parent: string; under: string | null }) => {
    if (prev.rowsOf(was.parent) !== undefined) return { dataSource: was.parent };
    if (was.under && prev.database(was.under)) return { database: was.under };
    return { page: was.under };
  };
  const leave = (id: string, was: { parent: string; under: string | null }) => {
    plan.left.add(id);
    refreshContent(oldContainer(was));
    const pointing = new Set<string>();
    for (const r of prev.referrers(id)) {
      pointing.add(r);
      refreshPage(r, 'referrer');
    }
    if (was.under && prev.page(was.under)) pointing.add(was.under);
    pointing.delete(id);
    if (pointing.size > 0) plan.pointedAt.set(id, [...pointing].sort());
  };
  const arrive = (id: string, parent: ListedParent) => {
    refreshContent(newContainer(parent));
    for (const r of prev.pointedAtWhenLeft(id)) refreshPage(r, 'referrer');
  };

  // Pages of the previous sync: still here, or gone.
  for (const id of prev.pageIds()) {
    const was = prev.page(id)!;
    const now = pages.get(id);
    if (!now) {
      if (listing.unchecked.has(id)) plan.fetch.set(id, 'unchecked');
      else leave(id, was);
      continue;
    }
    if (listedParentKey(now.parent) !== was.parent) {
      plan.fetch.set(id, 'moved');
      refreshContent(oldContainer(was));
      refreshContent(newContainer(now.parent));
    } else if (was.refetch) plan.fetch.set(id, 'retry');
    else if (now.lastEdited !== was.lastEdited || now.lastEdited >= prev.changedFrom) plan.fetch.set(id, 'edited');
  }
  // Pages new to the archive.
  for (const [id, now] of pages) {
    if (prev.page(id)) continue;
    plan.fetch.set(id, 'new');
    arrive(id, now.parent);
  }
  // Databases: gone, moved, new.
  for (const id of prev.databaseIds()) {
    const was = prev.database(id)!;
    const now = databases.get(id);
    if (!now) leave(id, was);
    else if (listedParentKey(now.parent) !== was.parent) {
      refreshContent(oldContainer(was));
      refreshContent(newContainer(now.parent));
    }
  }
  for (const [id, now] of databases) if (!prev.database(id)) arrive(id, now.parent);

  // Data sources whose rows changed (search lists another set of rows under them), or new ones.
  const dataSources = new Set(listedDataSources.keys());
  for (const id of databases.keys()) for (const ds of prev.database(id)?.dataSources ?? []) dataSources.add(ds);
  for (const ds of dataSources) {
    const before = prev.rowsOf(ds);
    const now = listing.rows.get(ds) ?? new Set<string>();
    if (!before || before.length !== now.size || before.some((r) => !now.has(r))) plan.query.add(ds);
  }
  // Rows leaving a data source whose database left too: nothing to query.
  for (const ds of [...plan.query]) if (!dataSources.has(ds)) plan.query.delete(ds);

  // Editing a synced block's original bumps the page it sits in, not the pages showing it.
  const changed = [...plan.fetch.keys(), ...plan.left];
  for (const id of changed) for (const d of prev.syncedDependents(id)) if (pages.has(d) && !plan.fetch.has(d)) plan.fetch.set(d, 'synced');
  for (const id of prev.unanchoredSyncedPages()) if (pages.has(id) && !plan.fetch.has(id)) plan.fetch.set(id, 'synced');

  for (const id of plan.refresh.keys()) if (plan.fetch.has(id)) plan.refresh.delete(id);
  for (const id of prev.pageIds()) if (pages.has(id) && !plan.fetch.has(id) && !plan.refresh.has(id)) plan.cache.add(id);
  return plan;
}

/**
 * The listing a full crawl amounts to: every page it crawled with its parent and edit time, every
 * database with its data sources and rows, and the page each block parent sits in. Planned against
 * the previous sync (`planFetch`), it says what an incremental run would have fetched again now
 * (the self-audit of a full run leaves those pages out: their difference is not drift).
 */
export function listingOfCrawl(crawled: {
  pages: Iterable<{ id: string; parent: unknown; lastEdited: string }>;
  databases: Iterable<{ database: { id: string; parent: unknown }; dataSources: Array<{ dataSource: { id: string }; rowIds: string[] }> }>;
  blockParents: ReadonlyMap<string, string | null | undefined>;
}): Listing {
  const listing = emptyListing();
  for (const p of crawled.pages) listing.pages.set(p.id, { id: p.id, parent: listedParent(p.parent), lastEdited: p.lastEdited });
  for (const db of crawled.databases) {
    listing.databases.set(db.database.id, { id: db.database.id, parent: listedParent(db.database.parent) });
    for (const ds of db.dataSources) {
      listing.dataSources.set(ds.dataSource.id, db.database.id);
      listing.rows.set(ds.dataSource.id, new Set(ds.rowIds));
    }
  }
  for (const [block, page] of crawled.blockParents) if (page !== undefined) listing.blockPages.set(block, page);
  return listing;
}

/** The pages a plan fetches again: for a change of their own, or as a parent or referrer of what changed place. */
export const fetchedAgain = (plan: FetchPlan): Set<string> => new Set([...plan.fetch.keys(), ...plan.refresh.keys()]);
