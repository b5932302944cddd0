import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseRecord, Index, PageRecord, Report } from '../../src/normalise/schemas.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { bigWorkspace } from '../support/big-workspace.js';
import { latestSnapshot, readJson, runCli, tempDir, type CliResult } from '../support/cli.js';

const TOKEN = ['secret', 'pagination', 'test', 'token', '0123456789'].join('_');

describe('sync: pagination past 100 at every level', () => {
  const { workspace, ids } = bigWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let result: CliResult;
  let snap: string;
  let index: Index;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
    result = await runCli(['sync', '--out', out.dir, '--rate', '200', '--concurrency', '4', '--json'], {
      NOTION_TOKEN: TOKEN,
      NOTION_BASE_URL: server.baseUrl,
    });
    snap = await latestSnapshot(out.dir);
    index = await readJson<Index>(join(snap, 'index.json'));
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('exits 0 and prints a JSON summary', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; counts: { pages: number; rows: number } };
    expect(summary.status).toBe('complete');
    expect(summary.counts.rows).toBe(131);
  });

  it('follows search past 100 results (every row and page is in the index)', () => {
    // 2 pages + 131 rows; search answers in pages of at most 100.
    expect(index.pages).toHaveLength(133);
    expect(server.stats().requests.byRoute['POST /v1/search']).toBeGreaterThanOrEqual(2);
  });

  it('follows block children past 100 and nests 6 toggles deep', async () => {
    const entry = index.pages.find((p) => p.id === ids.longPage)!;
    const md = await readFile(join(snap, entry.path), 'utf8');
    for (const n of [1, 100, 101, 129]) expect(md).toContain(`Paragraph ${n}\n`);
    expect(md).toContain('The bottom of the toggles.');
    expect(md.match(/<details>/g)).toHaveLength(6);
  });

  it('follows a data source query past 100 rows', async () => {
    const dbEntry = index.databases.find((d) => d.id === ids.database)!;
    expect(dbEntry.rowIds).toHaveLength(131);
    const record = await readJson<DatabaseRecord>(join(snap, dbEntry.path));
    expect(record.dataSources[0]!.rows.map((r) => r.id)).toEqual([...ids.rows, ids.hub]);
    const csv = await readFile(join(snap, dbEntry.csv!), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(132);
  });

  it('completes relation and people values cut at 25 through the property endpoint, past 100 items', async () => {
    const record = await readJson<PageRecord>(join(snap, `records/${ids.hub}.json`));
    const related = record.properties.Related as { type: 'relation'; value: Array<{ id: string; path: string | null }> };
    expect(related.value.map((r) => r.id)).toEqual(ids.rows.slice(0, 120));
    expect(related.value.every((r) => r.path?.endsWith('.md'))).toBe(true);
    const hosts = record.properties.Hosts as { type: 'people'; value: Array<{ name: string | null }> };
    expect(hosts.value).toHaveLength(30);
    expect(hosts.value[29]!.name).toBe('Member 30');
    expect(server.stats().requests.byRoute['GET /v1/pages/:id/properties/:property_id']).toBeGreaterThanOrEqual(3);
  });

  it('recomputes rollups over relations Notion cut at 25 from the property endpoint', async () => {
    const record = await readJson<PageRecord>(join(snap, `records/${ids.hub}.json`));
    expect(record.properties['Related count']).toMatchObject({ type: 'rollup', value: { type: 'number', value: 120 } });
    const names = record.properties['Related names'] as { type: 'rollup'; value: { type: 'array'; value: Array<{ value: { text: string } }> } };
    expect(names.value.value).toHaveLength(120);
    expect(names.value.value[119]!.value.text).toBe('Session 120');
  });

  it('reuses page and data source objects from search and queries, and fetches synced content once', async () => {
    const report = await readJson<Report>(join(snap, 'report.json'));
    expect(report.requests.byRoute['GET /v1/pages/:id'] ?? 0).toBe(0);
    expect(report.requests.byRoute['GET /v1/data_sources/:id'] ?? 0).toBe(0);
    const rootMd = await readFile(join(snap, index.pages.find((p) => p.id === ids.root)!.path), 'utf8');
    expect(rootMd).toContain('Shown on two pages.');
    // One children listing per page and per block with children; nothing fetched twice.
    const blocksWithChildren = Object.values(workspace.blocks).filter((b) => b.children.length > 0 && b.type !== 'child_page').length;
    const pages = Object.values(workspace.pages).filter((p) => !p.inTrash).length;
    const childPages = Math.ceil(130 / 100); // the long page needs two pages of children
    expect(report.requests.byRoute['GET /v1/blocks/:id/children']).toBe(pages + blocksWithChildren + childPages - 1);
  });
});

describe('sync: data source queries that Notion stops early (its 10,000-row limit)', () => {
  async function syncWithLimit(edit: (ws: ReturnType<typeof bigWorkspace>['workspace']) => void) {
    const { workspace, ids } = bigWorkspace();
    edit(workspace);
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, queryResultLimit: 120 });
    const out = await tempDir();
    try {
      const res = await runCli(['sync', '--out', out.dir, '--rate', '200', '--quiet'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
      const snap = await latestSnapshot(out.dir);
      const report = await readJson<Report>(join(snap, 'report.json'));
      const index = await readJson<Index>(join(snap, 'index.json'));
      return { res, report, ids, rows: index.databases.find((d) => d.id === ids.database)!.rowIds, queries: server.stats().requests.byRoute['POST /v1/data_sources/:id/query'] };
    } finally {
      await server.close();
      await out.cleanup();
    }
  }

  it('goes on from the last creation time and gets every row', async () => {
    const { res, report, ids, rows, queries } = await syncWithLimit(() => {});
    expect(res.code, res.stderr).toBe(0);
    expect(report.failures).toEqual([]);
    expect(rows).toEqual([...ids.rows, ids.hub]);
    expect(queries).toBeGreaterThanOrEqual(3); // 100 + 20 (stopped), then the rest
  });

  it('reports the database as failed and exits 3 when more rows than one query returns share one minute', async () => {
    const { res, report, ids, rows } = await syncWithLimit((ws) => {
      for (const page of Object.values(ws.pages)) if (page.parent.type === 'data_source') page.createdTime = '2025-01-01T10:00:30.000Z';
    });
    expect(res.code, res.stderr).toBe(3);
    expect(report.failures).toEqual([
      expect.objectContaining({ code: 'incomplete_query', databaseId: ids.database, message: expect.stringContaining('after 120 rows') }),
    ]);
    expect(rows).toHaveLength(120);
  });
});

describe('sync --root', () => {
  it('exports the subtree of each root, and reports a root that is in the trash (exit 3)', async () => {
    const { workspace, ids } = bigWorkspace();
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    const out = await tempDir();
    try {
      const url = `https://www.notion.so/A-very-long-page-${ids.longPage.replaceAll('-', '')}`;
      const res = await runCli(['sync', '--out', out.dir, '--rate', '200', '--quiet', '--root', url, '--root', ids.trashed], {
        NOTION_TOKEN: TOKEN,
        NOTION_BASE_URL: server.baseUrl,
      });
      expect(res.code, res.stderr).toBe(3);
      const snap = await latestSnapshot(out.dir);
      const index = await readJson<Index>(join(snap, 'index.json'));
      expect(index.pages.map((p) => p.id)).toEqual([ids.longPage]);
      const report = await readJson<Report>(join(snap, 'report.json'));
      expect(report.failures).toEqual([expect.objectContaining({ code: 'root_in_trash', pageId: ids.trashed })]);
    } finally {
      await server.close();
      await out.cleanup();
    }
  });
});

