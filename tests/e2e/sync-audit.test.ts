// The self-audit of a full run (report.json `audit`): every page not edited since the previous
// snapshot must come out the same, formula/rollup and comment changes apart; anything else is
// drift of the incremental runs (`incremental_drift`). Against the local Notion server.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index, PageRecord, Report } from '../../src/normalise/schemas.js';
import { databaseDigest, fetchedForm, sha256Of } from '../../src/normalise/page-digest.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { PENDING_STATE_FILE, STATE_DIR, syncStatePath, type SyncState } from '../../src/publish/sync-state.js';
import type { SyncOutcome } from '../../src/run-sync.js';
import type { BlockNode } from '../../src/source/block-tree.js';
import type { CrawledPage } from '../../src/source/crawl-types.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'audit', 'token', '0123456789abcdefghij'].join('_');

/**
 * Rewrites one page's entry in the page cache with altered but valid content and fixes the
 * offsets, checksums and its digest in the sync state: a stale cache, not a damaged one, as if
 * the altered content had been fetched, so the next incremental run takes the altered page as it
 * is (and renders it, its digest being another).
 */
async function makeCacheStale(outDir: string, pageId: string, alter: (unit: CrawledPage) => void): Promise<void> {
  const state = await readJson<SyncState>(syncStatePath(outDir));
  const file = join(outDir, STATE_DIR, state.cache);
  const bytes = await readFile(file);
  expect(state.pages[pageId], 'the page is in the cache').toBeDefined();
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [id, p] of Object.entries(state.pages).sort(([, a], [, b]) => a.at[0] - b.at[0])) {
    let json = bytes.subarray(p.at[0], p.at[0] + p.at[1]).toString('utf8');
    if (id === pageId) {
      const unit = JSON.parse(json) as CrawledPage;
      alter(unit);
      json = JSON.stringify(unit);
      p.digest = fetchedForm(structuredClone(unit)).digest;
    }
    const buffer = Buffer.from(json, 'utf8');
    p.at = [offset, buffer.length];
    p.checksum = sha256Of(json);
    offset += buffer.length;
    parts.push(buffer);
  }
  await writeFile(file, Buffer.concat(parts));
  await writeFile(syncStatePath(outDir), JSON.stringify(state));
}

/** Replaces the text of the page's first paragraph that has any. */
function rewriteFirstParagraph(text: string): (unit: CrawledPage) => void {
  return (unit) => {
    const find = (nodes: BlockNode[]): BlockNode | undefined => {
      for (const b of nodes) {
        if (b.type === 'paragraph' && b.paragraph.rich_text.length > 0) return b;
        const inner = find(b.children);
        if (inner) return inner;
      }
      return undefined;
    };
    const paragraph = find(unit.blocks);
    if (!paragraph || paragraph.type !== 'paragraph') throw new Error(`page ${unit.page.id} has no paragraph with text`);
    paragraph.paragraph.rich_text = [{ ...paragraph.paragraph.rich_text[0]!, plain_text: text, ...{ text: { content: text, link: null } } } as never];
  };
}

async function entryOf(outcome: SyncOutcome, id: string): Promise<Index['pages'][number]> {
  const index = await readJson<Index>(join(outcome.snapshotDir, 'index.json'));
  const page = index.pages.find((p) => p.id === id);
  if (!page) throw new Error(`page ${id} is not in snapshot ${outcome.snapshotId}`);
  return page;
}

