// A run that stops part-way (here: Notion answers 401 after N requests, as for a token revoked
// during the run, which ends the run at once) leaves what it fetched; the next run takes it up.
// The kill tests (SIGKILL at seeded moments) are in tests/chaos/resume-kill.test.ts.
import { cp, mkdir, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import type { FaultPlan } from '../../src/notion-server/faults.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { decodeRecords, JOURNAL_HEADER, type JournalRecord, type PageRecord } from '../../src/publish/run-journal.js';
import { nodeOutputFs } from '../../src/publish/output-fs.js';
import { progressDir } from '../../src/publish/run-progress.js';
import { STATE_DIR, STATE_FILE } from '../../src/publish/sync-state.js';
import { runExport } from '../../src/run-export.js';
import { verifyBag } from '../../src/verify/verify-bag.js';
import { readJson, tempDir } from '../support/cli.js';
import { decodeRecordsOfForm1 } from '../support/journal-form-1.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { contentOf } from '../support/snapshot-content.js';

const TOKEN = ['secret', 'resume', 'token', '0123456789abcdefghij'].join('_');
const QUERY = 'POST /v1/data_sources/:id/query';

const journalOf = async (out: string): Promise<JournalRecord[]> => decodeRecords(await readFile(join(progressDir(out), 'journal'))).records;
const pagesIn = (records: JournalRecord[]) => records.filter((r): r is PageRecord => r.t === 'page');
const exists = (path: string) => stat(path).then(() => true, () => false);

/** A 401 on the n-th block-children request: the run stops there, having fetched part of the workspace. */
const revokedAt = (nth: number): FaultPlan => ({ seed: 'resume', script: [{ match: { route: 'GET /v1/blocks/:id/children', nth }, fault: 'revoked-token' }] });

describe('resume: a sync that stopped part-way is taken up by the next run', () => {
  /** One clock for the servers (edit times) and the syncs, moved by the tests. */
  let now = Date.parse('2026-03-02T10:00:05.000Z');
  const servers: NotionServer[] = [];
  let tmp: { dir: string; cleanup: () => Promise<void> };

  const serve = async (faults?: FaultPlan) => {
    const server = await startNotionServer({ workspace: buildDemo().workspace, token: TOKEN, rateLimit: false, clock: () => now, ...(faults ? { faults } : {}) });
    servers.push(server);
    return server;
  };
  const sync = (server: NotionServer, out: string, deps: { full?: boolean; fs?: typeof nodeOutputFs } = {}, file?: Record<string, unknown>) =>
    syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { now: () => new Date(now), ...deps }, ...(file ? { file } : {}) });

  /**
   * An uninterrupted first sync of the same server's workspace and what it cost, and what a
   * no-change run then costs (after the test's own runs: file URLs name the server's port).
   */
  const cleanRun = async (server: NotionServer, name: string) => {
    const before = server.stats();
    const dir = join(tmp.dir, `${name}-clean`);
    const outcome = await sync(server, dir);
    const after = server.stats();
    await sync(server, dir);
    return { outcome, requests: after.requests.total - before.requests.total, downloads: after.fileDownloads - before.fileDownloads, listing: server.stats().requests.total - after.requests.total };
  };

  beforeAll(async () => {
    tmp = await tempDir('notion-kb-resume-');
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await tmp.cleanup();
  });

  it('a first sync stopped after part of the pages: the next run fetches only what was not fetched and publishes what an uninterrupted run publishes', async () => {
    const server = await serve(revokedAt(120));
    const out = join(tmp.dir, 'first');
    await expect(sync(server, out)).rejects.toMatchObject({ code: 'auth' });
    const stopped = server.stats();
    // Nothing published, but the progress stays: a journal of the pages and files fetched, the spool, the files.
    expect(await exists(join(out, 'latest.json'))).toBe(false);
    expect(await exists(join(out, 'snapshots'))).toBe(false);
    const journal = await journalOf(out);
    const fetched = pagesIn(journal);
    expect(fetched.length).toBeGreaterThan(20);
    const files = journal.filter((r) => r.t === 'file' && r.o.kind === 'stored');
    expect(files.length).toBeGreaterThan(0);
    // No signed URL in the journal.
    expect(await readFile(join(progressDir(out), 'journal'), 'utf8')).not.toMatch(/[?&](sig|nonce|expires)=/);
    // Block listings are kept as Notion sent them (nothing serialised again), but those holding a
    // Notion-hosted file: those are kept as read, less the signed URLs.
    const listings = journal.filter((r) => r.t === 'children');
    const asSent = listings.filter((r) => r.r !== undefined);
    const asRead = listings.filter((r) => r.n !== undefined);
    expect(asSent.length).toBeGreaterThan(0);
    expect(asRead.length).toBeGreaterThan(0);
    expect(asSent.length + asRead.length).toBe(listings.length);
    expect(JSON.stringify(asSent)).not.toContain('expiry_time');
    expect(JSON.stringify(asSent)).not.toContain('"file"');
    expect(JSON.stringify(asRead)).toContain('"type":"file"');

    const resumed = await sync(server, out);
    const requests = server.stats().requests.total - stopped.requests.total;
    const downloads = server.stats().fileDownloads - stopped.fileDownloads;
    const queries = (server.stats().requests.byRoute[QUERY] ?? 0) - (stopped.requests.byRoute[QUERY] ?? 0);
    const queriesBefore = server.stats().requests.byRoute[QUERY] ?? 0;
    const clean = await cleanRun(server, 'first');
    // A data source whose rows the stopped run listed whole is not queried again (its rows not
    // fetched yet are fetched, never taken for new ones).
    const rowsListed = journal.filter((r) => r.t === 'rows').length;
    expect(rowsListed).toBeGreaterThan(0);
    expect(queries).toBeLessThanOrEqual((server.stats().requests.byRoute[QUERY] ?? 0) - queriesBefore - rowsListed);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.resumed).toBeGreaterThan(fetched.length * 0.8);
    expect(resumed.resumed).toBeLessThanOrEqual(fetched.length);
    // At most what the stopped run had not asked for, plus listing everything again, plus 5 %.
    expect(requests).toBeLessThanOrEqual(clean.requests - stopped.requests.total + clean.listing + 0.05 * clean.requests);
    expect(requests).toBeLessThan(clean.requests - fetched.length);
    // The files the stopped run downloaded are not downloaded again.
    expect(downloads).toBeLessThanOrEqual(clean.downloads - files.length);
    expect(await contentOf(resumed.snapshotDir)).toEqual(await contentOf(clean.outcome.snapshotDir));
    // Published: the progress is gone, the spool is the page cache of the sync state.
    expect(await exists(progressDir(out))).toBe(false);
    const next = await sync(server, out);
    expect(next).toMatchObject({ unchanged: true, mode: 'incremental' });
  });

  it('a first sync that published its snapshot but did not get to write its sync state (a kill, a full disk) leaves its progress: the next run fetches nothing again', async () => {
    const server = await serve();
    const out = join(tmp.dir, 'published-no-state');
    // The state's file cannot be written: the run publishes, warns, and ends as a kill there would leave it.
    const noState = { ...nodeOutputFs, open: ((path: string, ...rest: unknown[]) => (String(path).includes(STATE_FILE) ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) : (nodeOutputFs.open as (...a: unknown[]) => unknown)(path, ...rest))) as typeof nodeOutputFs.open };
    const first = await sync(server, out, { fs: noState });
    expect(first.exitCode).toBe(0);
    expect(await exists(join(out, STATE_DIR, STATE_FILE))).toBe(false);
    expect(pagesIn(await journalOf(out)).length).toBeGreaterThan(100);
    const before = server.stats().requests.total;
    const next = await sync(server, out);
    // Every page taken up from the progress; only the workspace is listed again.
    expect(next.resumed).toBeGreaterThan(100);
    expect(server.stats().requests.total - before).toBeLessThan(30);
    expect(await exists(progressDir(out))).toBe(false);
  });

  it('says so: "resuming: N pages already fetched" in the summary, `resumed` in --json', async () => {
    const server = await serve(revokedAt(120));
    const out = join(tmp.dir, 'cli');
    const cli = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const sink = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true), isTTY: false }) as unknown as NodeJS.WriteStream;
      const env = { PATH: process.env.PATH, NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl };
      const code = await main(['sync', '--out', out, '--rate', '1000', ...args], { stdout: sink((x) => (stdout += x)), stderr: sink((x) => (stderr += x)), env });
      return { code, stdout, stderr };
    };
    const stopped = await cli([]);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/NOTION_TOKEN was rejected/);
    const fetched = pagesIn(await journalOf(out)).length;
    const resumed = await cli([]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const line = /resuming: ([\d,]+) pages already fetched by an interrupted run \(not fetched again\)/.exec(resumed.stderr);
    expect(line, resumed.stderr).not.toBeNull();
    expect(Number(line![1]!.replace(/,/g, ''))).toBeGreaterThan(fetched * 0.8);
    // Nothing to resume the next time: `resumed` is 0.
    const again = await cli(['--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'unchanged', resumed: 0 });
  });

  it('a torn last record and damaged spool bytes are detected: what they describe is fetched again, never used', async () => {
    const server = await serve(revokedAt(100));
    const out = join(tmp.dir, 'torn');
    await expect(sync(server, out)).rejects.toMatchObject({ code: 'auth' });
    const journalFile = join(progressDir(out), 'journal');
    // The last record cut short (as by a SIGKILL during its write), and one page's bytes in the spool changed.
    const size = (await stat(journalFile)).size;
    const whole = decodeRecords(await readFile(journalFile));
    await truncate(journalFile, size - 7);
    const cut = decodeRecords(await readFile(journalFile));
    expect(cut.torn).toBe(true);
    expect(cut.records).toHaveLength(whole.records.length - 1);
    const pages = pagesIn(cut.records);
    const damaged = pages[3]!;
    const spool = join(progressDir(out), 'pages.spool');
    const bytes = await readFile(spool);
    bytes[damaged.at[0] + Math.floor(damaged.at[1] / 2)] ^= 0x01;
    await writeFile(spool, bytes);

    const warnings: string[] = [];
    const resumed = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { now: () => new Date(now), log: (level, m) => level === 'warn' && warnings.push(m) } });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.resumed).toBeLessThan(pages.length);
    expect(resumed.resumed).toBeGreaterThan(pages.length * 0.8);
    expect(warnings.join('\n')).toMatch(/pages an interrupted run left .* are damaged; those are fetched again/);
    const clean = await cleanRun(server, 'torn');
    expect(await contentOf(resumed.snapshotDir)).toEqual(await contentOf(clean.outcome.snapshotDir));
  });

  it('the journal says its form: an earlier version reads no record of it (and starts afresh), a journal of an earlier form is taken up, one of a later form is set aside', async () => {
    const server = await serve(revokedAt(120));
    const out = join(tmp.dir, 'form');
    await expect(sync(server, out)).rejects.toMatchObject({ code: 'auth' });
    const journalFile = join(progressDir(out), 'journal');
    const bytes = await readFile(journalFile);
    expect(bytes.subarray(0, JOURNAL_HEADER.length).equals(JOURNAL_HEADER)).toBe(true);
    const records = decodeRecords(bytes).records;
    const fetched = pagesIn(records).length;
    expect(fetched).toBeGreaterThan(20);
    // It holds listings as Notion sent them, which versions before form 2 cannot read: to them it holds no record.
    expect(records.some((r) => r.t === 'children' && r.r !== undefined)).toBe(true);
    expect(decodeRecordsOfForm1(bytes)).toMatchObject({ records: [], valid: 0, torn: true });
    // The same records with no first line: a journal an earlier version left (form 1). Taken up,
    // and written again in this form before anything is appended to it.
    const form1 = join(tmp.dir, 'form-1');
    await cp(out, form1, { recursive: true });
    await writeFile(join(progressDir(form1), 'journal'), bytes.subarray(JOURNAL_HEADER.length));
    expect(decodeRecordsOfForm1(await readFile(join(progressDir(form1), 'journal'))).records).toHaveLength(records.length);
    const stopAgain = server.stats().requests.total;
    // A later form: set aside, the run fetches everything.
    await writeFile(journalFile, Buffer.concat([Buffer.from('notion-kb journal 3\n'), bytes.subarray(JOURNAL_HEADER.length)]));
    const infos: string[] = [];
    const later = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { now: () => new Date(now), log: (level, m) => level === 'info' && infos.push(m) } });
    expect(later.exitCode).toBe(0);
    expect(later.resumed ?? 0).toBe(0);
    expect(infos.join('\n')).toMatch(/the progress of an interrupted run is set aside: a later version of notion-kb wrote it/);

    // Taken up by a run that then fails to publish (latest.json cannot be written): what it
    // leaves is in this form, which earlier versions do not read.
    const taken = join(tmp.dir, 'form-1-taken');
    await cp(form1, taken, { recursive: true });
    const beforeTaken = server.stats().requests.total;
    const noLatest = { ...nodeOutputFs, rename: (from: string, to: string) => (to.endsWith('latest.json') ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) : nodeOutputFs.rename(from, to)) } as typeof nodeOutputFs;
    await expect(sync(server, taken, { fs: noLatest })).rejects.toThrow(/the disk holding the output directory/);
    // Taken up: the pages the form-1 journal holds are not fetched again.
    expect(server.stats().requests.total - beforeTaken).toBeLessThan(beforeTaken - stopAgain - fetched);
    const left = await readFile(join(progressDir(taken), 'journal'));
    expect(left.subarray(0, JOURNAL_HEADER.length).equals(JOURNAL_HEADER)).toBe(true);
    expect(decodeRecordsOfForm1(left).records).toEqual([]);
    expect(decodeRecords(left).records.length).toBeGreaterThan(records.length);
    const before = server.stats().requests.total;
    const resumed = await sync(server, taken);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.resumed).toBeGreaterThan(fetched);
    expect(server.stats().requests.total - before).toBeLessThan((before - stopAgain) / 4);
    expect(await contentOf(resumed.snapshotDir)).toEqual(await contentOf(later.snapshotDir));
  });

  it('a page edited again in the minute it was fetched is fetched again (Notion rounds edit times down to the minute)', async () => {
    const { ids, workspace } = buildDemo();
    const server = await serve(revokedAt(120));
    const out = join(tmp.dir, 'minute');
    const paragraph = workspace.pages[ids.pages.glossary]!.children.find((c) => workspace.blocks[c]?.type === 'paragraph')!;
    // An edit at 11:00:10, the run at 11:00:20 (the page is read then), another edit at 11:00:40:
    // both edits have last_edited_time 11:00:00.
    now = Date.parse('2026-03-02T11:00:10.000Z');
    server.mutate.editBlockText(paragraph, 'First edit of the minute.');
    now = Date.parse('2026-03-02T11:00:20.000Z');
    await expect(sync(server, out)).rejects.toMatchObject({ code: 'auth' });
    const glossary = pagesIn(await journalOf(out)).find((p) => p.id === ids.pages.glossary);
    expect(glossary, 'the stopped run fetched the edited page').toBeDefined();
    expect(glossary!.e).toBe('2026-03-02T11:00:00.000Z');
    now = Date.parse('2026-03-02T11:00:40.000Z');
    server.mutate.editBlockText(paragraph, 'Second edit of the same minute.');
    now = Date.parse('2026-03-02T11:30:00.000Z');
    const resumed = await sync(server, out);
    expect(resumed.resumed).toBeGreaterThan(0);
    const index = await readJson<{ pages: Array<{ id: string; path: string }> }>(join(resumed.snapshotDir, 'index.json'));
    const md = await readFile(join(resumed.snapshotDir, index.pages.find((p) => p.id === ids.pages.glossary)!.path), 'utf8');
    expect(md).toContain('Second edit of the same minute.');
  });

  it('--full takes up only pages of runs that fetched everything; other settings set the progress aside', async () => {
    const server = await serve({ seed: 'resume', script: [{ match: { route: 'GET /v1/blocks/:id/children', nth: 100 }, fault: 'revoked-token' }, { match: { route: 'GET /v1/blocks/:id/children', nth: 160 }, fault: 'revoked-token' }] });
    const out = join(tmp.dir, 'full');
    now = Date.parse('2026-03-02T12:00:00.000Z');
    // A first sync stops; another one with other settings (a root) sets its progress aside and stops too.
    await expect(sync(server, out)).rejects.toMatchObject({ code: 'auth' });
    const firstPages = pagesIn(await journalOf(out)).length;
    const root = buildDemo().ids.root;
    await expect(sync(server, out, {}, { notion: { roots: [root] } })).rejects.toMatchObject({ code: 'auth' });
    const journal = await journalOf(out);
    expect(journal.filter((r) => r.t === 'run')).toHaveLength(1);
    expect(pagesIn(journal).length).toBeLessThan(firstPages + 70);
    // Without the root again: that progress is set aside in turn; --full (nothing published yet) completes.
    const done = await sync(server, out, { full: true });
    expect(done.resumed ?? 0).toBe(0);
    const clean = await cleanRun(server, 'full');
    expect(await contentOf(done.snapshotDir)).toEqual(await contentOf(clean.outcome.snapshotDir));
  });
});

