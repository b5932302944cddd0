// Every mistake a user can make gets one clear answer: exit 2 (usage or configuration) or 1
// (the API or the machine refused), a sentence naming the problem and the fix in a few lines,
// no stack trace, no progress line, and an output directory left as it was found.
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { runCli, tempDir } from '../support/cli.js';

const TOKEN = ['secret', 'bad', 'input', 'token', '0123456789abcdefghij'].join('_');

interface Case {
  name: string;
  args: (ctx: Ctx) => string[];
  env?: (ctx: Ctx) => Record<string, string | undefined>;
  /** Files to create first (relative to the case's directory). */
  setup?: (dir: string) => Promise<void>;
  exit: 1 | 2;
  /** What the answer must say. */
  says: RegExp;
  /** Secrets that must not appear in the answer. */
  hides?: (ctx: Ctx) => string[];
}

interface Ctx {
  base: string;
  dir: string;
  out: string;
  good: string;
}

const yaml = (dir: string, text: string) => writeFile(join(dir, 'c.yaml'), text);
const sync = (extra: string[] = []) => (ctx: Ctx) => ['sync', '--out', ctx.out, ...extra];
const syncWith = (text: string, extra: string[] = []): Pick<Case, 'args' | 'setup'> => ({
  setup: (dir) => yaml(dir, text),
  args: (ctx) => ['sync', '--out', ctx.out, '--config', join(ctx.dir, 'c.yaml'), ...extra],
});

