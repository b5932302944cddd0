import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetCollector, type AssetOutcome, type AssetPolicy, type Downloader, type OwnerRefetcher } from '../../src/assets/asset-collector.js';
import { assetKeys } from '../../src/assets/asset-keys.js';
import { AssetStore } from '../../src/assets/asset-store.js';
import { block as b, icon, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { blockFileRefs, databaseFileRefs, pageFileRefs, type FileRef } from '../../src/source/file-refs.js';
import { createNotionGateway, type NotionGateway } from '../../src/source/notion-gateway.js';
import { TINY_PNG } from '../support/small-workspace.js';
import { tempDir } from '../support/cli.js';

const TOKEN = ['secret', 'asset', 'collector', 'test', 'token', '0123456789'].join('_');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Longer than the server's 1 s URL lifetime: a download started after it sees 403. */
const PAST_EXPIRY_MS = 1200;

// ------------------------------------------------------------------ a tiny external file host

interface ExternalHost {
  url: (path: string) => string;
  hits: string[];
  headers: IncomingHttpHeaders[];
  close: () => Promise<void>;
}

const EXTERNAL_FILES: Record<string, { type: string; body: Buffer }> = {
  '/photo.png': { type: 'image/png', body: Buffer.from('external png bytes') },
  '/handbook.pdf': { type: 'application/pdf', body: Buffer.from('%PDF-1.4 external pdf bytes') },
};

async function startExternalHost(): Promise<ExternalHost> {
  const hits: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    hits.push(path);
    headers.push(req.headers);
    const file = EXTERNAL_FILES[path];
    if (path === '/busy.png') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
      return;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length }).end(file.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    headers,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

// ------------------------------------------------------------------ the workspace

const NOTION_FILES = {
  image: Buffer.concat([TINY_PNG, Buffer.from('image block')]),
  cover: Buffer.concat([TINY_PNG, Buffer.from('page cover')]),
  property: Buffer.from('%PDF-1.4 contract attached to a row'),
  dbCover: Buffer.concat([TINY_PNG, Buffer.from('database cover')]),
  calloutIcon: Buffer.concat([TINY_PNG, Buffer.from('callout icon')]),
  revoked: Buffer.concat([TINY_PNG, Buffer.from('on a page that is unshared meanwhile')]),
  alwaysLate: Buffer.concat([TINY_PNG, Buffer.from('always downloaded too late')]),
  large: Buffer.alloc(4096, 1),
};

function buildWorkspace(external: ExternalHost) {
  const w = new WorkspaceBuilder({ seed: 'assets', integrationName: 'notion-kb tests', workspaceName: 'Assets' });
  const f = Object.fromEntries(
    Object.entries(NOTION_FILES).map(([k, bytes]) => [k, w.file({ name: k === 'property' ? 'contract.pdf' : `${k}.png`, contentType: k === 'property' ? 'application/pdf' : 'image/png', bytes })]),
  ) as Record<keyof typeof NOTION_FILES, string>;
  const root = w.page({
    parent: 'workspace',
    title: 'Files',
    cover: { fileId: f.cover },
    children: [
      b.image({ fileId: f.image }, 'A Notion-hosted image'),
      b.callout('Note', icon.file(f.calloutIcon)),
      b.image({ fileId: f.alwaysLate }),
      b.image({ fileId: f.large }),
      b.image({ url: external.url('/photo.png') }),
      b.pdf({ url: external.url('/handbook.pdf') }),
      b.image({ url: external.url('/gone.png') }),
      b.image({ url: 'ftp://127.0.0.1/photo.png' }),
    ],
  });
  const revoked = w.page({ parent: root, title: 'Soon unshared', children: [b.image({ fileId: f.revoked })] });
  const db = w.database({
    parent: root,
    title: 'Contracts',
    cover: { fileId: f.dbCover },
    dataSources: [{ name: 'Contracts', properties: { Name: { type: 'title' }, Files: { type: 'files' } } }],
  });
  const row = w.row(db.dataSourceIds[0]!, { Name: 'Partner A', Files: [{ fileId: f.property, name: 'contract.pdf' }] });
  return { workspace: w.build(), ids: { root, revoked, db: db.id, row } };
}

// ------------------------------------------------------------------ seams: our Downloader and OwnerRefetcher

/** Counts refetches by kind and id; passes them on to the real gateway. */
function countingRefetcher(gateway: NotionGateway): OwnerRefetcher & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    retrieveBlock: (id) => (calls.push(`block:${id}`), gateway.retrieveBlock(id)),
    retrievePage: (id) => (calls.push(`page:${id}`), gateway.retrievePage(id)),
    retrieveDatabase: (id) => (calls.push(`database:${id}`), gateway.retrieveDatabase(id)),
  };
}

