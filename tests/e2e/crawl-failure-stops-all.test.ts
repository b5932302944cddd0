import { readdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer, type ServerClock } from '../../src/notion-server/server.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'crawl', 'stops', 'token', '0123456789abcdefghijkl'].join('_');

/** Every file and folder below `dir`. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) out.push(join(e.parentPath, e.name));
  return out.sort();
}

/**
 * A server clock whose latency never ends on its own for a page or its blocks: each such request
 * is held until the test lets them all go (and any that come after go at once). The server tells
 * the clock which request is about to wait (`park`) just before it sleeps.
 */
function gatedClock(): ServerClock & { held: () => number; release: () => void } {
  let open = false;
  let holds = false;
  const waiting: Array<() => void> = [];
  return {
    now: () => Date.now(),
    sleep: () => (open || !holds ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    park: (req: IncomingMessage) => {
      holds = /^\/v1\/(pages|blocks)\//.test(req.url ?? '');
      return () => {};
    },
    held: () => waiting.length,
    release: () => {
      open = true;
      for (const go of waiting.splice(0)) go();
    },
  };
}

describe('a crawl that fails ends all of its work before the run returns', () => {
  const { workspace, ids } = smallWorkspace();
  const clock = gatedClock();
  let server: NotionServer;

  beforeAll(async () => {
    // The second root cannot be retrieved (a 500, and one attempt only: the run fails); a fault
    // is answered at once, while every other request waits on the gated clock.
    server = await startNotionServer({
      workspace,
      token: TOKEN,
      rateLimit: false,
      latencyMs: 1,
      clock,
      faults: { seed: 1, script: [{ match: { route: 'GET /v1/pages/:id', pathIncludes: ids.deepest! }, fault: '500' }] },
    });
  });
  afterAll(async () => {
    clock.release();
    await server.close();
  });

  it('no request is under way, nor made, nor any file written, once the failed run has returned', async () => {
    const out = await tempDir();
    try {
      let settledWhileHeld: number | null = null;
      const run = syncInProcess({
        baseUrl: server.baseUrl,
        token: TOKEN,
        out: out.dir,
        file: { notion: { roots: [ids.root!, ids.deepest!] }, requests: { rate: 1000, concurrency: 4, maxAttempts: 1 } },
        deps: { log: () => {} },
      }).then(
        () => {
          throw new Error('the run should have failed');
        },
        (err: unknown) => {
          settledWhileHeld = clock.held();
          return err;
        },
      );
      // The fault is answered while the first root's requests are held. A run that let its crawl
      // run on would return here, within moments (cleaning up is all it does); this one may not
      // return before what it asked for has come back.
      for (let i = 0; i < 200 && !(server.stats().faultsInjected > 0 && clock.held() > 0); i++) await sleep(10);
      expect(server.stats().faultsInjected).toBe(1);
      expect(clock.held()).toBeGreaterThan(0);
      await Promise.race([run, sleep(500)]);
      expect(settledWhileHeld, 'the run returned while its requests were still under way').toBeNull();
      clock.release();
      expect(await run).toBeInstanceOf(Error);
      expect(settledWhileHeld).toBe(0);
      // Nothing more happens after the run returned: no request, no file.
      const requests = server.stats().requests.total;
      const files = await tree(out.dir);
      await sleep(300);
      expect(server.stats().requests.total).toBe(requests);
      expect(await tree(out.dir)).toEqual(files);
    } finally {
      await out.cleanup();
    }
  });
});
