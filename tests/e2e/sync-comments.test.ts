import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index, PageRecord } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import type { SyncOutcome } from '../../src/run-sync.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'comments', 'token', '0123456789abcdefghij'].join('_');
const COMMENTS_ROUTE = 'GET /v1/comments';

async function pagesOf(snapshotDir: string): Promise<Array<{ id: string; record: PageRecord; markdown: string }>> {
  const index = await readJson<Index>(join(snapshotDir, 'index.json'));
  return Promise.all(
    index.pages.map(async (p) => ({
      id: p.id,
      record: await readJson<PageRecord>(join(snapshotDir, p.record)),
      markdown: await readFile(join(snapshotDir, p.path), 'utf8'),
    })),
  );
}

/** Blocks of the demo a page's comments are listed for: all but sub-pages, databases, columns and what synced references show. */
function commentableBlocks(ws: ReturnType<typeof buildDemo>['workspace'], pageId: string): number {
  let n = 0;
  const visit = (id: string): void => {
    const b = ws.blocks[id];
    if (!b || b.inTrash) return;
    if (!['child_page', 'child_database', 'column_list', 'column'].includes(b.type)) n++;
    if (b.type === 'synced_block' && (b.payload.synced_from as { block_id?: string } | null)?.block_id) return;
    b.children.forEach(visit);
  };
  ws.pages[pageId]!.children.forEach(visit);
  return n;
}

describe('comments (content.comments)', () => {
  const { workspace, ids } = buildDemo();
  const p = ids.pages;
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };

  const sync = (dir: string, comments?: boolean) =>
    syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(out.dir, dir), ...(comments === undefined ? {} : { file: { content: { comments } } }) });

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('are off by default: no comments request, no discussions in records, no Discussion section', async () => {
    server.resetStats();
    const run = await sync('default');
    expect(run.exitCode).toBe(0);
    expect(server.stats().requests.byRoute[COMMENTS_ROUTE]).toBeUndefined();
    const pages = await pagesOf(run.snapshotDir);
    expect(pages.length).toBeGreaterThan(20);
    for (const page of pages) {
      expect(page.record.discussions).toBeUndefined();
      expect(page.markdown).not.toContain('## Discussion');
    }
  });

  describe('with content.comments: true', () => {
    let run: SyncOutcome;
    let pages: Map<string, { record: PageRecord; markdown: string }>;
    let commentRequests: number;

    beforeAll(async () => {
      server.resetStats();
      run = await sync('with-comments', true);
      commentRequests = server.stats().requests.byRoute[COMMENTS_ROUTE] ?? 0;
      pages = new Map((await pagesOf(run.snapshotDir)).map((x) => [x.id, x]));
    });

    it('exits 0 with a snapshot that verifies (records valid against the shipped JSON Schema)', async () => {
      expect(run.exitCode).toBe(0);
      expect(run.report.warnings.filter((w) => w.code === 'comments_unavailable')).toEqual([]);
      const verified = await verifySnapshot({ outDir: join(out.dir, 'with-comments') });
      expect(verified.problems).toEqual([]);
      expect(verified.ok).toBe(true);
    });

    it('costs one request per page and one per block that can carry a comment', () => {
      const expected = [...pages.keys()].reduce((n, id) => n + 1 + (workspace.pages[id] ? commentableBlocks(workspace, id) : 0), 0);
      expect(commentRequests).toBe(expected);
    });

    it('puts a page-level thread into the record: discussion id, authors, times, text with the mention', () => {
      const worked = pages.get(p.worked)!.record;
      expect(worked.discussions).toHaveLength(1);
      const [thread] = worked.discussions!;
      const source = workspace.comments.filter((c) => c.parent.type === 'page_id' && c.parent.page_id === p.worked);
      expect(source).toHaveLength(2);
      expect(thread!.id).toBe(source[0]!.discussionId);
      expect(thread!.parent).toEqual({ type: 'page', id: p.worked });
      expect(thread!.comments.map((c) => c.id)).toEqual(source.map((c) => c.id));
      expect(thread!.comments.map((c) => c.author.name)).toEqual(['Aylin Demir', 'Elena Marković']);
      expect(thread!.comments[0]!.author).toMatchObject({ id: ids.users.singa, type: 'person' });
      expect(thread!.comments[0]!.displayName).toBe('Aylin Demir');
      expect(thread!.comments[0]!.text.text).toBe('Could we add numbers for the childcare point? The Berlin attendance sheets have them.');
      expect(thread!.comments[1]!.text.text).toBe('Added to the mid-term report; @Aylin Demir please check the figures.');
      expect(thread!.comments[1]!.text.markdown).toContain('@Aylin Demir');
      for (const c of thread!.comments) expect(c.createdTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
      expect(thread!.comments[0]!.attachments).toEqual([]);
    });

    it('writes the thread into the Markdown as a Discussion section at the end', () => {
      const md = pages.get(p.worked)!.markdown;
      const at = md.indexOf('\n## Discussion\n');
      expect(at).toBeGreaterThan(0);
      // Last section: nothing of the body after it.
      expect(md.slice(at)).not.toContain('Interpreters as co-facilitators');
      expect(md.indexOf('Interpreters as co-facilitators')).toBeLessThan(at);
      const section = md.slice(at);
      expect(section).toContain('**On the page**');
      expect(section).toMatch(/> \*\*Aylin Demir\*\* · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n>\n> Could we add numbers for the childcare point\?/);
      expect(section).toMatch(/> \*\*Elena Marković\*\* · [^\n]+\n>\n> Added to the mid-term report; @Aylin Demir please check the figures\./);
      // One thread: the reply sits in the same quote as the question.
      expect(section.match(/\*\*On /g)).toHaveLength(1);
    });

    it('names the block of a block thread, and links a heading thread to the heading anchor', () => {
      const { record, markdown } = pages.get(p.sustainability)!;
      expect(record.discussions!.map((d) => d.parent.type)).toEqual(['block', 'block']);
      const section = markdown.slice(markdown.indexOf('## Discussion'));
      expect(section).toContain('**On a block**\n\n> **Grace Okafor** · ');
      expect(section).toContain('TERN confirmed in writing that the mentor pool continues after June 2026.');
      expect(section).toContain('**On the heading [What ends](#what-ends)**');
      expect(markdown).toContain('\n### What ends\n');
      expect(section).toContain('Should the newsletter archive be listed here too?');
    });

    it('gives pages without comments an empty list and no section', () => {
      const start = pages.get(p.start)!;
      expect(start.record.discussions).toEqual([]);
      expect(start.markdown).not.toContain('## Discussion');
    });

    it('changes the digest of commented pages only (comments are content)', async () => {
      const latest = await readJson<{ path: string }>(join(out.dir, 'default', 'latest.json'));
      const before = new Map((await pagesOf(join(out.dir, 'default', latest.path))).map((x) => [x.id, x.record.digest]));
      const commented = new Set(workspace.comments.map((c) => (c.parent.type === 'page_id' ? c.parent.page_id : undefined)));
      commented.add(p.sustainability);
      for (const [id, page] of pages) {
        if (commented.has(id)) expect(page.record.digest, id).not.toBe(before.get(id));
        else expect(page.record.digest, id).toBe(before.get(id));
      }
    });
  });

  it('an incremental run after one without comments fetches the comments of the cached pages', async () => {
    const first = await sync('switched');
    expect(first.mode).toBe('full');
    const second = await sync('switched', true);
    expect(second.mode).toBe('incremental');
    expect(second.exitCode).toBe(0);
    const pages = new Map((await pagesOf(second.snapshotDir)).map((x) => [x.id, x]));
    expect(pages.get(p.worked)!.record.discussions).toHaveLength(1);
    expect(pages.get(p.kickoff)!.markdown).toContain('Minutes approved at the Sofia meeting in September 2024.');
    // The next run keeps them from the page cache: nothing changed, no comments request.
    server.resetStats();
    const third = await sync('switched', true);
    expect(third.unchanged).toBe(true);
    expect(server.stats().requests.byRoute[COMMENTS_ROUTE]).toBeUndefined();
  });
});

