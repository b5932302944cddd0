// The tuning handed to a sync (SyncDeps.tuneRuntime, src/cli/runtime-tuning.ts): a night that
// finds nothing new runs tuned for a small footprint from its start; an incremental run that
// renders (a page fetched, a snapshot to build) is tuned as a brief one before it does, and for
// throughput once it has fetched and rendered enough pages to be long; a full crawl is tuned for
// throughput from its start.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import type { SyncOutcome } from '../../src/run-sync.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'tuning', 'token', '0123456789abcdefghij'].join('_');

describe('the memory tuning a sync asks for', () => {
  const { workspace } = smallWorkspace();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-06-01T02:00:05.000Z');
  /** What the sync asked for, with its phase and the pages it had rendered by then. */
  let asked: Array<{ tuning: string; phase: string; rendered: number }> = [];
  let rendered = 0;
  let phase = 'start';

  const sync = async (full = false, renderVersion?: string, longRunPages?: number): Promise<SyncOutcome> => {
    now += 86_400_000;
    asked = [];
    rendered = 0;
    phase = 'start';
    return syncInProcess({
      baseUrl: server.baseUrl,
      token: TOKEN,
      out: join(tmp.dir, 'out'),
      deps: {
        now: () => new Date(now),
        full,
        ...(renderVersion ? { renderVersion } : {}),
        ...(longRunPages ? { longRunPages } : {}),
        tuneRuntime: (tuning) => asked.push({ tuning, phase, rendered }),
        onProgress: (p) => {
          rendered = p.pagesWritten ?? 0;
          phase = p.phase;
        },
      },
    });
  };

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('a first (full) sync: throughput, before anything is rendered', async () => {
    expect(await sync()).toMatchObject({ mode: 'full', exitCode: 0 });
    expect(asked).toEqual([{ tuning: 'throughput', phase: 'start', rendered: 0 }]);
  });

  it('a night with no change: a small footprint, from its start to its end', async () => {
    expect(await sync()).toMatchObject({ mode: 'incremental', unchanged: true });
    expect(asked).toEqual([{ tuning: 'footprint', phase: 'start', rendered: 0 }]);
  });

  it('a night with a page edited: brief from the page fetched on, while it still crawls', async () => {
    const page = Object.keys(workspace.pages).find((id) => workspace.pages[id]!.parent.type !== 'data_source')!;
    server.mutate.editTitle(page, 'Edited for the tuning test');
    const night = await sync();
    expect(night).toMatchObject({ mode: 'incremental', unchanged: false });
    expect(night.report.counts.pagesRendered).toBeGreaterThan(0);
    expect(asked).toEqual([
      { tuning: 'footprint', phase: 'start', rendered: 0 },
      { tuning: 'brief', phase: 'crawl', rendered: 0 },
    ]);
  });

  it('a night that fetches no page but builds a snapshot (another renderer): brief before it renders', async () => {
    const night = await sync(false, '0.0.0-tuning-test');
    // Every page rendered again (the same files: nothing is published).
    expect(night.mode).toBe('incremental');
    expect(night.report.counts.pagesRendered).toBeGreaterThan(3);
    expect(night.report.requests.total).toBeLessThan(20);
    expect(asked).toEqual([
      { tuning: 'footprint', phase: 'start', rendered: 0 },
      { tuning: 'brief', phase: 'write', rendered: 0 },
    ]);
  });

  it('a night that turns out long: throughput once it has rendered that many pages', async () => {
    const night = await sync(false, '0.0.0-tuning-test-2', 3);
    expect(night.report.counts.pagesRendered).toBeGreaterThan(3);
    // The third page is about to be rendered after two were written.
    expect(asked).toEqual([
      { tuning: 'footprint', phase: 'start', rendered: 0 },
      { tuning: 'brief', phase: 'write', rendered: 0 },
      { tuning: 'throughput', phase: 'write', rendered: 2 },
    ]);
  });

  it('a night that fetches and renders pages counts both towards a long one', async () => {
    const pages = Object.keys(workspace.pages).filter((id) => workspace.pages[id]!.parent.type !== 'data_source');
    server.mutate.editTitle(pages[0]!, 'Edited again for the tuning test');
    // One page fetched, then rendered: the second page of work makes the run long.
    await sync(false, undefined, 2);
    expect(asked).toEqual([
      { tuning: 'footprint', phase: 'start', rendered: 0 },
      { tuning: 'brief', phase: 'crawl', rendered: 0 },
      { tuning: 'throughput', phase: 'write', rendered: 0 },
    ]);
  });

  it('--full: throughput only', async () => {
    expect(await sync(true)).toMatchObject({ mode: 'full' });
    expect(asked).toEqual([{ tuning: 'throughput', phase: 'start', rendered: 0 }]);
  });
});
