import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/normalise/schemas.js';
import { generateWorkspace } from '../../src/notion-server/generate-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { latestSnapshot, readJson, runCli, spawnCli, tempDir } from '../support/cli.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = 'secret_resilience_token_0123456789abcdefghij';

/** Everything of a snapshot but what names the run (ids, times, request counts): file path → bytes. */
async function contentOf(snapshotDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await listFiles(snapshotDir)) {
    if (f === 'report.json' || f === 'manifest.json') continue;
    let text = await readFile(join(snapshotDir, f), 'latin1');
    if (f === 'index.json') {
      const index = JSON.parse(text) as Record<string, unknown>;
      delete index.snapshotId;
      delete index.createdAt;
      text = JSON.stringify(index);
    }
    out.set(f, text);
  }
  return out;
}

async function syncOnce(ws: WorkspaceData, opts: Parameters<typeof startNotionServer>[0] extends infer O ? Partial<O> : never, args: string[] = []) {
  const server = await startNotionServer({ workspace: ws, token: TOKEN, rateLimit: false, ...opts });
  const out = await tempDir();
  try {
    const config = join(out.dir, 'config.yaml');
    // Short timeouts so that a request that never answers is retried within the test.
    await writeFile(config, 'requests:\n  timeoutMs: 1500\n  maxAttempts: 5\n');
    const result = await runCli(['sync', '--out', out.dir, '--config', config, ...args], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
    const snap = result.code === 0 || result.code === 3 ? await latestSnapshot(out.dir) : null;
    return { result, content: snap ? await contentOf(snap) : null, report: snap ? await readJson<Report>(join(snap, 'report.json')) : null, stats: server.stats() };
  } finally {
    await server.close();
    await out.cleanup();
  }
}

describe('sync under rate limits and server faults', () => {
  const workspace = generateWorkspace({ seed: 'resilience', pages: 30, blocksPerPage: 8, databases: 1, rowsPerDatabase: 15, imageEvery: 5 });
  let clean: Awaited<ReturnType<typeof syncOnce>>;

  beforeAll(async () => {
    clean = await syncOnce(structuredClone(workspace), {}, ['--rate', '500', '--concurrency', '4']);
  });

  it('a clean run is complete', () => {
    expect(clean.result.code, clean.result.stderr).toBe(0);
    expect(clean.report!.complete).toBe(true);
    expect(clean.content!.size).toBeGreaterThan(50);
  });

  it('honours 429 + Retry-After and still exports exactly what a clean run does', async () => {
    // The client asks for 40 requests/s from a server that allows 8/s with bursts of 4.
    const limited = await syncOnce(structuredClone(workspace), { rateLimit: { ratePerSecond: 8, burst: 4 } }, ['--rate', '40', '--concurrency', '4']);
    expect(limited.result.code, limited.result.stderr).toBe(0);
    expect(limited.stats.rateLimited).toBeGreaterThan(0);
    expect(limited.report!.requests.rateLimited).toBe(limited.stats.rateLimited);
    expect(limited.content).toEqual(clean.content);
  });

  it('retries 500, 502 (HTML), 503, 529, dropped and hung requests, GET and POST alike, with the same result', async () => {
    const faulty = await syncOnce(
      structuredClone(workspace),
      {
        faults: {
          seed: 'faults-1',
          rate: 0.12,
          kinds: ['500', '502-html', '503', '529', 'reset'],
          script: [
            { match: { route: 'POST /v1/search', nth: 1 }, fault: '502-html' },
            { match: { route: 'POST /v1/data_sources/:id/query', nth: 1 }, fault: '503' },
            { match: { route: 'GET /v1/blocks/:id/children', nth: 3 }, fault: 'hang' },
          ],
        },
      },
      ['--rate', '500', '--concurrency', '4'],
    );
    expect(faulty.result.code, faulty.result.stderr).toBe(0);
    expect(faulty.stats.faultsInjected).toBeGreaterThan(5);
    expect(faulty.report!.requests.retries).toBeGreaterThanOrEqual(faulty.stats.faultsInjected);
    expect(faulty.content).toEqual(clean.content);
  });

  it('keeps a page whose nested content keeps failing, notes it, lists it in report.json and exits 3', async () => {
    const ws = structuredClone(workspace);
    // A block with children on some page: its children listing always answers 500.
    const victim = Object.values(ws.blocks).find((b) => b.children.length > 0 && b.type !== 'child_page' && !ws.pages[b.parentId]?.inTrash)!;
    const pageId = ws.pages[victim.parentId] ? victim.parentId : ws.blocks[victim.parentId]!.parentId;
    const broken = await syncOnce(
      ws,
      { faults: { seed: 'always', script: [{ match: { route: 'GET /v1/blocks/:id/children', pathIncludes: victim.id }, fault: '500' }] } },
      ['--rate', '500'],
    );
    expect(broken.result.code, broken.result.stderr).toBe(3);
    expect(broken.result.stderr).toContain('FAILED');
    expect(broken.report!.complete).toBe(false);
    expect(broken.report!.failures).toEqual([expect.objectContaining({ blockId: victim.id, pageId })]);
    // Everything else is exactly as in the clean run, apart from the page that holds the block.
    const differing = [...clean.content!.keys()].filter((f) => broken.content!.get(f) !== clean.content!.get(f));
    expect(differing.every((f) => f === 'index.json' || f.includes(pageId.slice(0, 8)) || f.includes(pageId))).toBe(true);
  });
});

describe('files that cannot be had', () => {
  it('publishes the snapshot, lists each file by page and block id, shows a note in the page, exits 3', async () => {
    const { workspace, ids } = smallWorkspace();
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    const out = await tempDir();
    try {
      const config = join(out.dir, 'config.yaml');
      await writeFile(config, 'assets:\n  maxBytes: 10\n');
      const res = await runCli(['sync', '--out', out.dir, '--config', config, '--rate', '500'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(/2 files could NOT be downloaded/);
      const snap = await latestSnapshot(out.dir);
      const report = await readJson<Report>(join(snap, 'report.json'));
      expect(report.complete).toBe(false);
      expect(report.assetFailures).toHaveLength(2);
      for (const f of report.assetFailures) {
        expect(f.pageId).toBe(ids.root);
        expect(f.blockId).toMatch(/^[0-9a-f-]{36}$/);
        expect(f.reason).toMatch(/assets\.maxBytes/);
      }
      const index = await readJson<{ pages: Array<{ id: string; path: string }> }>(join(snap, 'index.json'));
      const md = await readFile(join(snap, index.pages.find((p) => p.id === ids.root)!.path), 'utf8');
      expect(md.match(/not available/gi)?.length).toBeGreaterThanOrEqual(2);
    } finally {
      await server.close();
      await out.cleanup();
    }
  });
});

describe('a failed or killed sync never damages the last good snapshot', () => {
  const { workspace } = smallWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let firstLatest: string;
  let firstSnapshot: string;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
    const first = await runCli(['sync', '--out', out.dir, '--rate', '500'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
    expect(first.code, first.stderr).toBe(0);
    firstLatest = await readFile(join(out.dir, 'latest.json'), 'utf8');
    firstSnapshot = await latestSnapshot(out.dir);
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('a run killed halfway leaves latest.json and the previous snapshot intact; the next run cleans up', async () => {
    const slow = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, latencyMs: 150 });
    try {
      const child = spawnCli(['sync', '--out', out.dir, '--rate', '500', '--concurrency', '1'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: slow.baseUrl });
      // Wait until the run has started writing its staging directory, and a few requests more.
      for (let i = 0; i < 200; i++) {
        const entries = await readdir(join(out.dir, 'snapshots'));
        if (entries.some((e) => e.startsWith('.tmp-')) && slow.stats().requests.total >= 4) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(slow.stats().requests.total).toBeLessThan(12); // it really was halfway
    } finally {
      await slow.close();
    }
    expect(await readFile(join(out.dir, 'latest.json'), 'utf8')).toBe(firstLatest);
    const verify = await runCli(['verify', '--out', out.dir]);
    expect(verify.code, verify.stderr).toBe(0);
    expect((await readdir(join(out.dir, 'snapshots'))).filter((e) => e.startsWith('.tmp-'))).toHaveLength(1);

    const next = await runCli(['sync', '--out', out.dir, '--rate', '500', '--quiet'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
    expect(next.code, next.stderr).toBe(0);
    const entries = await readdir(join(out.dir, 'snapshots'));
    expect(entries.filter((e) => e.startsWith('.tmp-'))).toHaveLength(0);
    expect(entries).toHaveLength(2);
    expect(await readFile(join(out.dir, 'latest.json'), 'utf8')).not.toBe(firstLatest);
  });

  it('a run that fails (token rejected) publishes nothing, exits 2 with one line, never shows the token', async () => {
    const before = await readFile(join(out.dir, 'latest.json'), 'utf8');
    const wrong = 'secret_wrong_token_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123';
    const res = await runCli(['sync', '--out', out.dir], { NOTION_TOKEN: wrong, NOTION_BASE_URL: server.baseUrl });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/NOTION_TOKEN/);
    expect(res.stderr).not.toContain(wrong);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await readFile(join(out.dir, 'latest.json'), 'utf8')).toBe(before);
    expect((await readdir(join(out.dir, 'snapshots'))).filter((e) => e.startsWith('.tmp-'))).toHaveLength(0);
  });

  it('a run whose API keeps failing exits 1 and leaves the previous snapshot', async () => {
    const failing = await startNotionServer({
      workspace,
      token: TOKEN,
      rateLimit: false,
      faults: { seed: 'down', rate: 1, kinds: ['503'] },
    });
    try {
      const config = join(out.dir, 'fast-fail.yaml');
      await writeFile(config, 'requests:\n  maxAttempts: 2\n  giveUpAfterMs: 2000\n');
      const before = await readFile(join(out.dir, 'latest.json'), 'utf8');
      const res = await runCli(['sync', '--out', out.dir, '--config', config], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: failing.baseUrl });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/Nothing was published/);
      expect(await readFile(join(out.dir, 'latest.json'), 'utf8')).toBe(before);
    } finally {
      await failing.close();
    }
  });

  it('keeps the first snapshot byte for byte through all of it', async () => {
    const verify = await runCli(['verify', firstSnapshot]);
    expect(verify.code, verify.stderr).toBe(0);
  });
});
