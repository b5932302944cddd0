import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DownloadError, isNotionKbError, userMessage, type NotionKbError } from '../../src/errors.js';
import { createNotionGateway, type NotionGatewayOptions } from '../../src/source/notion-gateway.js';
import type { SyncEffects } from '../../src/source/effects.js';
import { nodeHttpTransport } from '../../src/source/http-transport.js';
import { createLimiter, type Clock, type Limiter } from '../../src/source/pacer.js';
import { readNotionFixture } from '../support/fixtures.js';
import { closeServer } from '../support/close-server.js';
import { createSimulatedClock, type SimulatedClock } from '../support/simulated-clock.js';

const fixture = <T = any>(name: string): T => readNotionFixture<T>(name);

// Shaped like a real integration token, so both the exact-match and the pattern redaction are exercised.
const TOKEN = 'ntn_' + 'Q7x9K2m4P8r1T5w3'.repeat(3);

// ---------------------------------------------------------------------------------------------
// A scripted Notion: answers each request from a function, records what it saw, counts in-flight.

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  headers: IncomingHttpHeaders;
  /** Arrival time on the gateway's clock. */
  at: number;
}

interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  bytes?: Buffer;
  /** Send the body in chunks without Content-Length. */
  chunks?: Buffer[];
  headers?: Record<string, string>;
  /** Kill the socket without answering. */
  drop?: boolean;
  /** Never answer. */
  hang?: boolean;
  /** Milliseconds to hold the request before answering (virtual ones on a simulated clock). */
  delayMs?: number;
}

type Respond = (req: Seen, index: number) => Reply;

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(closeServer));
});

