import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseRecord, Index, PageEntry } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { readJson, tempDir } from '../support/cli.js';
import { browserForTests, findBrowser } from '../support/find-browser.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { PHONE, standardShots, takeScreenshots } from '../support/site-screenshots.js';

const TOKEN = ['secret', 'site', 'e2e', 'token', 'abcdefghijklmnopqrstuvwxyz'].join('_');

// A machine without a browser skips this file with a note; CI (CI=true) must run it.
const browserChoice = browserForTests(findBrowser(), process.env);
if ('skip' in browserChoice) console.warn(browserChoice.skip);

describe.skipIf('skip' in browserChoice)('the offline site (output.site) in headless Chromium from file://', () => {
  const { workspace } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let snapshot: string;
  let index: Index;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the browser requested, and those that were not file: (aborted). */
  const requested: string[] = [];
  const leftTheMachine: string[] = [];
  const pageErrors: string[] = [];

  const siteUrl = (sitePath: string) => pathToFileURL(join(snapshot, 'site', sitePath)).href;
  const htmlOf = (markdownPath: string) => `${markdownPath.replace(/\.md$/, '.html')}`;
  const h1 = () => page.locator('main h1').first().textContent();
  const databasePage = (title: string) => {
    const db = index.databases.find((d) => d.title === title && !d.linkedView)!;
    return { db, site: htmlOf(db.path.replace(/\.json$/, '.md')) };
  };
  /** A page of this test's browser context at another viewport (or colour scheme), watched like the main one. */
  const openAt = async (viewport: { width: number; height: number }, options: { colorScheme?: 'light' | 'dark' } = {}) => {
    const other = await browser.newContext({ viewport, ...options });
    await other.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      leftTheMachine.push(url);
      return route.abort();
    });
    const p = await other.newPage();
    p.on('request', (r) => requested.push(r.url()));
    p.on('pageerror', (e) => pageErrors.push(e.message));
    return { page: p, close: () => other.close() };
  };

  beforeAll(async () => {
    if (!('run' in browserChoice)) throw new Error('fail' in browserChoice ? browserChoice.fail : browserChoice.skip);
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir('notion-kb-site-');
    const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, file: { output: { site: true }, content: { comments: true } } });
    snapshot = outcome.snapshotDir;
    index = await readJson<Index>(join(snapshot, 'index.json'));
    browser = await chromium.launch({ executablePath: browserChoice.run, args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Anything but a file of the site is refused and recorded: the site must never need it.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      leftTheMachine.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await out?.cleanup();
  });

  it('is listed in the manifest, and the snapshot verifies with it', async () => {
    const manifest = await readJson<{ files: Array<{ path: string }> }>(join(snapshot, 'manifest.json'));
    const listed = manifest.files.map((f) => f.path);
    expect(listed).toContain('site/index.html');
    expect(listed.filter((p) => p.startsWith('site/pages/')).length).toBe(index.pages.length + index.databases.length);
    const { verifySnapshot } = await import('../../src/verify/verify-snapshot.js');
    const result = await verifySnapshot({ outDir: out.dir, snapshotDir: snapshot });
    expect(result.problems).toEqual([]);
  });

  it('loads nothing but relative files, and every relative link and image resolves inside the snapshot', async () => {
    const present = new Set(await listFiles(snapshot));
    const files = (await listFiles(join(snapshot, 'site'))).filter((f) => f.endsWith('.html'));
    let relativeLinks = 0;
    for (const f of files) {
      const html = await readFile(join(snapshot, 'site', f), 'utf8');
      // Every relative link and image of every page resolves to a file of the snapshot.
      for (const m of html.matchAll(/\s(?:src|href)="([^"#?]+)[^"]*"/g)) {
        if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(m[1]!)) continue;
        relativeLinks++;
        const target = posix.normalize(posix.join('site', posix.dirname(f), decodeURIComponent(m[1]!.replace(/&amp;/g, '&'))));
        expect(present.has(target), `${f}: ${m[1]} → ${target}`).toBe(true);
      }
      // Only the site's own scripts and stylesheet are loaded; every src/href is relative or a link to click.
      for (const m of html.matchAll(/<(script|link|img)\b[^>]*\s(?:src|href)="([^"]+)"/g)) {
        expect(m[2], `${f}: ${m[0]}`).not.toMatch(/^(?:[a-z]+:|\/\/)/i);
      }
    }
    expect(relativeLinks).toBeGreaterThan(files.length * 4);
  });

  it('navigates the page tree to a page three levels deep', async () => {
    const byId = new Map(index.pages.map((p) => [p.id, p]));
    const titles = index.pages.map((p) => p.title);
    const deep = index.pages
      .filter((p) => {
        const parent = p.parentId ? byId.get(p.parentId) : undefined;
        const top = parent?.parentId ? byId.get(parent.parentId) : undefined;
        return !p.databaseId && parent && top && top.parentId === null && titles.filter((t) => t === p.title).length === 1 && p.title.length > 3;
      })
      .sort((a, b) => a.title.localeCompare(b.title))[0]!;
    const parent = byId.get(deep.parentId!)!;
    const top = byId.get(parent.parentId!)!;
    await page.goto(siteUrl('index.html'));
    const twisty = (p: { path: string }) => page.locator(`#tree a[href$="${htmlOf(p.path).split('/').pop()}"]`).locator('xpath=preceding-sibling::button');
    // The single root (the wiki itself) is open from the start.
    expect(await twisty(top).getAttribute('aria-expanded')).toBe('true');
    await twisty(parent).click();
    await page.locator('#tree a', { hasText: deep.title }).first().click();
    await page.waitForURL(siteUrl(htmlOf(deep.path)));
    expect(await h1()).toBe(deep.title);
    // The tree on the page opens at the page itself.
    expect(await page.locator('#tree a[aria-current="page"] .label').textContent()).toBe(deep.title);
  });

  it('follows an internal link from one page to another', async () => {
    const root = index.pages.find((p) => p.parentId === null)!;
    await page.goto(siteUrl(htmlOf(root.path)));
    const link = page.locator('main a[href$=".html"]').first();
    const href = (await link.getAttribute('href'))!;
    await link.click();
    await page.waitForURL((url) => url.href !== siteUrl(htmlOf(root.path)));
    const sitePath = fileURLToPath(page.url()).slice(join(snapshot, 'site').length + 1);
    const target = [...index.pages, ...index.databases.map((d) => ({ ...d, path: d.path.replace(/\.json$/, '.md') }))].find((p) => htmlOf(p.path) === sitePath);
    expect(target, `${href} → ${sitePath}`).toBeDefined();
    expect(await h1()).toBe(target!.title);
  });

  it("shows a page's comments in its Discussion section, thread replies included", async () => {
    const worked = index.pages.find((p) => p.title === 'Lessons learnt: what worked')!;
    await page.goto(siteUrl(htmlOf(worked.path)));
    const discussion = page.locator('main h2', { hasText: 'Discussion' });
    await expect(discussion.count()).resolves.toBe(1);
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('Could we add numbers for the childcare point?');
    expect(text).toContain('Added to the mid-term report;');
  });

  it('shows images from the local assets', async () => {
    const withImage = index.pages.find((p) => p.parentId === null)!;
    await page.goto(siteUrl(htmlOf(withImage.path)));
    const img = page.locator('main img').first();
    expect(await img.getAttribute('src')).toMatch(/^(\.\.\/)+assets\/[0-9a-f]{64}\.\w+$/);
    await expect.poll(() => img.evaluate((el) => { const image = el as unknown as { complete: boolean; naturalWidth: number }; return image.complete ? image.naturalWidth : 0; })).toBeGreaterThan(0);
  });

  it('sorts a database table by a column, and its rows link to their pages', async () => {
    const db = index.databases.find((d) => d.title === 'Academy Sessions') ?? index.databases[0]!;
    await page.goto(siteUrl(htmlOf(db.path.replace(/\.json$/, '.md'))));
    const table = page.locator('main table').first();
    const headers = await table.locator('thead th').allTextContents();
    const column = headers.indexOf('Budget') !== -1 ? headers.indexOf('Budget') : 1;
    // Cells show the formatted value (€1,150) and sort by the exact one (data-sort="1150").
    const values = () => table.locator(`tbody tr td:nth-child(${column + 1})`).evaluateAll((cells) => cells.map((c) => c.getAttribute('data-sort') ?? ''));
    const numbers = (list: string[]) => list.filter((v) => v.trim() !== '').map(Number);
    const before = numbers(await values());
    expect(before.length).toBeGreaterThan(3);
    const header = table.locator('thead th').nth(column);
    await header.click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const asc = numbers(await values());
    expect(asc).toEqual([...before].sort((a, b) => a - b));
    await header.click();
    expect(numbers(await values())).toEqual([...before].sort((a, b) => b - a));
    // The first cell of each row links to the row's page.
    const rowLink = table.locator('tbody tr td:first-child a').first();
    const rowTitle = (await rowLink.textContent())!;
    await rowLink.click();
    await page.waitForURL(/\.html$/);
    expect(await h1()).toBe(rowTitle);
  });

  it('finds a page through search, by a word of its text, offline', async () => {
    // A word that occurs in the body of exactly one page (not its title), from the snapshot's Markdown.
    const counts = new Map<string, Set<string>>();
    const bodies = new Map<string, string>();
    for (const p of index.pages) {
      const body = (await readFile(join(snapshot, p.path), 'utf8')).replace(/^---\n[\s\S]*?\n---\n/, '');
      bodies.set(p.id, body);
      for (const w of body.toLowerCase().match(/\b[a-z]{9,}\b/g) ?? []) (counts.get(w) ?? counts.set(w, new Set()).get(w)!).add(p.id);
    }
    const [word, owners] = [...counts].filter(([w, ids]) => ids.size === 1 && !index.pages.find((p) => ids.has(p.id))!.title.toLowerCase().includes(w)).sort()[0]!;
    const target = index.pages.find((p) => owners.has(p.id))!;
    await page.goto(siteUrl('index.html'));
    await page.locator('#search').fill(word);
    const hit = page.locator('#results a', { hasText: target.title }).first();
    await hit.waitFor();
    await hit.click();
    await page.waitForURL(siteUrl(htmlOf(target.path)));
    expect(await h1()).toBe(target.title);
  });

  it("shows the workspace on the home page: every top-level page with its icon and the first line of its text, the root's own content first", async () => {
    const root = index.pages.find((p) => p.parentId === null)!;
    const top = [...index.pages.filter((p) => p.parentId === root.id), ...index.databases.filter((d) => d.parentId === root.id)];
    expect(top.length).toBeGreaterThan(5);
    await page.goto(siteUrl('index.html'));
    const cards = page.locator('main .cards li');
    expect((await cards.locator('.card-title').allTextContents()).sort()).toEqual(top.map((p) => p.title).sort());
    for (const p of top.filter((p): p is PageEntry => 'record' in p)) {
      const href = await page.locator('main .cards a', { hasText: p.title }).getAttribute('href');
      expect(href).toBe(htmlOf(p.path).split('/').map(encodeURIComponent).join('/'));
    }
    // Icons (emoji or downloaded images) and a line of text under each title.
    expect(await cards.locator('.card-icon').count()).toBe(top.length);
    const start = index.pages.find((p) => p.title === 'Start here' && p.parentId === root.id)!;
    const card = cards.filter({ hasText: 'Start here' });
    expect(await card.locator('.card-icon').textContent()).toBe('👋');
    const startText = (await readJson<{ plainText: string }>(join(snapshot, start.record))).plainText;
    const summary = (await card.locator('p').textContent())!;
    expect(summary.length).toBeGreaterThan(30);
    expect(startText.replace(/\s+/g, ' ')).toContain(summary.replace(/…$/, ''));
    // The single root's own text comes first, with its cover as a banner and its title.
    expect(await h1()).toBe(root.title);
    const mainText = (await page.locator('main').textContent())!;
    expect(mainText.indexOf('Everything the consortium knows')).toBeGreaterThan(-1);
    expect(mainText.indexOf('Everything the consortium knows')).toBeLessThan(mainText.indexOf('Pages'));
    expect(await page.locator('.cover img').count()).toBe(1);
  });

  it('shows a page with its cover as a full-width banner, its icon above the title, a breadcrumb and who last edited it', async () => {
    const root = index.pages.find((p) => p.parentId === null)!;
    await page.goto(siteUrl(htmlOf(root.path)));
    const cover = await page.locator('.cover img').boundingBox();
    const content = await page.locator('.content').boundingBox();
    expect(cover!.width).toBe(content!.width);
    expect(cover!.height).toBeGreaterThan(100);
    const icon = await page.locator('main .page-icon').boundingBox();
    const title = await page.locator('main h1').boundingBox();
    expect(icon!.y + icon!.height).toBeLessThanOrEqual(title!.y + 1);
    expect(await page.locator('main .edited').textContent()).toBe('Last edited Jan 8, 2024 by Elena Marković');

    // A row page: the breadcrumb names every ancestor, each a link but the page itself.
    const { db } = databasePage('Partners');
    const row = index.pages.find((p) => p.databaseId === db.id && p.title.startsWith('Danubia'))!;
    await page.goto(siteUrl(htmlOf(row.path)));
    expect(await page.locator('.breadcrumb li').allTextContents()).toEqual([root.title, 'Consortium', 'Partners', row.title]);
    expect(await page.locator('.breadcrumb a').count()).toBe(3);
    await page.locator('.breadcrumb a', { hasText: 'Consortium' }).click();
    expect(await h1()).toBe('Consortium');
  });

  it('shows database values as Notion does: euro amounts, readable dates, people by name, ✓, and long lists cut to a few entries', async () => {
    const { db, site } = databasePage('Partners');
    const record = await readJson<DatabaseRecord>(join(snapshot, db.path));
    const schema = record.dataSources[0]!.schema;
    const rows = record.dataSources[0]!.rows;
    expect(schema['Budget share']).toMatchObject({ type: 'number', format: 'euro' });
    await page.goto(siteUrl(site));
    const table = page.locator('main table').first();
    const headers = await table.locator('thead th').allTextContents();
    const column = async (name: string) => table.locator(`tbody tr td:nth-child(${headers.indexOf(name) + 1})`);
    const rowIndex = (title: string) => rows.findIndex((r) => r.title === title);
    const danubia = rows.find((r) => r.title.startsWith('Danubia'))!;
    const cell = async (name: string, row = danubia) => (await column(name)).nth(rowIndex(row.title));

    // A euro amount, grouped; the JSON and the CSV keep the exact number.
    const budget = danubia.properties['Budget share'] as { value: number };
    expect(budget.value).toBe(412500);
    expect(await (await cell('Budget share')).textContent()).toBe('€412,500');
    for (const text of await (await column('Budget share')).allTextContents()) expect(text).toMatch(/^(€\d{1,3}(,\d{3})*(\.\d\d)?)?$/);
    const csv = await readFile(join(snapshot, record.dataSources[0]!.csv), 'utf8');
    expect(csv).toContain(',412500,');

    // Dates: no ISO strings; a time only where the value has one. The CSV keeps the ISO values.
    const joined = danubia.properties.Joined as { value: { start: string } };
    expect(joined.value.start).toBe('2024-01-01');
    expect(await (await cell('Joined')).textContent()).toBe('Jan 1, 2024');
    expect(await (await cell('Created')).textContent()).toMatch(/^Jan 8, 2024, \d\d:\d\d UTC$/);
    for (const name of ['Joined', 'Created', 'Last edited', 'First session']) {
      for (const text of await (await column(name)).allTextContents()) expect(text, name).not.toMatch(/\d{4}-\d\d-\d\d|T\d\d:/);
    }
    expect(csv).toContain('2024-01-01');

    // People by name, checkboxes as ✓.
    const lead = (danubia.properties.Lead as { value: Array<{ name: string }> }).value;
    expect(await (await cell('Lead')).textContent()).toBe(lead.map((u) => u.name).join(' '));
    expect(await (await cell('Active')).textContent()).toBe('✓');

    // A relation with more than five entries: the first three, "+ N more", the rest one click away.
    const sessions = (danubia.properties['All sessions'] as { value: unknown[] }).value;
    expect(sessions.length).toBeGreaterThan(5);
    const relation = await cell('All sessions');
    expect(await relation.locator('a:visible').count()).toBe(3);
    await expect(relation.locator('.more-count').textContent()).resolves.toBe(`+ ${sessions.length - 3} more`);
    await relation.locator('summary .more-count').click();
    expect(await relation.locator('a:visible').count()).toBe(sessions.length);
    await relation.locator('summary .chip a').first().evaluate((a) => a.closest('details')!.removeAttribute('open'));
  });

  it('keeps every table row at most 200 pixels tall at desktop width', async () => {
    for (const db of index.databases.filter((d) => !d.linkedView)) {
      await page.goto(siteUrl(htmlOf(db.path.replace(/\.json$/, '.md'))));
      const heights = await page.locator('main table tbody tr').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
      expect(heights.length, db.title).toBe(db.rowIds.length);
      expect(Math.max(...heights), db.title).toBeLessThanOrEqual(200);
    }
  });

  it("opens a deep page with its tree entry in view, and the row of a long database's last row too", async () => {
    const byId = new Map(index.pages.map((p) => [p.id, p]));
    const depth = (p: PageEntry): number => (p.parentId && byId.has(p.parentId) ? 1 + depth(byId.get(p.parentId)!) : 0);
    const deepest = index.pages.filter((p) => !p.databaseId).sort((a, b) => depth(b) - depth(a))[0]!;
    expect(depth(deepest)).toBeGreaterThanOrEqual(5);
    const { db } = databasePage('Academy Sessions');
    const lastRow = index.pages.filter((p) => p.databaseId === db.id).sort((a, b) => b.title.localeCompare(a.title, 'en'))[0]!;
    for (const target of [deepest, lastRow]) {
      await page.goto(siteUrl(htmlOf(target.path)));
      const current = page.locator('#tree a[aria-current="page"]');
      expect(await current.locator('.label').textContent()).toBe(target.title);
      const entry = (await current.boundingBox())!;
      const sidebar = (await page.locator('#sidebar').boundingBox())!;
      expect(entry.y, target.title).toBeGreaterThanOrEqual(sidebar.y);
      expect(entry.y + entry.height, target.title).toBeLessThanOrEqual(Math.min(sidebar.y + sidebar.height, 800));
    }
  });

  it('fits a phone (390 × 800): no sideways scroll outside table boxes, and the page tree is a menu that opens and closes', async () => {
    const phone = await openAt(PHONE);
    try {
      const root = index.pages.find((p) => p.parentId === null)!;
      const pages = ['index.html', htmlOf(root.path), databasePage('Partners').site, databasePage('Academy Sessions').site, ...index.pages.filter((p) => p.title.length > 60).map((p) => htmlOf(p.path))];
      for (const sitePath of pages) {
        await phone.page.goto(siteUrl(sitePath));
        const widths = (await phone.page.evaluate('({ scroll: document.documentElement.scrollWidth, view: document.documentElement.clientWidth })')) as { scroll: number; view: number };
        expect(widths.scroll, sitePath).toBeLessThanOrEqual(widths.view);
      }
      await phone.page.goto(siteUrl(htmlOf(root.path)));
      const tree = phone.page.locator('#tree');
      const toggle = phone.page.locator('.menu-toggle');
      expect(await tree.isVisible()).toBe(false);
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      expect(await tree.isVisible()).toBe(true);
      await phone.page.locator('#tree a', { hasText: 'Consortium' }).first().click();
      await phone.page.waitForURL(/consortium-[0-9a-f]+\.html$/);
      expect(await phone.page.locator('#tree').isVisible()).toBe(false);
      await phone.page.locator('.menu-toggle').click();
      expect(await phone.page.locator('#tree a[aria-current="page"]').isVisible()).toBe(true);
      await phone.page.locator('.menu-toggle').click();
      expect(await phone.page.locator('#tree').isVisible()).toBe(false);
      // At desktop width the tree is always there and the menu button is not.
      expect(await page.locator('.menu-toggle').isVisible()).toBe(false);
    } finally {
      await phone.close();
    }
  });

  it('has a dark theme (prefers-color-scheme) and prints a page without the sidebar', async () => {
    const dark = await openAt({ width: 1280, height: 800 }, { colorScheme: 'dark' });
    try {
      await dark.page.goto(siteUrl('index.html'));
      const background = (await dark.page.evaluate('getComputedStyle(document.body).backgroundColor')) as string;
      const [r, g, b] = background.match(/\d+/g)!.map(Number);
      expect(r! + g! + b!).toBeLessThan(150);
    } finally {
      await dark.close();
    }
    const root = index.pages.find((p) => p.parentId === null)!;
    await page.goto(siteUrl(htmlOf(root.path)));
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('#sidebar').isVisible()).toBe(false);
      expect(await page.locator('main h1').isVisible()).toBe(true);
      const main = (await page.locator('main').boundingBox())!;
      expect(main.x).toBeLessThan(40);
    } finally {
      await page.emulateMedia({ media: null });
    }
  });

  it('saves screenshots of the home page, a database page and a deep page at desktop and phone width', async () => {
    // Kept after the test (the export's temporary directory is not), to be looked at.
    const dir = await mkdtemp(join(tmpdir(), 'notion-kb-site-screenshots-'));
    const files = await takeScreenshots(browser, snapshot, standardShots(index), dir);
    expect(files.map((f) => posix.basename(f)).sort()).toEqual(
      ['database-desktop', 'database-phone', 'deep-desktop', 'deep-phone', 'home-desktop', 'home-phone'].map((n) => `${n}.png`),
    );
    for (const f of files) {
      expect((await readFile(f)).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect((await stat(f)).size).toBeGreaterThan(5_000);
    }
    console.log(`offline-site screenshots: ${dir}`);
  });

  it('made no request that left the machine, and no script failed', () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(leftTheMachine).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
