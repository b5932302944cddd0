import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../src/config/config-schema.js';
import { resolveConfig, type ConfigEnv, type ConfigFlags } from '../../src/config/resolve-config.js';

const ID = '1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const HEX = ID.replaceAll('-', '');
const ID2 = '2b3c4d5e-6f7a-8b9c-0d1e-2f3a4b5c6d7e';

function issuesOf(fileValue: unknown, env: ConfigEnv = {}, flags: ConfigFlags = {}): string[] {
  const result = resolveConfig({ fileValue, env, flags });
  return result.ok ? [] : result.issues;
}

function configOf(fileValue: unknown, env: ConfigEnv = {}, flags: ConfigFlags = {}) {
  const result = resolveConfig({ fileValue, env, flags });
  if (!result.ok) throw new Error(`unexpected issues:\n${result.issues.join('\n')}`);
  return result;
}

describe('resolveConfig: bad values, one exact line each', () => {
  it.each<[string, unknown, string[]]>([
    ['rate not a number', { requests: { rate: 'fast' } }, ['requests.rate: must be "auto" or a number from 0.01 to 1000 requests per second (got "fast")']],
    ['rate zero', { requests: { rate: 0 } }, ['requests.rate: must be from 0.01 to 1000 requests per second (got 0)']],
    ['rate negative', { requests: { rate: -1 } }, ['requests.rate: must be from 0.01 to 1000 requests per second (got -1)']],
    ['rate infinite (YAML .inf)', { requests: { rate: Infinity } }, ['requests.rate: must be "auto" or a number from 0.01 to 1000 requests per second (got Infinity)']],
    ['concurrency fractional', { requests: { concurrency: 2.5 } }, ['requests.concurrency: must be a whole number from 1 to 64 requests in flight (got 2.5)']],
    ['timeout as string', { requests: { timeoutMs: '60s' } }, ['requests.timeoutMs: must be a number from 1 to 3600000 milliseconds (up to 1 h) (got "60s")']],
    ['maxAttempts zero', { requests: { maxAttempts: 0 } }, ['requests.maxAttempts: must be from 1 to 100 attempts (got 0)']],
    ['giveUpAfterMs list', { requests: { giveUpAfterMs: [1] } }, ['requests.giveUpAfterMs: must be a number from 1 to 86400000 milliseconds (up to 24 h) (got a list)']],
    ['external unknown', { assets: { external: 'some' } }, ['assets.external: must be one of images, all, none (got "some")']],
    ['maxBytes boolean', { assets: { maxBytes: true } }, ['assets.maxBytes: must be a number from 1 to 1099511627776 bytes (got true)']],
    ['asset concurrency zero', { assets: { concurrency: 0 } }, ['assets.concurrency: must be from 1 to 64 downloads in flight (got 0)']],
    ['asset timeout negative', { assets: { timeoutMs: -5 } }, ['assets.timeoutMs: must be from 1 to 3600000 milliseconds (up to 1 h) (got -5)']],
    ['output dir number', { output: { dir: 2024 } }, ['output.dir: must be a directory path (got 2024)']],
    ['output dir empty', { output: { dir: '' } }, ['output.dir: must be a non-empty directory path (got "")']],
    ['root garbage', { notion: { roots: [HEX, 'abc'] } }, ['notion.roots[1]: not a Notion page id or URL: "abc"']],
    ['root not a string', { notion: { roots: [42] } }, ['notion.roots[0]: must be a Notion page id or URL string (got 42)']],
    ['roots not a list', { notion: { roots: HEX } }, [`notion.roots: must be a list of Notion page ids or URLs (got "${HEX}")`]],
    ['baseUrl not a URL', { notion: { baseUrl: 'api.notion.com' } }, ['notion.baseUrl: not a URL: "api.notion.com"']],
    ['baseUrl http remote', { notion: { baseUrl: 'http://example.com' } }, ['notion.baseUrl: must use https unless the host is loopback (got "http://example.com/")']],
    ['baseUrl other scheme', { notion: { baseUrl: 'ftp://example.com/x' } }, ['notion.baseUrl: must be an http(s) URL (got "ftp://example.com/x")']],
    ['baseUrl with query', { notion: { baseUrl: 'https://example.com/?a=1' } }, ['notion.baseUrl: must not contain a query or fragment (got "https://example.com/")']],
    ['baseUrl credentials are not echoed', { notion: { baseUrl: 'https://me:hunter22@example.com' } }, ['notion.baseUrl: must not contain a user name or password']],
    ['section not a mapping', { output: 'archive' }, ['output: must be a mapping (got "archive")']],
    ['section is a list', { requests: [1, 2] }, ['requests: must be a mapping (got a list)']],
    ['retention counts are whole numbers, 0 allowed', { retention: { keepLast: -1, keepDaily: 1.5, keepMonthly: 0 } }, ['retention.keepLast: must be a whole number, 0 or more (got -1)', 'retention.keepDaily: must be a whole number, 0 or more (got 1.5)']],
    ['archive branch with a space', { archive: { git: { remote: '/srv/a.git', branch: 'my branch' } } }, ['archive.git.branch: not a valid git branch name: "my branch" (see git check-ref-format)']],
    ['archive branch with ..', { archive: { git: { branch: 'a..b' } } }, ['archive.git.branch: not a valid git branch name: "a..b" (see git check-ref-format)']],
    ['archive branch ending .lock', { archive: { git: { branch: 'wiki/x.lock' } } }, ['archive.git.branch: not a valid git branch name: "wiki/x.lock" (see git check-ref-format)']],
    ['archive branch starting with -', { archive: { git: { branch: '-f' } } }, ['archive.git.branch: not a valid git branch name: "-f" (see git check-ref-format)']],
    ['archive branch not a string', { archive: { git: { branch: 5 } } }, ['archive.git.branch: must be a git branch name (got 5)']],
    ['archive remote empty', { archive: { git: { remote: ' ' } } }, ['archive.git.remote: must be a non-empty git URL or path']],
    ['archive remote like an option', { archive: { git: { remote: '--upload-pack=x' } } }, ['archive.git.remote: must not start with "-" (got "--upload-pack=x")']],
    ['archive remote not a string', { archive: { git: { remote: ['a'] } } }, ['archive.git.remote: must be a git URL or path (got a list)']],
    ['archive author email with <>', { archive: { git: { author: { email: '<a@b>' } } } }, ['archive.git.author.email: must be an email address, without < > or line breaks (got "<a@b>")']],
    ['archive git not a mapping', { archive: { git: 'git@host:x.git' } }, ['archive.git: must be a mapping (got "git@host:x.git")']],
    ['privacy page not an id', { privacy: { excludePages: ['x'] } }, ['privacy.excludePages[0]: not a Notion page id or URL: "x"']],
    ['privacy rule as text', { privacy: { excludeWhere: ['V=Internal'] } }, ['privacy.excludeWhere[0]: must be a mapping like { property: Visibility, equals: Internal } (got "V=Internal")']],
    ['privacy rule with an unknown key', { privacy: { excludeWhere: [{ property: 'V', equals: 'x', contains: 'y' }] } }, ['privacy.excludeWhere[0].contains: unknown key']],
    ['privacy rule value a list', { privacy: { excludeWhere: [{ property: 'V', equals: ['x'] }] } }, ['privacy.excludeWhere[0].equals: must be a text, a number or true/false (got a list)']],
    ['privacy type unknown', { privacy: { redactPropertyTypes: ['emails'] } }, [expect.stringMatching(/^privacy\.redactPropertyTypes\[0\]: must be a Notion property type: rich_text, .*email, phone_number.* \(got "emails"\)$/)]],
    ['privacy title not redactable', { privacy: { redactPropertyTypes: ['title'] } }, ['privacy.redactPropertyTypes[0]: the title cannot be redacted (leave such pages out with excludeWhere or excludePages)']],
    ['privacy pattern unknown', { privacy: { redactTextPatterns: ['mail'] } }, ['privacy.redactTextPatterns[0]: must be one of email, phone, url, or { regex: "<regular expression>" } (got "mail")']],
    ['privacy regex broken', { privacy: { redactTextPatterns: [{ regex: '(' }] } }, [expect.stringMatching(/^privacy\.redactTextPatterns\[0\]\.regex: not a valid regular expression: /)]],
    ['privacy regex matching nothing at all', { privacy: { redactTextPatterns: [{ regex: 'a*' }] } }, ['privacy.redactTextPatterns[0].regex: must not match the empty text']],
    ['privacy near miss', { privacy: { excludePage: [] } }, ['privacy.excludePage: unknown key (did you mean "excludePages"?)']],
    ['file is a list', ['a'], ['(top level): must be a mapping (got a list)']],
    ['file is a scalar', 'hello', ['(top level): must be a mapping (got "hello")']],
    [
      'every problem at once, in schema order',
      { notion: { roots: ['x'] }, requests: { rate: 'fast', concurrency: 0 }, assets: { external: 'pdf' } },
      [
        'notion.roots[0]: not a Notion page id or URL: "x"',
        'requests.rate: must be "auto" or a number from 0.01 to 1000 requests per second (got "fast")',
        'requests.concurrency: must be from 1 to 64 requests in flight (got 0)',
        'assets.external: must be one of images, all, none (got "pdf")',
      ],
    ],
  ])('%s', (_name, fileValue, expected) => {
    expect(issuesOf(fileValue)).toEqual(expected);
  });
});