async function scriptedNotion(respond: Respond, clock: Clock = { now: Date.now, sleep: async () => {} }) {
  const seen: Seen[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer(async (req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = Buffer.concat(chunks).toString('utf8');
    const entry: Seen = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: raw === '' ? undefined : JSON.parse(raw),
      headers: req.headers,
      at: clock.now(),
    };
    seen.push(entry);
    const reply = respond(entry, seen.length - 1);
    // On a simulated clock the server tells it when a request waits on time, not on I/O.
    const simulated = 'park' in clock ? (clock as SimulatedClock) : undefined;
    if (reply.delayMs) {
      const resume = simulated?.park(req);
      await (simulated ? simulated.sleep(reply.delayMs) : new Promise((r) => setTimeout(r, reply.delayMs)));
      resume?.();
    }
    if (reply.drop) {
      req.socket.destroy();
      return;
    }
    if (reply.hang) {
      simulated?.park(req);
      return;
    }
    const status = reply.status ?? 200;
    if (reply.chunks) {
      res.writeHead(status, { 'content-type': 'application/octet-stream', ...reply.headers });
      for (const c of reply.chunks) res.write(c);
      res.end();
      return;
    }
    const body = reply.bytes ?? (reply.text !== undefined ? reply.text : JSON.stringify(reply.json ?? {}));
    const type = reply.bytes ? 'application/octet-stream' : reply.text !== undefined ? 'text/html' : 'application/json; charset=utf-8';
    res.writeHead(status, { 'content-type': type, ...reply.headers });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, maxInFlight: () => maxInFlight };
}

/** Replies in order; the last one repeats. */
function inOrder(...replies: Reply[]): Respond {
  return (_req, i) => replies[Math.min(i, replies.length - 1)]!;
}

/**
 * Wall clock plus a skew: sleeping advances the skew instead of waiting, so a Retry-After of
 * seconds costs nothing while the gateway still measures it. Request timeouts stay real.
 */
function fastClock(): Clock {
  let skew = 0;
  return {
    now: () => Date.now() + skew,
    sleep: (ms) => {
      skew += Math.max(0, ms);
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Effects on `clock`, with the real transports; request deadlines use real timers (they are short here). */
function effectsOn(clock: Clock): SyncEffects {
  return {
    clock: { ...clock, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    fetch: (input, init) => globalThis.fetch(input, init),
    api: nodeHttpTransport(),
    random: Math.random,
  };
}

function gatewayFor(url: string, overrides: Partial<NotionGatewayOptions> = {}) {
  return createNotionGateway({
    token: TOKEN,
    baseUrl: url,
    rate: 1_000,
    burst: 1_000,
    concurrency: 4,
    timeoutMs: 2_000,
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    effects: effectsOn(fastClock()),
    ...overrides,
  });
}

const notionError = (status: number, code: string, message: string) => ({
  status,
  json: { object: 'error', status, code, message, request_id: `req-${status}` },
});

const BAD_GATEWAY_HTML = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>';

const searchFixture = fixture('search-filter-data-source.json');
const pageFixture = fixture('page-all-property-types.json');

async function failure(promise: Promise<unknown>): Promise<NotionKbError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  if (!isNotionKbError(err)) throw new Error(`expected a NotionKbError, got ${String(err)}`);
  expect(err.message).not.toContain(TOKEN);
  expect(JSON.stringify(err.context)).not.toContain(TOKEN);
  expect(userMessage(err)).not.toContain(TOKEN);
  return err;
}

// ---------------------------------------------------------------------------------------------

describe('retries', () => {
  it.each([
    ['500 internal_server_error', notionError(500, 'internal_server_error', 'Unexpected error occurred.')],
    ['502 with an HTML body', { status: 502, text: BAD_GATEWAY_HTML }],
    ['503 service_unavailable', notionError(503, 'service_unavailable', 'Notion is unavailable, please try again later.')],
    ['504 gateway_timeout', notionError(504, 'gateway_timeout', 'Gateway Timeout')],
    ['529 service_overload', notionError(529, 'service_overload', 'Overloaded')],
    ['409 conflict_error', notionError(409, 'conflict_error', 'Conflict occurred while saving. Please try again.')],
  ])('POST /v1/search is retried after %s', async (_name, first) => {
    const notion = await scriptedNotion(inOrder(first, { json: searchFixture }));
    const gateway = gatewayFor(notion.url);
    const response = await gateway.search({ filter: { property: 'object', value: 'data_source' } });

    expect(response.results).toHaveLength(searchFixture.results.length);
    expect(notion.seen.map((s) => `${s.method} ${s.path}`)).toEqual(['POST /v1/search', 'POST /v1/search']);
    expect(notion.seen[1]!.body).toEqual(notion.seen[0]!.body);
    expect(notion.seen[0]!.body).toMatchObject({ page_size: 100, filter: { property: 'object', value: 'data_source' } });
    const stats = gateway.stats();
    expect(stats).toMatchObject({ total: 2, retries: 1, byRoute: { 'POST /v1/search': 2 } });
    expect(stats.byStatus).toEqual({ [String(first.status)]: 1, '200': 1 });
  });

  it('retries a dropped connection (GET and POST)', async () => {
    const notion = await scriptedNotion(
      inOrder({ drop: true }, { json: pageFixture }, { drop: true }, { json: searchFixture }),
    );
    const gateway = gatewayFor(notion.url);
    await expect(gateway.retrievePage(pageFixture.id)).resolves.toMatchObject({ id: pageFixture.id });
    await expect(gateway.search()).resolves.toMatchObject({ object: 'list' });
    expect(notion.seen).toHaveLength(4);
    expect(gateway.stats()).toMatchObject({ retries: 2, byStatus: { network: 2, '200': 2 } });
  });

  it('retries a request that never answers, after the client timeout (on the effects clock)', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const notion = await scriptedNotion(inOrder({ hang: true }, { json: pageFixture }), clock);
    const gateway = gatewayFor(notion.url, { timeoutMs: 60_000, effects: clock.effects() });
    await expect(gateway.retrievePage(pageFixture.id)).resolves.toMatchObject({ object: 'page' });
    expect(notion.seen).toHaveLength(2);
    expect(gateway.stats()).toMatchObject({ retries: 1, byStatus: { timeout: 1, '200': 1 } });
    // The retry went out once the 60 s deadline had passed, plus a backoff of at most 5 ms.
    const gap = notion.seen[1]!.at - notion.seen[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(60_000);
    expect(gap).toBeLessThanOrEqual(60_005);
    expect(clock.pendingTimers()).toBe(0); // every deadline was cleared
  });

  it('a response body that stalls also times out (the SDK timer alone would not cover it)', async () => {
    let calls = 0;
    const clock = createSimulatedClock({ start: 0 });
    const notion = await scriptedNotion(() => ({}), clock);
    // Headers arrive at once, the body never finishes: replace the scripted answer for call 1.
    const server = servers[servers.length - 1]!;
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      calls += 1;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      if (calls === 1) {
        res.write('{"object":"page",');
        clock.park(req);
        return;
      }
      res.end(JSON.stringify(pageFixture));
    });
    const gateway = gatewayFor(notion.url, { timeoutMs: 30_000, effects: clock.effects() });
    await expect(gateway.retrievePage(pageFixture.id)).resolves.toMatchObject({ id: pageFixture.id });
    expect(calls).toBe(2);
    // Headers came at once; the deadline that ended the body is the 30 s one, in virtual time.
    expect(clock.now()).toBeGreaterThanOrEqual(30_000);
    expect(clock.now()).toBeLessThanOrEqual(30_005);
  });

  it('gives up after maxAttempts with a gave_up error naming the route', async () => {
    const notion = await scriptedNotion(inOrder(notionError(503, 'service_unavailable', 'Notion is unavailable')));
    const lines: string[] = [];
    const gateway = gatewayFor(notion.url, {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      logger: (level, message, context) => lines.push(`${level} ${message} ${JSON.stringify(context)}`),
    });
    const err = await failure(gateway.search({ query: 'Partners' }));
    const retries = lines.filter((l) => !l.startsWith('debug '));
    expect(retries).toHaveLength(2);
    // Every attempt is logged at debug level (what --verbose prints).
    expect(lines.filter((l) => /^debug POST \/v1\/search → 503 in \d+ ms/.test(l))).toHaveLength(3);
    expect(retries[0]).toMatch(/^info retrying POST \/v1\/search after HTTP 503 service_unavailable \(try 2/);
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(err.code).toBe('gave_up');
    expect(err.message).toContain('POST /v1/search');
    expect(err.message).toContain('3 tries');
    expect(err.message).toContain('HTTP 503');
    expect(err.context).toMatchObject({ route: 'POST /v1/search', attempts: 3, status: 503 });
    expect(err.exitCode).toBe(1);
    expect(notion.seen).toHaveLength(3);
    expect(gateway.stats()).toMatchObject({ total: 3, retries: 2, byStatus: { '503': 3 } });
  });

  it('with debug: false the same run hands on its retries and warnings but builds no debug message', async () => {
    const notion = await scriptedNotion(inOrder(notionError(503, 'service_unavailable', 'Notion is unavailable')));
    const lines: string[] = [];
    const gateway = gatewayFor(notion.url, {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      logger: (level, message) => lines.push(`${level} ${message}`),
      debug: false,
    });
    const err = await failure(gateway.search({ query: 'Partners' }));
    expect(err.code).toBe('gave_up');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith('info retrying POST /v1/search'))).toBe(true);
  });

  it('a hanging server ends in gave_up, not in a hang', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const notion = await scriptedNotion(inOrder({ hang: true }), clock);
    const gateway = gatewayFor(notion.url, { effects: clock.effects(), retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const err = await failure(gateway.retrieveBlock('b1'));
    expect(err.code).toBe('gave_up');
    expect(err.message).toMatch(/block b1 → GET \/v1\/blocks\/:id.*timeout/);
    expect(gateway.stats().byStatus).toEqual({ timeout: 2 });
    // Two tries of 2 s each (gatewayFor's timeout), in virtual time, plus a backoff of 1 ms at most.
    expect(clock.now()).toBeGreaterThanOrEqual(4_000);
    expect(clock.now()).toBeLessThanOrEqual(4_001);
    expect(err.context).toMatchObject({ attempts: 2 });
  });
});

describe('rate limiting', () => {
  it('honours Retry-After on 429 and pauses every caller, not only the one that was limited', async () => {
    const clock = fastClock();
    const real = createLimiter({ rate: 1_000, burst: 1_000, concurrency: 1, clock });
    const pauses: number[] = [];
    const limiter: Limiter = {
      ...real,
      pauseUntil(epochMs) {
        pauses.push(epochMs - clock.now());
        real.pauseUntil(epochMs);
      },
    };
    const notion = await scriptedNotion(
      (_req, i) =>
        i === 0
          ? { status: 429, headers: { 'retry-after': '2' }, json: fixture('quoted/error-429-rate-limited.body.json') }
          : { json: pageFixture },
      clock,
    );
    const gateway = gatewayFor(notion.url, { effects: effectsOn(clock), limiter });

    const pages = await Promise.all([gateway.retrievePage('p1'), gateway.retrievePage('p2'), gateway.retrievePage('p3')]);
    expect(pages).toHaveLength(3);
    expect(pauses.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...pauses)).toBeGreaterThanOrEqual(2_000);
    const limitedAt = notion.seen[0]!.at;
    for (const later of notion.seen.slice(1)) expect(later.at - limitedAt).toBeGreaterThanOrEqual(2_000);
    expect(gateway.stats()).toMatchObject({ rateLimited: 1, retries: 1, total: 4 });
    // The limited caller sleeps in its retry; the others are held by the pause.
    const { waitedMs, retryWaitedMs } = gateway.stats();
    expect(waitedMs + retryWaitedMs).toBeGreaterThanOrEqual(2_000);
  });

  it('sends every request through the shared pacer', async () => {
    const clock = fastClock();
    const limiter = createLimiter({ rate: 3, burst: 1, concurrency: 3, clock });
    const notion = await scriptedNotion(() => ({ json: pageFixture }), clock);
    const gateway = gatewayFor(notion.url, { effects: effectsOn(clock), limiter });
    await Promise.all(Array.from({ length: 7 }, (_, i) => gateway.retrievePage(`p${i}`)));
    // Burst 1: the first goes at once, the other six each wait for a token.
    expect(limiter.stats().waitsForRate).toBe(6);
    expect(gateway.stats().waitedMs).toBeGreaterThanOrEqual((6 / 3) * 1000);
  });

  it('never has more requests in flight than the concurrency limit', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const notion = await scriptedNotion(() => ({ json: pageFixture, delayMs: 25 }), clock);
    const gateway = gatewayFor(notion.url, { concurrency: 3, effects: clock.effects() });
    await Promise.all(Array.from({ length: 12 }, (_, i) => gateway.retrievePage(`p${i}`)));
    expect(notion.seen).toHaveLength(12);
    expect(notion.maxInFlight()).toBe(3);
    expect(gateway.stats().maxInFlight).toBe(3);
  });
});

