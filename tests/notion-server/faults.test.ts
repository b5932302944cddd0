import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@notionhq/client';
import { api, buildSample, startSample, TOKEN, type SampleIds } from './sample-workspace.js';
import type { NotionServer } from '../../src/notion-server/server.js';
import type { FaultKind, FaultPlan } from '../../src/notion-server/faults.js';

let server: NotionServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('scripted faults', () => {
  it.each([
    ['500', 500, 'internal_server_error'],
    ['503', 503, 'service_unavailable'],
    ['529', 529, 'service_overload'],
  ] as const)('%s answers a Notion JSON error body', async (kind, status, code) => {
    ({ server } = await startSample({ faults: { seed: 1, script: [{ match: { route: 'GET /v1/users/me', nth: 2 }, fault: kind }] } }));
    expect((await api(server, 'GET', '/v1/users/me')).status).toBe(200);
    const res = await api(server, 'GET', '/v1/users/me');
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ object: 'error', status, code });
    expect(res.headers.get('x-notion-request-id')).toBe(res.json.request_id);
    expect((await api(server, 'GET', '/v1/users/me')).status).toBe(200);
    expect(server.stats().faultsInjected).toBe(1);
    expect(server.stats().requests.byStatus[status]).toBe(1);
  });

  it('revoked-token answers 401 unauthorized as for an invalid token (no request id header), then the token works again', async () => {
    ({ server } = await startSample({ faults: { seed: 1, script: [{ match: { route: 'GET /v1/users/me', nth: 2 }, fault: 'revoked-token' }] } }));
    expect((await api(server, 'GET', '/v1/users/me')).status).toBe(200);
    const res = await api(server, 'GET', '/v1/users/me');
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ object: 'error', status: 401, code: 'unauthorized', message: 'API token is invalid.' });
    expect(res.headers.get('x-notion-request-id')).toBeNull();
    expect((await api(server, 'GET', '/v1/users/me')).status).toBe(200);
  });

  it('pathIncludes limits a scripted fault to one object', async () => {
    // The sample is deterministic, so its ids are known before the server starts.
    const { ids: known } = buildSample();
    let ids: SampleIds;
    ({ server, ids } = await startSample({ faults: { seed: 1, script: [{ match: { route: 'GET /v1/pages/:id', pathIncludes: known.kitchen }, fault: '500' }] } }));
    expect((await api(server, 'GET', `/v1/pages/${ids.root}`)).status).toBe(200);
    expect((await api(server, 'GET', `/v1/pages/${ids.kitchen}`)).status).toBe(500);
    expect((await api(server, 'GET', `/v1/pages/${ids.kitchen}`)).status).toBe(500);
  });

  it('from: an outage that begins at the n-th matching request and does not end', async () => {
    ({ server } = await startSample({ faults: { seed: 1, script: [{ match: { from: 3 }, fault: '503' }] } }));
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await api(server, 'GET', '/v1/users/me')).status);
    expect(statuses).toEqual([200, 200, 503, 503, 503]);
  });

  it('502-html answers Cloudflare HTML the SDK cannot parse', async () => {
    ({ server } = await startSample({ faults: { seed: 1, script: [{ match: { method: 'POST', route: 'POST /v1/search' }, fault: '502-html' }] } }));
    const res = await api(server, 'POST', '/v1/search', {});
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toContain('cloudflare');
    const sdk = new Client({ auth: TOKEN, baseUrl: server.baseUrl, retry: false, logger: () => {} });
    const err = await sdk.search({}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'notionhq_client_response_error', status: 502 });
  });

  it('reset destroys the socket', async () => {
    ({ server } = await startSample({ faults: { seed: 1, script: [{ match: { route: 'GET /v1/users' }, fault: 'reset' }] } }));
    await expect(fetch(`${server.baseUrl}/v1/users`, { headers: { authorization: `Bearer ${TOKEN}`, 'notion-version': '2025-09-03' } })).rejects.toThrow();
    expect(server.stats().faultsInjected).toBe(1);
  });

  it('hang never answers, until close() ends it', async () => {
    ({ server } = await startSample({ faults: { seed: 1, script: [{ match: { route: 'GET /v1/users/me' }, fault: 'hang' }] } }));
    const pending = fetch(`${server.baseUrl}/v1/users/me`, { headers: { authorization: `Bearer ${TOKEN}`, 'notion-version': '2025-09-03' } }).then(
      (r) => `answered ${r.status}`,
      () => 'failed',
    );
    const raced = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still pending'), 300))]);
    expect(raced).toBe('still pending');
    expect(server.stats().maxConcurrent).toBe(1);
    await server.close();
    server = undefined;
    expect(await pending).toBe('failed');
  });
});

describe('random faults are deterministic from the seed', () => {
  const run = async (plan: FaultPlan) => {
    const started = await startSample({ faults: plan });
    server = started.server;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await api(started.server, 'GET', '/v1/users/me')).status);
    const injected = started.server.stats().faultsInjected;
    await started.server.close();
    server = undefined;
    return { statuses, injected };
  };

  it('same seed, same faults; another seed, other faults; counter matches', async () => {
    const kinds: FaultKind[] = ['500', '503', '529'];
    const a = await run({ seed: 'alpha', rate: 0.3, kinds });
    const b = await run({ seed: 'alpha', rate: 0.3, kinds });
    const c = await run({ seed: 'beta', rate: 0.3, kinds });
    expect(a.statuses).toEqual(b.statuses);
    expect(a.statuses).not.toEqual(c.statuses);
    expect(a.injected).toBe(a.statuses.filter((s) => s !== 200).length);
    expect(a.injected).toBeGreaterThan(3);
    expect(a.injected).toBeLessThan(25);
    expect(new Set(a.statuses.filter((s) => s !== 200)).size).toBeGreaterThan(1);
  });
});

describe('latency', () => {
  it('delays every API answer by latencyMs', async () => {
    // Not a timing assertion on the server's speed: only that the configured delay is a lower bound.
    ({ server } = await startSample({ latencyMs: 150 }));
    const t0 = performance.now();
    await api(server, 'GET', '/v1/users/me');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
  });
});

describe('stats', () => {
  it('count by route pattern and status; resetStats clears them', async () => {
    ({ server } = await startSample());
    await api(server, 'GET', `/v1/users/me`);
    await api(server, 'GET', `/v1/users/me`);
    await api(server, 'GET', `/v1/nothing`);
    expect(server.stats().requests).toEqual({
      byRoute: { 'GET /v1/users/me': 2, 'GET (unknown route)': 1 },
      byStatus: { 200: 2, 400: 1 },
      total: 3,
    });
    server.resetStats();
    expect(server.stats().requests.total).toBe(0);
  });
});
