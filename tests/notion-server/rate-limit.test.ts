/**
 * Notion's newer rate limits in the local server (https://developers.notion.com/reference/request-limits,
 * "Rate limits"): a per-connection budget per 60-second window, spent at any pace
 * (a burst too), a 429 whose Retry-After is the time until the window resets (at most 60 s) and
 * whose body says which limit was hit in `additional_data.rate_limit_reason`, and a per-workspace
 * budget shared by every connection, whose Retry-After can be longer. The clock is injected.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '@notionhq/client';
import { WindowBudget } from '../../src/notion-server/rate-limit.js';
import { RATE_LIMIT_REASONS, startNotionServer, type NotionServer, type NotionServerOptions } from '../../src/notion-server/server.js';
import { api, buildSample, TOKEN } from './sample-workspace.js';

const OTHER = `${TOKEN}_other_connection`;
const T0 = 1_700_000_040_000; // a whole minute since the epoch

describe('WindowBudget', () => {
  it('allows the whole budget at once, then says how many whole seconds until the window resets', () => {
    let now = T0 + 500;
    const budget = new WindowBudget({ requests: 3, windowSeconds: 60 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(budget.check()).toEqual({ ok: true });
      budget.take();
    }
    expect(budget.check()).toEqual({ ok: false, retryAfterSeconds: 60 });
    now += 20_400; // 39.6 s left: rounded up
    expect(budget.check()).toEqual({ ok: false, retryAfterSeconds: 40 });
    now += 39_599;
    expect(budget.check()).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1; // the window opened at T0 + 500 has closed
    expect(budget.check()).toEqual({ ok: true });
  });

  it('check does not spend; a refused request costs nothing', () => {
    const now = T0;
    const budget = new WindowBudget({ requests: 1, windowSeconds: 60 }, () => now);
    expect(budget.check().ok).toBe(true);
    expect(budget.check().ok).toBe(true);
    budget.take();
    expect(budget.check().ok).toBe(false);
  });

  it('first-request windows open with the first request after the last closed; clock windows are fixed multiples', () => {
    let now = T0 + 30_000;
    const first = new WindowBudget({ requests: 2, windowSeconds: 60 }, () => now);
    const clock = new WindowBudget({ requests: 2, windowSeconds: 60, start: 'clock' }, () => now);
    for (const b of [first, clock]) {
      b.take();
      b.take();
    }
    expect(first.check()).toEqual({ ok: false, retryAfterSeconds: 60 });
    // The clock window began at T0, half a minute before the first request.
    expect(clock.check()).toEqual({ ok: false, retryAfterSeconds: 30 });
    now = T0 + 60_000;
    expect(clock.check().ok).toBe(true);
    expect(first.check()).toEqual({ ok: false, retryAfterSeconds: 30 });
    // A quiet spell: the next first-request window opens at the next request, not on a grid.
    now = T0 + 200_123;
    first.take();
    first.take();
    expect(first.check()).toEqual({ ok: false, retryAfterSeconds: 60 });
  });

  it('rejects a budget of nothing', () => {
    expect(() => new WindowBudget({ requests: 0, windowSeconds: 60 }, () => 0)).toThrow(RangeError);
  });
});

async function limitedServer(opts: Partial<NotionServerOptions>, clock: () => number): Promise<NotionServer> {
  const { ws } = buildSample();
  return startNotionServer({ workspace: ws, token: TOKEN, otherTokens: [OTHER], clock, ...opts });
}

const me = (server: NotionServer, token = TOKEN) => api(server, 'GET', '/v1/users/me', undefined, { authorization: `Bearer ${token}` });

describe('per-connection budget per 60-second window', () => {
  it('serves a burst of the whole budget, then 429 rate_limited with Retry-After until the reset and the reason', async () => {
    let now = T0;
    const server = await limitedServer({ rateLimit: { requests: 5 } }, () => now);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await me(server)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      now += 12_300;
      const res = await me(server);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('48');
      expect(Object.keys(res.json)).toEqual(['object', 'status', 'code', 'message', 'additional_data', 'request_id']);
      expect(res.json).toMatchObject({
        object: 'error',
        status: 429,
        code: 'rate_limited',
        message: 'You have been rate limited. Please try again in a few minutes.',
        additional_data: { rate_limit_reason: RATE_LIMIT_REASONS.connection },
      });
      // Waiting what Retry-After said is enough.
      now += 48_000;
      expect((await me(server)).status).toBe(200);
      expect(server.stats()).toMatchObject({ rateLimited: 2, rateLimitedBy: { connection: 2, workspace: 0 } });
      // The SDK surfaces it as its usual rate_limited error, additional_data included.
      for (let i = 0; i < 4; i++) await me(server);
      const sdk = new Client({ auth: TOKEN, baseUrl: server.baseUrl, retry: false, logger: () => {} });
      const err = await sdk.users.me({}).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'rate_limited', status: 429, additional_data: { rate_limit_reason: RATE_LIMIT_REASONS.connection } });
    } finally {
      await server.close();
    }
  });

  it('Retry-After is never more than 60 s, and each connection has its own budget', async () => {
    let now = T0 + 7;
    const server = await limitedServer({ rateLimit: { requests: 2 } }, () => now);
    try {
      await me(server);
      await me(server);
      const first = await me(server);
      expect(Number(first.headers.get('retry-after'))).toBe(60);
      // The other connection of the workspace is not held back by this one.
      expect((await me(server, OTHER)).status).toBe(200);
      now += 59_999;
      expect(Number((await me(server)).headers.get('retry-after'))).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('with windows on the clock a client that starts mid-window gets what is left of it', async () => {
    let now = T0 + 45_000;
    const server = await limitedServer({ rateLimit: { requests: 3, start: 'clock' } }, () => now);
    try {
      for (let i = 0; i < 3; i++) expect((await me(server)).status).toBe(200);
      expect((await me(server)).headers.get('retry-after')).toBe('15');
      now = T0 + 60_000;
      expect((await me(server)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('the reason is settable, or left out (then the body is the recorded one)', async () => {
    const now = T0;
    const named = await limitedServer({ rateLimit: { requests: 1 }, rateLimitReasons: { connection: 'per_connection' } }, () => now);
    const bare = await limitedServer({ rateLimit: { requests: 1 }, rateLimitReasons: { connection: null } }, () => now);
    try {
      await me(named);
      expect((await me(named)).json.additional_data).toEqual({ rate_limit_reason: 'per_connection' });
      await me(bare);
      const res = await me(bare);
      expect(res.status).toBe(429);
      expect(Object.keys(res.json)).toEqual(['object', 'status', 'code', 'message', 'request_id']);
    } finally {
      await named.close();
      await bare.close();
    }
  });

  it('the token bucket stays the default, and its 429 carries no reason (as recorded)', async () => {
    const now = T0;
    const server = await limitedServer({}, () => now);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await me(server)).status);
      expect(statuses).toEqual([...Array(10).fill(200), 429]);
      const res = await me(server);
      expect(res.json.additional_data).toBeUndefined();
      expect(server.stats().rateLimitedBy).toEqual({ connection: 2, workspace: 0 });
    } finally {
      await server.close();
    }
  });
});

describe('per-workspace budget shared by every connection', () => {
  it('429s any connection once the workspace budget is spent, with a longer Retry-After and the workspace reason', async () => {
    let now = T0;
    const server = await limitedServer({ rateLimit: { requests: 100 }, workspaceLimit: { requests: 6, windowSeconds: 300 } }, () => now);
    try {
      for (let i = 0; i < 4; i++) expect((await me(server)).status).toBe(200);
      now += 10_000;
      // The other connection, well within its own budget, spends the rest of the workspace's.
      expect((await me(server, OTHER)).status).toBe(200);
      expect((await me(server, OTHER)).status).toBe(200);
      const other = await me(server, OTHER);
      expect(other.status).toBe(429);
      expect(other.json.additional_data).toEqual({ rate_limit_reason: RATE_LIMIT_REASONS.workspace });
      expect(other.headers.get('retry-after')).toBe('290');
      const mine = await me(server);
      expect(mine.status).toBe(429);
      expect(Number(mine.headers.get('retry-after'))).toBeGreaterThan(60);
      expect(server.stats().rateLimitedBy).toEqual({ connection: 0, workspace: 2 });
      now = T0 + 300_000;
      expect((await me(server)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('a request the connection refuses does not spend the workspace budget, and the connection limit is named first', async () => {
    let now = T0;
    const server = await limitedServer({ rateLimit: { requests: 2 }, workspaceLimit: { requests: 3, windowSeconds: 120 }, rateLimitReasons: { workspace: 'org' } }, () => now);
    try {
      await me(server);
      await me(server);
      const refused = await me(server);
      expect(refused.json.additional_data).toEqual({ rate_limit_reason: RATE_LIMIT_REASONS.connection });
      expect((await me(server, OTHER)).status).toBe(200);
      const workspace = await me(server, OTHER);
      expect(workspace.json.additional_data).toEqual({ rate_limit_reason: 'org' });
      expect(workspace.headers.get('retry-after')).toBe('120');
      now += 61_000;
      // The connection's window has reset; the workspace's has not.
      expect((await me(server)).json.additional_data).toEqual({ rate_limit_reason: 'org' });
    } finally {
      await server.close();
    }
  });
});
