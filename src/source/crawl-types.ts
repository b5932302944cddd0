import type {
  BlockObjectResponse,
  CommentObjectResponse,
  DatabaseObjectResponse,
  DataSourceObjectResponse,
  PageObjectResponse,
  SearchParameters,
  UserObjectResponse,
} from '@notionhq/client';
import type { BlockNode } from './block-tree.js';
import type { FetchPlan } from './plan-fetch.js';

/** How a paginated read reports that Notion stopped early (request_status incomplete). */
export interface IncompleteHandling {
  onIncomplete?: (info: { reason: string; resultsSeen: number }) => void;
}

/** What the crawl needs from the Notion gateway (src/source/notion-gateway.ts implements it). */
export interface NotionReader {
  iterateSearch(params: Omit<SearchParameters, 'start_cursor'>, handling?: IncompleteHandling): AsyncIterable<unknown>;
  retrievePage(id: string): Promise<PageObjectResponse>;
  retrieveBlock(id: string): Promise<BlockObjectResponse>;
  listBlockChildrenAll(id: string): Promise<BlockObjectResponse[]>;
  /**
   * The same listing with each answer's UTF-8 bytes as Notion sent them (null where they could
   * not be had): what the resume journal keeps of a listing, instead of serialising its blocks again.
   */
  listBlockChildrenWithAnswers?(id: string): Promise<{ blocks: BlockObjectResponse[]; answers: Buffer[] | null }>;
  retrieveDatabase(id: string): Promise<DatabaseObjectResponse>;
  retrieveDataSource(id: string): Promise<DataSourceObjectResponse>;
  iterateDataSourceQuery(id: string, params?: Record<string, never>, handling?: IncompleteHandling): AsyncIterable<unknown>;
  listPropertyItemsAll(pageId: string, propertyId: string): Promise<unknown>;
  listUsersAll(): Promise<UserObjectResponse[]>;
  /** Unresolved comments on a page (page-level only) or on one block, every page of them. */
  listCommentsAll(blockId: string): Promise<CommentObjectResponse[]>;
  /** The integration's own user: asks nothing of any page (whether Notion answers at all). */
  me?(): Promise<unknown>;
}

export interface CrawledPage {
  /** The page object; property values cut at 25 items are replaced by the full lists. */
  page: PageObjectResponse;
  blocks: BlockNode[];
  /**
   * Comments on the page and on its blocks, in the order listed (the page's first, then block by
   * block in tree order); present only when comments were fetched (`content.comments`, with the
   * "Read comments" capability).
   */
  comments?: CommentObjectResponse[];
}

export interface CrawledDataSource {
  dataSource: DataSourceObjectResponse;
  /** Row page ids in query order. */
  rowIds: string[];
}

export interface CrawledDatabase {
  database: DatabaseObjectResponse;
  dataSources: CrawledDataSource[];
}

export interface CrawlIssue {
  code: string;
  message: string;
  pageId?: string;
  blockId?: string;
  databaseId?: string;
}

/** What the crawl returns once every page and database has been handed on. */
export interface CrawlResult {
  users: Map<string, UserObjectResponse>;
  /** Pages or databases that could not be exported (the run goes on without them). */
  failures: CrawlIssue[];
  warnings: CrawlIssue[];
  /** What an incremental crawl fetched, reused and left out (src/source/plan-fetch.ts). */
  plan?: FetchPlan;
  /**
   * Blocks that search showed as the parent of a page or database, with the page holding each when
   * the crawl knows it (null: none it can see; undefined: not asked). The sync state keeps them.
   */
  blockParents: Map<string, string | null | undefined>;
}

/** What the crawl knows of a page from the last published snapshot. */
export interface PreviousPage {
  /** Its last_edited_time then (Notion rounds it down to the minute). */
  lastEdited: string;
  /** Fetch it again whatever its edit time says (its last run had failures, say). */
  refetch: boolean;
  /** Its API parent then: the id of the page, block, data source or database it sat in, or 'workspace'. */
  parent: string;
  /** The page or database of the archive whose content listed it (null at the top). */
  under: string | null;
}

/** What the crawl knows of a database from the last published snapshot. */
export interface PreviousDatabase {
  parent: string;
  under: string | null;
  dataSources: string[];
}

