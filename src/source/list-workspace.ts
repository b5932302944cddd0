import { isFullPage, type DataSourceObjectResponse, type PageObjectResponse } from '@notionhq/client';
import type { CrawlPrivacy, IncompleteHandling, NotionReader, PreviousCrawl } from './crawl-types.js';
import { emptyListing, listedParent, listedParentKey, type ListedPage, type Listing } from './plan-fetch.js';

const codeOf = (err: unknown) => (err as { code?: string })?.code ?? 'error';
/** Errors that end the run rather than one look-up: a rejected token. */
const isFatal = (err: unknown) => codeOf(err) === 'auth';

/** How deep a chain of blocks is followed up to its page before giving up (a broken answer must not loop). */
const MAX_BLOCK_CHAIN = 16;

export interface ListedWorkspace {
  listing: Listing;
  /** Full data source objects search returned (reused instead of retrieving them). */
  dataSourceObjects: Map<string, DataSourceObjectResponse>;
}

/**
 * An incremental run's first step: what is there now, before anything is fetched.
 * - search lists every page with its parent and edit time, and every data source with its
 *   database (about one request per 100 pages); page objects are kept only for pages that will
 *   likely be fetched;
 * - every database of the previous sync is retrieved (one request each, which fetching it would
 *   cost anyway): where it sits now, or that it is gone;
 * - every page of the previous sync that search did not list is retrieved (one request each:
 *   found only by the tree walk, or gone), unless a page or database above it is gone already;
 * - the page holding a block that a new or moved page or database sits under is asked for
 *   (blocks.retrieve up to the page) unless the previous sync knows it.
 *
 * With privacy rules that leave pages out (`privacy`), every search result and every object
 * retrieved here is shown to them, and they decide once search is done (retrieving parents the
 * listing lacks, never a page being decided): nothing they leave out is retrieved afterwards,
 * neither a page of the previous sync now left out nor a block holding a left-out page, and a
 * block they placed is not retrieved again. The planner then skips what they leave out.
 */
