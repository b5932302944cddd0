import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'site', 'e2e', 'token', 'abcdefghijklmnopqrstuvwxyz'].join('_');
/** Debian's chromium package; .ci/run installs it. */
const CHROMIUM = '/usr/bin/chromium';

describe('the offline site (output.site) in headless Chromium from file://', () => {
  const { workspace } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let snapshot: string;
  let index: Index;
  let browser: Browser;
  let page: Page;
  /** Every URL the browser requested, and those that were not file: (aborted). */
  const requested: string[] = [];
  const leftTheMachine: string[] = [];
  const pageErrors: string[] = [];

  const siteUrl = (sitePath: string) => pathToFileURL(join(snapshot, 'site', sitePath)).href;
  const htmlOf = (markdownPath: string) => `${markdownPath.replace(/\.md$/, '.html')}`;
  const h1 = () => page.locator('main h1').first().textContent();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: this test drives Debian's chromium package. Install it with: apt-get install -y --no-install-recommends chromium (.ci/run does).`);
    }
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir('notion-kb-site-');
    const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, file: { output: { site: true }, content: { comments: true } } });
    snapshot = outcome.snapshotDir;
    index = await readJson<Index>(join(snapshot, 'index.json'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext();
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
    await twisty(top).click();
    await twisty(parent).click();
    await page.locator('#tree a', { hasText: deep.title }).first().click();
    await page.waitForURL(siteUrl(htmlOf(deep.path)));
    expect(await h1()).toBe(deep.title);
    // The tree on the page opens at the page itself.
    expect(await page.locator('#tree a[aria-current="page"]').textContent()).toBe(deep.title);
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
    const values = () => table.locator(`tbody tr td:nth-child(${column + 1})`).allTextContents();
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

  it('made no request that left the machine, and no script failed', () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(leftTheMachine).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
