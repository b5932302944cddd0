// Finds a Chromium-family browser (Chromium, Chrome, Edge) for the offline site's browser test and
// the screenshot script; playwright-core drives it and downloads none of its own. Looked for, in
// order: NOTION_KB_BROWSER, Playwright's own browser cache, the usual install locations of Linux,
// macOS and Windows, then the PATH. Every input (environment, platform, home, file system) can be
// handed in, so that a unit test walks each branch on any machine.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** The environment variable naming the browser's executable. */
export const BROWSER_ENV = 'NOTION_KB_BROWSER';

export interface BrowserLookup {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  home: string;
  /** Whether `path` is a file that can be run. */
  isExecutable(path: string): boolean;
  /** The names in a directory; [] when it cannot be read. */
  list(dir: string): string[];
}

export type BrowserSearch =
  | { found: true; path: string; from: 'env' | 'playwright-cache' | 'install-location' | 'PATH' }
  /** `misconfigured`: NOTION_KB_BROWSER names no executable (a mistake to report, not a browser to do without). */
  | { found: false; misconfigured: boolean; tried: string[] };

export const systemLookup = (): BrowserLookup => ({
  env: process.env,
  platform: process.platform,
  home: homedir(),
  isExecutable(path) {
    try {
      if (!statSync(path).isFile()) return false;
      if (process.platform !== 'win32') accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
});

/** Executables inside one Playwright browser directory (`chromium-1200`, `chromium_headless_shell-1200`), newest layouts first. */
const PLAYWRIGHT_EXECUTABLES: Partial<Record<NodeJS.Platform, string[][]>> = {
  linux: [
    ['chrome-linux64', 'chrome'],
    ['chrome-linux-arm64', 'chrome'],
    ['chrome-linux', 'chrome'],
    ['chrome-headless-shell-linux64', 'chrome-headless-shell'],
    ['chrome-headless-shell-linux-arm64', 'chrome-headless-shell'],
    ['chrome-linux', 'headless_shell'],
  ],
  darwin: [
    ['chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
    ['chrome-headless-shell-mac-arm64', 'chrome-headless-shell'],
    ['chrome-headless-shell-mac-x64', 'chrome-headless-shell'],
    ['chrome-mac', 'headless_shell'],
  ],
  win32: [
    ['chrome-win64', 'chrome.exe'],
    ['chrome-win', 'chrome.exe'],
    ['chrome-headless-shell-win64', 'chrome-headless-shell.exe'],
    ['chrome-win', 'headless_shell.exe'],
  ],
};

/** Browser names looked up on the PATH (Windows adds .exe). */
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome', 'microsoft-edge', 'microsoft-edge-stable', 'msedge'];

/** Where Playwright keeps its browsers: PLAYWRIGHT_BROWSERS_PATH, else its cache directory per platform. */
function playwrightCache(l: BrowserLookup): string | null {
  const path = l.platform === 'win32' ? win32 : posix;
  const set = l.env.PLAYWRIGHT_BROWSERS_PATH;
  if (set && set !== '0') return set;
  if (l.platform === 'linux') return path.join(l.env.XDG_CACHE_HOME || path.join(l.home, '.cache'), 'ms-playwright');
  if (l.platform === 'darwin') return path.join(l.home, 'Library', 'Caches', 'ms-playwright');
  if (l.platform === 'win32') return path.join(l.env.LOCALAPPDATA || path.join(l.home, 'AppData', 'Local'), 'ms-playwright');
  return null;
}

/** Installed browsers outside the PATH, per platform. */
function installLocations(l: BrowserLookup): string[] {
  if (l.platform === 'darwin') {
    const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'];
    return ['/Applications', posix.join(l.home, 'Applications')].flatMap((dir) => apps.map((app) => posix.join(dir, app)));
  }
  if (l.platform === 'win32') {
    const roots = [l.env.LOCALAPPDATA, l.env.PROGRAMFILES ?? 'C:\\Program Files', l.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)'].filter((r): r is string => !!r);
    const apps = ['Google\\Chrome\\Application\\chrome.exe', 'Chromium\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe'];
    return roots.flatMap((root) => apps.map((app) => win32.join(root, app)));
  }
  // Linux and the BSDs: package managers put browsers on the PATH; these are the ones that do not.
  return ['/opt/google/chrome/chrome', '/opt/microsoft/msedge/msedge', '/opt/chromium.org/chromium/chromium', '/snap/bin/chromium'];
}

/** The first browser found, or every place looked at. */
export function findBrowser(lookup: BrowserLookup = systemLookup()): BrowserSearch {
  const l = lookup;
  const path = l.platform === 'win32' ? win32 : posix;
  const tried: string[] = [];
  const named = l.env[BROWSER_ENV];
  if (named) {
    if (l.isExecutable(named)) return { found: true, path: named, from: 'env' };
    return { found: false, misconfigured: true, tried: [named] };
  }
  const cache = playwrightCache(l);
  if (cache) {
    // Newest revision first; a full Chromium before the headless shell of the same revision.
    const dirs = l
      .list(cache)
      .map((name) => ({ name, m: /^chromium(_headless_shell)?-(\d+)$/.exec(name) }))
      .filter((d): d is { name: string; m: RegExpExecArray } => d.m !== null)
      .sort((a, b) => Number(b.m[2]) - Number(a.m[2]) || (a.m[1] ? 1 : 0) - (b.m[1] ? 1 : 0));
    tried.push(path.join(cache, 'chromium-*'));
    for (const dir of dirs) {
      for (const parts of PLAYWRIGHT_EXECUTABLES[l.platform] ?? []) {
        const candidate = path.join(cache, dir.name, ...parts);
        if (l.isExecutable(candidate)) return { found: true, path: candidate, from: 'playwright-cache' };
      }
    }
  }
  for (const candidate of installLocations(l)) {
    tried.push(candidate);
    if (l.isExecutable(candidate)) return { found: true, path: candidate, from: 'install-location' };
  }
  const dirs = (l.env.PATH ?? l.env.Path ?? '').split(l.platform === 'win32' ? ';' : ':').filter((d) => d !== '');
  const names = l.platform === 'win32' ? PATH_NAMES.map((n) => `${n}.exe`) : PATH_NAMES;
  tried.push(`${names.join(', ')} on the PATH`);
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (l.isExecutable(candidate)) return { found: true, path: candidate, from: 'PATH' };
    }
  }
  return { found: false, misconfigured: false, tried };
}

/** How to give the tests a browser, in one line. */
export const HOW_TO_ENABLE = `install Chromium, Chrome or Edge (Debian: apt-get install chromium; or npx playwright install chromium), or set ${BROWSER_ENV} to its executable`;

/** Whether the environment says this is a CI run (CI=true, as GitHub Actions and most CI systems set it). */
export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * What a browser test does: run with the browser found; skip with a one-line note when there is
 * none; fail naming the fix when there is none on CI (CI must prove the site works) or when
 * NOTION_KB_BROWSER names no executable.
 */
export function browserForTests(search: BrowserSearch, env: Readonly<Record<string, string | undefined>>): { run: string } | { skip: string } | { fail: string } {
  if (search.found) return { run: search.path };
  if (search.misconfigured) return { fail: `${BROWSER_ENV}=${search.tried[0]} is not an executable file: point it at a Chromium, Chrome or Edge executable, or unset it.` };
  if (isCi(env)) return { fail: `No browser for the offline site's browser test, and CI=true requires it: ${HOW_TO_ENABLE}.` };
  return { skip: `Skipped the offline site's browser test: no Chromium, Chrome or Edge found; to run it, ${HOW_TO_ENABLE}.` };
}
