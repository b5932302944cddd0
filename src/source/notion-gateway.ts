/**
 * The one seam to Notion: the only place a `@notionhq/client` Client is built. Every call goes
 * through the run's limiter (rate + concurrency + global 429 pause) and our retry policy, is
 * counted by route and status, and fails with a `NotionKbError` that names its target and
 * never contains the token. Every object it returns has been read through `read-api-object.ts`:
 * optional fields Notion left out are filled in, unknown fields and types are kept, and a
 * malformed object fails with a `malformed_object` error naming it.
 */
import {
  Client,
  LogLevel,
  isFullComment,
  isHTTPResponseError,
  type BlockObjectResponse,
  type CommentObjectResponse,
  type DatabaseObjectResponse,
  type DataSourceObjectResponse,
  type GetPagePropertyResponse,
  type ListBlockChildrenResponse,
  type ListCommentsResponse,
  type ListUsersResponse,
  type PageObjectResponse,
  type PartialDataSourceObjectResponse,
  type PartialPageObjectResponse,
  type PropertyItemListResponse,
  type PropertyItemObjectResponse,
  type QueryDataSourceParameters,
  type QueryDataSourceResponse,
  type SearchParameters,
  type SearchResponse,
  type UserObjectResponse,
} from '@notionhq/client';
import pLimit from 'p-limit';
import { DownloadError, NotionKbError, isNotionKbError, redactSecrets, registerSecret } from '../errors.js';
import { deadline, systemEffects, type SyncClock, type SyncEffects } from './effects.js';
import { createLimiter, type Limiter, type PacerRate, type RateFindings } from './pacer.js';
import {
  MalformedObjectError,
  isObject,
  isPartialObject,
  readBlock,
  readDatabase,
  readDataSource,
  readPage,
  readPropertyItem,
  readUser,
} from './read-api-object.js';
import { transportOverFetch, type ApiResponse } from './http-transport.js';
import { createRequestStats, routeOf, type RequestStatsSnapshot } from './request-stats.js';
import { classifyError, parseRetryAfter, readHeader, withRetry, type RetryInfo, type RetryOptions } from './retry.js';

/** Structured log sink; messages are already redacted. */
export type GatewayLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  context?: Record<string, unknown>,
) => void;

/** Retry knobs the caller may set; time and randomness come from the gateway's effects. */
export type GatewayRetryOptions = Pick<
  RetryOptions,
  'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'giveUpAfterMs' | 'jitter' | 'random'
>;

/** Options of `createNotionGateway`. */
export interface NotionGatewayOptions {
  token: string;
  /** Default `https://api.notion.com`; the SDK appends `/v1/`. */
  baseUrl?: string;
  /** Average requests per second (default 3, Notion's documented average), or `auto` (learnt from Notion's answers). */
  rate?: PacerRate;
  /** Back-to-back requests allowed before pacing applies (default 3; 1 with `auto`). */
  burst?: number;
  /** API requests in flight at once (default 3). */
  concurrency?: number;
  /** Per attempt, covering the response body too (default 60 000 ms). */
  timeoutMs?: number;
  retry?: GatewayRetryOptions;
  logger?: GatewayLogger;
  /**
   * Whether the logger is given a debug message for each request and each wait (default true).
   * A run that shows none says false: building one costs a URL parse and a redaction a request.
   */
  debug?: boolean;
  /** Clock, timers, fetch and randomness (default `systemEffects()`); the gateway uses no other. */
  effects?: SyncEffects;
  /** The run's limiter, when the orchestrator builds it; otherwise one is built from rate/burst/concurrency. */
  limiter?: Limiter;
  /** Parallel file downloads (default 4); they bypass the API pacer. */
  downloadConcurrency?: number;
  /**
   * Whether a file download may be redirected to a loopback or private address (default: only
   * when the API base itself is one, as the local server is). A redirect to another scheme is
   * never followed.
   */
  allowPrivateRedirects?: boolean;
}

/** Options of `fetchBinary`. */
export interface FetchBinaryOptions {
  maxBytes: number;
  /** Whole download, body included (default 120 000 ms). */
  timeoutMs?: number;
}

/** Result of `fetchBinary`. */
export interface BinaryResponse {
  status: number;
  bytes: Buffer;
  contentType: string | undefined;
}

/** Result of `listPropertyItemsAll`: a single value, or every item of a paginated list. */
export type PropertyItems =
  | { kind: 'item'; item: PropertyItemObjectResponse }
  | {
      kind: 'list';
      results: PropertyItemObjectResponse[];
      /** From the final page: for a calculated rollup it carries the computed value. */
      propertyItem: PropertyItemListResponse['property_item'];
    };

/** Reported when Notion stopped a query early (`request_status.type = "incomplete"`). */
export interface IncompleteResults {
  route: string;
  id?: string;
  reason: string;
  resultsSeen: number;
}