describe('resolveConfig: unknown keys at every level', () => {
  it.each<[string, unknown, string[]]>([
    ['top level', { foo: 1 }, ['foo: unknown key (known keys: notion, output, requests, assets, content, retention, privacy, archive, export)']],
    ['top level near miss', { request: {} }, ['request: unknown key (did you mean "requests"?)']],
    ['notion', { notion: { foo: 1 } }, ['notion.foo: unknown key (known keys: baseUrl, roots)']],
    ['output', { output: { directory: 'x' } }, ['output.directory: unknown key (known keys: dir, site)']],
    ['export', { export: { format: 'rar' } }, ['export.format: must be one of zip, tar.gz (got "rar")']],
    ['requests near miss', { requests: { concurency: 2 } }, ['requests.concurency: unknown key (did you mean "concurrency"?)']],
    ['assets', { assets: { foo: 1 } }, ['assets.foo: unknown key (known keys: external, maxBytes, concurrency, timeoutMs)']],
    ['archive.git, a key without a default', { archive: { git: { remot: 'x' } } }, ['archive.git.remot: unknown key (did you mean "remote"?)']],
    ['archive.git', { archive: { git: { url: 'x' } } }, ['archive.git.url: unknown key (known keys: remote, branch, author)']],
    ['archive', { archive: { s3: {} } }, ['archive.s3: unknown key (known keys: git)']],
    ['case differs', { notion: { baseURL: 'https://x.org' } }, ['notion.baseURL: unknown key (did you mean "baseUrl"?)']],
    [
      'token in the file',
      { notion: { token: 'whatever' } },
      ['notion.token: unknown key; the Notion token is read only from the NOTION_TOKEN environment variable, never from a file'],
    ],
    ['two unknown keys in one section', { assets: { a: 1, b: 2 } }, [
      'assets.a: unknown key (known keys: external, maxBytes, concurrency, timeoutMs)',
      'assets.b: unknown key (known keys: external, maxBytes, concurrency, timeoutMs)',
    ]],
  ])('%s', (_name, fileValue, expected) => {
    expect(issuesOf(fileValue)).toEqual(expected);
  });
});