describe('self-audit: a full run checks what the incremental runs built', () => {
  const { workspace, ids } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-05-04T02:15:05.000Z');
  const logged: string[] = [];
  const tick = (seconds: number) => {
    now += seconds * 1000;
  };
  const sync = (full = false) =>
    syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, deps: { now: () => new Date(now), full, log: (level, message) => logged.push(`${level}: ${message}`) } });
  const drift = (r: Report) => r.warnings.filter((w) => w.code === 'incremental_drift');

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    out = await tempDir();
    const first = await sync();
    expect(first.mode).toBe('full');
    // A first run has nothing to compare with.
    expect(first.report.audit).toBeUndefined();
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('a full run after a series of incremental runs with edits between them: every unedited page compared, none differed', async () => {
    const paragraph = workspace.pages[ids.pages.glossary]!.children.find((c) => workspace.blocks[c]?.type === 'paragraph')!;
    const steps: Array<() => void> = [
      () => server.mutate.editBlockText(paragraph, 'An edited glossary.'),
      () => server.mutate.editTitle(ids.pages.ws11, 'Workshop 1.1 (renamed)'),
      () => server.mutate.movePage(ids.pages.icebreakers, ids.pages.toolkit),
      () => void server.mutate.createPage({ parent: ids.pages.howTo, title: 'A new how-to' }),
      () => server.mutate.trash(ids.pages.mentors),
      () => server.mutate.editTitle(Object.values(ids.partners.rows)[0]!, 'Renamed partner'),
    ];
    for (const step of steps) {
      tick(600);
      step();
      const incremental = await sync();
      expect(incremental.mode).toBe('incremental');
      expect(incremental.report.audit).toBeUndefined();
    }
    tick(3600);
    const full = await sync(true);
    expect(full.mode).toBe('full');
    const audit = full.report.audit!;
    expect(audit).toBeDefined();
    expect(audit.from).toBe((await readJson<{ snapshotId: string }>(join(out.dir, 'latest.json'))).snapshotId);
    expect(audit.differed).toEqual([]);
    expect(drift(full.report)).toEqual([]);
    expect(audit.formulaRollupChanges).toEqual([]);
    expect(audit.commentChanges).toEqual([]);
    // Every page is compared but those edited in the minute of the last incremental run (one rename).
    const pages = (await readJson<Index>(join(full.snapshotDir, 'index.json'))).pages.length;
    expect(audit.compared).toBeGreaterThanOrEqual(pages - 1);
    expect(full.unchanged).toBe(true);
  }, 300_000);

  it('a stale page in the cache: the incremental run uses it, the next full run names exactly that page (incremental_drift)', async () => {
    tick(600);
    const target = ids.pages.kpis;
    await makeCacheStale(out.dir, target, rewriteFirstParagraph('A stale copy the incremental run kept.'));
    const incremental = await sync();
    expect(incremental.mode).toBe('incremental');
    const stale = await entryOf(incremental, target);
    expect(await readFile(join(incremental.snapshotDir, stale.path), 'utf8')).toContain('A stale copy the incremental run kept.');

    tick(600);
    logged.length = 0;
    const full = await sync(true);
    const entry = await entryOf(full, target);
    expect(await readFile(join(full.snapshotDir, entry.path), 'utf8')).not.toContain('A stale copy');
    expect(full.report.audit!.differed).toEqual([{ id: target, path: entry.path, previousPath: stale.path }]);
    expect(drift(full.report)).toEqual([{ code: 'incremental_drift', pageId: target, message: expect.stringContaining(entry.path) }]);
    expect(full.report.audit!.formulaRollupChanges).toEqual([]);
    // report.json of the published snapshot has it, and the log names the page by path and id.
    const published = await readJson<Report>(join(full.snapshotDir, 'report.json'));
    expect(published.audit).toEqual(full.report.audit);
    expect(published.warnings.filter((w) => w.code === 'incremental_drift').map((w) => w.pageId)).toEqual([target]);
    // The report with its audit is valid against the schema shipped in the snapshot.
    expect(await verifySnapshot({ outDir: out.dir, snapshotDir: full.snapshotDir })).toMatchObject({ ok: true });
    const warned = logged.filter((l) => l.startsWith('warn:') && l.includes('incremental_drift'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(entry.path);
    expect(warned[0]).toContain(target);
  }, 300_000);

  it('without a sync state (a full crawl that was not asked for), the audit compares the files and still names the stale page', async () => {
    tick(600);
    const target = ids.pages.glossary;
    await makeCacheStale(out.dir, target, rewriteFirstParagraph('Another stale copy.'));
    const incremental = await sync();
    const stale = await entryOf(incremental, target);
    expect(await readFile(join(incremental.snapshotDir, stale.path), 'utf8')).toContain('Another stale copy.');
    await rm(syncStatePath(out.dir));
    tick(600);
    const full = await sync();
    expect(full.mode).toBe('full');
    expect(full.report.warnings.some((w) => w.code === 'full_crawl')).toBe(true);
    expect(full.report.audit!.differed.map((p) => p.id)).toEqual([target]);
    expect(drift(full.report).map((w) => w.pageId)).toEqual([target]);
  }, 300_000);

  it('pages an incremental run would fetch again although not edited (showing an edited synced block) are not drift', async () => {
    tick(600);
    const original = workspace.blocks[ids.syncedOriginal]!;
    const inside = original.children.find((c) => 'rich_text' in (workspace.blocks[c]?.payload ?? {}))!;
    // Edited after the last snapshot, with no incremental run before the full one.
    server.mutate.editBlockText(inside, 'The helpdesk has a new number.');
    tick(600);
    const full = await sync(true);
    expect(full.report.audit!.differed).toEqual([]);
    expect(drift(full.report)).toEqual([]);
    const index = await readJson<Index>(join(full.snapshotDir, 'index.json'));
    let shown = 0;
    for (const p of index.pages) if ((await readFile(join(full.snapshotDir, p.path), 'utf8')).includes('The helpdesk has a new number.')) shown++;
    expect(shown).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('formula and rollup values that changed without an edit are listed apart, and are not drift', async () => {
    tick(600);
    const partner = Object.entries(ids.partners.rows).find(([, id]) => id !== ids.manyRelationsRow)![1];
    const [edited, other] = ids.academy.rows;
    // A session's city changes: the session is edited (bumped); the partner's rollups over its
    // sessions and another session's date formula are recomputed by Notion without a bump.
    server.mutate.editProperty(edited!, 'Participants', { type: 'number', number: 99 });
    server.mutate.recompute(partner, 'Sessions hosted', { type: 'rollup', rollup: { type: 'number', number: 77, function: 'count' } });
    server.mutate.recompute(other!, 'Follow-up due', { type: 'formula', formula: { type: 'date', date: { start: '2031-01-01', end: null, time_zone: null } } });
    const incremental = await sync();
    expect(incremental.mode).toBe('incremental');
    const record = async (o: SyncOutcome, id: string) => readJson<PageRecord>(join(o.snapshotDir, (await entryOf(o, id)).record));
    // The incremental run keeps the partner as cached: only a full run refreshes such values (README).
    expect((await record(incremental, partner)).properties['Sessions hosted']).not.toMatchObject({ value: { value: 77 } });

    // A rename just before the full run changes the files of pages around it, not what was fetched of them.
    server.mutate.editTitle(ids.pages.toolkit, 'Open Toolkit (renamed)');
    tick(600);
    const full = await sync(true);
    expect((await record(full, partner)).properties['Sessions hosted']).toMatchObject({ value: { value: 77 } });
    const audit = full.report.audit!;
    expect(audit.differed).toEqual([]);
    expect(drift(full.report)).toEqual([]);
    expect(audit.formulaRollupChanges).toEqual(
      [
        { id: partner, path: (await entryOf(full, partner)).path, properties: ['Sessions hosted'] },
        { id: other!, path: (await entryOf(full, other!)).path, properties: ['Follow-up due'] },
      ].sort((a, b) => a.path.localeCompare(b.path)),
    );
    // The renamed page's parent and descendants: other files, the same fetched content.
    expect(audit.contextOnly).toBeGreaterThan(0);
  }, 300_000);
});

describe('self-audit with comments: a comment added without an edit is a comment change, not drift', () => {
  const { workspace, ids } = smallWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-05-04T02:15:05.000Z');
  const sync = (full = false) =>
    syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, file: { content: { comments: true } }, deps: { now: () => new Date(now), full } });

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    out = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('lists the page under commentChanges', async () => {
    expect((await sync()).mode).toBe('full');
    now += 3600_000;
    server.mutate.addComment(ids.row!, 'Added without an edit');
    const incremental = await sync();
    expect(incremental).toMatchObject({ mode: 'incremental', unchanged: true });
    now += 3600_000;
    const full = await sync(true);
    const entry = await entryOf(full, ids.row!);
    expect(await readFile(join(full.snapshotDir, entry.path), 'utf8')).toContain('Added without an edit');
    expect(full.report.audit).toMatchObject({ differed: [], formulaRollupChanges: [], commentChanges: [{ id: ids.row, path: entry.path }] });
    expect(full.report.warnings.filter((w) => w.code === 'incremental_drift')).toEqual([]);
  }, 120_000);
});

