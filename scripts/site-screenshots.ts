// `npm run screenshots`: exports the demo wiki with its offline site into a temporary directory
// and takes the README's screenshots of the site (docs/screenshots/*.png), so that they can be
// made again whenever the site changes. Needs a Chromium, Chrome or Edge (see
// tests/support/find-browser.ts; NOTION_KB_BROWSER names one). Emoji need a colour emoji font
// (Debian: fonts-noto-color-emoji). `-- --out <dir>` writes elsewhere; `-- --all` takes every
// screenshot the browser test takes, in both colour schemes.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import type { Index } from '../src/normalise/schemas.js';
import { findBrowser, HOW_TO_ENABLE } from '../tests/support/find-browser.js';
import { DESKTOP, PHONE, screenshotPages, standardShots, takeScreenshots, type SiteShot } from '../tests/support/site-screenshots.js';

const REPO = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const outDir = resolve(outAt === -1 ? join(REPO, 'docs', 'screenshots') : args[outAt + 1]!);

const browserPath = findBrowser();
if (!browserPath.found) {
  console.error(`No browser for the screenshots: ${HOW_TO_ENABLE}.`);
  process.exit(1);
}

const work = await mkdtemp(join(tmpdir(), 'notion-kb-screenshots-'));
try {
  console.error('Exporting the demo wiki with its offline site…');
  const { stdout } = await promisify(execFile)(process.execPath, [join(REPO, 'bin', 'notion-kb.js'), 'demo', '--out', work, '--json'], { cwd: REPO, maxBuffer: 1 << 24 });
  const snapshot = resolve(REPO, (JSON.parse(stdout) as { snapshotDir: string }).snapshotDir);
  const index = JSON.parse(await readFile(join(snapshot, 'index.json'), 'utf8')) as Index;
  const pages = screenshotPages(index);
  const shots: SiteShot[] = args.includes('--all')
    ? standardShots(index).flatMap((s) => [s, { ...s, name: `${s.name}-dark`, colorScheme: 'dark' as const }])
    : [
        { name: 'home', page: pages.home, viewport: DESKTOP },
        { name: 'database', page: pages.database, viewport: DESKTOP },
        { name: 'row-phone', page: pages.row, viewport: PHONE },
      ];
  const browser = await chromium.launch({ executablePath: browserPath.path, args: ['--no-sandbox'] });
  try {
    const files = await takeScreenshots(browser, snapshot, shots, outDir);
    let total = 0;
    for (const f of files) {
      const { size } = await stat(f);
      total += size;
      console.log(`${relative(process.cwd(), f)}  ${(size / 1024).toFixed(0)} KB`);
    }
    console.log(`${files.length} screenshots, ${(total / 1024).toFixed(0)} KB`);
  } finally {
    await browser.close();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