const CASES: Case[] = [
  // The config file.
  { name: 'config file is not valid YAML', ...syncWith('requests: [rate: 3\n'), exit: 2, says: /c\.yaml[^]*line 2, column 1: not valid YAML/ },
  { name: 'config file: a wrong type', ...syncWith('requests:\n  rate: fast\n'), exit: 2, says: /requests\.rate: must be "auto" or a number from 0\.01 to 1000/ },
  { name: 'config file: an unknown key, with a suggestion', ...syncWith('requests:\n  rat: 3\n'), exit: 2, says: /requests\.rat.*rate/ },
  { name: 'config file: a negative concurrency', ...syncWith('requests:\n  concurrency: -1\n'), exit: 2, says: /requests\.concurrency: must be from 1 to 64/ },
  { name: 'config file: a zero rate', ...syncWith('requests:\n  rate: 0\n'), exit: 2, says: /requests\.rate: must be from 0\.01 to 1000/ },
  { name: 'config file: an overflowing timeout', ...syncWith('requests:\n  timeoutMs: 99999999999999\n'), exit: 2, says: /requests\.timeoutMs: must be from 1 to 3600000/ },
  { name: 'config file: a fractional attempt count', ...syncWith('requests:\n  maxAttempts: 2.5\n'), exit: 2, says: /requests\.maxAttempts: must be a whole number/ },
  { name: 'config file: an absurd file size', ...syncWith('assets:\n  maxBytes: 1e30\n'), exit: 2, says: /assets\.maxBytes: must be from 1 to/ },
  { name: 'config file: an unknown external-file policy', ...syncWith('assets:\n  external: some\n'), exit: 2, says: /assets\.external: must be one of images, all, none/ },
  { name: 'config file: a section that is a list', ...syncWith('notion:\n  - a\n'), exit: 2, says: /notion: must be a mapping/ },
  { name: 'config file that does not exist', args: (c) => ['sync', '--out', c.out, '--config', join(c.dir, 'nope.yaml')], exit: 2, says: /nope\.yaml/ },
  { name: 'config file that is a directory', setup: (d) => mkdir(join(d, 'cfg')), args: (c) => ['sync', '--out', c.out, '--config', join(c.dir, 'cfg')], exit: 2, says: /cfg/ },
  { name: 'prune: a negative retention in the file', ...{ setup: (d: string) => yaml(d, 'retention:\n  keepLast: -3\n') }, args: (c) => ['prune', '--out', c.out, '--config', join(c.dir, 'c.yaml')], exit: 2, says: /retention\.keepLast/ },

  // Flags.
  { name: '--rate far too low (it would wait for months)', args: sync(['--rate', '0.0000001']), exit: 2, says: /requests\.rate \(from --rate\): must be from 0\.01 to 1000/ },
  { name: '--rate overflowing', args: sync(['--rate', '1e308']), exit: 2, says: /--rate/ },
  { name: '--rate not a number', args: sync(['--rate', 'fast']), exit: 2, says: /--rate/ },
  { name: '--concurrency zero', args: sync(['--concurrency', '0']), exit: 2, says: /--concurrency/ },
  { name: '--concurrency fractional', args: sync(['--concurrency', '1.5']), exit: 2, says: /--concurrency/ },
  { name: 'an unknown flag, with a suggestion', args: sync(['--verbse']), exit: 2, says: /--verbse.*--verbose/ },
  { name: 'an unknown command', args: () => ['synk'], exit: 2, says: /synk.*sync/ },
  { name: 'options before the command', args: () => ['--out', 'x', 'sync'], exit: 2, says: /options go after the command/ },
  { name: 'the token as a flag (never echoed)', args: (c) => ['sync', '--out', c.out, `--token=${TOKEN}`], exit: 2, says: /NOTION_TOKEN environment variable/, hides: () => [TOKEN] },
  { name: '--quiet and --verbose together', args: sync(['--quiet', '--verbose']), exit: 2, says: /--quiet and --verbose/ },
  { name: 'diff with one snapshot', args: (c) => ['diff', 'latest', '--out', c.good], exit: 2, says: /diff/ },
  { name: 'prune with a negative --keep-last', args: (c) => ['prune', '--keep-last', '-1', '--out', c.good], exit: 2, says: /--keep-last/ },

  // The token.
  { name: 'no token', args: sync(), env: (c) => ({ NOTION_TOKEN: undefined, NOTION_BASE_URL: c.base }), exit: 2, says: /NOTION_TOKEN is not set.*integrations/ },
  { name: 'a token with a line break inside', args: sync(), env: (c) => ({ NOTION_TOKEN: `${TOKEN.slice(0, 20)}\n${TOKEN.slice(20)}`, NOTION_BASE_URL: c.base }), exit: 2, says: /NOTION_TOKEN: contains a line break/, hides: () => [TOKEN.slice(0, 20), TOKEN.slice(20)] },
  { name: 'a 20,000-character token', args: sync(), env: (c) => ({ NOTION_TOKEN: 'x'.repeat(20_000), NOTION_BASE_URL: c.base }), exit: 2, says: /NOTION_TOKEN: is 20000 characters long/, hides: () => ['x'.repeat(60)] },
  { name: 'a token with non-ASCII characters', args: sync(), env: (c) => ({ NOTION_TOKEN: `${TOKEN}é`, NOTION_BASE_URL: c.base }), exit: 2, says: /NOTION_TOKEN: contains characters/, hides: () => [TOKEN] },
  { name: 'a revoked or wrong token (401)', args: sync(), env: (c) => ({ NOTION_TOKEN: 'secret_revoked_0123456789abcdefghijklmnop', NOTION_BASE_URL: c.base }), exit: 2, says: /NOTION_TOKEN was rejected by Notion \(401/, hides: () => ['secret_revoked_0123456789abcdefghijklmnop'] },

  // Roots.
  { name: 'a malformed root id', args: sync(['--root', 'not-an-id']), exit: 2, says: /--root.*not a Notion page id or URL/ },
  { name: 'a URL of another site as root', args: sync(['--root', 'https://example.com/some-page']), exit: 2, says: /--root.*not a Notion page id or URL/ },
  { name: 'an unknown root', args: sync(['--root', '0f0e0d0c-0b0a-4000-8000-000000000001']), exit: 2, says: /no page or database with this id is shared with the integration\. Check the id/ },
  { name: 'a root that is not shared', args: (c) => ['sync', '--out', c.out, '--root', `https://www.notion.so/Board-only-${buildDemo().ids.unsharedPage.replaceAll('-', '')}`], exit: 2, says: /not shared|no page or database/ },

  // The API origin.
  { name: 'NOTION_BASE_URL that is not a URL', args: sync(), env: () => ({ NOTION_TOKEN: TOKEN, NOTION_BASE_URL: 'api.notion.com' }), exit: 2, says: /NOTION_BASE_URL.*not a URL/ },
  { name: 'NOTION_BASE_URL with /v1', args: sync(), env: (c) => ({ NOTION_TOKEN: TOKEN, NOTION_BASE_URL: `${c.base}/v1` }), exit: 2, says: /NOTION_BASE_URL.*without a path such as \/v1/ },
  { name: 'NOTION_BASE_URL over plain http to another host', args: sync(), env: () => ({ NOTION_TOKEN: TOKEN, NOTION_BASE_URL: 'http://api.notion.com' }), exit: 2, says: /NOTION_BASE_URL.*https/ },
  { name: 'NOTION_BASE_URL with a password (never shown)', args: sync(), env: () => ({ NOTION_TOKEN: TOKEN, NOTION_BASE_URL: 'https://user:hunter22@api.notion.com' }), exit: 2, says: /NOTION_BASE_URL.*user name or password/, hides: () => ['hunter22'] },
  { name: 'NOTION_BASE_URL with a query', args: sync(), env: () => ({ NOTION_TOKEN: TOKEN, NOTION_BASE_URL: 'https://api.notion.com?x=1' }), exit: 2, says: /NOTION_BASE_URL.*query/ },
  // A refused connection may heal: it is retried (twice here, eight times by default) before the run fails.
  { name: 'NOTION_BASE_URL that does not answer', ...syncWith('requests:\n  maxAttempts: 2\n'), env: () => ({ NOTION_TOKEN: TOKEN, NOTION_BASE_URL: 'http://127.0.0.1:9' }), exit: 1, says: /could not reach Notion at http:\/\/127\.0\.0\.1:9: POST \/v1\/search: gave up after 2 tries .*ECONNREFUSED.*\. Check the network connection and the API origin \(NOTION_BASE_URL or notion\.baseUrl\)\./ },

  // The output directory.
  { name: '--out is a file', setup: (d) => writeFile(join(d, 'a-file'), 'x'), args: (c) => ['sync', '--out', join(c.dir, 'a-file')], exit: 2, says: /a-file.*not a directory/ },
  { name: '--out below a file', setup: (d) => writeFile(join(d, 'a-file'), 'x'), args: (c) => ['sync', '--out', join(c.dir, 'a-file', 'sub')], exit: 2, says: /not a directory/ },

  // verify.
  { name: 'verify: a folder that does not exist', args: (c) => ['verify', join(c.dir, 'nowhere')], exit: 2, says: /nowhere does not exist/ },
  { name: 'verify: an empty folder', setup: (d) => mkdir(join(d, 'empty')), args: (c) => ['verify', join(c.dir, 'empty')], exit: 1, says: /empty is not a snapshot: it has no manifest\.json/ },
  { name: 'verify: a file', setup: (d) => writeFile(join(d, 'f.txt'), 'x'), args: (c) => ['verify', join(c.dir, 'f.txt')], exit: 2, says: /f\.txt is a file/ },
  { name: 'verify --out of an empty output directory', setup: (d) => mkdir(join(d, 'o2')), args: (c) => ['verify', '--out', join(c.dir, 'o2')], exit: 1, says: /no snapshot in .*o2 yet/ },
];

describe('bad input, clear answers', () => {
  const { workspace } = buildDemo();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let good: string;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    tmp = await tempDir();
    good = join(tmp.dir, 'good');
    const first = await runCli(['sync', '--quiet', '--out', good, '--rate', '500'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
    expect(first.code, first.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it(`covers at least 40 bad inputs (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  // Each case is its own CLI process: a few at a time.
  it.concurrent.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const dir = join(tmp.dir, `case-${i}`);
    await mkdir(dir);
    await c.setup?.(dir);
    const ctx: Ctx = { base: server.baseUrl, dir, out: join(dir, 'out'), good };
    const before = await readdir(dir);
    const env = c.env ? c.env(ctx) : { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl };
    const res = await runCli(c.args(ctx), env, dir);
    const answer = res.stderr.trimEnd();
    expect(res.code, answer).toBe(c.exit);
    expect(answer).toMatch(c.says);
    // One clear answer: a few lines, no stack trace, no progress line.
    expect(answer.split('\n').length, answer).toBeLessThanOrEqual(4);
    expect(answer).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(answer).not.toMatch(/^(crawl|assets|write|publish): pages/m);
    expect(answer).not.toMatch(/TypeError|ReferenceError|Cannot read properties|unexpected error/);
    for (const secret of c.hides?.(ctx) ?? []) expect(res.stdout + res.stderr).not.toContain(secret);
    // The run left the directory as it found it: no output folder, no staging, no lock.
    expect(await readdir(dir)).toEqual(before);
    expect(existsSync(ctx.out)).toBe(false);
  });
});
