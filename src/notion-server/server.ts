import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { WorkspaceData } from './workspace-model.js';
import { ApiError, errorBody } from './api-error.js';
import { matchRoute } from './api-routes.js';
import { CursorCodec } from './pagination.js';
import { FileSigner, s3ErrorXml } from './file-signing.js';
import { TokenBucket, WindowBudget, type RateLimitOptions, type TakeResult, type WindowBudgetOptions } from './rate-limit.js';
import { CLOUDFLARE_502_HTML, FaultInjector, type FaultKind, type FaultPlan } from './faults.js';
import { createMutations, type BumpPolicy, type Mutations } from './mutations.js';
import type { SerialiseContext } from './serialise-context.js';
import { applyDrift, driftRules, type DriftRule, type DriftTransform } from './drift.js';

/**
 * A local Notion API (version 2025-09-03) over real HTTP on 127.0.0.1, serving a WorkspaceData:
 * the SDK talks to it through `new Client({ auth, baseUrl })` exactly as to api.notion.com.
 * It reproduces what an exporter must cope with: rate limits with Retry-After (a token bucket, or
 * Notion's newer budgets per window per connection and per workspace), opaque cursors,
 * minute-rounded timestamps, relations cut at 25, expiring signed file URLs, unshared objects as
 * 404, and seeded faults (5xx, HTML 502, hangs, resets).
 */

export interface NotionServerOptions {
  workspace: WorkspaceData;
  /** The integration token clients must send as `Authorization: Bearer <token>`. */
  token: string;
  /**
   * Tokens of the workspace's other connections (integrations): each has a per-connection limit
   * of its own, and all share the per-workspace limit.
   */
  otherTokens?: readonly string[];
  /**
   * The per-connection limit, each token its own. `{ ratePerSecond, burst }`: a token bucket, the
   * documented "average of three requests per second, some bursts allowed" (the default: 3/s,
   * burst 10). `{ requests, windowSeconds? (60), start? }`: Notion's newer model, a fixed budget
   * per 60-second window, spent at any pace (a burst too), and a 429 whose Retry-After is the time
   * until the window resets. `false` disables it.
   */
  rateLimit?: RateLimitOptions | ConnectionWindowOptions | false;
  /**
   * The per-workspace limit, shared by every token: a budget per window (default none). Its
   * Retry-After, the time until its window resets, can be longer than a minute.
   */
  workspaceLimit?: WindowBudgetOptions | false;
  /**
   * `additional_data.rate_limit_reason` of a 429 of each window limit. Notion documents the field
   * but not its values, so they are settable; `null` sends the 429 without `additional_data`.
   * Defaults in `RATE_LIMIT_REASONS`. (The token bucket's 429 never carries it, as recorded.)
   */
  rateLimitReasons?: { connection?: string | null; workspace?: string | null };
  /** Delay added to every API answer. */
  latencyMs?: number;
  /**
   * Compress JSON answers as Notion's edge does for a client that accepts it: brotli if the
   * request's Accept-Encoding names `br`, else gzip if it names `gzip` (default off: the
   * benchmarks' baseline is uncompressed).
   */
  compression?: boolean;
  faults?: FaultPlan;
  /** Lifetime of signed file URLs; default 3600 like Notion's S3 URLs. */
  fileExpirySeconds?: number;
  /** Loopback only: the server never listens on any other address. */
  host?: '127.0.0.1';
  port?: number;
  /**
   * Rows a data source query returns over all its pages before it stops with
   * `request_status: { type: "incomplete", incomplete_reason: "query_result_limit_reached" }`
   * (Notion's limit is 10,000; tests set it low).
   */
  queryResultLimit?: number;
  /**
   * Injectable clock for file expiry, the rate limit, mutation timestamps and the latency
   * fault: epoch ms as a function, or a `ServerClock` (tests share a simulated one with the
   * sync they run in the same process).
   */
  clock?: (() => number) | ServerClock;
  /**
   * API drift: applied to every object of every answer by kind (page, block, rich text, …), so
   * tests can serve objects without optional keys, with unknown keys or unknown types.
   */
  drift?: DriftTransform | readonly DriftRule[];
  /**
   * The integration's capabilities (default: all). `readComments: false` makes the comments
   * endpoint answer 403 restricted_resource, as Notion does without "Read comments".
   */
  capabilities?: { readComments?: boolean };
  /**
   * What the mutations bump where Notion's documentation is silent (src/notion-server/mutations.ts):
   * `all` (default) bumps the parent on structural changes and the pages relating to a page
   * trashed or restored; `documented` bumps neither.
   */
  bumps?: BumpPolicy;
  /**
   * Keeps the method and path of every request received (API calls, file downloads, anything
   * else), in order, for `requestLog()`: tests check what a client asked for. Off by default
   * (a long benchmark would hold every path).
   */
  requestLog?: boolean;
}

