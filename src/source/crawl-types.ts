import type {
  BlockObjectResponse,
  DatabaseObjectResponse,
  DataSourceObjectResponse,
  PageObjectResponse,
  SearchParameters,
  UserObjectResponse,
} from '@notionhq/client';
import type { BlockNode } from './block-tree.js';

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
  retrieveDatabase(id: string): Promise<DatabaseObjectResponse>;
  retrieveDataSource(id: string): Promise<DataSourceObjectResponse>;
  iterateDataSourceQuery(id: string, params?: Record<string, never>, handling?: IncompleteHandling): AsyncIterable<unknown>;
  listPropertyItemsAll(pageId: string, propertyId: string): Promise<unknown>;
  listUsersAll(): Promise<UserObjectResponse[]>;
}

export interface CrawledPage {
  /** The page object; property values cut at 25 items are replaced by the full lists. */
  page: PageObjectResponse;
  blocks: BlockNode[];
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
}