describe('error mapping', () => {
  it('401 → auth error with setup instructions, no retry, no token anywhere', async () => {
    const exchange = fixture('error-401-unauthorized.exchanges.json')[0];
    const notion = await scriptedNotion(inOrder({ status: 401, json: exchange.response.body }));
    const gateway = gatewayFor(notion.url);
    const err = await failure(gateway.listUsersAll());
    expect(err.code).toBe('auth');
    expect(err.message).toMatch(/^NOTION_TOKEN was rejected by Notion \(401 unauthorized\)\. Create an internal integration/);
    expect(err.message).toContain('export NOTION_TOKEN=');
    expect(err.exitCode).toBe(2);
    expect(notion.seen).toHaveLength(1);
    // The token is sent (so the test is meaningful) but never echoed.
    expect(notion.seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(notion.seen[0]!.headers['notion-version']).toBe('2025-09-03');
  });

  it('404 → not_found naming the id, with the sharing hint and request_id', async () => {
    const exchange = fixture('error-404-object-not-found.exchanges.json')[0];
    const id = exchange.request.path.split('/').pop();
    const notion = await scriptedNotion(
      inOrder({ status: 404, json: exchange.response.body, headers: exchange.response.headers }),
    );
    const gateway = gatewayFor(notion.url);
    const err = await failure(gateway.retrievePage(id));
    expect(err.code).toBe('not_found');
    expect(err.message).toContain(`page ${id} → GET /v1/pages/:id`);
    expect(err.message).toMatch(/Connections/);
    expect(err.message).toContain(exchange.response.body.request_id);
    expect(err.context).toMatchObject({ id, status: 404, notionCode: 'object_not_found', requestId: exchange.response.body.request_id });
    expect(notion.seen).toHaveLength(1);
  });

  it('404 on a user → hint about the user-information capability', async () => {
    const exchange = fixture('error-404-object-not-found.exchanges.json')[1];
    const notion = await scriptedNotion(inOrder({ status: 404, json: exchange.response.body }));
    const err = await failure(gatewayFor(notion.url).retrieveUser('745e79dd-3e43-40de-9d51-39357c1c428f'));
    expect(err.code).toBe('not_found');
    expect(err.message).toMatch(/Read user information/);
  });

  it.each([
    ['400 validation_error', 400, 'validation_error'],
    ['403 restricted_resource', 403, 'restricted_resource'],
  ])('%s → api error with method, route, status, code and request_id; token in the body is redacted', async (_n, status, code) => {
    const token = 'plain-secret-not-token-shaped-42';
    const notion = await scriptedNotion(
      inOrder(notionError(status, code, `body failed validation: token ${token} and Bearer ${token}`)),
    );
    const gateway = gatewayFor(notion.url, { token });
    const err = await failure(gateway.iterateDataSourceQuery('ds1').next());
    expect(err.code).toBe('api');
    expect(err.message).toContain('data source ds1 → POST /v1/data_sources/:id/query');
    expect(err.message).toContain(`HTTP ${status} ${code}`);
    expect(err.message).toContain(`req-${status}`);
    expect(err.message).not.toContain(token);
    expect(userMessage(err)).not.toContain(token);
    expect(notion.seen).toHaveLength(1);
  });

  it('an HTML error page never leaks into the message', async () => {
    const notion = await scriptedNotion(inOrder({ status: 418, text: BAD_GATEWAY_HTML }));
    const err = await failure(gatewayFor(notion.url).retrieveDatabase('db1'));
    expect(err.code).toBe('api');
    expect(err.message).toBe('database db1 → GET /v1/databases/:id failed with HTTP 418');
  });

  it('an empty token is a config error before any request', () => {
    expect(() => createNotionGateway({ token: '  ' })).toThrow(expect.objectContaining({ code: 'config' }));
  });
});

describe('pagination', () => {
  it('listBlockChildrenAll follows next_cursor over recorded pages', async () => {
    const pages = fixture('blocks-children-pagination-page-size-2.exchanges.json').filter((e: any) => e.request.method === 'GET');
    const byCursor = new Map<string | null, unknown>(pages.map((e: any) => [e.request.query?.start_cursor ?? null, e.response.body]));
    const notion = await scriptedNotion((req) => ({ json: byCursor.get(req.query.get('start_cursor')) }));
    const gateway = gatewayFor(notion.url);
    const parent = pages[0].request.path.split('/')[3];

    const blocks = await gateway.listBlockChildrenAll(parent);
    const expected = pages.flatMap((e: any) => e.response.body.results.map((b: any) => b.id));
    expect(blocks.map((b) => b.id)).toEqual(expected);
    expect(blocks).toHaveLength(5);
    expect(notion.seen.map((s) => s.query.get('start_cursor'))).toEqual([null, pages[1].request.query.start_cursor, pages[2].request.query.start_cursor]);
    expect(notion.seen.every((s) => s.query.get('page_size') === '100')).toBe(true);
    expect(gateway.stats().byRoute).toEqual({ 'GET /v1/blocks/:id/children': 3 });
  });

  it('listBlockChildrenWithAnswers gives the same blocks and the bytes of each answer as Notion sent them', async () => {
    const pages = fixture('blocks-children-pagination-page-size-2.exchanges.json').filter((e: any) => e.request.method === 'GET');
    const byCursor = new Map<string | null, unknown>(pages.map((e: any) => [e.request.query?.start_cursor ?? null, e.response.body]));
    // Sent with spacing of its own and a byte-order mark: kept as it came, not serialised again, less the mark.
    const notion = await scriptedNotion((req) => ({ text: `\ufeff${JSON.stringify(byCursor.get(req.query.get('start_cursor')), null, 1)}` }));
    const gateway = gatewayFor(notion.url);
    const parent = pages[0].request.path.split('/')[3];

    const { blocks, answers } = await gateway.listBlockChildrenWithAnswers(parent);
    expect(blocks).toEqual(await gateway.listBlockChildrenAll(parent));
    expect(answers!.map((b) => b.toString('utf8'))).toEqual(pages.map((e: any) => JSON.stringify(e.response.body, null, 1)));
    expect(gateway.stats().byRoute).toEqual({ 'GET /v1/blocks/:id/children': 6 });
  });

  it('listBlockChildrenWithAnswers: an answer retried after a server error is the one kept', async () => {
    const pages = fixture('blocks-children-pagination-page-size-2.exchanges.json').filter((e: any) => e.request.method === 'GET');
    const byCursor = new Map<string | null, unknown>(pages.map((e: any) => [e.request.query?.start_cursor ?? null, e.response.body]));
    let calls = 0;
    const notion = await scriptedNotion((req) => (++calls === 2 ? { status: 502, json: { object: 'error', status: 502, code: 'bad_gateway', message: 'x' } } : { json: byCursor.get(req.query.get('start_cursor')) }));
    const gateway = gatewayFor(notion.url);
    const parent = pages[0].request.path.split('/')[3];

    const { blocks, answers } = await gateway.listBlockChildrenWithAnswers(parent);
    expect(blocks.map((b) => b.id)).toEqual(pages.flatMap((e: any) => e.response.body.results.map((b: any) => b.id)));
    expect(answers!.map((b) => JSON.parse(b.toString('utf8')))).toEqual(pages.map((e: any) => e.response.body));
  });

  it('iterateDataSourceQuery follows cursors in the POST body and passes filters through', async () => {
    const exchanges = fixture('data-source-query-pagination.exchanges.json');
    const notion = await scriptedNotion((req) => ({
      json: exchanges.find((e: any) => (e.request.body.start_cursor ?? null) === (req.body.start_cursor ?? null)).response.body,
    }));
    const gateway = gatewayFor(notion.url);
    const rows = [];
    const filter = { property: 'Name', title: { is_not_empty: true as const } };
    for await (const row of gateway.iterateDataSourceQuery('1c7ee02a-64b6-43b6-bce6-22df1bc62c22', { filter })) rows.push(row);
    expect(rows).toHaveLength(110);
    expect(new Set(rows.map((r) => r.id)).size).toBe(110);
    expect(notion.seen.map((s) => s.body.start_cursor)).toEqual([undefined, exchanges[0].response.body.next_cursor]);
    expect(notion.seen.every((s) => s.body.page_size === 100 && s.body.filter.property === 'Name')).toBe(true);
  });

  const incompletePage = {
    object: 'list',
    results: [pageFixture, { ...pageFixture, id: 'second-row' }],
    next_cursor: null,
    has_more: false,
    type: 'page_or_data_source',
    page_or_data_source: {},
    request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' },
  };

  it('incomplete results: yields every row, then throws incomplete_results (never silent)', async () => {
    const notion = await scriptedNotion(() => ({ json: incompletePage }));
    const rows: string[] = [];
    const run = async () => {
      for await (const row of gatewayFor(notion.url).iterateDataSourceQuery('ds-big')) rows.push(row.id);
    };
    const err = await failure(run());
    expect(rows).toEqual([pageFixture.id, 'second-row']);
    expect(err.code).toBe('incomplete_results');
    expect(err.message).toContain('data source ds-big');
    expect(err.message).toContain('query_result_limit_reached');
    expect(err.context).toMatchObject({ id: 'ds-big', resultsSeen: 2 });
  });

  it('incomplete results: an onIncomplete handler receives the report instead', async () => {
    const notion = await scriptedNotion(() => ({ json: incompletePage }));
    const reports: unknown[] = [];
    const rows = [];
    for await (const row of gatewayFor(notion.url).iterateSearch({}, { onIncomplete: (i) => reports.push(i) })) rows.push(row);
    expect(rows).toHaveLength(2);
    expect(reports).toEqual([{ route: 'POST /v1/search', reason: 'query_result_limit_reached', resultsSeen: 2 }]);
  });

  it('has_more without a next_cursor is an error, not a silent stop', async () => {
    const notion = await scriptedNotion(() => ({
      json: { object: 'list', results: [], next_cursor: null, has_more: true, type: 'block', block: {} },
    }));
    const err = await failure(gatewayFor(notion.url).listBlockChildrenAll('parent-1'));
    expect(err.code).toBe('api');
    expect(err.message).toMatch(/block parent-1 .* has_more but gave no next_cursor/);
  });

  it('a failing property-item call names the page and the property', async () => {
    const notion = await scriptedNotion(() => notionError(400, 'validation_error', 'bad property'));
    const err = await failure(gatewayFor(notion.url).listPropertyItemsAll('page-9', '%3Djxv'));
    expect(err.message).toContain('page page-9 property %3Djxv → GET /v1/pages/:id/properties/:pid');
    expect(err.context).toMatchObject({ id: 'page-9', property: '%3Djxv', status: 400 });
  });

  it('a partial block among the children is reported with both ids', async () => {
    const full = fixture('blocks-children-mixed-types.json').results[0];
    const notion = await scriptedNotion(() => ({
      json: { object: 'list', results: [full, { object: 'block', id: 'partial-7' }], next_cursor: null, has_more: false, type: 'block', block: {} },
    }));
    const err = await failure(gatewayFor(notion.url).listBlockChildrenAll('parent-2'));
    expect(err.code).toBe('partial_object');
    expect(err.message).toContain('block parent-2');
    expect(err.context).toMatchObject({ id: 'parent-2', objectId: 'partial-7' });
  });

  it('listPropertyItemsAll returns all 30 relation items recorded beyond the 25 cut', async () => {
    const exchange = fixture('page-relation-has-more-and-property-pagination.exchanges.json')[1];
    const notion = await scriptedNotion(() => ({ json: exchange.response.body }));
    const gateway = gatewayFor(notion.url);
    const items = await gateway.listPropertyItemsAll('38c9ce7b-60a4-8134-8e39-d6d37f1fd214', '%3Djxv');
    expect(items.kind).toBe('list');
    if (items.kind !== 'list') return;
    expect(items.results).toHaveLength(30);
    expect(items.propertyItem.type).toBe('relation');
    expect(notion.seen[0]!.path).toBe(exchange.request.path);
    expect(gateway.stats().byRoute).toEqual({ 'GET /v1/pages/:id/properties/:pid': 1 });
  });

  it('listPropertyItemsAll walks several pages and keeps the final rollup value', async () => {
    const rel = (id: string) => ({ object: 'property_item', id: 'r', type: 'relation', relation: { id } });
    const notion = await scriptedNotion((req) =>
      req.query.get('start_cursor') === null
        ? { json: { object: 'list', results: [rel('a'), rel('b')], next_cursor: 'c2', has_more: true, type: 'property_item', property_item: { id: 'r', type: 'rollup', next_url: 'x', rollup: { type: 'incomplete', incomplete: {}, function: 'sum' } } } }
        : { json: { object: 'list', results: [rel('c')], next_cursor: null, has_more: false, type: 'property_item', property_item: { id: 'r', type: 'rollup', next_url: null, rollup: { type: 'number', number: 42, function: 'sum' } } } },
    );
    const items = await gatewayFor(notion.url).listPropertyItemsAll('page-1', 'r');
    expect(items).toMatchObject({ kind: 'list', propertyItem: { rollup: { type: 'number', number: 42 } } });
    if (items.kind === 'list') expect(items.results.map((r: any) => r.relation.id)).toEqual(['a', 'b', 'c']);
    expect(notion.seen.map((s) => s.query.get('start_cursor'))).toEqual([null, 'c2']);
  });

  it('listPropertyItemsAll returns a single item as is', async () => {
    const notion = await scriptedNotion(() => ({ json: { object: 'property_item', id: 'n', type: 'number', number: 7 } }));
    await expect(gatewayFor(notion.url).listPropertyItemsAll('page-1', 'n')).resolves.toEqual({
      kind: 'item',
      item: { object: 'property_item', id: 'n', type: 'number', number: 7 },
    });
  });

  it('listUsersAll, listCommentsAll and me use their routes and follow cursors', async () => {
    const comments = fixture('comments-list.json');
    const bot = { object: 'user', id: 'bot-1', type: 'bot', name: 'Exporter', avatar_url: null, bot: {} };
    const person = (id: string) => ({ object: 'user', id, type: 'person', name: id, avatar_url: null, person: { email: 'redacted@example.com' } });
    const notion = await scriptedNotion((req) => {
      if (req.path === '/v1/users/me') return { json: bot };
      if (req.path === '/v1/comments') return { json: comments };
      const second = req.query.get('start_cursor') === 'u2';
      return {
        json: { object: 'list', results: second ? [person('u2'), bot] : [person('u1')], next_cursor: second ? null : 'u2', has_more: !second, type: 'user', user: {} },
      };
    });
    const gateway = gatewayFor(notion.url);
    await expect(gateway.me()).resolves.toMatchObject({ id: 'bot-1' });
    expect((await gateway.listUsersAll()).map((u) => u.id)).toEqual(['u1', 'u2', 'bot-1']);
    const listed = await gateway.listCommentsAll('blk-1');
    expect(listed).toHaveLength(comments.results.length);
    expect(notion.seen.find((s) => s.path === '/v1/comments')!.query.get('block_id')).toBe('blk-1');
    expect(gateway.stats().byRoute).toEqual({ 'GET /v1/users/me': 1, 'GET /v1/users': 2, 'GET /v1/comments': 1 });
  });
});

describe('fetchBinary', () => {
  const SIGNED = '?X-Amz-Credential=CRED&X-Amz-Signature=SIGNATURE-SECRET&X-Amz-Expires=3600';

  it('downloads bytes with their content type, without the Notion token, outside the API pacer', async () => {
    const clock = fastClock();
    const payload = Buffer.from(Array.from({ length: 3_000 }, (_, i) => i % 256));
    const notion = await scriptedNotion(() => ({ bytes: payload, headers: { 'content-type': 'image/png' } }), clock);
    const gateway = gatewayFor(notion.url, { effects: effectsOn(clock), rate: 1, burst: 1 });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => gateway.fetchBinary(`${notion.url}/files/img${i}.png${SIGNED}`, { maxBytes: 10_000 })),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.contentType).toBe('image/png');
      expect(r.bytes.equals(payload)).toBe(true);
    }
    expect(notion.seen.every((s) => s.headers.authorization === undefined)).toBe(true);
    const stats = gateway.stats();
    // At 1 request/s through the API pacer these would have waited; downloads do not.
    expect(stats.waitedMs).toBe(0);
    expect(stats.total).toBe(0);
    expect(stats.downloads).toEqual({ total: 5, bytes: 15_000, byStatus: { '200': 5 } });
  });

  it.each([
    ['declared by Content-Length', { bytes: Buffer.alloc(5_000, 1) }],
    ['streamed without Content-Length', { chunks: Array.from({ length: 10 }, () => Buffer.alloc(500, 2)) }],
  ])('aborts a file larger than maxBytes (%s)', async (_name, reply) => {
    const notion = await scriptedNotion(() => reply);
    const err = await failure(gatewayFor(notion.url).fetchBinary(`${notion.url}/files/big.bin${SIGNED}`, { maxBytes: 1_200 }));
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).reason).toBe('too_large');
    expect(err.message).toContain('1200 bytes');
    expect(notion.seen).toHaveLength(1);
  });

  it('reports 403 with its status at once (an expired signed URL is refreshed by the caller)', async () => {
    const notion = await scriptedNotion(() => ({ status: 403, text: '<Error><Code>AccessDenied</Code></Error>' }));
    const err = await failure(gatewayFor(notion.url).fetchBinary(`${notion.url}/files/old.pdf${SIGNED}`, { maxBytes: 1_000 }));
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).status).toBe(403);
    expect(err.message).toContain(`${notion.url}/files/old.pdf`);
    expect(err.message).not.toContain('SIGNATURE-SECRET');
    expect(JSON.stringify(err.context)).not.toContain('SIGNATURE-SECRET');
    expect(notion.seen).toHaveLength(1);
  });

  it('retries 503 and a dropped connection with the same policy', async () => {
    const notion = await scriptedNotion(inOrder({ status: 503, text: 'busy' }, { drop: true }, { bytes: Buffer.from('ok') }));
    const gateway = gatewayFor(notion.url);
    const result = await gateway.fetchBinary(`${notion.url}/files/a.txt`, { maxBytes: 100 });
    expect(result.bytes.toString()).toBe('ok');
    expect(notion.seen).toHaveLength(3);
    expect(gateway.stats()).toMatchObject({ retries: 2, downloads: { byStatus: { '503': 1, network: 1, '200': 1 } } });
  });

  it('follows a redirect to a file host, hop by hop', async () => {
    const notion = await scriptedNotion((req): Reply =>
      req.path === '/files/moved.png' ? { status: 302, headers: { location: '/files/here.png' } } : { bytes: Buffer.from('png'), headers: { 'content-type': 'image/png' } },
    );
    const result = await gatewayFor(notion.url).fetchBinary(`${notion.url}/files/moved.png`, { maxBytes: 100 });
    expect(result.bytes.toString()).toBe('png');
    expect(notion.seen.map((s) => s.path)).toEqual(['/files/moved.png', '/files/here.png']);
  });

  it.each([
    ['another scheme', 'file:///etc/passwd', /redirected to a file: URL/],
    ['a data: URL', 'data:text/plain,hi', /redirected to a data: URL/],
    ['a loopback address (the API base is public)', 'http://127.0.0.1:9/admin', /loopback or private address \(127\.0\.0\.1\)/],
    ['a private network address', 'http://192.168.1.1/router', /loopback or private address \(192\.168\.1\.1\)/],
    ['localhost', 'http://localhost/x', /loopback or private address \(localhost\)/],
    ['an IPv6 loopback', 'http://[::1]/x', /loopback or private address/],
  ])('refuses a redirect to %s', async (_name, location, says) => {
    const notion = await scriptedNotion(() => ({ status: 302, headers: { location } }));
    // The file comes from a public host's point of view: private targets are not allowed.
    const err = await failure(gatewayFor(notion.url, { allowPrivateRedirects: false }).fetchBinary(`${notion.url}/files/a.png`, { maxBytes: 100 }));
    expect((err as DownloadError).reason).toBe('unsupported_url');
    expect(err.message).toMatch(says);
    expect(notion.seen).toHaveLength(1);
  });

  it('gives up after five redirects', async () => {
    const notion = await scriptedNotion((req) => ({ status: 302, headers: { location: `${req.path}x` } }));
    const err = await failure(gatewayFor(notion.url).fetchBinary(`${notion.url}/files/a`, { maxBytes: 100 }));
    expect(err.message).toMatch(/more than 5 redirects/);
    expect(notion.seen).toHaveLength(6);
  });

  it.each(['file:///etc/passwd', 'data:text/plain;base64,aGk=', 'ftp://127.0.0.1/x', 'not a url'])(
    'refuses %s without a request',
    async (url) => {
      const notion = await scriptedNotion(() => ({ bytes: Buffer.from('x') }));
      const err = await failure(gatewayFor(notion.url).fetchBinary(url, { maxBytes: 100 }));
      expect((err as DownloadError).reason).toBe('unsupported_url');
      expect(notion.seen).toHaveLength(0);
    },
  );
});