describe('self-audit: a page whose content one of the two runs could not fetch is left out, not drift', () => {
  const { workspace, ids } = smallWorkspace();
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const servers: NotionServer[] = [];
  /** A sync against a new server over the same workspace (a new API origin: a full crawl), `failing` the row's content. */
  const syncWith = async (failing: boolean) => {
    const server = await startNotionServer({
      workspace,
      token: TOKEN,
      rateLimit: false,
      ...(failing ? { faults: { seed: 'audit', script: [{ match: { route: 'GET /v1/blocks/:id/children', pathIncludes: ids.row! }, fault: '500' as const }] } } : {}),
    });
    servers.push(server);
    return syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(tmp.dir, 'out'), file: { requests: { rate: 1000, concurrency: 4, maxAttempts: 1 } } });
  };

  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await tmp.cleanup();
  });

  it('fails in this run, then in the previous one', async () => {
    expect((await syncWith(false)).exitCode).toBe(0);
    const failedNow = await syncWith(true);
    expect(failedNow.exitCode).toBe(3);
    expect(failedNow.report.failures.map((f) => f.pageId)).toContain(ids.row);
    expect(failedNow.report.audit).toMatchObject({ differed: [] });
    const failedBefore = await syncWith(false);
    expect(failedBefore.exitCode).toBe(0);
    expect(failedBefore.report.audit).toMatchObject({ differed: [] });
    expect(failedBefore.report.audit!.compared).toBeGreaterThan(3);
  }, 120_000);
});

