// The token must never be printed: not by --verbose, not in any error or warning.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactRemote } from '../../src/config/config-schema.js';
import { describeConfig } from '../../src/config/describe-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { redactSecrets } from '../../src/config/redact-secrets.js';
import { resolveConfig, type ConfigFlags } from '../../src/config/resolve-config.js';

// Built at run time so that no token-shaped string is committed (secret scanners flag them).
const TOKEN = ['secret', 'FAKEfakeFAKEfake0123456789abcdefABCDEFxyz'].join('_');
const NTN_TOKEN = ['ntn', 'FAKE0123456789fakeFAKEfake0123456789abcd'].join('_');
const ODD_TOKEN = 'tok-123-not-token-shaped-at-all';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'notion-kb-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('describeConfig', () => {
  it.each([TOKEN, NTN_TOKEN, ODD_TOKEN])('never shows the token %#', (token) => {
    const result = resolveConfig({ fileValue: {}, env: { NOTION_TOKEN: token } });
    if (!result.ok) throw new Error(result.issues.join('\n'));
    const text = describeConfig(result.config);
    expect(text).not.toContain(token);
    expect(text).toContain('token: set (from NOTION_TOKEN, redacted)');
    expect(text).toContain('rate: 3');
  });

  it('says when the token is not set', () => {
    const result = resolveConfig({ fileValue: {}, env: {} });
    expect(result.ok && describeConfig(result.config)).toContain('token: not set (NOTION_TOKEN)');
  });

  it('shows the git archive remote without the password or token in its URL', () => {
    const result = resolveConfig({ fileValue: { archive: { git: { remote: 'https://bot:s3cretPassw0rd@git.example.org/wiki.git' } } }, env: {} });
    if (!result.ok) throw new Error(result.issues.join('\n'));
    const text = describeConfig(result.config);
    expect(text).not.toContain('s3cretPassw0rd');
    expect(text).toContain('remote: https://***@git.example.org/wiki.git');
  });

  it('names no page left out by privacy.excludePages: only their number', () => {
    const hex = '0123456789abcdef0123456789abcdef';
    const result = resolveConfig({ fileValue: { privacy: { excludePages: [`https://www.notion.so/Secret-Plans-${hex}`] } }, env: {} });
    if (!result.ok) throw new Error(result.issues.join('\n'));
    const text = describeConfig(result.config);
    expect(text).not.toMatch(/0123456789abcdef|01234567-89ab|Secret/);
    expect(text).toContain('excludePages: 1 page(s) or database(s), not shown');
  });

  it('names no value an excludeWhere rule compares and no redactTextPatterns expression', () => {
    const result = resolveConfig({
      fileValue: { privacy: { excludeWhere: [{ property: 'Organisation', equals: 'Secret Partner Ltd' }], redactTextPatterns: ['email', { regex: 'Aylin Demir|QX-\\d+' }] } },
      env: {},
    });
    if (!result.ok) throw new Error(result.issues.join('\n'));
    const text = describeConfig(result.config);
    expect(text).not.toMatch(/Secret Partner|Organisation|Aylin|QX-/);
    expect(text).toContain('excludeWhere: 1 rule(s), not shown');
    expect(text).toMatch(/redactTextPatterns:\n\s+- email\n\s+- a regular expression, not shown/);
  });
});

describe('redactRemote', () => {
  it.each([
    ['https://user:pa55word@host.org/x.git', 'https://***@host.org/x.git'],
    ['https://tokenvalue123@github.com/team/wiki.git', 'https://***@github.com/team/wiki.git'],
    ['ssh://git:pa55word@host.org/x.git', 'ssh://git:***@host.org/x.git'],
    ['ssh://git@host.org/x.git', 'ssh://git@host.org/x.git'],
    ['git@github.com:team/wiki.git', 'git@github.com:team/wiki.git'],
    ['/srv/archive.git', '/srv/archive.git'],
    ["fatal: unable to access 'https://u:p4ss@h.org/x.git/': Could not resolve host", "fatal: unable to access 'https://***@h.org/x.git/': Could not resolve host"],
  ])('%s', (input, expected) => {
    expect(redactRemote(input)).toBe(expected);
  });
});

describe('errors and warnings never contain the token', () => {
  it.each<[string, unknown, ConfigFlags]>([
    ['token pasted as a root', { notion: { roots: ['TOKEN'] } }, {}],
    ['token pasted as output dir of the wrong type', { output: { dir: ['TOKEN'] } }, {}],
    ['token pasted into an enum', { assets: { external: 'TOKEN' } }, {}],
    ['token pasted as rate', { requests: { rate: 'TOKEN' } }, {}],
    ['token pasted as baseUrl', { notion: { baseUrl: 'TOKEN' } }, {}],
    ['token as a key name', { notion: { token: 'TOKEN' } }, {}],
    ['token given as --root', {}, { root: ['TOKEN'] }],
    ['token given as --out beside a bad file value', { output: { dir: '' } }, { out: 'TOKEN' }],
  ])('%s', (_name, fileValue, flags) => {
    for (const token of [TOKEN, NTN_TOKEN, ODD_TOKEN]) {
      const inject = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll('TOKEN', token));
      const result = resolveConfig({
        fileValue: inject(fileValue),
        env: { NOTION_TOKEN: token, NOTION_BASE_URL: 'http://127.0.0.1:1' },
        flags: inject(flags) as ConfigFlags,
      });
      const text = result.ok ? result.warnings.join('\n') : result.issues.join('\n');
      expect(text).not.toContain(token);
      if (!result.ok) expect(text.length).toBeGreaterThan(0);
    }
  });

  it('not in a ConfigError thrown by loadConfig either', async () => {
    const file = join(dir, 'leaky.yaml');
    await writeFile(file, `notion:\n  roots:\n    - ${TOKEN}\n  token: ${TOKEN}\n`);
    const error = await loadConfig({ file, explicit: true, env: { NOTION_TOKEN: TOKEN } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).not.toContain(TOKEN);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect((error as Error).message).toContain('notion.roots[0]: not a Notion page id or URL: "[REDACTED]"');
  });
});

describe('redactSecrets', () => {
  it.each([
    ['secret_ token', `got ${TOKEN} here`, [], 'got [REDACTED] here'],
    ['ntn_ token', `"${NTN_TOKEN}"`, [], '"[REDACTED]"'],
    ['given secret of any shape', `x ${ODD_TOKEN} y`, [ODD_TOKEN], 'x [REDACTED] y'],
    ['short given values are left alone', 'a rate of 3', ['3'], 'a rate of 3'],
    ['ordinary words stay', 'secret_ sauce and ntn_x', [], 'secret_ sauce and ntn_x'],
  ])('%s', (_name, text, secrets, expected) => {
    expect(redactSecrets(text, secrets)).toBe(expected);
  });
});
