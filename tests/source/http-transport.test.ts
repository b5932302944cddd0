import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NotionServer } from '../../src/notion-server/server.js';
import { createNotionGateway } from '../../src/source/notion-gateway.js';
import { nodeHttpTransport, transportOverFetch, type ApiRequest, type ApiTransport } from '../../src/source/http-transport.js';
import { classifyError } from '../../src/source/retry.js';
import { startSample, TOKEN } from '../notion-server/sample-workspace.js';
import { closeServer } from '../support/close-server.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TLS = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'notion-version': '2025-09-03' };

const transports: [string, () => ApiTransport][] = [
  ['node http', () => nodeHttpTransport()],
  ['over fetch', () => transportOverFetch((input, init) => globalThis.fetch(input, init))],
];

let notion: NotionServer | undefined;
const plain: (http.Server | https.Server)[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  await notion?.close();
  notion = undefined;
  await Promise.all(plain.splice(0).map(closeServer));
});

const request = (url: string, extra: Partial<ApiRequest> = {}): ApiRequest => ({
  url,
  method: 'GET',
  headers: HEADERS,
  signal: new AbortController().signal,
  ...extra,
});

/** What a test compares of an answer: the request id differs on every request. */
const comparable = (r: { status: number; statusText: string; headers: { get(name: string): string | null }; text: string }) => {
  const body = JSON.parse(r.text) as Record<string, unknown>;
  delete body.request_id;
  return { status: r.status, statusText: r.statusText, type: r.headers.get('Content-Type'), hasRequestId: r.headers.get('x-notion-request-id') !== null, body };
};

/** A server of our own on a free port; `respond` answers each request. */
async function serve(respond: http.RequestListener, tls = false): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = tls
    ? https.createServer({ key: readFileSync(`${TLS}localhost-key.pem`), cert: readFileSync(`${TLS}localhost-cert.pem`) }, respond)
    : http.createServer(respond);
  server.on(tls ? 'secureConnection' : 'connection', () => connections++);
  plain.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, connections: () => connections };
}

/** What a failed request rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (err: unknown) => err,
  );
}

describe('nodeHttpTransport against the local Notion server', () => {
  it.each([false, true])('reads every answer as fetch does (compression %s): GET, POST with a body, and an error', async (compression) => {
    ({ server: notion } = await startSample({ compression }));
    const base = notion.baseUrl;
    const asked = [
      request(`${base}/v1/users/me`),
      request(`${base}/v1/search`, { method: 'POST', headers: { ...HEADERS, 'content-type': 'application/json' }, body: JSON.stringify({ page_size: 2 }) }),
      request(`${base}/v1/users`),
      request(`${base}/v1/pages/00000000-0000-4000-8000-000000000000`),
    ];
    const byFetch = transportOverFetch((input, init) => globalThis.fetch(input, init));
    const byNode = nodeHttpTransport();
    for (const r of asked) {
      const [viaFetch, viaNode] = [comparable(await byFetch(r)), comparable(await byNode(r))];
      expect(viaNode).toEqual(viaFetch);
    }
    expect(comparable(await byNode(asked[3]!)).status).toBe(404);
    expect(comparable(await byNode(asked[1]!)).body).toMatchObject({ object: 'list', results: [{}, {}] });
  });

  it('asks for a compressed answer, and the server compresses it when told to', async () => {
    let seen: string | undefined;
    const { url } = await serve((req, res) => {
      seen = req.headers['accept-encoding'];
      res.end('{}');
    });
    await nodeHttpTransport()(request(url));
    expect(seen?.split(/,\s*/)).toEqual(expect.arrayContaining(['gzip', 'br']));

    const started = await startSample({ compression: true });
    notion = started.server;
    const raw = await new Promise<http.IncomingMessage>((resolve) =>
      http.get(`${notion!.baseUrl}/v1/users/me`, { headers: { ...HEADERS, 'accept-encoding': 'gzip' } }, (res) => {
        res.resume();
        resolve(res);
      }),
    );
    expect(raw.headers['content-encoding']).toBe('gzip');
  });

  it('keeps its connections alive: 20 requests, 3 at a time, over at most 3 connections', async () => {
    const { url, connections } = await serve((_req, res) => res.end('{"ok":true}'));
    const transport = nodeHttpTransport();
    for (let round = 0; round < 7; round++) {
      await Promise.all([0, 1, 2].slice(0, round === 6 ? 2 : 3).map(() => transport(request(url))));
    }
    expect(connections()).toBeLessThanOrEqual(3);
  });

  it('is what the gateway uses for the API when it is given no effects: fetch is not asked', async () => {
    const started = await startSample();
    notion = started.server;
    const fetchCalled = vi.fn(() => Promise.reject(new Error('global fetch must not carry API requests')));
    vi.stubGlobal('fetch', fetchCalled);
    const gateway = createNotionGateway({ token: TOKEN, baseUrl: notion.baseUrl, rate: 1_000, burst: 1_000 });
    const page = await gateway.retrievePage(started.ids.root);
    expect(page.id).toBe(started.ids.root);
    expect(gateway.stats().total).toBe(1);
    expect(fetchCalled).not.toHaveBeenCalled();
  });

  it('leaves nothing that keeps the process alive once the requests are done', async () => {
    const { url } = await serve((_req, res) => res.end('{"ok":true}'));
    // The server keeps an idle connection a minute: a child that waited for it would take that long.
    (plain.at(-1) as http.Server).keepAliveTimeout = 60_000;
    const script = `
      const { nodeHttpTransport } = await import('./src/source/http-transport.ts');
      const answer = await nodeHttpTransport()({ url: ${JSON.stringify(url)}, method: 'GET', headers: {}, signal: new AbortController().signal });
      console.log(answer.status);`;
    const started = Date.now();
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 50_000 }, (err, out) => (err ? reject(err) : resolve(out))),
    );
    expect(stdout.trim()).toBe('200');
    expect(Date.now() - started).toBeLessThan(25_000);
  });
});

