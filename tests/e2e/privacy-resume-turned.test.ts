// A page an interrupted run fetched (kept then) and that the rules leave out by the next run (it
// turned Internal in Notion in between, same config key): the resumed run never loads it from the
// spool it takes up, so its bytes are "unused" there; unless they were half the spool, no
// compaction dropped them, and the spool became the page cache with the left-out page's content
// in it. Likewise the earlier form of a page that mentions it (found by a review of privacy on
// failure and resume paths).
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { block as b, mention, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import { startNotionServer } from '../../src/notion-server/server.js';
import { decodeRecords } from '../../src/publish/run-journal.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'turned', 'token', '0123456789abcdefghij'].join('_');
const M = 'ZQXPRIV';

async function filesUnder(dir: string): Promise<Array<{ rel: string; bytes: Buffer }>> {
  const out: Array<{ rel: string; bytes: Buffer }> = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) await walk(path);
      else out.push({ rel: relative(dir, path), bytes: await readFile(path) });
    }
  };
  await walk(dir);
  return out;
}
const hitsIn = (where: string, content: string, forbidden: string[]) => forbidden.filter((f) => content.toLowerCase().includes(f)).map((f) => `${where}: ${f}`);

describe('a page fetched by an interrupted run and left out by the run that takes it up', () => {
  it('leaves no trace in the page cache or anywhere else', async () => {
    const w = new WorkspaceBuilder({ seed: 'turned', integrationName: 'notion-kb tests', workspaceName: 'Turned' });
    const root = w.page({ parent: 'workspace', title: 'Handbook' });
    const team = w.database({ parent: root, title: 'Team', dataSources: [{ name: 'Team', properties: { Name: { type: 'title' }, Visibility: { type: 'select', options: ['Public', 'Internal'] } } }] });
    const ds = team.dataSourceIds[0]!;
    const row = w.row(ds, { Name: 'Turning', Visibility: 'Public' }, { children: [b.paragraph(`${M} row text`)] });
    for (let i = 0; i < 6; i++) w.page({ parent: root, title: `Kept ${i}`, children: [b.paragraph(`Kept page ${i}: ${'lorem ipsum '.repeat(40)}`)] });
    w.page({ parent: root, title: 'Last', children: [b.paragraph('the last one')] });
    const workspace = w.build();
    const pages = Object.keys(workspace.pages ?? {}).length;
    const file = { requests: { rate: 1000, concurrency: 1 }, privacy: { excludeWhere: [{ property: 'Visibility', equals: 'Internal' }] } };
    // A 401 (token revoked) on the last block-children request: the run stops with the row fetched.
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, faults: { seed: 'turned', script: [{ match: { route: 'GET /v1/blocks/:id/children', nth: pages || 9 }, fault: 'revoked-token' }] } });
    const tmp = await tempDir('notion-kb-turned-');
    try {
      const out = join(tmp.dir, 'out');
      await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file })).rejects.toMatchObject({ code: 'auth' });
      const journal = decodeRecords(await readFile(join(out, 'state', 'progress', 'journal'))).records;
      // Precondition: the row was fetched (it was Public then) and is journaled and spooled.
      expect(journal.some((r) => r.t === 'page' && r.id === row)).toBe(true);

      // In Notion, the row turns Internal: the same rules (same config key) now leave it out.
      server.mutate.editProperty(row, 'Visibility', { type: 'select', select: { name: 'Internal' } });
      const resumed = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file });
      expect(resumed.exitCode).toBe(0);
      expect(resumed.report.privacy).toMatchObject({ excludedPages: 1 });
      const files = await filesUnder(out);
      expect(files.some((f) => f.rel.startsWith(join('state', 'pages-')))).toBe(true);
      expect(files.flatMap((f) => hitsIn(f.rel, f.bytes.toString('latin1'), [M.toLowerCase(), row, row.replaceAll('-', '')]))).toEqual([]);
    } finally {
      await server.close();
      await tmp.cleanup();
    }
  }, 60_000);
});

describe('a page an interrupted run spooled with a mention of a page left out by the next run (never fetched itself)', () => {
  it('leaves no trace in the page cache or anywhere else', async () => {
    const w = new WorkspaceBuilder({ seed: 'turned', integrationName: 'notion-kb tests', workspaceName: 'Turned' });
    const root = w.page({ parent: 'workspace', title: 'Handbook' });
    const team = w.database({ parent: root, title: 'Team', dataSources: [{ name: 'Team', properties: { Name: { type: 'title' }, Visibility: { type: 'select', options: ['Public', 'Internal'] } } }] });
    const ds = team.dataSourceIds[0]!;
    const row = w.row(ds, { Name: `Turning ${M}`, Visibility: 'Public' }, { children: [b.paragraph(`${M} row text`)] });
    w.append(root, [b.paragraph(['See ', mention.page(row), '.'])]);
    for (let i = 0; i < 6; i++) w.page({ parent: root, title: `Kept ${i}`, children: [b.paragraph(`Kept page ${i}: ${'lorem ipsum '.repeat(40)}`), b.paragraph(['See ', mention.page(row), '.'])] });
    w.page({ parent: root, title: 'Last', children: [b.paragraph('the last one')] });
    const workspace = w.build();
    const pages = Object.keys(workspace.pages ?? {}).length;
    const file = { requests: { rate: 1000, concurrency: 1 }, privacy: { excludeWhere: [{ property: 'Visibility', equals: 'Internal' }] } };
    // A 401 (token revoked) on the fifth block-children request: the run stops before it reaches the row.
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, faults: { seed: 'turned', script: [{ match: { route: 'GET /v1/blocks/:id/children', nth: 5 }, fault: 'revoked-token' }] } });
    const tmp = await tempDir('notion-kb-turned-');
    try {
      const out = join(tmp.dir, 'out');
      await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file })).rejects.toMatchObject({ code: 'auth' });
      const journal = decodeRecords(await readFile(join(out, 'state', 'progress', 'journal'))).records;
      // Precondition: the row itself was not fetched, but pages that mention it (by title) were, and are spooled.
      expect(journal.some((r) => r.t === 'page' && r.id === row)).toBe(false);
      expect(journal.filter((r) => r.t === 'page').length).toBeGreaterThan(1);

      // In Notion, the row turns Internal: the same rules (same config key) now leave it out.
      server.mutate.editProperty(row, 'Visibility', { type: 'select', select: { name: 'Internal' } });
      const resumed = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file });
      expect(resumed.exitCode).toBe(0);
      expect(resumed.report.privacy).toMatchObject({ excludedPages: 1 });
      const files = await filesUnder(out);
      expect(files.some((f) => f.rel.startsWith(join('state', 'pages-')))).toBe(true);
      expect(files.flatMap((f) => hitsIn(f.rel, f.bytes.toString('latin1'), [M.toLowerCase(), row, row.replaceAll('-', '')]))).toEqual([]);
    } finally {
      await server.close();
      await tmp.cleanup();
    }
  }, 60_000);
});