/** Options of the paginating iterators that can return truncated results. */
export interface IncompleteHandling {
  /**
   * Called when Notion reports incomplete results. Without it the iterator THROWS an
   * `incomplete_results` NotionKbError after yielding everything it got, so truncation is
   * never silent: either the caller opts in to handle it, or the run sees an error.
   */
  onIncomplete?: (info: IncompleteResults) => void;
}

/** A row of a data source query or a search hit. */
export type PageOrDataSource =
  | PageObjectResponse
  | PartialPageObjectResponse
  | DataSourceObjectResponse
  | PartialDataSourceObjectResponse;

/** The gateway's counters (API attempts, retries, waits) plus file downloads, and what the pacer learnt of Notion's limits. */
export type GatewayStats = RequestStatsSnapshot & { rate: RateFindings };

/** Typed, paced, retried access to the Notion API. */
export interface NotionGateway {
  search(params?: Omit<SearchParameters, 'auth'>): Promise<SearchResponse>;
  iterateSearch(
    params?: Omit<SearchParameters, 'auth' | 'start_cursor'>,
    handling?: IncompleteHandling,
  ): AsyncGenerator<PageOrDataSource>;
  retrievePage(id: string): Promise<PageObjectResponse>;
  retrieveBlock(id: string): Promise<BlockObjectResponse>;
  iterateBlockChildren(id: string): AsyncGenerator<BlockObjectResponse>;
  listBlockChildrenAll(id: string): Promise<BlockObjectResponse[]>;
  listBlockChildrenWithAnswers(id: string): Promise<{ blocks: BlockObjectResponse[]; answers: Buffer[] | null }>;
  retrieveDatabase(id: string): Promise<DatabaseObjectResponse>;
  retrieveDataSource(id: string): Promise<DataSourceObjectResponse>;
  iterateDataSourceQuery(
    id: string,
    params?: Omit<QueryDataSourceParameters, 'auth' | 'data_source_id' | 'start_cursor'>,
    handling?: IncompleteHandling,
  ): AsyncGenerator<PageOrDataSource>;
  listPropertyItemsAll(pageId: string, propertyId: string): Promise<PropertyItems>;
  listUsersAll(): Promise<UserObjectResponse[]>;
  retrieveUser(id: string): Promise<UserObjectResponse>;
  me(): Promise<UserObjectResponse>;
  listCommentsAll(blockId: string): Promise<CommentObjectResponse[]>;
  fetchBinary(url: string, options: FetchBinaryOptions): Promise<BinaryResponse>;
  stats(): GatewayStats;
}

const PAGE_SIZE = 100;

const CHILDREN_ROUTE = 'GET /v1/blocks/:id/children';

/** What `listBlockChildrenWithAnswers` waits for: `<block id> <start_cursor>`. */
const answerKey = (id: string, cursor: string | null | undefined) => `${id} ${cursor ?? ''}`;

/** The `answerKey` of a block-children request, from its URL. */
function childrenAnswerKey(url: string): string {
  const u = new URL(url, 'http://x');
  const segments = u.pathname.split('/');
  return answerKey(decodeURIComponent(segments[segments.length - 2] ?? ''), u.searchParams.get('start_cursor'));
}

/** What a call is about, for messages: `page 1a2b… → GET /v1/pages/:id`. */
interface Target {
  route: string;
  kind: string;
  id?: string;
  /** Extra context for the run report, e.g. the property id of a property-item call. */
  extra?: Record<string, string>;
}

function describe(target: Target): string {
  if (target.id === undefined) return target.route;
  const extra = Object.entries(target.extra ?? {}).map(([k, v]) => ` ${k} ${v}`).join('');
  return `${target.kind} ${target.id}${extra} → ${target.route}`;
}