describe('resume: an incremental run stopped part-way', () => {
  /**
   * A first sync of the demo; an hour later the titles of `edits` pages edited; an hour later a
   * run (`--full` with `full`) stopped by a 401 on the `revokeAt`-th block-children request (the
   * first sync lists about 250). Its journal, and a copy of its output directory.
   */
  async function stoppedAfterEdits(name: string, o: { revokeAt: number; edits: number; full: boolean }) {
    const tmp = await tempDir(`notion-kb-resume-${name}-`);
    const { workspace, ids } = buildDemo();
    let now = Date.parse('2026-03-02T10:00:05.000Z');
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now, faults: revokedAt(o.revokeAt) });
    const close = async () => {
      await server.close();
      await tmp.cleanup();
    };
    const sync = (out: string, full = false) => syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, deps: { now: () => new Date(now), full } });
    try {
      const out = join(tmp.dir, 'out');
      expect((await sync(out)).mode).toBe('full');
      now += 3_600_000;
      const pages = Object.keys(workspace.pages).filter((id) => workspace.pages[id]!.parent.type !== 'data_source' && id !== ids.trashedPage && id !== ids.unsharedPage);
      const edited = pages.slice(0, o.edits);
      for (const id of edited) server.mutate.editTitle(id, `Edited ${id.slice(0, 8)}`);
      now += 3_600_000;
      await expect(sync(out, o.full)).rejects.toMatchObject({ code: 'auth' });
      const journal = await journalOf(out);
      const copy = join(tmp.dir, 'copy');
      await cp(out, copy, { recursive: true });
      return { out, copy, journal, edited, sync, close };
    } catch (err) {
      await close();
      throw err;
    }
  }

  it('is taken up by the next incremental run, not by --full (which reuses only what runs fetching everything fetched)', async () => {
    // The 401 comes well into the incremental run.
    const { out, copy, journal, edited, sync, close } = await stoppedAfterEdits('incremental', { revokeAt: 275, edits: 60, full: false });
    try {
      expect(journal.find((r) => r.t === 'run')).toMatchObject({ full: false });
      expect(pagesIn(journal).length).toBeGreaterThan(5);

      const incremental = await sync(out);
      expect(incremental.mode).toBe('incremental');
      expect(incremental.resumed).toBeGreaterThan(5);
      // The pages the stopped run fetched are rendered from what it fetched, never taken as the
      // latest snapshot has them (the render pass skips only what the published snapshot shows).
      expect(incremental.report.counts.pagesRendered).toBeGreaterThanOrEqual(60);
      const index = await readJson<{ pages: Array<{ id: string; path: string }> }>(join(incremental.snapshotDir, 'index.json'));
      const fetchedEdited = pagesIn(journal).filter((p) => edited.includes(p.id));
      expect(fetchedEdited.length).toBeGreaterThan(0);
      for (const p of fetchedEdited) expect(await readFile(join(incremental.snapshotDir, index.pages.find((x) => x.id === p.id)!.path), 'utf8')).toContain(`Edited ${p.id.slice(0, 8)}`);
      const full = await sync(copy, true);
      expect(full.mode).toBe('full');
      expect(full.resumed ?? 0).toBe(0);
      expect(await contentOf(incremental.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
    } finally {
      await close();
    }
  });

  it('a --full run stopped part-way is taken up by the next incremental run, whose spool is then not the page cache: it equals a --full sync', async () => {
    // The 401 comes about half-way into the --full run.
    const { out, copy, journal, sync, close } = await stoppedAfterEdits('full-then-incremental', { revokeAt: 380, edits: 20, full: true });
    try {
      expect(journal.find((r) => r.t === 'run')).toMatchObject({ full: true, sc: null });
      expect(pagesIn(journal).length).toBeGreaterThan(20);

      // Unchanged pages are read back from the page cache (not adopted where the state says: the
      // spool holds the stopped run's pages there); those the stopped run fetched come from the spool.
      const incremental = await sync(out);
      expect(incremental.mode).toBe('incremental');
      expect(incremental.exitCode).toBe(0);
      expect(incremental.resumed).toBeGreaterThan(20);
      const full = await sync(copy, true);
      expect(await contentOf(incremental.snapshotDir)).toEqual(await contentOf(full.snapshotDir));
      // The page cache it leaves is whole: the next run adopts its pages and changes nothing.
      const next = await sync(out);
      expect(next).toMatchObject({ unchanged: true, mode: 'incremental' });
      expect(next.report.counts.pagesRendered).toBe(0);
    } finally {
      await close();
    }
  });
});