/**
 * The last published snapshot, as an incremental crawl needs it (src/publish/sync-state.ts
 * provides it). With it, pages whose last_edited_time is unchanged are taken from the page
 * cache instead of being fetched again.
 */
export interface PreviousCrawl {
  /**
   * Pages edited in this minute or later are fetched again whatever their last_edited_time
   * was: an edit made in the same minute as the previous sync leaves the rounded time unchanged.
   */
  changedFrom: string;
  page(id: string): PreviousPage | undefined;
  pageIds(): Iterable<string>;
  database(id: string): PreviousDatabase | undefined;
  databaseIds(): Iterable<string>;
  /** The page as the previous sync fetched it; null when the cache has lost it (then it is fetched). */
  load(id: string): Promise<CrawledPage | null>;
  /** Row ids of a data source in query order, when the previous sync listed it. */
  rowsOf(dataSourceId: string): string[] | undefined;
  /**
   * Pages that show a synced block whose original sits in this page (Notion does not bump them
   * when the original is edited), or whose original sits outside the archive.
   */
  syncedDependents(pageId: string): Iterable<string>;
  /** Pages that show synced blocks whose original no page of the archive holds: always fetched again. */
  unanchoredSyncedPages(): Iterable<string>;
  /** Pages whose relations, mentions, link_to_page blocks or sub-page list pointed at this page or database. */
  referrers(id: string): Iterable<string>;
  /** For a page or database that left the archive before: the pages that pointed at it when it left. */
  pointedAtWhenLeft(id: string): Iterable<string>;
  /** The page a block sits in, when known (null: a page outside the archive); for pages and databases placed under blocks. */
  blockPage(blockId: string): string | null | undefined;
}

/** How a page reached onPage: fetched now, or taken from the previous sync's page cache. */
export interface PageOrigin {
  reused: boolean;
  /** Requests its fetch took (retrieve, block children, property items), when fetched now. */
  requests?: number;
}

/**
 * The privacy rules as the crawl consults them (config `privacy`; src/privacy/crawl-gate.ts
 * implements it): nothing of a page, row or database a rule leaves out is requested, neither its
 * content, blocks, comments, property items nor files. Where a page sits comes from the listings
 * (search, data source queries) and, where a listed parent is missing there, from retrieving that
 * parent (never the left-out page). Absent when no rule leaves anything out.
 */
export interface CrawlPrivacy {
  /** Before a crawl that lists nothing itself (a full one): one search listing, to learn every shared page's parent. */
  listWorkspace(): Promise<void>;
  /** A search result or data source query row (a page or data source), as listed. */
  listed(result: unknown): void;
  /**
   * Once a listing is complete, before any page is fetched: decides the listed pages and
   * databases whose parent chain passes a parent the listing lacks (a block, an unshared page),
   * by retrieving those parents.
   */
  settle(): Promise<void>;
  /** Known without a request to be left out (a listed id, or decided from a listing). */
  excludes(id: string): boolean;
  /** A Notion URL naming a page, database or block known to be left out. */
  excludesUrl(url: string): boolean;
  /**
   * Whether a page or database may be fetched, asked before anything of it is requested: the
   * object when it had to be retrieved to tell (a page no listing showed), which the crawl then
   * uses instead of retrieving it again. A page that is gone (404) is not kept.
   */
  admit(kind: 'page' | 'database', id: string, known?: PageObjectResponse | DatabaseObjectResponse): Promise<{ keep: boolean; object?: PageObjectResponse | DatabaseObjectResponse }>;
  /** Whether the original of a synced block (shown by a reference in a kept page) sits where the rules keep it; asked before its blocks are fetched. */
  keepsSyncedOriginal(blockId: string): Promise<boolean>;
  /** A child_page or child_database block in the tree of a page being crawled: false when the page or database it stands for is left out. */
  keepsChild(block: { id: string; type: string; parent?: unknown } & Record<string, unknown>): boolean;
  /**
   * The page a block sits in as far as the rules' bookkeeping knows it (a block retrieved to place
   * a page, or placed from the last run's hints): the incremental listing asks here before it
   * retrieves a block itself. null: in no page; undefined: not known.
   */
  pageOfBlock(blockId: string): string | null | undefined;
}
