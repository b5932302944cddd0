import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorkspace } from '../../src/notion-server/generate-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { crawlWorkspace } from '../../src/source/crawl.js';
import type { NotionReader } from '../../src/source/crawl-types.js';
import { createNotionGateway } from '../../src/source/notion-gateway.js';

const TOKEN = ['secret', 'crawl', 'streaming', '0123456789abcdefghijklmn'].join('_');

/**
 * The crawl hands each page on as soon as its tree is fetched and keeps nothing of it: at no
 * moment are more pages being fetched, or waiting to be handed on, than `pagesInFlight`.
 */
describe('crawl streams pages with bounded memory', () => {
  const workspace = generateWorkspace({ seed: 'streaming', pages: 80, blocksPerPage: 5, databases: 1, rowsPerDatabase: 20 });
  let server: NotionServer;
  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
  });
  afterAll(() => server.close());

  it.each([1, 4])('never holds more than %i pages, and hands every page on exactly once', async (pagesInFlight) => {
    const gateway = createNotionGateway({ token: TOKEN, baseUrl: server.baseUrl, rate: 1_000, concurrency: 6 });
    const pageIds = new Set<string>();
    const started = new Set<string>();
    let held = 0;
    let maxHeld = 0;
    // A counting view of the real gateway: a page is "held" from its first block listing until it is handed on.
    const reader: NotionReader = Object.assign(Object.create(gateway) as NotionReader, {
      listBlockChildrenAll: async (id: string) => {
        if (pageIds.has(id) && !started.has(id)) {
          started.add(id);
          maxHeld = Math.max(maxHeld, ++held);
        }
        return gateway.listBlockChildrenAll(id);
      },
      retrievePage: async (id: string) => {
        pageIds.add(id);
        return gateway.retrievePage(id);
      },
      iterateSearch: async function* (params: never, handling: never) {
        for await (const r of gateway.iterateSearch(params, handling)) {
          if ((r as { object: string }).object === 'page') pageIds.add((r as { id: string }).id);
          yield r;
        }
      },
      iterateDataSourceQuery: async function* (id: string, params: never, handling: never) {
        for await (const r of gateway.iterateDataSourceQuery(id, params, handling)) {
          pageIds.add((r as { id: string }).id);
          yield r;
        }
      },
    });
    const handedOn: string[] = [];
    const result = await crawlWorkspace({
      reader,
      roots: [],
      pagesInFlight,
      onFile: () => {},
      onPage: async ({ page }) => {
        handedOn.push(page.id);
        // A slow consumer: the crawl must wait for it rather than pile pages up.
        await new Promise((r) => setTimeout(r, 2));
        held--;
      },
      onDatabase: async () => {},
    });
    expect(result.failures).toEqual([]);
    expect(handedOn.length).toBeGreaterThan(90);
    expect(new Set(handedOn).size).toBe(handedOn.length);
    expect(started.size).toBe(handedOn.length);
    expect(maxHeld).toBeLessThanOrEqual(pagesInFlight);
    expect(maxHeld).toBe(pagesInFlight);
  });
});