describe('resume: export', () => {
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const exportTo = (out: string, name: string) => {
    const resolved = resolveConfig({
      fileValue: { requests: { rate: 1000, concurrency: 4 }, assets: { external: 'none' } },
      env: { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl },
      flags: { out },
    });
    if (!resolved.ok) throw new Error(resolved.issues.join('; '));
    return runExport({ config: resolved.config, format: 'zip', version: 'test', name });
  };

  beforeAll(async () => {
    tmp = await tempDir('notion-kb-resume-export-');
    // Comments make the export about one request per block: the 401 comes well inside it.
    server = await startNotionServer({
      workspace: buildDemo().workspace,
      token: TOKEN,
      rateLimit: false,
      faults: { seed: 'resume-export', script: [{ match: { route: 'GET /v1/comments', nth: 400 }, fault: 'revoked-token' }] },
    });
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('an export stopped part-way resumes: the next export fetches only the rest, and its bundle holds what an uninterrupted export holds', async () => {
    const out = join(tmp.dir, 'stopped');
    await expect(exportTo(out, 'wiki')).rejects.toMatchObject({ code: 'auth' });
    const stopped = server.stats().requests.total;
    expect(pagesIn(await journalOf(out)).length).toBeGreaterThan(10);
    const resumed = await exportTo(out, 'wiki');
    const requests = server.stats().requests.total - stopped;
    expect(resumed.resumed).toBeGreaterThan(10);
    expect((await verifyBag(resumed.bundle.path)).ok).toBe(true);
    expect(await exists(progressDir(out))).toBe(false);

    const before = server.stats().requests.total;
    const whole = await exportTo(join(tmp.dir, 'uninterrupted'), 'wiki');
    const all = server.stats().requests.total - before;
    expect(await contentOf(resumed.snapshotDir)).toEqual(await contentOf(whole.snapshotDir));
    // What was not asked for yet, plus listing what did not change (⌈pages ÷ 100⌉ + databases + users,
    // the bot user), plus 5 %. Closer than that: the children and comments of a page the stopped
    // run had not finished are not listed again (listing them again would cost some 30 requests here).
    const listing = Math.ceil(whole.report.counts.pages / 100) + whole.report.counts.databases + 3;
    expect(requests).toBeLessThanOrEqual(all - stopped + listing + 0.05 * all);
    expect(requests).toBeLessThanOrEqual(all - stopped + listing + 12);
  });

  it('an export that published its snapshot but could not write its bundle brings that snapshot up to date instead of fetching everything again', async () => {
    const out = join(tmp.dir, 'unpacked');
    // A half-written bundle the export cannot remove (a folder by that name, with a file in it):
    // the bundle cannot be written once the snapshot is published. (A file where the exports
    // folder goes is refused before anything is fetched: export.test.ts.)
    await mkdir(join(out, 'exports', 'wiki.zip.partial'), { recursive: true });
    await writeFile(join(out, 'exports', 'wiki.zip.partial', 'in-the-way'), 'in the way');
    await expect(exportTo(out, 'wiki')).rejects.toMatchObject({ code: 'bundle' });
    expect(await exists(join(out, 'latest.json'))).toBe(true);
    expect(await exists(progressDir(out))).toBe(true);
    await rm(join(out, 'exports', 'wiki.zip.partial'), { recursive: true });
    const before = server.stats().requests.total;
    const again = await exportTo(out, 'wiki');
    const requests = server.stats().requests.total - before;
    expect(again).toMatchObject({ unchanged: true, mode: 'incremental' });
    // users/me, users, search, one per database: what a no-change sync costs.
    expect(requests).toBeLessThanOrEqual(again.report.counts.databases + Math.ceil(again.report.counts.pages / 100) + 3);
    expect((await verifyBag(again.bundle.path)).ok).toBe(true);
    expect(await exists(progressDir(out))).toBe(false);
    // A later export fetches everything again (with its comments).
    const third = await exportTo(out, 'wiki-2');
    expect(third.mode).toBe('full');
  });

  it('a partly written bundle is never taken for a finished one: verify refuses it, and the next export removes it', async () => {
    const out = join(tmp.dir, 'unpacked');
    const partial = join(out, 'exports', 'wiki-3.zip.partial');
    await writeFile(partial, 'PK\u0003\u0004 half a zip');
    const check = await verifyBag(partial);
    expect(check.ok).toBe(false);
    expect(check.problems[0]!.message).toMatch(/partly written bundle/);
    await exportTo(out, 'wiki-3');
    expect((await readdir(join(out, 'exports'))).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});
