// A run that keeps its progress serialises each block it lists once, for the journal, and puts
// that JSON into the page's spool form as it is (src/publish/run-progress.ts, `fetchedForm`'s
// `serialised`). The spool form must be byte for byte what a run keeping no progress writes:
// the same checksum and digest for every page of the demo wiki (files, sub-pages, synced
// blocks, mentions, tables, comments), or the page cache and the render skipping would drift.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoWorkspace } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { syncStatePath, type SyncState } from '../../src/publish/sync-state.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'spool', 'form', 'token', '0123456789abcdef'].join('_');

describe('the spool form of a page fetched by a run keeping its progress', () => {
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    server = await startNotionServer({ workspace: buildDemoWorkspace(), token: TOKEN, rateLimit: false });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it.each([
    ['without comments', {}],
    ['with comments', { content: { comments: true } }],
  ])('%s: the same bytes (checksum) and digest for every page as a run keeping no progress', async (name, file) => {
    const pagesOf = async (trackProgress: boolean) => {
      const out = join(tmp.dir, `${name}-${trackProgress}`);
      await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file, deps: { trackProgress } });
      const state = await readJson<SyncState>(syncStatePath(out));
      return Object.fromEntries(Object.entries(state.pages).map(([id, p]) => [id, { checksum: p.checksum, digest: p.digest }]));
    };
    const kept = await pagesOf(true);
    const notKept = await pagesOf(false);
    expect(Object.keys(kept).length).toBeGreaterThan(150);
    expect(kept).toEqual(notKept);
  });
});