/** One request as the server received it. */
export interface LoggedRequest {
  method: string;
  /** The path without the query string (signed file URLs carry their signature there). */
  path: string;
}

/** Time as the server sees it. */
export interface ServerClock {
  now(): number;
  /** Waits `ms` on this clock (the `latencyMs` delay). */
  sleep(ms: number): Promise<void>;
  /**
   * Told when the server leaves a request waiting on this clock (latency) or unanswered (a
   * `hang` fault); returns the function to call when it resumes. A simulated clock uses it to
   * know that this request waits on virtual time, not on I/O, so its virtual time may advance
   * (and the client's timeout fire) while the request is in flight.
   */
  park?(req: IncomingMessage): () => void;
}

export interface ServerStats {
  requests: { byRoute: Record<string, number>; byStatus: Record<number, number>; total: number };
  maxConcurrent: number;
  /** 429s sent. */
  rateLimited: number;
  /** 429s sent by the limit that was hit (the token bucket counts as `connection`). */
  rateLimitedBy: { connection: number; workspace: number };
  faultsInjected: number;
  fileDownloads: number;
}

export interface NotionServer {
  /** e.g. http://127.0.0.1:54321, for the SDK's `baseUrl` (it appends /v1/…). */
  baseUrl: string;
  stats(): ServerStats;
  resetStats(): void;
  close(): Promise<void>;
  mutate: Mutations;
  workspace: WorkspaceData;
  clock: () => number;
  /** Every request received, in order (with the `requestLog` option; empty without it). */
  requestLog(): LoggedRequest[];
}

/** The per-connection limit as a budget per window (Notion's newer model). */
export type ConnectionWindowOptions = Omit<WindowBudgetOptions, 'windowSeconds'> & { windowSeconds?: number };

/**
 * Default `additional_data.rate_limit_reason` values. Notion's reference says the field names the
 * limit that was hit but does not list its values: these are ours (settable per server).
 */
export const RATE_LIMIT_REASONS = { connection: 'connection_rate_limit', workspace: 'workspace_rate_limit' } as const;

const RATE_LIMITED_MESSAGE = 'You have been rate limited. Please try again in a few minutes.';

const JSON_TYPE = 'application/json; charset=utf-8';

const FAULT_ERRORS: Record<'500' | '503' | '529', ApiError> = {
  '500': new ApiError(500, 'internal_server_error', 'Unexpected error occurred.'),
  '503': new ApiError(503, 'service_unavailable', 'Notion is unavailable, please try again later.'),
  // No recorded 529 body exists; the code is the documented one, the message is ours.
  '529': new ApiError(529, 'service_overload', 'Notion is experiencing high load, please try again later.'),
};

