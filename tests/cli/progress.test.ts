import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import type { SyncProgress } from '../../src/run-sync.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'progress', 'token', '0123456789abcdefghijklmn'].join('_');

/** A stream that keeps what is written (as stderr would show it in a log, or on a terminal). */
function captured(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  let text = '';
  return { isTTY, columns: 200, write: (chunk: string) => ((text += chunk), true), text: () => text } as unknown as NodeJS.WriteStream & { text: () => string };
}

describe('progress of a sync', () => {
  let server: NotionServer;
  let events: SyncProgress[] = [];
  beforeAll(async () => {
    server = await startNotionServer({ workspace: smallWorkspace().workspace, token: TOKEN, rateLimit: false });
    const out = await tempDir();
    await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, deps: { onProgress: (p) => events.push(p) } });
    await out.cleanup();
  });
  afterAll(() => server.close());

  it('goes through crawl, assets, write and publish, and counts pages written one at a time in the write phase', () => {
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(['crawl', 'assets', 'write', 'publish']);
    const written = events.filter((e) => e.phase === 'write' && e.pagesWritten !== undefined).map((e) => e.pagesWritten!);
    const pages = events.at(-1)!.pagesDone;
    expect(pages).toBeGreaterThan(5);
    expect(written).toEqual(Array.from({ length: written.length }, (_, i) => i + 1));
    expect(written.at(-1)).toBeLessThanOrEqual(pages);
    expect(written.length).toBeGreaterThan(5);
  });

  it('shows pages written in plain log lines', () => {
    const stream = captured(false);
    let t = 0;
    const reporter = createProgressReporter(stream, { quiet: false, now: () => (t += 20_000) });
    for (const e of events) reporter.update(e);
    expect(stream.text()).toMatch(/^crawl: pages \d+\/\d+/m);
    expect(stream.text()).toMatch(/^write: pages \d+\/\d+ written/m);
  });
});
