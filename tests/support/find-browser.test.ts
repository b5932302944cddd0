import { posix, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_ENV, browserForTests, findBrowser, isCi, systemLookup, type BrowserLookup } from './find-browser.js';

/** A machine with these executables (and nothing else), on `platform`. */
function machine(platform: NodeJS.Platform, executables: string[], env: Record<string, string> = {}, home = platform === 'win32' ? 'C:\\Users\\ada' : platform === 'darwin' ? '/Users/ada' : '/home/ada'): BrowserLookup {
  const path = platform === 'win32' ? win32 : posix;
  const files = new Set(executables);
  return {
    env,
    platform,
    home,
    isExecutable: (p) => files.has(p),
    list: (dir) => [...new Set(executables.filter((f) => path.dirname(f) !== dir && f.startsWith(dir + path.sep)).map((f) => f.slice(dir.length + 1).split(path.sep)[0]!))],
  };
}

describe('findBrowser', () => {
  it(`takes ${BROWSER_ENV} first, and reports it when it names no executable instead of looking elsewhere`, () => {
    const everything = ['/home/ada/.cache/ms-playwright/chromium-1200/chrome-linux64/chrome', '/opt/google/chrome/chrome', '/usr/bin/chromium'];
    expect(findBrowser(machine('linux', [...everything, '/srv/my-chrome'], { [BROWSER_ENV]: '/srv/my-chrome', PATH: '/usr/bin' }))).toEqual({ found: true, path: '/srv/my-chrome', from: 'env' });
    expect(findBrowser(machine('linux', everything, { [BROWSER_ENV]: '/srv/gone', PATH: '/usr/bin' }))).toEqual({ found: false, misconfigured: true, tried: ['/srv/gone'] });
  });

  it("then Playwright's cache: the newest revision, a full Chromium before the headless shell, XDG_CACHE_HOME and PLAYWRIGHT_BROWSERS_PATH honoured", () => {
    const cache = '/home/ada/.cache/ms-playwright';
    const found = findBrowser(
      machine('linux', [`${cache}/chromium-1100/chrome-linux/chrome`, `${cache}/chromium_headless_shell-1200/chrome-headless-shell-linux64/chrome-headless-shell`, `${cache}/chromium-1200/chrome-linux64/chrome`, `${cache}/firefox-1500/firefox/firefox`, '/usr/bin/chromium'], { PATH: '/usr/bin' }),
    );
    expect(found).toEqual({ found: true, path: `${cache}/chromium-1200/chrome-linux64/chrome`, from: 'playwright-cache' });
    expect(findBrowser(machine('linux', [`${cache}/chromium_headless_shell-1200/chrome-headless-shell-linux64/chrome-headless-shell`]))).toEqual({
      found: true,
      path: `${cache}/chromium_headless_shell-1200/chrome-headless-shell-linux64/chrome-headless-shell`,
      from: 'playwright-cache',
    });
    expect(findBrowser(machine('linux', ['/xdg/ms-playwright/chromium-1/chrome-linux/chrome'], { XDG_CACHE_HOME: '/xdg' }))).toMatchObject({ path: '/xdg/ms-playwright/chromium-1/chrome-linux/chrome' });
    expect(findBrowser(machine('linux', ['/pw/chromium-7/chrome-linux64/chrome'], { PLAYWRIGHT_BROWSERS_PATH: '/pw' }))).toMatchObject({ path: '/pw/chromium-7/chrome-linux64/chrome' });
    const mac = '/Users/ada/Library/Caches/ms-playwright/chromium-1200/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing';
    expect(findBrowser(machine('darwin', [mac, '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome']))).toEqual({ found: true, path: mac, from: 'playwright-cache' });
    const win = 'C:\\Users\\ada\\AppData\\Local\\ms-playwright\\chromium-1200\\chrome-win64\\chrome.exe';
    expect(findBrowser(machine('win32', [win], { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }))).toEqual({ found: true, path: win, from: 'playwright-cache' });
  });

  it('then the usual install locations of Linux, macOS and Windows', () => {
    expect(findBrowser(machine('linux', ['/opt/microsoft/msedge/msedge', '/usr/bin/chromium'], { PATH: '/usr/bin' }))).toEqual({ found: true, path: '/opt/microsoft/msedge/msedge', from: 'install-location' });
    expect(findBrowser(machine('darwin', ['/Users/ada/Applications/Chromium.app/Contents/MacOS/Chromium']))).toEqual({
      found: true,
      path: '/Users/ada/Applications/Chromium.app/Contents/MacOS/Chromium',
      from: 'install-location',
    });
    expect(findBrowser(machine('darwin', ['/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge']))).toMatchObject({ from: 'install-location' });
    expect(findBrowser(machine('win32', ['C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe']))).toEqual({
      found: true,
      path: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
      from: 'install-location',
    });
    expect(findBrowser(machine('win32', ['D:\\Apps\\Google\\Chrome\\Application\\chrome.exe'], { PROGRAMFILES: 'D:\\Apps' }))).toMatchObject({ path: 'D:\\Apps\\Google\\Chrome\\Application\\chrome.exe' });
  });

  it('then the PATH (with .exe and ; on Windows)', () => {
    expect(findBrowser(machine('linux', ['/usr/bin/google-chrome-stable', '/usr/local/bin/chromium'], { PATH: '/usr/local/sbin::/usr/bin:/usr/local/bin' }))).toEqual({
      found: true,
      path: '/usr/bin/google-chrome-stable',
      from: 'PATH',
    });
    expect(findBrowser(machine('win32', ['C:\\tools\\msedge.exe'], { Path: 'C:\\Windows;C:\\tools' }))).toEqual({ found: true, path: 'C:\\tools\\msedge.exe', from: 'PATH' });
  });

  it('finds nothing on a machine without a browser, and says where it looked', () => {
    const none = findBrowser(machine('linux', ['/usr/bin/node', '/usr/lib/chromium/chromium'], { PATH: '/usr/local/bin:/usr/bin' }));
    expect(none).toMatchObject({ found: false, misconfigured: false });
    expect(none.found ? [] : none.tried).toEqual([
      '/home/ada/.cache/ms-playwright/chromium-*',
      '/opt/google/chrome/chrome',
      '/opt/microsoft/msedge/msedge',
      '/opt/chromium.org/chromium/chromium',
      '/snap/bin/chromium',
      'chromium, chromium-browser, google-chrome, google-chrome-stable, chrome, microsoft-edge, microsoft-edge-stable, msedge on the PATH',
    ]);
  });

  it('looks at the real machine without failing', () => {
    const search = findBrowser(systemLookup());
    expect(typeof search.found).toBe('boolean');
  });
});