describe('resolveConfig: good values', () => {
  it.each<[string, unknown, (c: ReturnType<typeof configDefaults>) => unknown, unknown]>([
    ['empty file', {}, (c) => c, configDefaults()],
    ['fractional rate', { requests: { rate: 0.5 } }, (c) => c.requests.rate, 0.5],
    ['rate auto', { requests: { rate: 'auto' } }, (c) => c.requests.rate, 'auto'],
    ['roots as URLs become ids', { notion: { roots: [`https://www.notion.so/ws/Partners-${HEX}?pvs=4`, ID2.toUpperCase()] } }, (c) => c.notion.roots, [ID, ID2]],
    ['baseUrl trailing slash dropped', { notion: { baseUrl: 'https://api.notion.com/' } }, (c) => c.notion.baseUrl, 'https://api.notion.com'],
    ['http on 127.0.0.1', { notion: { baseUrl: 'http://127.0.0.1:4010' } }, (c) => c.notion.baseUrl, 'http://127.0.0.1:4010'],
    ['http on localhost', { notion: { baseUrl: 'http://localhost:4010' } }, (c) => c.notion.baseUrl, 'http://localhost:4010'],
    ['http on [::1]', { notion: { baseUrl: 'http://[::1]:4010' } }, (c) => c.notion.baseUrl, 'http://[::1]:4010'],
    ['empty section (all lines commented out) means defaults', { assets: null }, (c) => c.assets, configDefaults().assets],
    ['empty value means default', { requests: { rate: null, concurrency: 5 } }, (c) => [c.requests.rate, c.requests.concurrency], [3, 5]],
    ['empty roots means everything', { notion: { roots: null } }, (c) => c.notion.roots, []],
    ['external all', { assets: { external: 'all' } }, (c) => c.assets.external, 'all'],
    ['privacy pages as URLs become ids', { privacy: { excludePages: [`https://www.notion.so/ws/Secret-${HEX}`] } }, (c) => c.privacy.excludePages, [ID]],
    [
      'privacy rules as written',
      { privacy: { excludeWhere: [{ property: 'Visibility', equals: 'Internal' }, { property: 'Public', equals: false }], redactPropertyTypes: ['email', 'people'], redactProperties: ['Budget (€)'], redactTextPatterns: ['email', 'phone', { regex: 'IBAN [A-Z0-9 ]+' }] } },
      (c) => c.privacy,
      { excludePages: [], excludeWhere: [{ property: 'Visibility', equals: 'Internal' }, { property: 'Public', equals: false }], redactPropertyTypes: ['email', 'people'], redactProperties: ['Budget (€)'], redactTextPatterns: ['email', 'phone', { regex: 'IBAN [A-Z0-9 ]+' }] },
    ],
    ['no archive remote: no git archive', {}, (c) => c.archive.git.remote, undefined],
    ['empty archive remote means none', { archive: { git: { remote: null } } }, (c) => c.archive.git.remote, undefined],
    [
      'archive remote, branch and author',
      { archive: { git: { remote: 'git@github.com:team/wiki.git', branch: 'wiki/nightly', author: { name: 'Wiki Bot' } } } },
      (c) => c.archive.git,
      { remote: 'git@github.com:team/wiki.git', branch: 'wiki/nightly', author: { name: 'Wiki Bot', email: 'notion-kb@localhost' } },
    ],
  ])('%s', (_name, fileValue, pick, expected) => {
    expect(pick(configOf(fileValue).config)).toEqual(expected);
  });
});

