// Screenshots of a snapshot's offline site: the home page, a database page and a deep page, at
// desktop and phone width. The browser test saves them under its temporary directory; the
// README's are made by `npm run screenshots` (scripts/site-screenshots.ts) with the same code.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import type { Index } from '../../src/normalise/schemas.js';

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 800 } as const;

/** One screenshot: a page of the site (path inside site/), a viewport, light or dark. */
export interface SiteShot {
  name: string;
  page: string;
  viewport: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

/** The site page of a snapshot Markdown path. */
const sitePage = (markdown: string) => markdown.replace(/\.md$/, '.html');

/** The pages the screenshots show: the home page, the named database (the demo's Partners), its first row, and the deepest page that is not a database row. */
export function screenshotPages(index: Index, database = 'Partners'): { home: string; database: string; row: string; deep: string } {
  const db = index.databases.find((d) => d.title === database && !d.linkedView) ?? index.databases.find((d) => !d.linkedView);
  const byId = new Map<string, { parentId: string | null }>([...index.pages, ...index.databases].map((p) => [p.id, p]));
  const depth = (id: string): number => {
    let d = 0;
    for (let p = byId.get(id); p?.parentId && byId.has(p.parentId) && d < 100; p = byId.get(p.parentId)) d++;
    return d;
  };
  const deep = index.pages
    .filter((p) => !p.databaseId)
    .map((p) => ({ p, d: depth(p.id) }))
    .sort((a, b) => b.d - a.d || (a.p.path < b.p.path ? -1 : 1))[0]!.p;
  const row = db ? index.pages.find((p) => p.id === db.rowIds[0]) : undefined;
  return { home: 'index.html', database: db ? sitePage(db.path.replace(/\.json$/, '.md')) : 'index.html', row: sitePage((row ?? deep).path), deep: sitePage(deep.path) };
}

/** Home, database and deep page at desktop and phone width. */
export function standardShots(index: Index): SiteShot[] {
  const pages = screenshotPages(index);
  return (['home', 'database', 'deep'] as const).flatMap((name) => [
    { name: `${name}-desktop`, page: pages[name], viewport: DESKTOP },
    { name: `${name}-phone`, page: pages[name], viewport: PHONE },
  ]);
}

/** Takes each screenshot of the site in `snapshotDir` into `outDir` (PNG); returns the files written. */
export async function takeScreenshots(browser: Browser, snapshotDir: string, shots: readonly SiteShot[], outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  for (const shot of shots) {
    const context = await browser.newContext({ viewport: shot.viewport, colorScheme: shot.colorScheme ?? 'light', deviceScaleFactor: 1 });
    // The site never needs the network; a screenshot must not either.
    await context.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(snapshotDir, 'site', shot.page)).href);
    await page.evaluate('document.fonts.ready.then(() => true)');
    const file = join(outDir, `${shot.name}.png`);
    await page.screenshot({ path: file });
    files.push(file);
    await context.close();
  }
  return files;
}
