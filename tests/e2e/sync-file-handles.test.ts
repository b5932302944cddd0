import { readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'handles', 'token', '0123456789abcdefghijklmnop'].join('_');

type Op = 'open' | 'write' | 'rename';

/**
 * The real file system with every file it opens kept track of, and one operation failing: the
 * first `op` on a path that `path` picks (ENOSPC for a write, EACCES for an open, EXDEV for a rename).
 */
function trackingFs(fails: { op: Op; path: (p: string) => boolean } | null): { fs: OutputFs; stillOpen: () => string[]; failed: () => boolean } {
  const opened: Array<{ path: string; handle: FileHandle }> = [];
  let failed = false;
  const failing = (op: Op, path: string): Error | null => {
    if (failed || !fails || fails.op !== op || !fails.path(path)) return null;
    failed = true;
    const code = op === 'write' ? 'ENOSPC' : op === 'open' ? 'EACCES' : 'EXDEV';
    return Object.assign(new Error(`${code}: injected, ${op} '${path}'`), { code });
  };
  const fs: OutputFs = {
    ...nodeOutputFs,
    open: (async (...args: Parameters<OutputFs['open']>) => {
      const path = String(args[0]);
      const err = failing('open', path);
      if (err) throw err;
      const handle = await nodeOutputFs.open(...args);
      opened.push({ path, handle });
      const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<unknown>;
      const writev = handle.writev.bind(handle) as (...a: unknown[]) => Promise<unknown>;
      return Object.assign(handle, {
        write: async (...rest: unknown[]) => {
          const e = failing('write', path);
          if (e) throw e;
          return write(...rest);
        },
        writev: async (...rest: unknown[]) => {
          const e = failing('write', path);
          if (e) throw e;
          return writev(...rest);
        },
      });
    }) as OutputFs['open'],
    writeFile: (async (...args: Parameters<OutputFs['writeFile']>) => {
      const err = failing('write', String(args[0]));
      if (err) throw err;
      return nodeOutputFs.writeFile(...args);
    }) as OutputFs['writeFile'],
    rename: (async (from: Parameters<OutputFs['rename']>[0], to: Parameters<OutputFs['rename']>[1]) => {
      const err = failing('rename', String(to));
      if (err) throw err;
      return nodeOutputFs.rename(from, to);
    }) as OutputFs['rename'],
  };
  // A closed FileHandle's fd is -1.
  return { fs, stillOpen: () => opened.filter((o) => o.handle.fd !== -1).map((o) => o.path), failed: () => failed };
}

const named = (name: string) => (p: string) => p.endsWith(`/${name}`);
const containing = (part: string) => (p: string) => p.includes(part);

describe('a run closes every file it opened, and leaves no temporary one, whether it publishes or fails', () => {
  let server: NotionServer;
  const { workspace, ids } = smallWorkspace();

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
  });
  afterAll(async () => {
    await server.close();
  });

  const failures: Array<[string, { op: Op; path: (p: string) => boolean }]> = [
    ['the journal cannot be opened (after the spool was)', { op: 'open', path: named('journal') }],
    ['the spool cannot be written (disk full)', { op: 'write', path: named('pages.spool') }],
    ['the journal cannot be written (disk full)', { op: 'write', path: named('journal') }],
    ['a page file cannot be written (disk full)', { op: 'write', path: (p) => p.includes('/pages/') && p.endsWith('.md') }],
    ['the manifest cannot be written (disk full)', { op: 'write', path: containing('manifest.json') }],
    ['index.json cannot be written (disk full)', { op: 'write', path: containing('index.json') }],
    ['the run\'s kept summaries cannot be opened (after its staging folder was made)', { op: 'open', path: (p) => p.endsWith('.summaries') }],
    ['the snapshot cannot be published (rename fails)', { op: 'rename', path: containing('/snapshots/') }],
    ['latest.json cannot be replaced (after the snapshot took its place)', { op: 'rename', path: named('latest.json') }],
    ['the sync state cannot be written (disk full; published all the same)', { op: 'write', path: containing('.sync-state.json.') }],
  ];

  for (const night of ['first sync', 'incremental night'] as const) {
    it.each(failures)(`${night}: %s`, async (_what, fails) => {
      const out = await tempDir();
      try {
        if (night === 'incremental night') {
          expect((await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, deps: { log: () => {} } })).exitCode).toBe(0);
          server.mutate.editTitle(ids.deepest!, `Edited ${Date.now()}`);
        }
        const tracked = trackingFs(fails);
        // A new renderer's version: the night renders every page and writes every file.
        const run = syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, deps: { fs: tracked.fs, log: () => {}, renderVersion: `0.0.0-handles-${Date.now()}` } }).then(
          (o) => ({ ok: true as const, exitCode: o.exitCode }),
          (err: unknown) => ({ ok: false as const, err }),
        );
        const outcome = await run;
        expect(tracked.failed(), 'the failure was injected').toBe(true);
        expect(tracked.stillOpen()).toEqual([]);
        if (!outcome.ok) expect(await readdir(out.dir)).not.toContain('.notion-kb.lock');
        // Nor any temporary file or staging folder: each is named by its run, and no later run would take it for its own.
        const snapshots = await readdir(join(out.dir, 'snapshots')).catch(() => [] as string[]);
        expect([...(await readdir(out.dir)), ...snapshots.map((n) => `snapshots/${n}`)].filter((n) => n.includes('.tmp'))).toEqual([]);
        // Whatever failed, the next run publishes.
        expect((await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, deps: { log: () => {} } })).exitCode).toBe(0);
      } finally {
        await out.cleanup();
      }
    });
  }

  it('a run that publishes closes every file too', async () => {
    const out = await tempDir();
    try {
      for (let night = 0; night < 2; night++) {
        const tracked = trackingFs(null);
        server.mutate.editTitle(ids.deepest!, `Edited again ${night}`);
        expect((await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, deps: { fs: tracked.fs, log: () => {} } })).exitCode).toBe(0);
        expect(tracked.stillOpen()).toEqual([]);
      }
    } finally {
      await out.cleanup();
    }
  });
});