export async function listWorkspace(
  reader: NotionReader,
  prev: PreviousCrawl,
  handling: IncompleteHandling,
  roots: readonly string[] = [],
  privacy?: Pick<CrawlPrivacy, 'listed' | 'settle' | 'excludes' | 'pageOfBlock'>,
): Promise<ListedWorkspace> {
  const listing = emptyListing();
  const dataSourceObjects = new Map<string, DataSourceObjectResponse>();
  /** With roots, a page not in the archive yet is in scope only when it sits in something that is (or is a root). */
  const inScopeMaybe = (entry: ListedPage): boolean => {
    if (roots.length === 0 || roots.includes(entry.id)) return true;
    if (entry.parent.type === 'workspace') return false;
    const at = entry.parent.type === 'block' ? prev.blockPage(entry.parent.id) : entry.parent.id;
    return typeof at === 'string' && (prev.page(at) !== undefined || prev.rowsOf(at) !== undefined || prev.database(at) !== undefined);
  };
  /** A page whose object is worth keeping: it will be fetched for a change of its own. */
  const likelyFetched = (entry: ListedPage): boolean => {
    const was = prev.page(entry.id);
    if (!was) return inScopeMaybe(entry);
    return was.refetch || was.lastEdited !== entry.lastEdited || entry.lastEdited >= prev.changedFrom || was.parent !== listedParentKey(entry.parent);
  };

  for await (const result of reader.iterateSearch({ page_size: 100 }, handling)) {
    privacy?.listed(result);
    const r = result as { object: string; id: string; in_trash?: boolean; last_edited_time?: unknown; parent?: unknown; database_parent?: unknown };
    if (r.in_trash) continue;
    if (r.object === 'page') {
      if (typeof r.last_edited_time !== 'string') continue;
      const entry: ListedPage = { id: r.id, parent: listedParent(r.parent), lastEdited: r.last_edited_time };
      if (isFullPage(result as PageObjectResponse) && likelyFetched(entry)) entry.object = result as PageObjectResponse;
      listing.pages.set(r.id, entry);
      if (entry.parent.type === 'data_source') {
        let rows = listing.rows.get(entry.parent.id);
        if (!rows) listing.rows.set(entry.parent.id, (rows = new Set()));
        rows.add(r.id);
      }
    } else if (r.object === 'data_source') {
      const databaseId = (r.parent as { database_id?: unknown } | undefined)?.database_id;
      if (typeof databaseId !== 'string') continue;
      listing.dataSources.set(r.id, databaseId);
      if ('properties' in r) dataSourceObjects.set(r.id, result as DataSourceObjectResponse);
      if (!listing.databases.has(databaseId)) listing.databases.set(databaseId, { id: databaseId, parent: listedParent(r.database_parent) });
    }
  }

  // What the privacy rules leave out is decided now, before anything else is asked for.
  if (privacy) {
    await privacy.settle();
    for (const entry of listing.pages.values()) if (entry.object && privacy.excludes(entry.id)) delete entry.object;
  }
  /** Left out by the privacy rules: never retrieved (the planner skips it). */
  const leftOut = (id: string) => privacy?.excludes(id) === true;

  // Every database of the previous sync: where it is now, or gone.
  await Promise.all(
    [...prev.databaseIds()].map(async (id) => {
      if (leftOut(id)) return;
      try {
        const database = await reader.retrieveDatabase(id);
        privacy?.listed(database);
        if (database.in_trash) {
          listing.databases.delete(id);
          listing.gone.add(id);
        } else listing.databases.set(id, { id, parent: listedParent(database.parent), object: database });
      } catch (err) {
        if (isFatal(err)) throw err;
        if (codeOf(err) === 'not_found') {
          listing.databases.delete(id);
          listing.gone.add(id);
        } else if (!listing.databases.has(id)) {
          // Not known to be gone: it stays where it was (the crawl retrieves it again, and reports a failure).
          listing.databases.set(id, { id, parent: asParent(prev.database(id)!.parent) });
        }
      }
    }),
  );

  // Pages of the previous sync that search did not list: found only by the tree walk, or gone.
  const checks = new Map<string, Promise<boolean>>();
  /** Whether a page (or database) of the previous sync is there now. */
  const check = (id: string): Promise<boolean> => {
    let known = checks.get(id);
    if (!known) checks.set(id, (known = checkOnce(id)));
    return known;
  };
  /** The chain of parents above a page in the previous sync ends (a damaged state must not make `check` wait on itself). */
  const acyclic = (id: string): boolean => {
    const seen = new Set<string>();
    for (let at: string | null | undefined = id; at; at = prev.page(at)?.under) {
      if (seen.has(at)) return false;
      seen.add(at);
    }
    return true;
  };
  const checkOnce = async (id: string): Promise<boolean> => {
    // Left out by the privacy rules now: not asked for (it leaves the archive, and what lies below it).
    if (leftOut(id)) return false;
    if (listing.pages.has(id) || listing.databases.has(id)) return true;
    if (listing.gone.has(id)) return false;
    const was = prev.page(id);
    if (!was) return true; // not a page of the previous sync: the crawl finds out
    // Below a page or database that is gone (trashed or unshared with it): gone too, without asking.
    if (was.under && acyclic(id) && !(await check(was.under))) {
      listing.gone.add(id);
      return false;
    }
    try {
      const page = await reader.retrievePage(id);
      privacy?.listed(page);
      if (page.in_trash) {
        listing.gone.add(id);
        return false;
      }
      listing.pages.set(id, { id, parent: listedParent(page.parent), lastEdited: page.last_edited_time, object: page });
      return true;
    } catch (err) {
      if (isFatal(err)) throw err;
      if (codeOf(err) === 'not_found') {
        listing.gone.add(id);
        return false;
      }
      listing.unchecked.add(id);
      return true;
    }
  };
  await Promise.all([...prev.pageIds()].filter((id) => !listing.pages.has(id)).map(check));

  // The page holding each block a new or moved page or database now sits under.
  const resolving = new Map<string, Promise<string | null | undefined>>();
  /** The page a block sits in; null when it sits in none (a database, the workspace); undefined when Notion would not say. */
  const pageOfBlock = (blockId: string, depth = 0): Promise<string | null | undefined> => {
    // Placed by the privacy rules this run (retrieved, or from the last run's hints): asked no more.
    const known = privacy?.pageOfBlock(blockId) ?? prev.blockPage(blockId);
    if (known !== undefined) return Promise.resolve(known);
    let found = resolving.get(blockId);
    if (!found) {
      found = (async () => {
        if (depth >= MAX_BLOCK_CHAIN) return undefined;
        try {
          const block = await reader.retrieveBlock(blockId);
          privacy?.listed(block);
          const parent = listedParent(block.parent);
          if (parent.type === 'page') return parent.id;
          if (parent.type === 'block') return pageOfBlock(parent.id, depth + 1);
          return null;
        } catch (err) {
          // Not shared (or gone): asked again next time, it may be shared by then.
          if (isFatal(err)) throw err;
          return undefined;
        }
      })();
      resolving.set(blockId, found);
    }
    return found;
  };
  const placed: Array<{ id: string; parent: string; was: string | undefined }> = [];
  for (const [id, p] of listing.pages) if (p.parent.type === 'block') placed.push({ id, parent: p.parent.id, was: prev.page(id)?.parent });
  for (const [id, d] of listing.databases) if (d.parent.type === 'block') placed.push({ id, parent: d.parent.id, was: prev.database(id)?.parent });
  await Promise.all(
    placed
      // A page or database the rules leave out is never new to the archive: where it sits does not matter.
      .filter((p) => p.was !== p.parent && prev.blockPage(p.parent) === undefined && !leftOut(p.id))
      .map(async (p) => {
        const page = await pageOfBlock(p.parent);
        if (page !== undefined) listing.blockPages.set(p.parent, page);
      }),
  );
  // Pages retrieved above may sit where the search listing showed nothing yet.
  await privacy?.settle();
  return { listing, dataSourceObjects };
}

/** A parent id the sync state kept, as a ListedParent: the state does not keep its kind, and the planner compares ids only. */
function asParent(key: string): { type: 'workspace' } | { type: 'page'; id: string } {
  return key === 'workspace' ? { type: 'workspace' } : { type: 'page', id: key };
}