describe('decoding', () => {
  const json = '{"object":"list","results":["é", "日本"]}';
  it.each([
    ['gzip', gzipSync(json)],
    ['x-gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['br', brotliCompressSync(json)],
    ['gzip, br', brotliCompressSync(gzipSync(json))],
    ['identity', Buffer.from(json)],
  ])('Content-Encoding %s', async (coding, bytes) => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
      res.end(bytes);
    });
    expect((await nodeHttpTransport()(request(url))).text).toBe(json);
  });

  it('drops a leading byte-order mark, as fetch does', async () => {
    const { url } = await serve((_req, res) => res.end(`\uFEFF${json}`));
    for (const [, make] of transports) expect((await make()(request(url))).text).toBe(json);
  });

  it('a coding it cannot undo, or a body that is not what its coding says, fails as a network failure', async () => {
    const { url } = await serve((req, res) => {
      res.writeHead(200, { 'content-encoding': req.url === '/zstd' ? 'zstd' : 'gzip' });
      res.end('not gzip at all');
    });
    for (const path of ['/zstd', '/bad-gzip']) {
      const err = await rejection(nodeHttpTransport()(request(`${url}${path}`)));
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toBe('fetch failed');
    }
  });
});

describe("failures keep fetch's contract, so they are classified the same", () => {
  it.each(['reset', 'reset-mid-body'] as const)('%s: a retryable network failure with either transport', async (fault) => {
    const started = await startSample({ faults: { seed: 1, rate: 1, kinds: [fault] } });
    notion = started.server;
    for (const [name, make] of transports) {
      const err = await rejection(make()(request(`${notion.baseUrl}/v1/users/me`)));
      expect(err, name).toBeInstanceOf(TypeError);
      // fetch says 'terminated' for a body cut off; the node transport says 'fetch failed' for both.
      if (name === 'node http') expect((err as Error).message).toBe('fetch failed');
      expect(classifyError(err, Date.now()).retryable, name).toBe(true);
    }
  });

  it('truncated-json: a 200 whose text is cut short is handed on whole as it came (the SDK fails to parse it)', async () => {
    const started = await startSample({ faults: { seed: 1, rate: 1, kinds: ['truncated-json'] } });
    notion = started.server;
    for (const [, make] of transports) {
      const answer = await make()(request(`${notion.baseUrl}/v1/users/me`));
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('{"object":"list","results":[{"object":"block","id":"');
    }
  });

  it('hang: the deadline aborts it with its own reason, a timeout, and the connection goes', async () => {
    const started = await startSample({ faults: { seed: 1, rate: 1, kinds: ['hang'] } });
    notion = started.server;
    for (const [name, make] of transports) {
      const controller = new AbortController();
      const pending = make()(request(`${notion.baseUrl}/v1/users/me`, { signal: controller.signal }));
      setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), 50);
      const err = await rejection(pending);
      expect((err as Error).name, name).toBe('TimeoutError');
      expect(classifyError(err, Date.now()).reason, name).toBe('timeout');
    }
  });

  it('an already aborted request is never sent', async () => {
    let requests = 0;
    const { url } = await serve((_req, res) => {
      requests++;
      res.end('{}');
    });
    const controller = new AbortController();
    controller.abort(new DOMException('gone', 'AbortError'));
    const err = await rejection(nodeHttpTransport()(request(url, { signal: controller.signal })));
    expect((err as Error).name).toBe('AbortError');
    expect(requests).toBe(0);
  });

  it('a refused connection is retryable; a URL it cannot send to is not', async () => {
    const { url } = await serve((_req, res) => res.end('{}'));
    await closeServer(plain.pop()!);
    const refused = await rejection(nodeHttpTransport()(request(url)));
    expect(refused).toBeInstanceOf(TypeError);
    expect(classifyError(refused, Date.now())).toMatchObject({ retryable: true, reason: 'ECONNREFUSED' });
    const ftp = await rejection(nodeHttpTransport()(request('ftp://127.0.0.1/v1/users/me')));
    expect(classifyError(ftp, Date.now()).retryable).toBe(false);
  });
});

describe('https', () => {
  it('verifies the certificate: a self-signed one is refused for good, and accepted once trusted', async () => {
    const { url } = await serve((_req, res) => res.end('{"ok":true}'), true);
    const refused = await rejection(nodeHttpTransport()(request(url)));
    expect(refused).toBeInstanceOf(TypeError);
    expect(classifyError(refused, Date.now())).toMatchObject({ retryable: false, reason: expect.stringMatching(/CERT/) });
    const trusted = nodeHttpTransport({ ca: readFileSync(`${TLS}localhost-cert.pem`) });
    expect((await trusted(request(url))).text).toBe('{"ok":true}');
  });
});
