import { describe, expect, it } from 'vitest';
import type { BlockNode } from '../../src/source/block-tree.js';
import type { CrawledDatabase, CrawledPage } from '../../src/source/crawl-types.js';
import { PlanInputBuilder, planPaths as planFromSummaries, slugify, summarisePage, type PathPlan } from '../../src/publish/plan-paths.js';

/** What the crawl hands on, collected (the sync never holds this; tests may). */
type CrawlResult = { pages: Map<string, CrawledPage>; databases: Map<string, CrawledDatabase> };

/** Plans the paths as a sync does: summaries of each crawled page and database, then the plan. */
function planPaths(crawl: CrawlResult): PathPlan {
  const builder = new PlanInputBuilder();
  for (const unit of crawl.pages.values()) builder.addPage(unit);
  for (const unit of crawl.databases.values()) builder.addDatabase(unit);
  return planFromSummaries(builder.build());
}

// ------------------------------------------------------------------ safety of one path segment

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Why a string is not a safe single file-name segment on Linux, macOS and Windows; null when it is. */
function segmentProblem(s: string): string | null {
  if (s === '') return 'empty';
  if (s === '.' || s === '..') return 'dot segment';
  if (/[/\\]/.test(s)) return 'path separator';
  if (/[<>:"|?*]/.test(s)) return 'character Windows forbids';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return 'control character';
  if (/[. ]$/.test(s)) return 'trailing dot or space (Windows strips it)';
  if (/^[ ]/.test(s)) return 'leading space';
  if (WINDOWS_RESERVED.test(s)) return 'Windows reserved device name';
  if (Buffer.byteLength(s, 'utf8') > 255) return `${Buffer.byteLength(s, 'utf8')} bytes`;
  return null;
}

describe('slugify', () => {
  it.each([
    ['a/b', 'a-b'],
    ['../../etc/passwd', 'etc-passwd'],
    ['..', 'untitled'],
    ['.', 'untitled'],
    ['C:\\Windows\\system32', 'c-windows-system32'],
    ['Meeting: 12:30', 'meeting-12-30'],
    ['tab\there\u0000nul\u001fend\u007f', 'tab-here-nul-end'],
    ['🚀 Launch 🎉', 'launch'],
    ['🚀🎉', 'untitled'],
    ['Партньори и бюджет', 'партньори-и-бюджет'],
    ['Straße & Größe', 'straße-größe'],
    ['', 'untitled'],
    ['   ', 'untitled'],
    ['?!…—()[]{}', 'untitled'],
    ['Notes. ', 'notes'],
    ['Budget 2026...', 'budget-2026'],
    ['Q&A (draft)', 'q-a-draft'],
  ])('%j → %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  // Decomposed (NFD) and composed (NFC) input name the same page; the file name must not differ.
  it('normalises to NFC so decomposed umlauts give the same slug', () => {
    expect(slugify('Übersicht'.normalize('NFD'))).toBe(slugify('Übersicht'));
  });

  const hostile = [
    'CON',
    'con',
    'Nul',
    'aux',
    'COM1',
    'lpt9',
    'PRN',
    'a'.repeat(250),
    'Ж'.repeat(250),
    '𠀀'.repeat(250),
    `${'ü'.repeat(59)}/../x`,
    'trailing dots...',
    'trailing spaces   ',
    '..\\..\\',
    '\u0000',
    '<>:"|?*',
    '🏳️‍🌈',
    '   .   ',
  ];
  it.each(hostile)('%j gives a safe single path segment', (title) => {
    const slug = slugify(title);
    expect(segmentProblem(slug), slug).toBeNull();
    // Short enough to leave room for "-<32 hex id>--<data source slug>-<8 hex>.csv" around it.
    expect(Buffer.byteLength(slug, 'utf8')).toBeLessThanOrEqual(100);
  });

  it('keeps the beginning of a long title, at most 60 characters', () => {
    const slug = slugify('Consortium agreement '.repeat(20));
    expect(slug.startsWith('consortium-agreement-consortium')).toBe(true);
    expect([...slug].length).toBeLessThanOrEqual(60);
    expect(slug.endsWith('-')).toBe(false);
  });
});

// ------------------------------------------------------------------ planPaths on hand-built crawls

const rt = (s: string) => [{ type: 'text', plain_text: s, text: { content: s, link: null }, annotations: {}, href: null }];
type Parent =
  | { type: 'workspace'; workspace: true }
  | { type: 'page_id'; page_id: string }
  | { type: 'block_id'; block_id: string }
  | { type: 'data_source_id'; data_source_id: string; database_id: string };
const workspace: Parent = { type: 'workspace', workspace: true };
const underPage = (page_id: string): Parent => ({ type: 'page_id', page_id });
const underBlock = (block_id: string): Parent => ({ type: 'block_id', block_id });

function page(id: string, title: string, parent: Parent, blocks: BlockNode[] = []): [string, CrawledPage] {
  return [id, { page: { object: 'page', id, parent, properties: { Name: { id: 'title', type: 'title', title: rt(title) } } } as never, blocks }];
}

function database(id: string, title: string, parent: Parent, sources: Array<{ id: string; title: string }>): [string, CrawledDatabase] {
  return [
    id,
    {
      database: { object: 'database', id, parent, title: rt(title) } as never,
      dataSources: sources.map((s) => ({ dataSource: { object: 'data_source', id: s.id, title: rt(s.title) } as never, rowIds: [] })),
    },
  ];
}

const rowOf = (dataSourceId: string, databaseId: string): Parent => ({ type: 'data_source_id', data_source_id: dataSourceId, database_id: databaseId });

function node(id: string, type: string, children: BlockNode[] = []): BlockNode {
  return { object: 'block', id, type, has_children: children.length > 0, [type]: {}, children } as unknown as BlockNode;
}

function crawlOf(pages: Array<[string, CrawledPage]>, databases: Array<[string, CrawledDatabase]> = []): CrawlResult {
  return { pages: new Map(pages), databases: new Map(databases) };
}

/** A dashed id whose 32 hex digits start with `prefix` and end with `tail`. */
const id = (prefix: string, tail: string | number) => {
  const hex = (prefix + String(tail).padStart(32 - prefix.length, '0')).slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const ROOT = id('a0000001', 1);
const KIDS = [id('b1000001', 1), id('b2000002', 2), id('b3000003', 3)];
const DB = id('d0000001', 9);
const DS = id('e0000001', 9);
const ROWS = [id('c1000001', 1), id('c2000002', 2)];
const COLUMN_PAGE = id('f0000001', 7);
const COLUMN_LIST = id('0c000001', 1);
const COLUMN = id('0c000002', 2);
const OUTSIDE = id('99999999', 99);

/** A small wiki: root with three "Notes" children, a database with two rows, a page inside a column. */
function wiki(): CrawlResult {
  return crawlOf(
    [
      page(ROOT, 'Handbook', workspace, [node(COLUMN_LIST, 'column_list', [node(COLUMN, 'column', [node(COLUMN_PAGE, 'child_page')])])]),
      ...KIDS.map((k) => page(k, 'Notes', underPage(ROOT))),
      ...ROWS.map((r, i) => page(r, `Partner ${i + 1}`, rowOf(DS, DB))),
      page(COLUMN_PAGE, 'In a column', underBlock(COLUMN)),
      page(id('aaaa0001', 5), 'Orphan child', underPage(OUTSIDE)),
    ],
    [database(DB, 'Partners', underPage(ROOT), [{ id: DS, title: 'Partners' }])],
  );
}

/** Plan as plain sorted entries, for comparing two plans. */
const flat = (plan: PathPlan) => ({
  pages: [...plan.pages.entries()].sort(([a], [b]) => a.localeCompare(b)),
  databases: [...plan.databases.entries()].sort(([a], [b]) => a.localeCompare(b)),
});

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('planPaths', () => {
  const plan = planPaths(wiki());
  const md = (pid: string) => plan.pages.get(pid)!.markdown;

  it('puts a top-level page under pages/ with slug and 8 hex of its id', () => {
    expect(md(ROOT)).toBe('pages/handbook-a0000001.md');
    expect(plan.pages.get(ROOT)!.record).toBe(`records/${ROOT}.json`);
    expect(plan.pages.get(ROOT)!.parentId).toBeNull();
  });

  it('gives siblings with the same title distinct names, in the parent folder', () => {
    const names = KIDS.map(md);
    expect(new Set(names).size).toBe(3);
    expect(names).toEqual(['pages/handbook-a0000001/notes-b1000001.md', 'pages/handbook-a0000001/notes-b2000002.md', 'pages/handbook-a0000001/notes-b3000003.md']);
  });

  it('puts rows in their database folder and records the database', () => {
    const db = plan.databases.get(DB)!;
    expect(db).toEqual({
      markdown: 'pages/handbook-a0000001/partners-d0000001.md',
      json: 'pages/handbook-a0000001/partners-d0000001.json',
      csv: ['pages/handbook-a0000001/partners-d0000001.csv'],
      parentId: ROOT,
    });
    for (const r of ROWS) {
      expect(md(r).startsWith('pages/handbook-a0000001/partners-d0000001/')).toBe(true);
      expect(plan.pages.get(r)!.databaseId).toBe(DB);
      expect(plan.pages.get(r)!.parentId).toBe(DB);
    }
  });

  it('puts a page parented by a block (column) under the page holding that block', () => {
    expect(md(COLUMN_PAGE)).toBe('pages/handbook-a0000001/in-a-column-f0000001.md');
    expect(plan.pages.get(COLUMN_PAGE)!.parentId).toBe(ROOT);
    expect(plan.pageOfBlock.get(COLUMN)).toBe(ROOT);
  });

  it('puts a page whose parent is outside the export at the top level', () => {
    const orphan = id('aaaa0001', 5);
    expect(md(orphan)).toBe('pages/orphan-child-aaaa0001.md');
    expect(plan.pages.get(orphan)!.parentId).toBeNull();
  });

  it.each([1, 2, 3, 4, 5])('gives the same plan whatever the crawl order (shuffle %i)', (seed) => {
    const base = wiki();
    const reordered = crawlOf(shuffled([...base.pages.entries()], seed), shuffled([...base.databases.entries()], seed + 7));
    expect(flat(planPaths(reordered))).toEqual(flat(plan));
  });

  it('uses the full id for siblings whose first 8 hex digits collide, and only for them', () => {
    const a = id('12345678', 'a');
    const b = id('12345678', 'b');
    const c = id('87654321', 'c');
    const far = id('12345678', 'f');
    const p = planPaths(
      crawlOf([
        page(ROOT, 'Root', workspace),
        page(a, 'Same', underPage(ROOT)),
        page(b, 'Same', underPage(ROOT)),
        page(c, 'Same', underPage(ROOT)),
        // Shares the prefix but lives in another folder: no collision, short name.
        page(far, 'Same', workspace),
      ]),
    );
    expect(p.pages.get(a)!.markdown).toBe(`pages/root-a0000001/same-${a.replaceAll('-', '')}.md`);
    expect(p.pages.get(b)!.markdown).toBe(`pages/root-a0000001/same-${b.replaceAll('-', '')}.md`);
    expect(p.pages.get(c)!.markdown).toBe('pages/root-a0000001/same-87654321.md');
    expect(p.pages.get(far)!.markdown).toBe('pages/same-12345678.md');
  });

  it('names one CSV per data source when a database has several', () => {
    const p = planPaths(
      crawlOf(
        [page(ROOT, 'Root', workspace)],
        [database(DB, 'Events', underPage(ROOT), [{ id: id('ee000001', 1), title: 'Talks' }, { id: id('ee000002', 2), title: 'Workshops' }])],
      ),
    );
    expect(p.databases.get(DB)!.csv).toEqual([
      'pages/root-a0000001/events-d0000001--talks-ee000001.csv',
      'pages/root-a0000001/events-d0000001--workshops-ee000002.csv',
    ]);
  });

  it('keeps every segment within 255 bytes and safe, even for long titles in 4-byte scripts with colliding ids', () => {
    const long = '𠀀'.repeat(200);
    const cyr = 'Щ'.repeat(200);
    const x = id('abcdef01', 1);
    const y = id('abcdef01', 2);
    const p = planPaths(
      crawlOf(
        [page(x, long, workspace), page(y, long, workspace), page(id('abcdef02', 3), `${cyr} : / .. CON`, underPage(x))],
        [
          database(DB, cyr, underPage(x), [
            { id: id('ee000001', 1), title: long },
            { id: id('ee000002', 2), title: cyr },
          ]),
          database(id('d0000002', 2), long, underPage(y), [{ id: id('ee000003', 3), title: long }]),
        ],
      ),
    );
    const paths = [
      ...[...p.pages.values()].flatMap((v) => [v.markdown, v.record]),
      ...[...p.databases.values()].flatMap((v) => [v.markdown, v.json, ...v.csv]),
    ];
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) {
      for (const segment of path.split('/')) expect(segmentProblem(segment), `${segment} in ${path}`).toBeNull();
    }
  });

  it('never loops on a parent cycle in a broken response; both pages still get a file', () => {
    const a = id('aa000001', 1);
    const b = id('bb000001', 2);
    const p = planPaths(crawlOf([page(a, 'A', underPage(b)), page(b, 'B', underPage(a))]));
    expect(p.pages.size).toBe(2);
    expect(new Set([...p.pages.values()].map((v) => v.markdown)).size).toBe(2);
  });

  it('assigns a heading inside a synced block to the page holding the original, whatever the crawl order', () => {
    const original = id('5a000001', 1);
    const inner = id('5b000001', 1);
    const reference = id('5c000001', 1);
    const holder = id('a1000001', 1);
    const user = id('a2000002', 2);
    const synced = (bid: string, from: string | null) =>
      ({ ...node(bid, 'synced_block', [{ ...node(inner, 'heading_2'), heading_2: { rich_text: [] } } as unknown as BlockNode]), synced_block: { synced_from: from ? { type: 'block_id', block_id: from } : null } }) as BlockNode;
    const pages = [page(holder, 'Holder', workspace, [synced(original, null)]), page(user, 'User', workspace, [synced(reference, original)])];
    for (const order of [pages, [...pages].reverse()]) {
      const p = planPaths(crawlOf(order));
      expect(p.pageOfBlock.get(inner)).toBe(holder);
      // Blocks nothing asks about (neither a heading nor holding a sub-page) are not tracked.
      expect(p.pageOfBlock.get(reference)).toBeUndefined();
    }
  });
});

describe('planPaths: full path length', () => {
  it('keeps a page 7 levels down with 250-character titles under 210 characters inside the snapshot', () => {
    const long = (n: number) => `Level ${n} ${'Консорциум agreement and sustainability plan '.repeat(6)}`;
    const ids = Array.from({ length: 7 }, (_, i) => id(`c${i}`, i));
    const pages = ids.map((pid, i) => page(pid, long(i + 1), i === 0 ? workspace : underPage(ids[i - 1]!)));
    const plan = planPaths(crawlOf(pages));
    const deepest = plan.pages.get(ids[6]!)!.markdown;
    expect(deepest.split('/')).toHaveLength(8);
    expect(deepest.length).toBeLessThanOrEqual(210);
    // Shallow pages keep more of their title.
    expect(plan.pages.get(ids[0]!)!.markdown.length).toBeGreaterThan(50);
  });

  it('keeps the titles of row pages four levels down apart (rows sharing their first 14 characters)', () => {
    const levels = [id('a1', 1), id('a2', 2), id('a3', 3)];
    const db = id('db', 4);
    const ds = id('d5', 5);
    const cities = ['Berlin', 'Vienna', 'Warsaw', 'Amsterdam', 'Sofia', 'Brussels'];
    const rows = cities.map((_, i) => id(`e${i}`, i));
    const plan = planPaths(
      crawlOf(
        [
          page(levels[0]!, 'MAGNET network wiki', workspace),
          page(levels[1]!, 'Academy', underPage(levels[0]!)),
          ...rows.map((r, i) => page(r, `Bookkeeping basics – ${cities[i]}`, rowOf(ds, db))),
        ],
        [database(db, 'Academy Sessions', underPage(levels[1]!), [{ id: ds, title: 'Academy Sessions' }])],
      ),
    );
    const names = rows.map((r) => plan.pages.get(r)!.markdown.split('/').at(-1)!.replace(/-[0-9a-f]{8}\.md$/, ''));
    expect(names).toEqual(cities.map((c) => `bookkeeping-basics-${c.toLowerCase()}`));
  });

  it('keeps every file of a deep and wide tree with long titles within 210 characters', () => {
    const long = (n: number) => `Section ${n} ${'Консорциум agreement and sustainability plan '.repeat(6)}`;
    const pages: Array<[string, CrawledPage]> = [];
    // A chain ten levels deep, and at each level a leaf sibling with a long title.
    let parent: Parent = workspace;
    for (let level = 0; level < 10; level++) {
      const pid = id(`f${level}`, level);
      pages.push(page(pid, long(level), parent), page(id(`9${level}`, level), long(100 + level), parent));
      parent = underPage(pid);
    }
    const plan = planPaths(crawlOf(pages));
    for (const p of plan.pages.values()) expect(p.markdown.length, p.markdown).toBeLessThanOrEqual(210);
    // A leaf near the top keeps the whole 60-character slug; names get shorter only as the branch below needs.
    const topLeaf = plan.pages.get(id('90', 0))!.markdown;
    expect(topLeaf.split('/').at(-1)!.length).toBe(60 + 9 + 3);
  });
});


describe('PlanInputBuilder.headingAnchors', () => {
  const heading = (bid: string, text: string) =>
    ({ object: 'block', id: bid, type: 'heading_2', has_children: false, heading_2: { rich_text: [{ type: 'text', plain_text: text, text: { content: text } }] }, children: [] }) as unknown as BlockNode;
  const synced = (bid: string, from: string | null, children: BlockNode[]) =>
    ({ object: 'block', id: bid, type: 'synced_block', has_children: true, synced_block: { synced_from: from ? { type: 'block_id', block_id: from } : null }, children }) as unknown as BlockNode;
  const holder = id('a1000001', 1);
  const user = id('a2000002', 2);
  const original = id('5a000001', 1);
  const shared = id('5b000001', 1);
  const own = id('5d000001', 1);
  const holderPage = page(holder, 'Holder', workspace, [synced(original, null, [heading(shared, 'Intro')])]);
  // The user page has an "Intro" of its own first, so the synced one is "intro-1" there.
  const userPage = page(user, 'User', workspace, [heading(own, 'Intro'), synced(id('5c000001', 1), original, [heading(shared, 'Intro')])]);

  const anchorsOf = (pages: Array<[string, CrawledPage]>) => {
    const builder = new PlanInputBuilder();
    for (const [, unit] of pages) builder.addPage(unit);
    return builder.headingAnchors();
  };

  it("gives a synced heading the anchor it has on the page holding the original, in any crawl order", () => {
    for (const order of [[holderPage, userPage], [userPage, holderPage]]) {
      const anchors = anchorsOf(order);
      expect(anchors.get(shared)).toBe('intro');
      expect(anchors.get(own)).toBe('intro');
    }
  });

  it('gives it the anchor on the referencing page when the original is not exported', () => {
    const anchors = anchorsOf([userPage]);
    expect(anchors.get(shared)).toBe('intro-1');
  });

  it('plans the same from summaries read back from the sync state as from the pages, in any mix', () => {
    const pages: Array<[string, CrawledPage]> = [holderPage, userPage, ...wiki().pages];
    const fromPages = new PlanInputBuilder();
    for (const [, unit] of pages) fromPages.addPage(unit);
    // Every other page from its summary as the state keeps it (JSON), the others fetched.
    const mixed = new PlanInputBuilder();
    pages.forEach(([pid, unit], i) => (i % 2 === 0 ? mixed.addSummary(pid, JSON.parse(JSON.stringify(summarisePage(unit)))) : mixed.addPage(unit)));
    const a = planFromSummaries(fromPages.build());
    const b = planFromSummaries(mixed.build());
    expect([...b.pages].sort()).toEqual([...a.pages].sort());
    const headings = pages.flatMap(([, unit]) => [...(summarisePage(unit).anchors ?? []), ...(summarisePage(unit).shownAnchors ?? [])].map(([block]) => block));
    expect(headings.length).toBeGreaterThan(2);
    for (const block of headings) expect(mixed.headingAnchors().get(block)).toBe(fromPages.headingAnchors().get(block));
    expect(headings.filter((block) => fromPages.headingAnchors().get(block) !== undefined).length).toBeGreaterThan(2);
    for (const block of [shared, own, COLUMN, COLUMN_LIST, original]) expect(b.pageOfBlock.get(block)).toBe(a.pageOfBlock.get(block));
    expect(b.pageOfBlock.get(COLUMN)).toBe(ROOT);
    // What the crawl visits below a page taken as it is.
    expect(summarisePage(wiki().pages.get(ROOT)!)).toMatchObject({ title: 'Handbook', subPages: [COLUMN_PAGE] });
  });
});