/** Build the gateway (and with it the run's only `Client`). */
export function createNotionGateway(options: NotionGatewayOptions): NotionGateway {
  const token = options.token;
  if (typeof token !== 'string' || token.trim() === '') {
    throw new NotionKbError(
      'config',
      'NOTION_TOKEN is not set. Create an internal integration at https://www.notion.so/profile/integrations, share your wiki root page with it, and export NOTION_TOKEN=<its secret>.',
    );
  }
  registerSecret(token);
  const secrets = [token];
  const effects = options.effects ?? systemEffects();
  const clock = effects.clock;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const baseFetch = effects.fetch;
  const api = effects.api ?? transportOverFetch(baseFetch);
  const log: GatewayLogger = options.logger ?? (() => undefined);
  const debug = options.logger !== undefined && options.debug !== false;
  const limiter =
    options.limiter ??
    createLimiter({
      rate: options.rate ?? 3,
      // `auto` spreads its budget evenly: no bursts on top.
      burst: options.burst ?? (options.rate === 'auto' ? 1 : 3),
      concurrency: options.concurrency ?? 3,
      clock,
    });
  const counters = createRequestStats();
  const downloadLimit = pLimit(Math.max(1, Math.floor(options.downloadConcurrency ?? 4)));

  /**
   * The block-children answers a listing with its answers waits for
   * (`listBlockChildrenWithAnswers`), by `childrenAnswerKey`: the SDK parses each answer itself
   * and gives back only the parsed object, so its bytes are kept here, as they arrived, for the
   * listing that asked (null until they arrive).
   */
  const childrenAnswers = new Map<string, Buffer | null>();
  // Counting here sees every HTTP attempt with its real status. Our own deadline (on the
  // effects clock) also cancels the socket and bounds the body read, which the SDK's timeout
  // does not; the body is read here, under it, so the deadline can be cleared when it is done.
  const instrumentedFetch = async (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string | FormData }) => {
    const method = init?.method ?? 'GET';
    const route = routeOf(method, url);
    const limit = deadline(clock, timeoutMs);
    const sentAt = clock.now();
    // --verbose shows every request: method and path (ids only, nothing secret), status, time.
    const shown = debug ? `${method} ${safeUrl(url).replace(/^[a-z]+:\/\/[^/]+/i, '')}` : '';
    try {
      if (init?.body !== undefined && typeof init.body !== 'string') {
        // The SDK sends FormData only to upload files, which notion-kb never does.
        throw new TypeError(`${method} ${safeUrl(url)}: only JSON bodies are sent`);
      }
      let response: ApiResponse;
      try {
        // Read whole under the deadline; the SDK gets what it reads of a response (ok, status,
        // statusText, headers, text) without a Response and its stream.
        response = await api({ url, method, headers: init?.headers ?? {}, ...(init?.body === undefined ? {} : { body: init.body }), signal: limit.signal });
      } catch (err) {
        const reason = classifyError(err, clock.now()).reason;
        counters.recordAttempt(route, reason === 'timeout' ? 'timeout' : 'network');
        if (debug) log('debug', redactSecrets(`${shown} → ${reason} after ${clock.now() - sentAt} ms`, secrets), { route });
        throw err;
      }
      const { status, statusText, headers, text } = response;
      counters.recordAttempt(route, String(status));
      if (debug) log('debug', redactSecrets(`${shown} → ${status} in ${clock.now() - sentAt} ms`, secrets), { route, status });
      const limited = status === 429 || status === 529;
      const retryAfterMs = limited ? parseRetryAfter(headers.get('retry-after'), clock.now()) : undefined;
      // Pause the whole run now, while this request still holds its slot, so no queued
      // caller slips out between this answer and our retry bookkeeping.
      if (retryAfterMs !== undefined) limiter.pauseUntil(clock.now() + retryAfterMs);
      const reason = status === 429 ? rateLimitReasonOf(text) : undefined;
      if (reason !== undefined && debug) log('debug', `${shown}: rate_limit_reason ${JSON.stringify(reason)}`, { route, reason });
      limiter.observe({
        sentAt,
        at: clock.now(),
        status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...(reason === undefined ? {} : { rateLimitReason: reason }),
      });
      const ok = status >= 200 && status < 300;
      if (ok && childrenAnswers.size > 0 && route === CHILDREN_ROUTE) {
        const key = childrenAnswerKey(url);
        if (childrenAnswers.has(key)) childrenAnswers.set(key, response.bytes ?? Buffer.from(text));
      }
      return { ok, status, statusText, headers, text: async () => text, json: async () => JSON.parse(text) as unknown } as unknown as Response;
    } finally {
      limit.clear();
    }
  };

  const client = new Client({
    auth: token,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl.replace(/\/+$/, '') }),
    // The SDK's own timer runs on real time and cannot be given our clock. Set later than our
    // deadline (which already bounds all of instrumentedFetch) it never decides anything.
    timeoutMs: Math.min(2 ** 31 - 1, timeoutMs * 2 + 1_000),
    retry: false,
    // The SDK's WARN logs repeat what our errors say; debug logs may carry bodies. Keep it quiet.
    logLevel: LogLevel.ERROR,
    logger: (level, message) => log('debug', redactSecrets(`notion sdk ${level}: ${message}`, secrets)),
    fetch: instrumentedFetch,
  });

  const retryOptions = options.retry ?? {};
  const onRetryFor = (target: Target) => (info: RetryInfo) => {
    counters.recordRetry(info.delayMs);
    // A 429/529 (or any Retry-After) is about the whole integration, not this request: everyone waits.
    if (info.rateLimited || info.status === 529 || info.retryAfterMs !== undefined) {
      limiter.pauseUntil(clock.now() + info.delayMs);
    }
    // Routine (counted in the summary); a request that gives up is the error. Shown with --verbose.
    log('info', redactSecrets(`retrying ${describe(target)} after ${info.reason} (try ${info.attempt + 1}, waiting ${info.delayMs} ms)`, secrets), {
      route: target.route,
      ...(target.id === undefined ? {} : { id: target.id }),
      reason: info.reason,
      delayMs: info.delayMs,
    });
  };

  async function call<T>(target: Target, fn: () => Promise<T>): Promise<T> {
    try {
      const attempt = () => {
        const queuedAt = clock.now();
        return limiter.run(() => {
          const waited = clock.now() - queuedAt;
          if (waited >= 1 && debug) log('debug', `waited ${Math.round(waited)} ms for the rate limit before ${describe(target)}`, { route: target.route, waitedMs: waited });
          return fn();
        });
      };
      return await withRetry(attempt, {
        random: effects.random,
        ...retryOptions,
        now: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
        label: describe(target),
        onRetry: onRetryFor(target),
      });
    } catch (err) {
      throw mapError(err, target, secrets, clock.now(), options.baseUrl);
    }
  }

  async function* paginate<R extends { results: unknown[]; next_cursor: string | null; has_more: boolean }>(
    target: Target,
    fetchPage: (cursor: string | undefined) => Promise<R>,
  ): AsyncGenerator<R> {
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await call(target, () => fetchPage(cursor));
      yield page;
      if (!page.has_more) return;
      if (page.next_cursor === null || page.next_cursor === '' || seen.has(page.next_cursor)) {
        // Stopping quietly here would drop the rest of the list.
        throw new NotionKbError(
          'api',
          `${describe(target)}: Notion said has_more but gave ${page.next_cursor ? 'a repeated' : 'no'} next_cursor; the list cannot be completed`,
          { route: target.route, ...(target.id === undefined ? {} : { id: target.id }) },
        );
      }
      seen.add(page.next_cursor);
      cursor = page.next_cursor;
    }
  }

  /**
   * One search hit or query row. A malformed page or data source comes out as its partial
   * object `{ object, id }`, so the crawl fetches it on its own and only that one fails; a result
   * without an id cannot even be named and comes out as undefined.
   */
  function readRow(raw: unknown, target: Target, defaultObject: string | undefined): PageOrDataSource | undefined {
    if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
    if (isPartialObject(raw)) return raw as PageOrDataSource;
    const object = typeof raw.object === 'string' ? raw.object : defaultObject;
    try {
      if (object === 'page') return readPage({ ...raw, object });
      if (object === 'data_source') return readDataSource(raw);
      return raw as PageOrDataSource;
    } catch (err) {
      if (!(err instanceof MalformedObjectError)) throw err;
      log('warn', redactSecrets(`${describe(target)}: ${err.message}; fetching it on its own`, secrets), { route: target.route, id: raw.id });
      return {
        object,
        id: raw.id,
        ...(typeof raw.created_time === 'string' ? { created_time: raw.created_time } : {}),
        ...(isObject(raw.parent) ? { parent: raw.parent } : {}),
      } as PageOrDataSource;
    }
  }

  async function* iterateIncompletable(
    target: Target,
    fetchPage: (cursor: string | undefined) => Promise<SearchResponse | QueryDataSourceResponse>,
    handling: IncompleteHandling | undefined,
    rows: { defaultObject?: string; withoutId: 'skip' | 'fail' },
  ): AsyncGenerator<PageOrDataSource> {
    let count = 0;
    let withoutId = 0;
    let incompleteReason: string | undefined;
    for await (const page of paginate(target, fetchPage)) {
      if (page.request_status?.type === 'incomplete') {
        incompleteReason = page.request_status.incomplete_reason ?? 'unspecified';
      }
      for (const raw of (Array.isArray(page.results) ? page.results : []) as unknown[]) {
        count += 1;
        const result = readRow(raw, target, rows.defaultObject);
        if (result === undefined) withoutId++;
        else yield result;
      }
    }
    if (withoutId > 0) {
      const message = `${describe(target)}: ${withoutId} result(s) without an id could not be read`;
      if (rows.withoutId === 'fail') {
        throw new NotionKbError('malformed_object', message, { route: target.route, ...(target.id === undefined ? {} : { id: target.id }), field: 'id' });
      }
      log('warn', message, { route: target.route });
    }
    if (incompleteReason === undefined) return;
    const info: IncompleteResults = {
      route: target.route,
      ...(target.id === undefined ? {} : { id: target.id }),
      reason: incompleteReason,
      resultsSeen: count,
    };
    if (handling?.onIncomplete) {
      handling.onIncomplete(info);
      return;
    }
    throw new NotionKbError(
      'incomplete_results',
      `${describe(target)}: Notion returned only ${count} results and reported the rest as incomplete (${incompleteReason})`,
      { ...info },
    );
  }

  /** A whole object read through `read-api-object.ts`; Notion's partial `{ object, id }` is reported as such. */
  function readFull<F>(value: unknown, read: (raw: unknown) => F, target: Target): F {
    if (isPartialObject(value)) throw partialError(target, (value as { id: string }).id);
    return read(value);
  }

  const listChildren = (id: string, cursor: string | undefined) =>
    client.blocks.children.list({ block_id: id, page_size: PAGE_SIZE, ...(cursor ? { start_cursor: cursor } : {}) });

  /** A block's children, every page of them (each fetched by `fetchPage`), each read whole. */
  async function* readChildren(id: string, fetchPage: (cursor: string | undefined) => Promise<ListBlockChildrenResponse> = (cursor) => listChildren(id, cursor)): AsyncGenerator<BlockObjectResponse> {
    const target: Target = { route: CHILDREN_ROUTE, kind: 'block', id };
    for await (const page of paginate<ListBlockChildrenResponse>(target, fetchPage)) {
      for (const block of page.results as unknown[]) yield readFull(block, readBlock, target);
    }
  }

  const iterateBlockChildren = (id: string) => readChildren(id);

  /** Every page of a block's children, read as `iterateBlockChildren` reads them, with each answer's UTF-8 bytes as they came. */
  async function listBlockChildrenWithAnswers(id: string): Promise<{ blocks: BlockObjectResponse[]; answers: Buffer[] | null }> {
    const blocks: BlockObjectResponse[] = [];
    let answers: Buffer[] | null = [];
    const withAnswer = async (cursor: string | undefined) => {
      const key = answerKey(id, cursor);
      childrenAnswers.set(key, null);
      try {
        const page = await listChildren(id, cursor);
        const answer = childrenAnswers.get(key);
        if (answer && answers) answers.push(answer);
        else answers = null;
        return page;
      } finally {
        childrenAnswers.delete(key);
      }
    };
    for await (const block of readChildren(id, withAnswer)) blocks.push(block);
    return { blocks, answers };
  }

  return {
    async search(params = {}) {
      const target: Target = { route: 'POST /v1/search', kind: 'search' };
      const response = await call(target, () => client.search({ page_size: PAGE_SIZE, ...params }));
      const results = (response.results as unknown[]).map((r) => readRow(r, target, undefined)).filter((r) => r !== undefined);
      return { ...response, results } as SearchResponse;
    },

    iterateSearch(params = {}, handling) {
      const target: Target = { route: 'POST /v1/search', kind: 'search' };
      return iterateIncompletable(
        target,
        (cursor) => client.search({ page_size: PAGE_SIZE, ...params, ...(cursor ? { start_cursor: cursor } : {}) }),
        handling,
        // A hit without an id cannot be visited; the tree walk still finds what lies below the others.
        { withoutId: 'skip' },
      );
    },

    async retrievePage(id) {
      const target: Target = { route: 'GET /v1/pages/:id', kind: 'page', id };
      return readFull(await call(target, () => client.pages.retrieve({ page_id: id })), readPage, target);
    },

    async retrieveBlock(id) {
      const target: Target = { route: 'GET /v1/blocks/:id', kind: 'block', id };
      return readFull(await call(target, () => client.blocks.retrieve({ block_id: id })), readBlock, target);
    },

    iterateBlockChildren,

    listBlockChildrenWithAnswers,

    async listBlockChildrenAll(id) {
      const blocks: BlockObjectResponse[] = [];
      for await (const block of iterateBlockChildren(id)) blocks.push(block);
      return blocks;
    },

    async retrieveDatabase(id) {
      const target: Target = { route: 'GET /v1/databases/:id', kind: 'database', id };
      return readFull(await call(target, () => client.databases.retrieve({ database_id: id })), readDatabase, target);
    },

    async retrieveDataSource(id) {
      const target: Target = { route: 'GET /v1/data_sources/:id', kind: 'data source', id };
      return readFull(await call(target, () => client.dataSources.retrieve({ data_source_id: id })), readDataSource, target);
    },

    iterateDataSourceQuery(id, params = {}, handling) {
      const target: Target = { route: 'POST /v1/data_sources/:id/query', kind: 'data source', id };
      return iterateIncompletable(
        target,
        (cursor) =>
          client.dataSources.query({
            page_size: PAGE_SIZE,
            ...params,
            data_source_id: id,
            ...(cursor ? { start_cursor: cursor } : {}),
          }),
        handling,
        // Query results are pages; a row without an id is a row lost, so the database fails.
        { defaultObject: 'page', withoutId: 'fail' },
      );
    },

    async listPropertyItemsAll(pageId, propertyId) {
      const target: Target = {
        route: 'GET /v1/pages/:id/properties/:pid',
        kind: 'page',
        id: pageId,
        extra: { property: propertyId },
      };
      const results: PropertyItemObjectResponse[] = [];
      let last: PropertyItemListResponse | undefined;
      const fetchPage = async (cursor: string | undefined) => {
        const response: GetPagePropertyResponse = await client.pages.properties.retrieve({
          page_id: pageId,
          property_id: propertyId,
          page_size: PAGE_SIZE,
          ...(cursor ? { start_cursor: cursor } : {}),
        });
        return response;
      };
      const first = await call(target, () => fetchPage(undefined));
      if (first.object !== 'list') return { kind: 'item', item: readPropertyItem(first, pageId, propertyId) };
      // Re-use the cursor walk for the remaining pages; the first one is already in hand.
      let pending: PropertyItemListResponse | undefined = first;
      for await (const page of paginate<PropertyItemListResponse>(target, async (cursor) => {
        if (pending !== undefined) {
          const p = pending;
          pending = undefined;
          return p;
        }
        const next = await fetchPage(cursor);
        if (next.object !== 'list') {
          throw new NotionKbError('api', `${describe(target)}: a later page was not a list`, { route: target.route });
        }
        return next;
      })) {
        results.push(...(page.results as unknown[]).map((item) => readPropertyItem(item, pageId, propertyId)));
        last = page;
      }
      return { kind: 'list', results, propertyItem: (last ?? first).property_item };
    },

    async listUsersAll() {
      const target: Target = { route: 'GET /v1/users', kind: 'users' };
      const users: UserObjectResponse[] = [];
      for await (const page of paginate<ListUsersResponse>(target, (cursor) =>
        client.users.list({ page_size: PAGE_SIZE, ...(cursor ? { start_cursor: cursor } : {}) }),
      )) {
        for (const user of page.results as unknown[]) {
          try {
            // An id-only user is a user Notion says little about, not a missing capability.
            users.push(readUser(user));
          } catch (err) {
            // One unreadable user must not cost the names of all the others.
            if (!(err instanceof MalformedObjectError)) throw err;
            log('warn', redactSecrets(`${describe(target)}: ${err.message}; skipped`, secrets), { route: target.route });
          }
        }
      }
      return users;
    },

    async retrieveUser(id) {
      const target: Target = { route: 'GET /v1/users/:id', kind: 'user', id };
      return readUser(await call(target, () => client.users.retrieve({ user_id: id })));
    },

    async me() {
      const target: Target = { route: 'GET /v1/users/me', kind: 'bot user' };
      return readUser(await call(target, () => client.users.me({})));
    },

    async listCommentsAll(blockId) {
      const target: Target = { route: 'GET /v1/comments', kind: 'comments of block', id: blockId };
      const comments: CommentObjectResponse[] = [];
      for await (const page of paginate<ListCommentsResponse>(target, (cursor) =>
        client.comments.list({ block_id: blockId, page_size: PAGE_SIZE, ...(cursor ? { start_cursor: cursor } : {}) }),
      )) {
        for (const comment of page.results) {
          if (!isFullComment(comment)) throw partialError(target, (comment as { id?: string }).id);
          comments.push(comment);
        }
      }
      return comments;
    },

    fetchBinary(url, fetchOptions) {
      return fetchBinary(url, fetchOptions, {
        allowPrivateRedirects: options.allowPrivateRedirects ?? isPrivateHost(new URL(options.baseUrl ?? 'https://api.notion.com').hostname),
        baseFetch,
        clock,
        random: effects.random,
        retryOptions,
        counters,
        downloadLimit,
        log,
        secrets,
      });
    },

    stats() {
      const l = limiter.stats();
      return { ...counters.snapshot({ waitedMs: l.waitedMs, waitsForRate: l.waitsForRate, maxInFlight: l.maxInFlight }), rate: l.rate };
    },
  };
}