/**
 * The gateway's real fetchBinary, but the first attempt for each file starts after its signed
 * URL expired (and every attempt, for files in `alwaysLate`). Records each attempt's status.
 */
function lateDownloader(gateway: NotionGateway, alwaysLate: Set<string> = new Set()): Downloader & { attempts: Array<{ path: string; status: number | string }> } {
  const attempts: Array<{ path: string; status: number | string }> = [];
  const started = new Set<string>();
  return {
    attempts,
    async fetchBinary(url, opts) {
      const path = new URL(url).pathname;
      if (!started.has(path) || [...alwaysLate].some((id) => path.includes(id))) await sleep(PAST_EXPIRY_MS);
      started.add(path);
      try {
        const r = await gateway.fetchBinary(url, { maxBytes: opts.maxBytes, timeoutMs: 10_000 });
        attempts.push({ path, status: r.status });
        return r;
      } catch (err) {
        attempts.push({ path, status: (err as { status?: number }).status ?? String((err as { reason?: string }).reason) });
        throw err;
      }
    },
  };
}

const policy = (p: Partial<AssetPolicy> = {}): AssetPolicy => ({ external: 'images', maxBytes: 1_000_000, concurrency: 16, ...p });

// ------------------------------------------------------------------ tests

describe('AssetCollector against the local Notion server (signed URLs live 1 s)', () => {
  let external: ExternalHost;
  let server: NotionServer;
  let gateway: NotionGateway;
  let ids: ReturnType<typeof buildWorkspace>['ids'];
  let ws: ReturnType<typeof buildWorkspace>['workspace'];
  let refs: FileRef[];
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const fileIdOf = (bytes: Buffer) => Object.values(ws.files).find((f) => f.base64 === bytes.toString('base64'))!.id;

  beforeAll(async () => {
    external = await startExternalHost();
    const built = buildWorkspace(external);
    ids = built.ids;
    ws = built.workspace;
    server = await startNotionServer({ workspace: ws, token: TOKEN, rateLimit: false, fileExpirySeconds: 1 });
    gateway = createNotionGateway({ token: TOKEN, baseUrl: server.baseUrl, rate: 1000, burst: 1000, concurrency: 8, retry: { maxAttempts: 2 } });
    tmp = await tempDir('notion-kb-collector-');
  });
  afterAll(async () => {
    await server?.close();
    await external?.close();
    await tmp?.cleanup();
  });

  /** Every FileRef of the workspace, read fresh through the API (URLs signed now). */
  async function readRefs(): Promise<FileRef[]> {
    const out: FileRef[] = [];
    for (const pageId of [ids.root, ids.revoked, ids.row]) {
      out.push(...pageFileRefs(await gateway.retrievePage(pageId)));
      for (const block of await gateway.listBlockChildrenAll(pageId)) out.push(...blockFileRefs(block, pageId));
    }
    out.push(...databaseFileRefs(await gateway.retrieveDatabase(ids.db)));
    return out;
  }
  const refOf = (key: string) => {
    const r = refs.find((x) => x.key === key);
    if (!r) throw new Error(`no file ref ${key} (have ${refs.map((x) => x.key).join(', ')})`);
    return r;
  };
  const blockKeyOf = (bytes: Buffer) => refs.find((r) => r.source === 'notion' && r.url.includes(`/files/${fileIdOf(bytes)}/`))!.key;

  describe('Notion-hosted files whose URL expired before the download started', () => {
    let outcomes: Map<string, AssetOutcome>;
    let refetcher: ReturnType<typeof countingRefetcher>;
    let downloader: ReturnType<typeof lateDownloader>;
    let dir: string;

    beforeAll(async () => {
      refs = await readRefs();
      dir = join(tmp.dir, 'expired');
      refetcher = countingRefetcher(gateway);
      downloader = lateDownloader(gateway, new Set([fileIdOf(NOTION_FILES.alwaysLate)]));
      const collector = new AssetCollector({ downloader, refetcher, store: new AssetStore(dir), policy: policy({ maxBytes: 1024, external: 'none' }) });
      // The integration loses access to this page between the crawl and the download.
      ws.pages[ids.revoked]!.shared = false;
      for (const r of refs.filter((x) => x.source === 'notion')) collector.add(r);
      await collector.drain();
      outcomes = collector.outcomes;
      ws.pages[ids.revoked]!.shared = true;
    });

    it.each([
      ['an image block', () => blockKeyOf(NOTION_FILES.image), NOTION_FILES.image, () => `block:${refOf(blockKeyOf(NOTION_FILES.image)).blockId}`],
      ['a callout icon', () => blockKeyOf(NOTION_FILES.calloutIcon), NOTION_FILES.calloutIcon, () => `block:${refOf(blockKeyOf(NOTION_FILES.calloutIcon)).blockId}`],
      ['a page cover', () => assetKeys.cover(ids.root), NOTION_FILES.cover, () => `page:${ids.root}`],
      ['a files property value', () => refs.find((r) => r.key.startsWith(`property:${ids.row}:`))!.key, NOTION_FILES.property, () => `page:${ids.row}`],
      ['a database cover', () => assetKeys.cover(ids.db), NOTION_FILES.dbCover, () => `database:${ids.db}`],
    ])('%s: 403, owner retrieved again, fresh URL downloaded and stored', async (_, key, bytes, refetch) => {
      const k = key();
      const outcome = outcomes.get(k)!;
      expect(outcome.kind, JSON.stringify(outcome)).toBe('stored');
      if (outcome.kind !== 'stored') return;
      expect(outcome.asset.sha256).toBe(sha(bytes));
      expect(await readFile(join(dir, outcome.asset.path))).toEqual(bytes);
      expect(refetcher.calls.filter((c) => c === refetch())).toHaveLength(1);
      const path = new URL(refOf(k).url).pathname;
      expect(downloader.attempts.filter((a) => a.path === path).map((a) => a.status)).toEqual([403, 200]);
      // Only the file's identity is kept: the signed URL expires, and is a credential while it lives.
      expect(refOf(k).url).toContain('?');
      expect(outcome.ref.url).toBe(refOf(k).url.split('?')[0]);
    });

    it('reports a file whose refresh fails (owner no longer shared) as missing, with the reason', () => {
      const key = blockKeyOf(NOTION_FILES.revoked);
      const outcome = outcomes.get(key)!;
      expect(outcome).toMatchObject({ kind: 'missing', reason: expect.stringMatching(/expired.*403.*retrieving its block again failed \(not_found\)/) });
      expect(outcome.ref.pageId).toBe(ids.revoked);
      expect(refetcher.calls).toContain(`block:${outcome.ref.blockId}`);
    });

    it('gives up after two refreshes when every fresh URL is also too late, as missing', () => {
      const key = blockKeyOf(NOTION_FILES.alwaysLate);
      const outcome = outcomes.get(key)!;
      expect(outcome).toMatchObject({ kind: 'missing', reason: expect.stringContaining('HTTP 403') });
      expect(refetcher.calls.filter((c) => c === `block:${outcome.ref.blockId}`)).toHaveLength(2);
      const path = new URL(outcome.ref.url).pathname;
      expect(downloader.attempts.filter((a) => a.path === path).map((a) => a.status)).toEqual([403, 403, 403]);
    });

    it('reports a file over assets.maxBytes as missing, naming the limit', () => {
      const outcome = outcomes.get(blockKeyOf(NOTION_FILES.large))!;
      expect(outcome.kind).toBe('missing');
      if (outcome.kind !== 'missing') return;
      expect(outcome.reason).toContain('assets.maxBytes');
      expect(outcome.reason).toMatch(/1024 bytes|1 KiB|1\.0 KiB/);
    });

    it('leaves no outcome as "not downloaded yet"', () => {
      expect([...outcomes.values()].filter((o) => o.kind === 'missing' && o.reason === 'not downloaded yet')).toEqual([]);
      expect(outcomes.size).toBe(refs.filter((r) => r.source === 'notion').length);
    });
  });

  describe('external files, per policy', () => {
    const externalRefs = () => refs.filter((r) => r.source === 'external');
    const byUrl = (outcomes: Map<string, AssetOutcome>, url: string) => [...outcomes.values()].find((o) => o.ref.url === url)!;

    async function collect(external: AssetPolicy['external']) {
      const dir = join(tmp.dir, `external-${external}`);
      const collector = new AssetCollector({
        downloader: { fetchBinary: (url, o) => gateway.fetchBinary(url, { maxBytes: o.maxBytes, timeoutMs: 10_000 }) },
        refetcher: countingRefetcher(gateway),
        store: new AssetStore(dir),
        policy: policy({ external }),
      });
      for (const r of externalRefs()) collector.add(r);
      await collector.drain();
      return { outcomes: collector.outcomes, dir };
    }

    beforeAll(async () => {
      refs ??= await readRefs();
    });

    it.each([
      ['images', { photo: 'stored', pdf: 'link' }, ['/photo.png', '/gone.png']],
      ['all', { photo: 'stored', pdf: 'stored' }, ['/photo.png', '/handbook.pdf', '/gone.png']],
      ['none', { photo: 'link', pdf: 'link' }, []],
    ] as const)('policy %s', async (mode, expected, fetched) => {
      external.hits.length = 0;
      const { outcomes, dir } = await collect(mode);
      const photo = byUrl(outcomes, external.url('/photo.png'));
      const pdf = byUrl(outcomes, external.url('/handbook.pdf'));
      expect(photo.kind).toBe(expected.photo);
      expect(pdf.kind).toBe(expected.pdf);
      if (photo.kind === 'stored') expect(await readFile(join(dir, photo.asset.path))).toEqual(EXTERNAL_FILES['/photo.png']!.body);
      if (pdf.kind === 'stored') expect(pdf.asset.path).toBe(`assets/${sha(EXTERNAL_FILES['/handbook.pdf']!.body)}.pdf`);
      // Kept by policy: a link with no error to report.
      for (const o of [photo, pdf]) if (o.kind === 'link') expect(o).toMatchObject({ url: o.ref.url, reason: undefined });
      expect([...external.hits].sort()).toEqual([...fetched].sort());
    });

    it('keeps an external file that answers 404 as a link, with the reason', async () => {
      const { outcomes } = await collect('all');
      expect(byUrl(outcomes, external.url('/gone.png'))).toMatchObject({ kind: 'link', url: external.url('/gone.png'), reason: 'HTTP 404' });
    });

    it.each(['images', 'all', 'none'] as const)('never fetches a non-http(s) URL and says why (policy %s)', async (mode) => {
      const { outcomes } = await collect(mode);
      const ftp = byUrl(outcomes, 'ftp://127.0.0.1/photo.png');
      expect(ftp).toMatchObject({ kind: 'link', url: 'ftp://127.0.0.1/photo.png', reason: expect.stringContaining('only http and https') });
    });

    it.each([
      ['unreachable', async () => {
        const closed = await startExternalHost();
        await closed.close();
        return closed.url('/photo.png?token=abc');
      }, /^download failed after 2 tries: .*(ECONNREFUSED|fetch failed|connect)/i],
      ['answering 503', async () => external.url('/busy.png?token=abc'), /^HTTP 503 after 2 tries$/],
    ])('keeps an %s external file as a link, with a reason that names no URL', async (_, urlOf, reason) => {
      const url = await urlOf();
      const ref: FileRef = { ...externalRefs()[0]!, key: 'block:failing', url };
      const collector = new AssetCollector({
        downloader: { fetchBinary: (u, o) => gateway.fetchBinary(u, { maxBytes: o.maxBytes, timeoutMs: 5_000 }) },
        refetcher: countingRefetcher(gateway),
        store: new AssetStore(join(tmp.dir, 'failing')),
        policy: policy({ external: 'all' }),
      });
      collector.add(ref);
      await collector.drain();
      const outcome = collector.outcomes.get('block:failing')!;
      expect(outcome).toMatchObject({ kind: 'link', url, reason: expect.stringMatching(reason) });
      if (outcome.kind === 'link') expect(outcome.reason).not.toContain('token=abc');
    });

    it('never sends the Notion token to a file host', async () => {
      external.headers.length = 0;
      await collect('all');
      expect(external.headers.length).toBeGreaterThan(0);
      for (const h of external.headers) {
        expect(h.authorization).toBeUndefined();
        expect(JSON.stringify(h)).not.toContain(TOKEN);
      }
    });
  });

  it('handles the same key once, even when the crawl reports it twice', async () => {
    const r = (refs ??= await readRefs()).find((x) => x.key === assetKeys.cover(ids.root))!;
    let downloads = 0;
    const collector = new AssetCollector({
      downloader: { fetchBinary: (url, o) => (downloads++, gateway.fetchBinary(url, { maxBytes: o.maxBytes })) },
      refetcher: countingRefetcher(gateway),
      store: new AssetStore(join(tmp.dir, 'once')),
      policy: policy(),
    });
    // A fresh URL: the refs above may have expired by now.
    const fresh = pageFileRefs(await gateway.retrievePage(ids.root)).find((x) => x.key === r.key)!;
    collector.add(fresh);
    collector.add({ ...fresh });
    await collector.drain();
    expect(downloads).toBe(1);
    expect(collector.outcomes.get(r.key)?.kind).toBe('stored');
  });
});