describe('browserForTests', () => {
  const none = { found: false as const, misconfigured: false, tried: [] };
  it('runs with the browser found, skips with a note saying how to enable it, and fails on CI naming the fix', () => {
    expect(browserForTests({ found: true, path: '/usr/bin/chromium', from: 'PATH' }, { CI: 'true' })).toEqual({ run: '/usr/bin/chromium' });
    const skip = browserForTests(none, {});
    expect(skip).toEqual({ skip: expect.stringMatching(/^Skipped the offline site's browser test: .*apt-get install chromium.*NOTION_KB_BROWSER/) });
    expect('skip' in skip && skip.skip.includes('\n')).toBe(false);
    expect(browserForTests(none, { CI: 'false' })).toHaveProperty('skip');
    expect(browserForTests(none, { CI: '0' })).toHaveProperty('skip');
    expect(browserForTests(none, { CI: 'true' })).toEqual({ fail: expect.stringMatching(/CI=true requires it: install Chromium.*NOTION_KB_BROWSER/) });
    expect(browserForTests({ found: false, misconfigured: true, tried: ['/srv/gone'] }, {})).toEqual({ fail: expect.stringContaining('NOTION_KB_BROWSER=/srv/gone is not an executable file') });
  });

  it('reads CI as CI systems set it', () => {
    expect([isCi({ CI: 'true' }), isCi({ CI: '1' }), isCi({ CI: 'TRUE' }), isCi({}), isCi({ CI: '' }), isCi({ CI: 'false' })]).toEqual([true, true, true, false, false, false]);
  });
});