describe('resolveConfig: precedence flags > env > file > defaults', () => {
  const file = {
    notion: { baseUrl: 'https://file.example', roots: [ID] },
    output: { dir: 'from-file' },
    requests: { rate: 1, concurrency: 2 },
  };
  it.each<[string, unknown, ConfigEnv, ConfigFlags, Record<string, unknown>]>([
    ['defaults only', {}, {}, {}, { baseUrl: 'https://api.notion.com', roots: [], dir: 'output', rate: 3, concurrency: 3 }],
    ['file over defaults', file, {}, {}, { baseUrl: 'https://file.example', roots: [ID], dir: 'from-file', rate: 1, concurrency: 2 }],
    ['env over file', file, { NOTION_BASE_URL: 'http://127.0.0.1:9000' }, {}, { baseUrl: 'http://127.0.0.1:9000', roots: [ID], dir: 'from-file', rate: 1, concurrency: 2 }],
    ['env over defaults', {}, { NOTION_BASE_URL: 'https://env.example/' }, {}, { baseUrl: 'https://env.example', roots: [], dir: 'output', rate: 3, concurrency: 3 }],
    ['empty env value is unset', file, { NOTION_BASE_URL: '' }, {}, { baseUrl: 'https://file.example', roots: [ID], dir: 'from-file', rate: 1, concurrency: 2 }],
    [
      'flags over file',
      file,
      {},
      { out: 'from-flag', rate: 0.5, concurrency: 7, root: [ID2] },
      { baseUrl: 'https://file.example', roots: [ID2], dir: 'from-flag', rate: 0.5, concurrency: 7 },
    ],
    ['flags over defaults', {}, {}, { rate: 2 }, { baseUrl: 'https://api.notion.com', roots: [], dir: 'output', rate: 2, concurrency: 3 }],
    ['empty --root list keeps file roots', file, {}, { root: [] }, { baseUrl: 'https://file.example', roots: [ID], dir: 'from-file', rate: 1, concurrency: 2 }],
    [
      'flags and env together',
      file,
      { NOTION_BASE_URL: 'http://localhost:1' },
      { out: 'o', rate: 9 },
      { baseUrl: 'http://localhost:1', roots: [ID], dir: 'o', rate: 9, concurrency: 2 },
    ],
  ])('%s', (_name, fileValue, env, flags, expected) => {
    const { config } = configOf(fileValue, env, flags);
    expect({
      baseUrl: config.notion.baseUrl,
      roots: config.notion.roots,
      dir: config.output.dir,
      rate: config.requests.rate,
      concurrency: config.requests.concurrency,
    }).toEqual(expected);
  });

  it('does not touch values that were not overridden', () => {
    const { config } = configOf({ requests: { timeoutMs: 5 } }, {}, { rate: 2 });
    expect(config.requests).toEqual({ ...configDefaults().requests, rate: 2, timeoutMs: 5 });
  });
});

