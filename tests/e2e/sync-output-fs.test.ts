import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { STATE_FILE } from '../../src/publish/sync-state.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';
import { latestSnapshot, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'output', 'fs', 'token', '0123456789abcdefghijklmn'].join('_');

/** The real file system, but the disk is full once `capacity` bytes have been written. */
function fillingDisk(capacity: number): OutputFs & { written: () => number } {
  let written = 0;
  const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  return {
    ...nodeOutputFs,
    written: () => written,
    writeFile: (async (path: Parameters<OutputFs['writeFile']>[0], data: Parameters<OutputFs['writeFile']>[1], options?: Parameters<OutputFs['writeFile']>[2]) => {
      const bytes = typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength;
      if (written + bytes > capacity) throw full();
      written += bytes;
      return nodeOutputFs.writeFile(path, data, options);
    }) as OutputFs['writeFile'],
    open: (async (...args: Parameters<OutputFs['open']>) => {
      const handle = await nodeOutputFs.open(...args);
      const write = handle.write.bind(handle);
      return Object.assign(handle, {
        write: async (buffer: Uint8Array, ...rest: unknown[]) => {
          if (written + buffer.byteLength > capacity) throw full();
          written += buffer.byteLength;
          return (write as (...a: unknown[]) => Promise<unknown>)(buffer, ...rest);
        },
      });
    }) as OutputFs['open'],
  };
}

describe('the output file system is an effect handed to the sync', () => {
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let firstLatest: string;
  let firstSnapshot: string;

  beforeAll(async () => {
    server = await startNotionServer({ workspace: smallWorkspace().workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
    const first = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir });
    expect(first.exitCode).toBe(0);
    firstLatest = await readFile(join(out.dir, 'latest.json'), 'utf8');
    firstSnapshot = await latestSnapshot(out.dir);
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  const untouched = async () => {
    expect(await readFile(join(out.dir, 'latest.json'), 'utf8')).toBe(firstLatest);
    const entries = await readdir(join(out.dir, 'snapshots'));
    expect(entries.filter((e) => e.startsWith('.'))).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(await readdir(out.dir)).not.toContain('.notion-kb.lock');
    expect((await verifySnapshot({ outDir: out.dir, snapshotDir: firstSnapshot })).problems).toEqual([]);
  };

  it.each([
    ['while pages are parked in the spool', 2_000],
    ['while page files are written', 20_000],
    ['while the manifest is written', 0],
  ])('a disk that fills up %s fails the run and leaves the last snapshot as it was', async (_when, headroom) => {
    // Measure what a whole run writes, then give the disk a little less than that (or `headroom` bytes).
    // The probe measures a second run, as the one below is (its changes.json lists no change).
    // Both render every page (another renderer's version): a night that would take every page
    // from the latest snapshot as it is writes no snapshot at all.
    const renderVersion = '0.0.0-disk-test';
    const measuring = fillingDisk(Number.MAX_SAFE_INTEGER);
    const probe = await tempDir();
    await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: probe.dir });
    await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: probe.dir, deps: { fs: measuring, renderVersion } });
    await probe.cleanup();
    const capacity = headroom === 0 ? measuring.written() - 100 : headroom;
    const disk = fillingDisk(capacity);
    await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, deps: { fs: disk, renderVersion } })).rejects.toMatchObject({ code: 'output', message: expect.stringMatching(/the disk holding the output directory .* is full/) });
    expect(disk.written()).toBeLessThanOrEqual(capacity);
    await untouched();
  });

  it('a sync state that cannot be written (the disk full just then): the snapshot is published all the same, with a warning, and the next run crawls in full', async () => {
    const { workspace, ids } = smallWorkspace();
    const own = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    const probe = await tempDir();
    await syncInProcess({ baseUrl: own.baseUrl, token: TOKEN, out: probe.dir });
    own.mutate.editTitle(ids.deepest!, 'Renamed while the disk was full');
    const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const stateFull: OutputFs = {
      ...nodeOutputFs,
      open: (async (...args: Parameters<OutputFs['open']>) => {
        const handle = await nodeOutputFs.open(...args);
        if (!String(args[0]).includes('.sync-state.json.')) return handle;
        return Object.assign(handle, { write: async () => Promise.reject(full()) });
      }) as OutputFs['open'],
    };
    const warned: string[] = [];
    const outcome = await syncInProcess({ baseUrl: own.baseUrl, token: TOKEN, out: probe.dir, deps: { fs: stateFull, log: (level, message) => level === 'warn' && warned.push(message) } });
    expect(outcome).toMatchObject({ exitCode: 0, unchanged: false });
    expect(JSON.parse(await readFile(join(probe.dir, 'latest.json'), 'utf8'))).toMatchObject({ snapshotId: outcome.snapshotId });
    expect(warned).toEqual([expect.stringContaining('the sync state could not be written (ENOSPC')]);
    expect((await readdir(join(probe.dir, 'state'))).filter((n) => n.includes('sync-state'))).toEqual([STATE_FILE]);
    const next = await syncInProcess({ baseUrl: own.baseUrl, token: TOKEN, out: probe.dir, deps: { log: () => {} } });
    expect(next.mode).toBe('full');
    expect(next.report.warnings).toEqual([{ code: 'full_crawl', message: expect.stringContaining(`the sync state describes snapshot`) }]);
    await probe.cleanup();
    await own.close();
  });

  it('a rename that fails at publish leaves the last snapshot and latest.json as they were', async () => {
    const failing: OutputFs = { ...nodeOutputFs, rename: async () => Promise.reject(Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' })) };
    await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, deps: { fs: failing } })).rejects.toMatchObject({ code: 'EXDEV' });
    await untouched();
  });
});
