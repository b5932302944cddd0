import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, isConfigError } from '../../src/config/config-error.js';
import { configDefaults } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'notion-kb-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function loadError(options: Parameters<typeof loadConfig>[0]): Promise<ConfigError> {
  const error = await loadConfig(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConfigError(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('loadConfig: files', () => {
  it('uses the defaults when the default file is missing', async () => {
    const loaded = await loadConfig({ file: join(dir, 'absent.yaml'), explicit: false, env: {} });
    expect(loaded).toEqual({ config: configDefaults(), warnings: [], file: null });
  });

  it('fails when an explicitly given file is missing, naming the file', async () => {
    const file = join(dir, 'absent.yaml');
    const error = await loadError({ file, explicit: true, env: {} });
    expect(error.issues).toEqual(['file not found (given with --config)']);
    expect(error.file).toBe(file);
    expect(error.message).toBe(`config file ${file}: 1 problem\n  file not found (given with --config)`);
  });

  it('does not blame the file for a problem in the environment', async () => {
    const file = await write('fine.yaml', 'requests:\n  rate: 1.5\n');
    const fromEnv = await loadError({ file, explicit: true, env: { NOTION_BASE_URL: 'http://example.com' } });
    expect(fromEnv.message).toMatch(/^configuration: 1 problem\n  notion\.baseUrl \(from NOTION_BASE_URL\): must use https/);
    // With a problem in the file too, the file is named.
    const both = await write('both.yaml', 'requests:\n  rate: -1\n');
    expect((await loadError({ file: both, explicit: true, env: { NOTION_BASE_URL: 'http://example.com' } })).message).toMatch(new RegExp(`^config file ${both.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 2 problems`));
  });

  it('fails when the config path is a directory', async () => {
    const sub = join(dir, 'a-directory');
    await mkdir(sub);
    expect((await loadError({ file: sub, explicit: true, env: {} })).issues).toEqual(['is a directory, not a file']);
  });

  it('reads a valid file and reports which file it used', async () => {
    const file = await write('ok.yaml', 'requests:\n  rate: 1.5\noutput:\n  dir: archive\n');
    const loaded = await loadConfig({ file, explicit: true, env: {} });
    expect(loaded.file).toBe(file);
    expect(loaded.config.requests.rate).toBe(1.5);
    expect(loaded.config.output.dir).toBe('archive');
  });

  it.each([
    ['empty file', ''],
    ['comments only', '# nothing set\n'],
    ['explicit empty document', '---\n'],
  ])('treats an %s as all defaults', async (_name, text) => {
    const file = await write(`empty-${_name.replaceAll(' ', '-')}.yaml`, text);
    expect((await loadConfig({ file, explicit: true, env: {} })).config).toEqual(configDefaults());
  });

  it('lists every schema problem at once, with the file name in the message', async () => {
    const file = await write('bad.yaml', 'requests:\n  rate: fast\nassets:\n  foo: 1\nnotion:\n  roots: [abc]\n');
    const error = await loadError({ file, explicit: true, env: {} });
    expect(error.code).toBe('config');
    expect(error.issues).toEqual([
      'notion.roots[0]: not a Notion page id or URL: "abc"',
      'requests.rate: must be "auto" or a number from 0.01 to 1000 requests per second (got "fast")',
      'assets.foo: unknown key (known keys: external, maxBytes, concurrency, timeoutMs)',
    ]);
    expect(error.message.split('\n')[0]).toBe(`config file ${file}: 3 problems`);
  });
});

describe('loadConfig: YAML syntax errors give line and column', () => {
  it.each([
    ['duplicate key', 'requests:\n  rate: 3\n  rate: 4\n', ['line 3, column 3: not valid YAML: Map keys must be unique']],
    ['tab indentation', 'notion:\n\tbaseUrl: https://x.org\n', ['line 2, column 1: not valid YAML: Tabs are not allowed as indentation']],
    [
      'unclosed flow sequence',
      'notion:\n  roots: [a, b\noutput:\n  dir: x\n',
      [expect.stringMatching(/^line 3, column 1: /) as unknown as string],
    ],
    ['bad indentation', 'requests:\n  rate: 3\n concurrency: 2\n', [expect.stringMatching(/^line 3, column \d+: /) as unknown as string]],
  ])('%s', async (name, text, expected) => {
    const file = await write(`syntax-${name.replaceAll(' ', '-')}.yaml`, text);
    const error = await loadError({ file, explicit: true, env: {} });
    expect(error.issues).toEqual(expected);
    expect(error.message).toContain(file);
  });
});