/** `additional_data.rate_limit_reason` of a 429 body (which of Notion's limits was hit), if it names one. */
export function rateLimitReasonOf(body: string): string | undefined {
  try {
    const reason = (JSON.parse(body) as { additional_data?: { rate_limit_reason?: unknown } } | null)?.additional_data?.rate_limit_reason;
    // Shown in the report: a short word, never a whole body.
    return typeof reason === 'string' && reason !== '' ? reason.slice(0, 80) : undefined;
  } catch {
    return undefined;
  }
}

function partialError(target: Target, childId: string | undefined): NotionKbError {
  const which = childId !== undefined && childId !== target.id ? ` (object ${childId})` : '';
  return new NotionKbError(
    'partial_object',
    `${describe(target)}: Notion returned a partial object${which} with only its id; the integration probably lacks the "Read content" capability or access`,
    { route: target.route, ...(target.id === undefined ? {} : { id: target.id }), ...(childId === undefined ? {} : { objectId: childId }) },
  );
}

/** A base URL's origin, for messages: no user name, password or path. */
function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return 'the API origin';
  }
}

/** Map anything thrown by the SDK, fetch or retry into one `NotionKbError`, once. */
function mapError(err: unknown, target: Target, secrets: readonly string[], now: number, baseUrl?: string): NotionKbError {
  const where = { route: target.route, ...(target.id === undefined ? {} : { id: target.id }), ...target.extra };
  if (isNotionKbError(err)) {
    if (err.code === 'gave_up') {
      // No answer at all (refused, reset, timed out), try after try: say so first, where, and what to check.
      const last = classifyError(err.cause, now);
      const unreached = last.status === undefined && last.reason !== 'invalid JSON in the response';
      if (!unreached) return new NotionKbError(err.code, err.message, { ...err.context, ...where }, { cause: err.cause });
      const origin = baseUrl === undefined ? 'https://api.notion.com' : originOf(baseUrl);
      const check = baseUrl === undefined ? 'Check the network connection' : 'Check the network connection and the API origin (NOTION_BASE_URL or notion.baseUrl)';
      return new NotionKbError(err.code, `could not reach Notion at ${origin}: ${err.message}. ${check}.`, { ...err.context, ...where }, { cause: err.cause });
    }
    return err;
  }
  if (isHTTPResponseError(err)) {
    const requestId = err.request_id ?? readHeader(err.headers, 'x-notion-request-id');
    const notionCode = err.code.startsWith('notionhq_client') ? undefined : err.code;
    const context = {
      ...where,
      status: err.status,
      ...(notionCode === undefined ? {} : { notionCode }),
      ...(requestId === undefined ? {} : { requestId }),
    };
    const rid = requestId === undefined ? '' : ` (request_id ${requestId})`;
    if (err.status === 401) {
      return new NotionKbError(
        'auth',
        'NOTION_TOKEN was rejected by Notion (401 unauthorized). Create an internal integration at https://www.notion.so/profile/integrations, share your wiki root page with it (••• → Connections), and export NOTION_TOKEN=<its internal integration secret>.',
        context,
      );
    }
    if (err.status === 404) {
      const hint =
        target.kind === 'user'
          ? 'Give the integration the "Read user information" capability.'
          : 'Share it with the integration: open it in Notion → ••• → Connections → add your integration (sharing a parent page shares its children).';
      return new NotionKbError(
        'not_found',
        redactSecrets(`${describe(target)}: not found or not shared with the integration (404 ${notionCode ?? 'not_found'}). ${hint}${rid}`, secrets),
        context,
      );
    }
    // Notion's own JSON message is useful; an HTML gateway page is not, so only JSON errors contribute text.
    const detail = notionCode === undefined ? '' : `: ${err.message}`;
    const hint =
      err.status === 403
        ? ' The integration lacks a capability or access (Settings → Integrations → Capabilities).'
        : '';
    return new NotionKbError(
      'api',
      redactSecrets(`${describe(target)} failed with HTTP ${err.status}${notionCode ? ` ${notionCode}` : ''}${detail}${rid}${hint}`, secrets),
      context,
    );
  }
  const decision = classifyError(err, now);
  if (decision.reason === 'timeout' || decision.retryable || /fetch failed|ENOTFOUND|CERT|TLS/.test(decision.reason)) {
    return new NotionKbError(
      'network',
      redactSecrets(`${describe(target)}: could not reach Notion (${decision.reason})`, secrets),
      { ...where, reason: decision.reason },
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new NotionKbError(
    'api',
    redactSecrets(`${describe(target)} failed: ${message}`, secrets),
    where,
    { cause: err },
  );
}

interface DownloadDeps {
  allowPrivateRedirects: boolean;
  baseFetch: typeof fetch;
  clock: SyncClock;
  random: () => number;
  retryOptions: GatewayRetryOptions;
  counters: ReturnType<typeof createRequestStats>;
  downloadLimit: ReturnType<typeof pLimit>;
  log: GatewayLogger;
  secrets: readonly string[];
}

/** Signed file URLs carry credentials in the query string: messages keep only origin and path. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}

async function fetchBinary(url: string, options: FetchBinaryOptions, deps: DownloadDeps): Promise<BinaryResponse> {
  const shown = safeUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DownloadError('unsupported_url', `file ${shown}: not a valid URL`, { url: shown });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DownloadError('unsupported_url', `file ${shown}: only http: and https: URLs are downloaded, not ${parsed.protocol}`, {
      url: shown,
    });
  }
  const maxBytes = options.maxBytes;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const label = `GET ${shown}`;

  const attempt = async (): Promise<BinaryResponse> => {
    const controller = new AbortController();
    const limit = deadline(deps.clock, timeoutMs);
    try {
      return await download(controller, AbortSignal.any([controller.signal, limit.signal]));
    } finally {
      limit.clear();
    }
  };

  const download = async (controller: AbortController, signal: AbortSignal): Promise<BinaryResponse> => {
    // No Authorization header: the Notion token must never travel to a file host.
    let response: Response;
    // Redirects are followed here, one hop at a time, so that each target can be checked.
    let target = parsed;
    for (let hop = 0; ; hop++) {
      try {
        response = await deps.baseFetch(target, { method: 'GET', redirect: 'manual', signal });
      } catch (err) {
        deps.counters.recordDownload(classifyError(err, deps.clock.now()).reason === 'timeout' ? 'timeout' : 'network', 0);
        throw err;
      }
      const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
      if (location === null) break;
      await response.body?.cancel().catch(() => undefined);
      const next = redirectTarget(location, target, hop, deps.allowPrivateRedirects);
      if (typeof next === 'string') {
        deps.counters.recordDownload(String(response.status), 0);
        throw new DownloadError('unsupported_url', `file ${shown}: ${next}`, { url: shown, status: response.status });
      }
      target = next;
    }
    const contentType = response.headers.get('content-type') ?? undefined;
    if (!response.ok) {
      deps.counters.recordDownload(String(response.status), 0);
      await response.body?.cancel().catch(() => undefined);
      const retryAfter = response.headers.get('retry-after');
      throw new DownloadError(
        'http_status',
        `file ${shown}: HTTP ${response.status}${response.status === 403 ? ' (signed URL expired? refresh the parent object)' : ''}`,
        { url: shown, status: response.status },
        retryAfter === null ? {} : { headers: { 'retry-after': retryAfter } },
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const tooLarge = (seen: number) =>
      new DownloadError('too_large', `file ${shown}: larger than the limit of ${maxBytes} bytes (${seen} bytes seen)`, {
        url: shown,
        status: response.status,
        maxBytes,
      });
    if (Number.isFinite(declared) && declared > maxBytes) {
      controller.abort();
      deps.counters.recordDownload(String(response.status), 0);
      throw tooLarge(declared);
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    if (response.body !== null) {
      const reader = response.body.getReader();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          deps.counters.recordDownload(String(response.status), received);
          throw err;
        }
        if (chunk.done) break;
        received += chunk.value.byteLength;
        if (received > maxBytes) {
          controller.abort();
          await reader.cancel().catch(() => undefined);
          deps.counters.recordDownload(String(response.status), received);
          throw tooLarge(received);
        }
        chunks.push(chunk.value);
      }
    }
    deps.counters.recordDownload(String(response.status), received);
    deps.log('debug', `${label} → ${response.status}, ${received} bytes`, { url: shown });
    return { status: response.status, bytes: Buffer.concat(chunks), contentType };
  };

  try {
    return await withRetry(() => deps.downloadLimit(attempt), {
      random: deps.random,
      ...deps.retryOptions,
      now: () => deps.clock.now(),
      sleep: (ms) => deps.clock.sleep(ms),
      label,
      onRetry: (info) => {
        deps.counters.recordRetry(info.delayMs);
        deps.log('info', `retrying ${label} after ${info.reason} (try ${info.attempt + 1}, waiting ${info.delayMs} ms)`, {
          url: shown,
          reason: info.reason,
        });
      },
    });
  } catch (err) {
    if (isNotionKbError(err)) throw err;
    const decision = classifyError(err, deps.clock.now());
    throw new NotionKbError(
      'network',
      redactSecrets(`file ${shown}: download failed (${decision.reason})`, deps.secrets),
      { url: shown, reason: decision.reason },
      { cause: err },
    );
  }
}

const MAX_REDIRECTS = 5;

/** Where a redirect may lead: an http(s) URL, not to a loopback or private address unless allowed; else why not. */
function redirectTarget(location: string, from: URL, hop: number, allowPrivate: boolean): URL | string {
  if (hop >= MAX_REDIRECTS) return `more than ${MAX_REDIRECTS} redirects; not followed`;
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    return 'redirected to an invalid URL; not followed';
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') return `redirected to a ${next.protocol} URL; only http: and https: are followed`;
  if (!allowPrivate && isPrivateHost(next.hostname)) return `redirected to a loopback or private address (${next.hostname}); not followed`;
  return next;
}

/**
 * True for a host that names this machine or a private network: localhost, loopback, private,
 * link-local and unique-local addresses (literal IPs; names are taken as public).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (host.includes(':')) {
    if (host === '::1' || host === '::') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    if (mapped) return isPrivateHost(mapped[1]!);
    return /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}
