// The token never appears in output files, logs, error messages, reports or --verbose output,
// whatever form it has; the Authorization header is never logged.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { runCli, tempDir } from '../support/cli.js';
import { smallWorkspace } from '../support/small-workspace.js';

const alnum = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 'abcdefghijkLMNOPQRSTuvwxyz0123456789'[(i * 7 + seed) % 36]).join('');

/** Every form of token notion-kb accepts: the old `secret_` integration secrets, the newer `ntn_` ones, and OAuth-style bearer tokens. */
const TOKENS = [
  ['secret_ (internal integration, before 2024)', `secret_${alnum(43, 1)}`],
  ['ntn_ (internal integration)', `ntn_${alnum(46, 2)}`],
  ['an OAuth access token', `${alnum(8, 3)}-${alnum(4, 4)}-${alnum(4, 5)}-${alnum(12, 6)}`],
] as const;

/** Every file below a directory, with its bytes. */
async function allFiles(dir: string): Promise<Array<[string, Buffer]>> {
  const out: Array<[string, Buffer]> = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile()) out.push([path, await readFile(path)]);
  }
  return out;
}

describe.each(TOKENS)('a token of the form %s', (_form, token) => {
  const { workspace, ids } = smallWorkspace();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token, rateLimit: false, faults: { seed: 'secrets', rate: 0.1, kinds: ['500', '503'] } });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('is in no output file, log line, summary or report of a verbose run with retries, an incremental run and a failed run', async () => {
    const out = join(tmp.dir, 'out');
    const env = { NOTION_TOKEN: token, NOTION_BASE_URL: server.baseUrl };
    const runs = [
      await runCli(['sync', '--out', out, '--verbose', '--rate', '500', '--json'], env),
      await runCli(['sync', '--out', out, '--verbose', '--rate', '500', '--json'], env),
    ];
    server.mutate.editTitle(ids.root!, 'Handbook, edited');
    runs.push(await runCli(['sync', '--out', out, '--verbose', '--rate', '500'], env));
    // Refused: a wrong token of the same form, and a run against a server that never answers.
    runs.push(await runCli(['sync', '--out', join(tmp.dir, 'refused'), '--verbose', '--json'], { ...env, NOTION_TOKEN: `${token.slice(0, -3)}xyz` }));
    // A refused connection is retried: three tries, not the default eight, keep the test short.
    const fewTries = join(tmp.dir, 'few-tries.yaml');
    await writeFile(fewTries, 'requests:\n  maxAttempts: 3\n');
    runs.push(await runCli(['sync', '--out', join(tmp.dir, 'unreachable'), '--config', fewTries, '--verbose', '--json'], { ...env, NOTION_BASE_URL: 'http://127.0.0.1:9' }));
    runs.push(await runCli(['verify', '--out', out, '--json'], env));
    expect(runs[0]!.code, runs[0]!.stderr).toBe(0);
    expect(runs[1]!.code).toBe(0);
    expect(runs[3]!.code).toBe(2);
    expect(runs[4]!.code).toBe(1);
    // The verbose runs did log requests (so there was something to leak).
    expect(runs[0]!.stderr).toMatch(/debug: (GET|POST) \/v1\//);
    for (const r of runs) {
      const text = r.stdout + r.stderr;
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.slice(-20));
      expect(text).not.toMatch(/Bearer|authorization:/i);
    }
    const files = await allFiles(tmp.dir);
    expect(files.length).toBeGreaterThan(20);
    for (const [path, bytes] of files) {
      expect(bytes.includes(token), path).toBe(false);
      expect(bytes.includes(token.slice(-20)), path).toBe(false);
    }
  }, 120_000);
});
