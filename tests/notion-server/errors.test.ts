import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIResponseError, Client } from '@notionhq/client';
import { api, startSample, TOKEN, type SampleIds } from './sample-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { buildSample } from './sample-workspace.js';
import { readNotionFixture } from '../support/fixtures.js';

const fixture = (name: string): any => readNotionFixture(name);

let server: NotionServer;
let client: Client;
let ids: SampleIds;
beforeAll(async () => {
  ({ server, client, ids } = await startSample());
});
afterAll(() => server.close());

describe('error bodies', () => {
  it('unknown route: 400 invalid_request_url with the recorded message and no request id header (as recorded)', async () => {
    const recorded = fixture('error-400-invalid-request-url.exchanges.json')[0].response;
    const res = await api(server, 'GET', '/v1/invalid');
    expect(res.status).toBe(recorded.status);
    expect(res.json).toMatchObject({ object: 'error', status: 400, code: recorded.body.code, message: recorded.body.message });
    expect(Object.keys(res.json)).toEqual(Object.keys(recorded.body));
    expect(res.headers.get('x-notion-request-id')).toBeNull();
  });

  it('bad token: 401 unauthorized as recorded', async () => {
    const recorded = fixture('error-401-unauthorized.exchanges.json')[0].response.body;
    const res = await api(server, 'GET', '/v1/users', undefined, { authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ code: recorded.code, message: recorded.message });
    const none = await api(server, 'GET', '/v1/users', undefined, { authorization: undefined });
    expect(none.status).toBe(401);
  });

  it('the token never appears in an answer', async () => {
    const res = await api(server, 'GET', '/v1/users', undefined, { authorization: `Bearer ${TOKEN}x` });
    expect(res.text).not.toContain(TOKEN);
  });

  it('missing Notion-Version: 400 missing_version', async () => {
    const res = await api(server, 'GET', '/v1/users', undefined, { 'notion-version': undefined });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'missing_version' });
    expect(res.json.message).toMatch(/^Notion-Version header failed validation/);
  });

  it('404 for an unknown page: recorded message form, additional_data.integration_id, header = body request_id', async () => {
    const recorded = fixture('error-404-object-not-found.exchanges.json')[0].response.body;
    const id = '7855b161-f63e-4683-b7c7-8ca6e97ee266';
    const res = await api(server, 'GET', `/v1/pages/${id}`);
    expect(res.status).toBe(404);
    expect(Object.keys(res.json)).toEqual(Object.keys(recorded));
    expect(res.json.message).toBe(recorded.message.replace('Ultimate Notion Tests', 'Sample Integration'));
    expect(res.json.additional_data).toEqual({ integration_id: server.workspace.botId });
    expect(res.headers.get('x-notion-request-id')).toBe(res.json.request_id);
  });

  it.each([
    ['page', (i: SampleIds) => `/v1/pages/${i.unshared}`],
    ['page below an unshared page', (i: SampleIds) => `/v1/pages/${i.underUnshared}`],
    ['its children', (i: SampleIds) => `/v1/blocks/${i.underUnshared}/children`],
    ['its block', (i: SampleIds) => `/v1/blocks/${i.unshared}`],
  ])('unshared %s answers 404 object_not_found', async (_n, path) => {
    const res = await api(server, 'GET', path(ids));
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('object_not_found');
  });

  it('unknown user: the recorded user wording', async () => {
    const recorded = fixture('error-404-object-not-found.exchanges.json')[1].response.body;
    const id = '745e79dd-3e43-40de-9d51-39357c1c428f';
    const res = await api(server, 'GET', `/v1/users/${id}`);
    expect(res.json.message).toBe(recorded.message);
  });

  it('an id that is not a valid uuid: 400 validation_error with the recorded message', async () => {
    const recorded = fixture('error-400-validation-error.exchanges.json')[0];
    const res = await api(server, 'GET', recorded.request.path);
    expect(res.status).toBe(400);
    expect(res.json.message).toBe(recorded.response.body.message);
  });

  it('invalid JSON body: 400 invalid_json', async () => {
    const res = await fetch(`${server.baseUrl}/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'notion-version': '2025-09-03', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_json', message: 'Error parsing JSON body.' });
  });

  it('comments without block_id: 400 validation_error', async () => {
    const res = await api(server, 'GET', '/v1/comments');
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('query failed validation: query.block_id should be defined, instead was `undefined`.');
  });
});

describe('the SDK raises APIResponseError with the right code', () => {
  it.each([
    ['unauthorized', 401, () => new Client({ auth: 'wrong', baseUrl: server.baseUrl, retry: false, logger: () => {} }).users.list({})],
    ['object_not_found', 404, () => client.pages.retrieve({ page_id: ids.unshared })],
    ['validation_error', 400, () => client.search({ page_size: 1000 })],
    ['invalid_request_url', 400, () => client.request({ path: 'nothing/here', method: 'get' })],
  ])('%s (%i)', async (code, status, call) => {
    const err = await call().then(
      () => null,
      (e: unknown) => e,
    );
    expect(APIResponseError.isAPIResponseError(err)).toBe(true);
    expect(err).toMatchObject({ code, status });
  });
});

describe('an integration without the "Read comments" capability', () => {
  it('gets 403 restricted_resource from the comments endpoint, in the error shape of every error, and all else as before', async () => {
    const { server: restricted, client: sdk, ids: sample } = await startSample({ capabilities: { readComments: false } });
    try {
      const res = await api(restricted, 'GET', `/v1/comments?block_id=${sample.commentPage}`);
      expect(res.status).toBe(403);
      expect(res.json).toEqual({
        object: 'error',
        status: 403,
        code: 'restricted_resource',
        message: 'Insufficient permissions for this endpoint.',
        request_id: res.json.request_id,
      });
      expect(res.headers.get('x-notion-request-id')).toBe(res.json.request_id);
      // Refused before the request is looked at: a missing block_id gets the same answer.
      expect((await api(restricted, 'GET', '/v1/comments')).status).toBe(403);
      const err = await sdk.comments.list({ block_id: sample.commentPage }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(APIResponseError.isAPIResponseError(err)).toBe(true);
      expect(err).toMatchObject({ code: 'restricted_resource', status: 403 });
      expect((await sdk.pages.retrieve({ page_id: sample.commentPage })).id).toBe(sample.commentPage);
    } finally {
      await restricted.close();
    }
    // The default integration has the capability.
    expect((await api(server, 'GET', `/v1/comments?block_id=${ids.commentPage}`)).status).toBe(200);
  });
});

describe('rate limiting', () => {
  it('answers 429 rate_limited with an integer Retry-After once the burst is spent, and counts it', async () => {
    let now = 1_700_000_000_000;
    const { ws } = buildSample();
    const limited = await startNotionServer({ workspace: ws, token: TOKEN, rateLimit: { ratePerSecond: 3, burst: 10 }, clock: () => now });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await api(limited, 'GET', '/v1/users/me')).status);
      expect(statuses).toEqual([...Array(10).fill(200), 429]);
      const res = await api(limited, 'GET', '/v1/users/me');
      expect(res.status).toBe(429);
      expect(res.json).toMatchObject({
        object: 'error',
        status: 429,
        code: 'rate_limited',
        message: 'You have been rate limited. Please try again in a few minutes.',
      });
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // One second later three tokens are back (3/s).
      now += 1000;
      const after = [];
      for (let i = 0; i < 4; i++) after.push((await api(limited, 'GET', '/v1/users/me')).status);
      expect(after).toEqual([200, 200, 200, 429]);
      expect(limited.stats().rateLimited).toBe(3);
      // File downloads do not spend tokens.
      const emoji = Object.keys(ws.customEmojis)[0]!;
      expect((await fetch(`${limited.baseUrl}/emoji/${emoji}/magnet.png`)).status).toBe(200);

      const sdk = new Client({ auth: TOKEN, baseUrl: limited.baseUrl, retry: false, logger: () => {} });
      const err = await sdk.users.me({}).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'rate_limited', status: 429 });
    } finally {
      await limited.close();
    }
  });
});
