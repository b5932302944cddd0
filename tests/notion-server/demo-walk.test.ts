import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, collectPaginatedAPI, isFullBlock, isFullDatabase, isFullDataSource, isFullPage } from '@notionhq/client';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';

/** The whole MAGNET demo walked through the SDK the way an exporter would, over loopback only. */
const TOKEN = 'secret_demo_walk';
let server: NotionServer;
const hosts = new Set<string>();
const walked = { pages: new Set<string>(), blocks: 0, maxDepth: 0, rowsByDataSource: new Map<string, number>(), dataSourceTitles: new Map<string, string>() };

beforeAll(async () => {
  const { workspace } = buildDemo();
  server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
  const client = new Client({
    auth: TOKEN,
    baseUrl: server.baseUrl,
    retry: false,
    fetch: (url, init) => {
      hosts.add(new URL(String(url)).host);
      return fetch(url, init);
    },
  });

  const roots = await collectPaginatedAPI(client.search, {});
  const databases = new Set<string>();
  const visit = async (blockId: string, depth: number): Promise<void> => {
    walked.maxDepth = Math.max(walked.maxDepth, depth);
    const children = await collectPaginatedAPI(client.blocks.children.list, { block_id: blockId });
    for (const b of children) {
      expect(isFullBlock(b)).toBe(true);
      walked.blocks++;
      if (!isFullBlock(b)) continue;
      if (b.type === 'child_page') await visitPage(b.id, depth + 1);
      else if (b.type === 'child_database') databases.add(b.id);
      else if (b.has_children) await visit(b.id, depth);
    }
  };
  const visitPage = async (pageId: string, depth: number): Promise<void> => {
    if (walked.pages.has(pageId)) return;
    walked.pages.add(pageId);
    const page = await client.pages.retrieve({ page_id: pageId });
    expect(isFullPage(page)).toBe(true);
    await visit(pageId, depth);
  };
  for (const r of roots) {
    if (r.object === 'page' && isFullPage(r) && r.parent.type === 'workspace') await visitPage(r.id, 1);
  }
  for (const dbId of databases) {
    const db = await client.databases.retrieve({ database_id: dbId });
    expect(isFullDatabase(db)).toBe(true);
    if (!isFullDatabase(db)) continue;
    for (const { id } of db.data_sources) {
      const ds = await client.dataSources.retrieve({ data_source_id: id });
      expect(isFullDataSource(ds)).toBe(true);
      const rows = await collectPaginatedAPI(client.dataSources.query, { data_source_id: id });
      walked.rowsByDataSource.set(id, rows.length);
      if (isFullDataSource(ds)) walked.dataSourceTitles.set(id, ds.title.map((t) => t.plain_text).join(''));
      for (const row of rows) {
        walked.pages.add(row.id);
        await visit(row.id, 2);
      }
    }
  }
}, 120_000);
afterAll(() => server.close());

describe('SDK walk of the demo workspace', () => {
  it('finds at least 40 pages, nested at least 4 deep', () => {
    expect(walked.pages.size).toBeGreaterThanOrEqual(40);
    expect(walked.maxDepth).toBeGreaterThanOrEqual(4);
    expect(walked.blocks).toBeGreaterThan(100);
  });

  it('reads more than 100 rows from Academy Sessions', () => {
    const academy = [...walked.dataSourceTitles].find(([, title]) => title === 'Academy Sessions');
    expect(academy).toBeDefined();
    expect(walked.rowsByDataSource.get(academy![0])).toBeGreaterThan(100);
  });

  it('sent every request to 127.0.0.1 and nowhere else', () => {
    expect([...hosts]).toEqual([new URL(server.baseUrl).host]);
    expect(new URL(server.baseUrl).hostname).toBe('127.0.0.1');
    expect(server.stats().requests.byStatus[200]).toBe(server.stats().requests.total);
  });
});