describe('self-audit: only against a snapshot made alike', () => {
  const { workspace, ids } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let now = Date.parse('2026-05-04T02:15:05.000Z');
  const logged: string[] = [];
  const sync = (opts: { full?: boolean; file?: Record<string, unknown>; renderVersion?: string } = {}) => {
    now += 3600_000;
    logged.length = 0;
    return syncInProcess({
      baseUrl: server.baseUrl,
      token: TOKEN,
      out: out.dir,
      ...(opts.file ? { file: opts.file } : {}),
      deps: { now: () => new Date(now), full: opts.full ?? false, log: (level, message) => logged.push(`${level}: ${message}`), ...(opts.renderVersion ? { renderVersion: opts.renderVersion } : {}) },
    });
  };
  const drift = (r: Report) => r.warnings.filter((w) => w.code === 'incremental_drift');
  const noAudit = /no self-audit: snapshot \S+ was made with other settings \(roots, files, privacy rules\) or by another version of notion-kb/;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    out = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('privacy rules set, then dropped: each full crawl after the change has no audit (its pages were made under the other rules), the next one has', async () => {
    expect((await sync()).mode).toBe('full');
    // The glossary left out: the pages that link to it say so now, without an edit.
    const rules = { privacy: { excludePages: [ids.pages.glossary] } };
    const withRules = await sync({ file: rules });
    expect(withRules.mode).toBe('full');
    expect(withRules.report.warnings.find((w) => w.code === 'full_crawl')?.message).toMatch(/the privacy rules/);
    expect(withRules.report.audit).toBeUndefined();
    expect(drift(withRules.report)).toEqual([]);
    expect(logged.join('\n')).toMatch(noAudit);
    // Said once, with no "notion-kb: " of its own (the command puts that before every line).
    expect(logged).toContain('warn: a full crawl, because the roots, the file settings, the privacy rules or the API origin changed since the last sync');
    expect(logged.join('\n')).not.toMatch(/notion-kb: /);
    const next = await sync({ full: true, file: rules });
    expect(next.report.audit).toMatchObject({ differed: [] });
    expect(next.report.audit!.compared).toBeGreaterThan(100);

    // The rules dropped, as an export with the default config would: again no audit, then one.
    const without = await sync({ full: true });
    expect(without.report.audit).toBeUndefined();
    expect(drift(without.report)).toEqual([]);
    expect(logged.join('\n')).toMatch(noAudit);
    const again = await sync({ full: true });
    expect(again.report.audit).toMatchObject({ differed: [] });
    expect(again.report.audit!.compared).toBeGreaterThan(100);
  }, 300_000);

  it('another version of notion-kb: pages are compared through the page cache only (what was fetched), never by their files', async () => {
    const bumped = await sync({ full: true, renderVersion: '99.0.0-test' });
    expect(bumped.report.audit).toMatchObject({ differed: [] });
    expect(bumped.report.audit!.compared).toBeGreaterThan(100);
    // With no sync state at all nothing says how the snapshot was made: its files are compared, as before.
    await rm(join(out.dir, STATE_DIR), { recursive: true, force: true });
    const unbumped = await sync({ full: true });
    expect(unbumped.report.audit).toMatchObject({ differed: [] });
    expect(unbumped.report.audit!.compared).toBeGreaterThan(100);
  }, 300_000);

  it('a run with other rules stopped after publishing, before its state went into place: the pending state says how that snapshot was made', async () => {
    await rm(join(out.dir, STATE_DIR), { recursive: true, force: true });
    expect((await sync({ full: true })).mode).toBe('full');
    const before = await readFile(syncStatePath(out.dir), 'utf8');
    const rules = { privacy: { excludePages: [ids.pages.glossary] } };
    expect((await sync({ file: rules })).report.audit).toBeUndefined();
    // As if stopped there: its state pending, the state in place the one before.
    await writeFile(join(out.dir, STATE_DIR, PENDING_STATE_FILE), await readFile(syncStatePath(out.dir), 'utf8'));
    await writeFile(syncStatePath(out.dir), before);
    const back = await sync({ full: true });
    expect(drift(back.report)).toEqual([]);
    expect(back.report.audit).toBeUndefined();
    expect(logged.join('\n')).toMatch(noAudit);
  }, 300_000);

  it('a database digest leaves out its custom emoji URL too', () => {
    const db = (port: number) => ({ database: { object: 'database', id: 'd', icon: { type: 'custom_emoji', custom_emoji: { id: 'e1', name: 'magnet', url: `http://127.0.0.1:${port}/emoji/e1` } } }, dataSources: [] });
    expect(databaseDigest(db(4001))).toBe(databaseDigest(db(4002)));
    const other = db(4001);
    other.database.icon.custom_emoji.id = 'e2';
    expect(databaseDigest(other)).not.toBe(databaseDigest(db(4001)));
  });

  it('the same workspace from a server on another port (each `npm start`): a full crawl that finds nothing changed, the self-audit compares every page', async () => {
    const second = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    try {
      now += 3600_000;
      const moved = await syncInProcess({ baseUrl: second.baseUrl, token: TOKEN, out: out.dir, deps: { now: () => new Date(now), full: true } });
      expect(moved.mode).toBe('full');
      // The custom emojis' URLs name the other port: not a change of the pages that show them.
      expect(moved.report.changes).toMatchObject({ added: 0, updated: 0, removed: 0 });
      expect(moved.unchanged).toBe(true);
      expect(moved.report.audit).toMatchObject({ differed: [] });
      expect(moved.report.audit!.compared).toBeGreaterThan(100);
    } finally {
      await second.close();
    }
  }, 300_000);
});
