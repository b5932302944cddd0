import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseRecord, Index, PageRecord } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'page', 'unit', 'token', '0123456789abcdefghij'].join('_');

async function records(snap: string, index: Index): Promise<Map<string, PageRecord>> {
  const out = new Map<string, PageRecord>();
  for (const p of index.pages) out.set(p.id, await readJson<PageRecord>(join(snap, p.record)));
  return out;
}

describe('the page as a unit: digests and data source files', () => {
  const { workspace, ids } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let first: { snap: string; index: Index; records: Map<string, PageRecord> };
  let second: { snap: string; index: Index; records: Map<string, PageRecord> };

  const sync = async () => {
    const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir });
    expect(outcome.exitCode).toBe(0);
    const index = await readJson<Index>(join(outcome.snapshotDir, 'index.json'));
    return { snap: outcome.snapshotDir, index, records: await records(outcome.snapshotDir, index) };
  };

  beforeAll(async () => {
    // File URLs expire after 1 s, so the two syncs see different signed URLs for the same files.
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, fileExpirySeconds: 1 });
    out = await tempDir();
    first = await sync();
    await new Promise((r) => setTimeout(r, 1100));
    second = await sync();
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('gives every page record a digest of what was fetched', () => {
    expect(first.records.size).toBeGreaterThan(100);
    for (const r of first.records.values()) expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Different pages, different digests.
    expect(new Set([...first.records.values()].map((r) => r.digest)).size).toBe(first.records.size);
  });

  it('keeps digests and page files byte-identical when nothing changed, though every signed file URL did', async () => {
    for (const [id, r] of first.records) expect(second.records.get(id)?.digest, id).toBe(r.digest);
    const files = (await listFiles(first.snap)).filter((f) => f.startsWith('pages/') || f.startsWith('records/') || f.startsWith('assets/'));
    expect(files.length).toBeGreaterThan(300);
    for (const f of files) expect(await readFile(join(second.snap, f), 'utf8'), f).toBe(await readFile(join(first.snap, f), 'utf8'));
  });

  it('changes the digest of an edited page, and only of that page', async () => {
    const edited = ids.pages.glossary;
    const before = first.records.get(edited)!;
    const pageBlocks = workspace.pages[edited]!.children;
    const textBlock = pageBlocks.find((b) => 'rich_text' in (workspace.blocks[b]!.payload as object))!;
    server.mutate.editBlockText(textBlock, 'An edited paragraph.');
    const third = await sync();
    expect(third.records.get(edited)!.digest).not.toBe(before.digest);
    const changed = [...third.records].filter(([id, r]) => first.records.get(id)?.digest !== r.digest).map(([id]) => id);
    expect(changed.map((id) => third.records.get(id)!.title)).toEqual([before.title]);
  });

  it('names the CSV of every data source, in index.json and in the database record', async () => {
    const multi = first.index.databases.find((d) => d.dataSources.length > 1);
    expect(multi, 'the demo has a database with two data sources').toBeDefined();
    const csvs = multi!.dataSources.map((d) => d.csv);
    expect(new Set(csvs).size).toBe(csvs.length);
    expect(multi!.csv).toBe(csvs[0]);
    const files = await listFiles(first.snap);
    for (const csv of csvs) expect(files).toContain(csv);
    const record = await readJson<DatabaseRecord>(join(first.snap, multi!.path));
    expect(record.dataSources.map((d) => d.csv)).toEqual(csvs);
    for (const db of first.index.databases) for (const ds of db.dataSources) expect(files).toContain(ds.csv);
  });

  it('leaves no spool or staging behind', async () => {
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(join(out.dir, 'snapshots'))).filter((e) => e.startsWith('.'))).toEqual([]);
  });
});