describe('resolveConfig: bad overrides name their source', () => {
  it.each<[string, unknown, ConfigEnv, ConfigFlags, string[]]>([
    ['--rate', {}, {}, { rate: 0 }, ['requests.rate (from --rate): must be from 0.01 to 1000 requests per second (got 0)']],
    ['rate: a word other than auto', { requests: { rate: 'Auto' } }, {}, {}, ['requests.rate: must be "auto" or a number from 0.01 to 1000 requests per second (got "Auto")']],
    ['--concurrency', {}, {}, { concurrency: 1.5 }, ['requests.concurrency (from --concurrency): must be a whole number from 1 to 64 requests in flight (got 1.5)']],
    ['--out', {}, {}, { out: '' }, ['output.dir (from --out): must be a non-empty directory path (got "")']],
    ['--root', {}, {}, { root: [ID, 'nope'] }, ['notion.roots[1] (from --root): not a Notion page id or URL: "nope"']],
    ['NOTION_BASE_URL', {}, { NOTION_BASE_URL: 'http://example.com' }, {}, ['notion.baseUrl (from NOTION_BASE_URL): must use https unless the host is loopback (got "http://example.com/")']],
    [
      'a bad file value is reported even when a flag overrides it',
      { requests: { rate: 'fast' } },
      {},
      { rate: 2 },
      ['requests.rate: must be "auto" or a number from 0.01 to 1000 requests per second (got "fast")'],
    ],
    [
      'file and flag problems together',
      { assets: { foo: 1 } },
      {},
      { concurrency: 0 },
      [
        'assets.foo: unknown key (known keys: external, maxBytes, concurrency, timeoutMs)',
        'requests.concurrency (from --concurrency): must be from 1 to 64 requests in flight (got 0)',
      ],
    ],
  ])('%s', (_name, fileValue, env, flags, expected) => {
    expect(issuesOf(fileValue, env, flags)).toEqual(expected);
  });
});

describe('resolveConfig: warnings', () => {
  it.each<[string, unknown, ConfigEnv, ConfigFlags, string[]]>([
    ['none for defaults', {}, {}, {}, []],
    [
      'rate above the published limit against api.notion.com',
      { requests: { rate: 5 } },
      {},
      {},
      ["requests.rate: 5 requests per second is above Notion's published average of 3; expect rate-limit (429) responses and a slower run"],
    ],
    ['no rate warning against a local server', { requests: { rate: 50 } }, { NOTION_BASE_URL: 'http://127.0.0.1:4010' }, {}, []],
    ['no rate warning for auto (it learns the budget of the workspace\'s plan)', {}, {}, { rate: 'auto' }, []],
    ['duplicate roots', { notion: { roots: [ID, HEX, `https://www.notion.so/${HEX}`] } }, {}, {}, ['notion.roots: 2 duplicate root(s) ignored']],
    ['token with whitespace', {}, { NOTION_TOKEN: ' ntn_abc\n' }, {}, ['NOTION_TOKEN: leading or trailing whitespace removed']],
  ])('%s', (_name, fileValue, env, flags, expected) => {
    expect(configOf(fileValue, env, flags).warnings).toEqual(expected);
  });

  it('keeps each duplicate root once, in first-seen order', () => {
    expect(configOf({ notion: { roots: [ID2, ID, HEX] } }).config.notion.roots).toEqual([ID2, ID]);
  });
});

describe('resolveConfig: token', () => {
  it.each<[string, ConfigEnv, string | undefined]>([
    ['read from NOTION_TOKEN', { NOTION_TOKEN: 'ntn_abc123' }, 'ntn_abc123'],
    ['trimmed', { NOTION_TOKEN: ' ntn_abc123\n' }, 'ntn_abc123'],
    ['absent', {}, undefined],
    ['empty is absent', { NOTION_TOKEN: '  ' }, undefined],
  ])('%s', (_name, env, expected) => {
    expect(configOf({}, env).config.token).toBe(expected);
  });
});