describe('comments without the "Read comments" capability', () => {
  const { workspace } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let run: SyncOutcome;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, capabilities: { readComments: false } });
    out = await tempDir();
    run = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, file: { content: { comments: true } } });
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('warns once, asks for one comments request only, and exits 0', () => {
    expect(run.exitCode).toBe(0);
    const warned = run.report.warnings.filter((w) => w.code === 'comments_unavailable');
    expect(warned).toHaveLength(1);
    expect(warned[0]!.message).toMatch(/"Read comments"/);
    expect(run.report.failures).toEqual([]);
    expect(server.stats().requests.byRoute[COMMENTS_ROUTE]).toBe(1);
  });

  it('exports every page without discussions and without Discussion sections', async () => {
    const pages = await pagesOf(run.snapshotDir);
    expect(pages.length).toBeGreaterThan(20);
    for (const page of pages) {
      expect(page.record.discussions).toBeUndefined();
      expect(page.markdown).not.toContain('## Discussion');
    }
  });
});

describe('comments that cannot be had for one page', () => {
  it('make that page a failure (exit 3) that keeps the page, without discussions; other pages keep theirs', async () => {
    const { workspace, ids } = buildDemo();
    const server = await startNotionServer({
      workspace,
      token: TOKEN,
      rateLimit: false,
      faults: { seed: 1, script: [{ match: { route: 'GET /v1/comments', nth: 7 }, fault: '500' }] },
    });
    const out = await tempDir();
    try {
      const run = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, file: { content: { comments: true }, requests: { rate: 1000, concurrency: 4, maxAttempts: 1 } } });
      expect(run.exitCode).toBe(3);
      const failed = run.report.failures.filter((f) => /its comments could not be fetched/.test(f.message));
      expect(failed).toHaveLength(1);
      expect(run.report.failures).toHaveLength(1);
      expect(run.report.warnings.filter((w) => w.code === 'comments_unavailable')).toEqual([]);
      const pages = new Map((await pagesOf(run.snapshotDir)).map((x) => [x.id, x]));
      const page = pages.get(failed[0]!.pageId!)!;
      expect(page).toBeDefined();
      expect(page.record.discussions).toBeUndefined();
      // Every other page has its comments (those of the demo's commented pages included, unless it is the failed one).
      for (const [id, other] of pages) if (id !== failed[0]!.pageId) expect(other.record.discussions, id).toBeDefined();
      if (failed[0]!.pageId !== ids.pages.worked) expect(pages.get(ids.pages.worked)!.record.discussions).toHaveLength(1);
    } finally {
      await server.close();
      await out.cleanup();
    }
  });
});