/** Starts the server on 127.0.0.1 and resolves once it listens. */
export async function startNotionServer(opts: NotionServerOptions): Promise<NotionServer> {
  if (opts.host !== undefined && opts.host !== '127.0.0.1') throw new Error(`notion-server: refusing to listen on ${String(opts.host)}; only 127.0.0.1`);
  const serverClock: ServerClock =
    opts.clock === undefined
      ? { now: () => Date.now(), sleep }
      : typeof opts.clock === 'function'
        ? { now: opts.clock, sleep }
        : opts.clock;
  const clock = (): number => serverClock.now();
  const ws = opts.workspace;
  let baseUrl = '';
  const signer = new FileSigner(() => baseUrl, clock, opts.fileExpirySeconds ?? 3600);
  const codec = new CursorCodec(randomBytes(32));
  const tokens = new Set([opts.token, ...(opts.otherTokens ?? [])]);
  const connectionLimit = opts.rateLimit === undefined ? { ratePerSecond: 3, burst: 10 } : opts.rateLimit;
  /** Each connection's own limit, made on its first request. */
  const connections = new Map<string, TokenBucket | WindowBudget>();
  const connectionFor = (token: string): TokenBucket | WindowBudget | null => {
    if (connectionLimit === false) return null;
    let limit = connections.get(token);
    if (!limit) {
      limit = 'ratePerSecond' in connectionLimit ? new TokenBucket(connectionLimit, clock) : new WindowBudget({ windowSeconds: 60, ...connectionLimit }, clock);
      connections.set(token, limit);
    }
    return limit;
  };
  const workspaceBudget = opts.workspaceLimit ? new WindowBudget(opts.workspaceLimit, clock) : null;
  const reasonFor = (limit: 'connection' | 'workspace'): string | null => {
    const given = opts.rateLimitReasons?.[limit];
    return given === undefined ? RATE_LIMIT_REASONS[limit] : given;
  };
  const faults = opts.faults ? new FaultInjector(opts.faults) : null;
  const drift = opts.drift === undefined ? null : typeof opts.drift === 'function' ? opts.drift : driftRules(opts.drift);
  const ctx = (): SerialiseContext => ({ ws, baseUrl, signer, queryResultLimit: opts.queryResultLimit ?? 10_000, capabilities: opts.capabilities ?? {} });

  let stats = freshStats();
  const requestLog: LoggedRequest[] = [];
  let inFlight = 0;
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    if (opts.compression) {
      const accepted = String(req.headers['accept-encoding'] ?? '').toLowerCase();
      const coding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
      if (coding !== null) COMPRESSED.set(res, coding);
    }
    handle(req, res).catch((err: unknown) => {
      // A bug in a handler must still produce an answer, never a hung client.
      if (!res.headersSent) sendJson(res, 500, errorBody(new ApiError(500, 'internal_server_error', 'Unexpected error occurred.'), randomUUID()), true);
      else res.destroy();
      console.error('notion-server: handler failed:', err instanceof Error ? err.message : err);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    if (opts.requestLog) requestLog.push({ method, path: url.pathname });
    if (url.pathname.startsWith('/files/') || url.pathname.startsWith('/emoji/')) {
      await drain(req);
      if (url.pathname.startsWith('/files/') && opts.faults?.files) {
        stats.fileDownloads++;
        if (fileFault(req, res)) return;
        stats.fileDownloads--;
      }
      return serveFile(method, url, res);
    }
    // Not Notion: a file host that redirects (/redirect?to=<url>), for tests of where downloads may go.
    if (url.pathname === '/redirect') {
      await drain(req);
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
      res.end();
      return;
    }

    const match = matchRoute(method, url.pathname);
    const routeKey = match ? match.route.key : `${method} (unknown route)`;
    inFlight++;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, inFlight);
    stats.requests.total++;
    stats.requests.byRoute[routeKey] = (stats.requests.byRoute[routeKey] ?? 0) + 1;
    res.on('close', () => inFlight--);
    const requestId = randomUUID();
    const rawBody = await drain(req);

    const fail = (err: ApiError, withRequestIdHeader = true) => {
      record(err.status);
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      sendJson(res, err.status, errorBody(err, requestId), withRequestIdHeader ? requestId : false);
    };

    // The recorded 400 invalid_request_url and 401 answers carry no x-notion-request-id header.
    if (!match) return fail(new ApiError(400, 'invalid_request_url', 'Invalid request URL.'), false);
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    if (!tokens.has(token)) return fail(new ApiError(401, 'unauthorized', 'API token is invalid.'), false);
    const version = req.headers['notion-version'];
    if (version === undefined) {
      return fail(
        new ApiError(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.'),
      );
    }
    if (version !== '2025-09-03') {
      return fail(
        new ApiError(400, 'validation_error', `Notion-Version header failed validation: this local server only speaks \`"2025-09-03"\`, instead was \`${JSON.stringify(version)}\`.`),
      );
    }
    const limited = rateLimit(token);
    if (limited) return fail(limited);
    const fault = faults?.next(method, match.route.key, url.pathname) ?? null;
    if (fault) {
      stats.faultsInjected++;
      if (injectFault(fault, req, res, requestId)) return;
    }
    if (opts.latencyMs) {
      const resume = serverClock.park?.(req);
      await serverClock.sleep(opts.latencyMs);
      resume?.();
    }

    let body: Record<string, unknown> = {};
    if (method === 'POST' && rawBody.length > 0) {
      try {
        const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return fail(new ApiError(400, 'invalid_json', 'Error parsing JSON body.'));
      }
    }
    let result: Record<string, unknown>;
    try {
      result = match.route.handle({ ctx: ctx(), codec, params: match.params, query: url.searchParams, body });
    } catch (err) {
      if (err instanceof ApiError) return fail(err);
      throw err;
    }
    if (drift) result = applyDrift(result, drift) as Record<string, unknown>;
    record(200);
    sendJson(res, 200, { ...result, request_id: requestId }, requestId);
  }

  /** The 429 for a request over a limit, or null when it fits (then it is counted against them). */
  function rateLimit(token: string): ApiError | null {
    const connection = connectionFor(token);
    if (connection instanceof TokenBucket) {
      const taken = connection.take();
      if (!taken.ok) return tooMany('connection', taken, false);
    } else if (connection) {
      const fits = connection.check();
      if (!fits.ok) return tooMany('connection', fits, true);
    }
    if (workspaceBudget) {
      const fits = workspaceBudget.check();
      if (!fits.ok) return tooMany('workspace', fits, true);
      workspaceBudget.take();
    }
    if (connection instanceof WindowBudget) connection.take();
    return null;
  }

  function tooMany(limit: 'connection' | 'workspace', result: Extract<TakeResult, { ok: false }>, withReason: boolean): ApiError {
    stats.rateLimited++;
    stats.rateLimitedBy[limit]++;
    const reason = withReason ? reasonFor(limit) : null;
    return new ApiError(429, 'rate_limited', RATE_LIMITED_MESSAGE, reason === null ? undefined : { rate_limit_reason: reason }, {
      'retry-after': String(result.retryAfterSeconds),
    });
  }

  function injectFault(fault: FaultKind, req: IncomingMessage, res: ServerResponse, requestId: string): boolean {
    switch (fault) {
      case '500':
      case '503':
      case '529': {
        const err = FAULT_ERRORS[fault];
        record(err.status);
        sendJson(res, err.status, errorBody(err, requestId), requestId);
        return true;
      }
      case '502-html':
        record(502);
        res.writeHead(502, { 'content-type': 'text/html', 'cf-ray': `${randomBytes(8).toString('hex')}-FRA` });
        res.end(CLOUDFLARE_502_HTML);
        return true;
      case 'hang':
        // Never answered; close() ends it.
        serverClock.park?.(req);
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return true;
      case 'reset':
        res.socket?.destroy();
        return true;
      case 'truncated-json': {
        record(200);
        const body = Buffer.from('{"object":"list","results":[{"object":"block","id":"');
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length), 'x-notion-request-id': requestId });
        res.end(body);
        return true;
      }
      case 'invalid-json': {
        record(200);
        const body = Buffer.from('<!doctype html><title>Maintenance</title>');
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length), 'x-notion-request-id': requestId });
        res.end(body);
        return true;
      }
      case 'reset-mid-body':
        record(200);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '100000', 'x-notion-request-id': requestId });
        res.write('{"object":"list","results":[', () => res.socket?.destroy());
        return true;
      case 'long-429': {
        const err = new ApiError(429, 'rate_limited', RATE_LIMITED_MESSAGE, undefined, { 'retry-after': '60' });
        record(429);
        for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
        sendJson(res, 429, errorBody(err, requestId), requestId);
        return true;
      }
      case 'revoked-token':
        // As the recorded 401: no x-notion-request-id header.
        record(401);
        sendJson(res, 401, errorBody(new ApiError(401, 'unauthorized', 'API token is invalid.'), requestId), false);
        return true;
    }
  }

  /** A file download's fault, if the plan scripts one for this download. */
  function fileFault(req: IncomingMessage, res: ServerResponse): boolean {
    const fault = opts.faults?.files?.[stats.fileDownloads];
    if (!fault) return false;
    stats.faultsInjected++;
    if (fault === '500') {
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end('<Error><Code>InternalError</Code></Error>');
    } else if (fault === 'reset-mid-body') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '100000' });
      res.write(Buffer.alloc(1000), () => res.socket?.destroy());
    } else {
      // stall: headers and the first bytes, then nothing (the client's time limit must end it).
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '100000' });
      res.write(Buffer.alloc(1000));
      serverClock.park?.(req);
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
    }
    return true;
  }

  function serveFile(method: string, url: URL, res: ServerResponse): void {
    stats.fileDownloads++;
    const xml = (status: number, reason: 'expired' | 'bad-signature' | 'not-found') => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(s3ErrorXml(reason, url.pathname));
    };
    const parts = url.pathname.split('/');
    const [, kind, id] = parts;
    if (kind === 'emoji') {
      const emoji = ws.customEmojis[id ?? ''];
      const file = emoji ? ws.files[emoji.fileId] : undefined;
      if (!file) return xml(404, 'not-found');
      return sendBytes(res, method, file.contentType, Buffer.from(file.base64, 'base64'));
    }
    const verdict = signer.verify(url.pathname, url.searchParams);
    if (!verdict.ok) return xml(403, verdict.reason);
    const file = ws.files[id ?? ''];
    if (!file) return xml(404, 'not-found');
    sendBytes(res, method, file.contentType, Buffer.from(file.base64, 'base64'));
  }

  function record(status: number): void {
    stats.requests.byStatus[status] = (stats.requests.byStatus[status] ?? 0) + 1;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    workspace: ws,
    clock,
    mutate: createMutations(ws, clock, { bumps: opts.bumps ?? 'all' }),
    stats: () => structuredClone(stats),
    requestLog: () => requestLog.map((r) => ({ ...r })),
    resetStats: () => {
      stats = freshStats();
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function freshStats(): ServerStats {
  return { requests: { byRoute: {}, byStatus: {}, total: 0 }, maxConcurrent: 0, rateLimited: 0, rateLimitedBy: { connection: 0, workspace: 0 }, faultsInjected: 0, fileDownloads: 0 };
}

/** The coding of each answer to compress (`compression`), chosen from its request's Accept-Encoding. */
const COMPRESSED = new WeakMap<ServerResponse, 'br' | 'gzip'>();

function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string | false | true): void {
  const coding = COMPRESSED.get(res);
  const text = JSON.stringify(body);
  const bytes = coding === 'br' ? brotliCompressSync(text) : coding === 'gzip' ? gzipSync(text) : Buffer.from(text);
  const headers: Record<string, string> = { 'content-type': JSON_TYPE, 'content-length': String(bytes.length) };
  if (coding !== undefined) headers['content-encoding'] = coding;
  if (typeof requestId === 'string') headers['x-notion-request-id'] = requestId;
  res.writeHead(status, headers);
  res.end(bytes);
}

function sendBytes(res: ServerResponse, method: string, contentType: string, bytes: Buffer): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length) });
  res.end(method === 'HEAD' ? undefined : bytes);
}

function drain(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
