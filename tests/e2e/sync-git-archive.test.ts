// The nightly sync with a git archive: a real bare repository in a temporary directory
// receives one commit per new snapshot, none for a run without changes, and a push that
// failed is made by the next run.
import { execFileSync } from 'node:child_process';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { readJson, runCli, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'git', 'archive', 'token', '0123456789abcdefghij'].join('_');
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: process.env.HOME ?? '/tmp' };
const git = (args: string[]) => execFileSync('git', args, { env: gitEnv, encoding: 'utf8' }).trim();

describe('sync with a git archive', () => {
  const { workspace, ids } = smallWorkspace();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let remote: string;
  let out: string;
  let now = Date.parse('2026-05-01T02:00:00.000Z');

  const sync = () =>
    syncInProcess({
      baseUrl: server.baseUrl,
      token: TOKEN,
      out,
      file: { archive: { git: { remote, branch: 'archive' } } },
      deps: { now: () => new Date(now) },
    });
  const commits = () => {
    try {
      return git(['--git-dir', remote, 'log', '--format=%H %s', 'refs/heads/archive']).split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const treeFiles = (commit: string) => git(['--git-dir', remote, 'ls-tree', '-r', '--name-only', commit]).split('\n').sort();

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, clock: () => now });
    tmp = await tempDir();
    remote = join(tmp.dir, 'archive.git');
    out = join(tmp.dir, 'out');
    git(['-c', 'init.defaultBranch=main', 'init', '--quiet', '--bare', remote]);
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('commits the first snapshot: its files at the root of the tree, the change summary as the message', async () => {
    const outcome = await sync();
    expect(outcome.exitCode).toBe(0);
    expect(outcome.archive).toMatchObject({ status: 'committed', pushed: true, pendingCommits: 0 });
    const log = commits();
    expect(log).toHaveLength(1);
    expect(log[0]).toContain(`Snapshot ${outcome.snapshotId}`);
    expect(treeFiles('refs/heads/archive')).toEqual((await listFiles(outcome.snapshotDir)).sort());
    const body = git(['--git-dir', remote, 'log', '-1', '--format=%B', 'refs/heads/archive']);
    expect(body).toContain('# Changes in snapshot');
  });

  it('makes no commit for a run without changes', async () => {
    now += 24 * 3600_000;
    const outcome = await sync();
    expect(outcome).toMatchObject({ unchanged: true, exitCode: 0, archive: { status: 'unchanged' } });
    expect(commits()).toHaveLength(1);
  });

  it('commits each changed snapshot; git diff shows what changed', async () => {
    now += 24 * 3600_000;
    server.mutate.editTitle(ids.deepest!, 'Level five, renamed');
    const outcome = await sync();
    expect(outcome.unchanged).toBe(false);
    const log = commits();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/renamed/);
    const changed = git(['--git-dir', remote, 'diff', '--name-only', 'refs/heads/archive~1', 'refs/heads/archive']);
    expect(changed).toContain('CHANGELOG.md');
    expect(changed.split('\n').some((f) => f.startsWith('pages/'))).toBe(true);
  });

  it('a failed push leaves the snapshot published and exits 3; the next run pushes it, and git never sees the token', async () => {
    const hook = join(remote, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "refusing for the test" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    now += 24 * 3600_000;
    server.mutate.editTitle(ids.root!, 'Handbook (2026)');
    const failed = await sync();
    expect(failed.exitCode).toBe(3);
    expect(failed.unchanged).toBe(false);
    expect(failed.archive?.error?.code).toBe('git_push_failed');
    expect(failed.archive?.pendingCommits).toBe(1);
    expect((await readJson<{ snapshotId: string }>(join(out, 'latest.json'))).snapshotId).toBe(failed.snapshotId);
    expect(commits()).toHaveLength(2);

    // The next run finds nothing new in Notion, and pushes what is waiting.
    const envFile = join(tmp.dir, 'git-env.txt');
    await writeFile(hook, `#!/bin/sh\nenv > '${envFile}'\nexit 0\n`);
    now += 24 * 3600_000;
    const process_ = { ...process.env };
    process.env.NOTION_TOKEN = TOKEN;
    let retried;
    try {
      retried = await sync();
    } finally {
      process.env = process_;
    }
    expect(retried).toMatchObject({ unchanged: true, exitCode: 0, archive: { pushed: true, pendingCommits: 0 } });
    expect(commits()).toHaveLength(3);
    const env = await readFile(envFile, 'utf8');
    expect(env).not.toContain(TOKEN);
    expect(env).not.toMatch(/^NOTION_/m);
    await rm(hook);
  });

  it('the CLI reports the archive in its summary and in --json, with exit code 3 when the push fails', async () => {
    const hook = join(remote, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\nexit 1\n');
    await chmod(hook, 0o755);
    server.mutate.editTitle(ids.deepest!, 'Level five, renamed again');
    const config = join(tmp.dir, 'notion-kb.yaml');
    await writeFile(config, `archive:\n  git:\n    remote: ${JSON.stringify(remote)}\n    branch: archive\nassets:\n  external: none\n`);
    const env = { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl };
    const failed = await runCli(['sync', '--out', out, '--config', config, '--rate', '1000', '--json'], env);
    expect(failed.code).toBe(3);
    const json = JSON.parse(failed.stdout) as { exitCode: number; archive: { error: { code: string; message: string } } };
    expect(json.exitCode).toBe(3);
    expect(json.archive.error.code).toBe('git_push_failed');
    expect(failed.stdout + failed.stderr).not.toContain(TOKEN);
    await rm(hook);
    const again = await runCli(['sync', '--out', out, '--config', config, '--rate', '1000'], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/No changes since snapshot/);
    expect(again.stderr).toMatch(/git archive: up to date \(pushed what an earlier run could not\)/);
    expect(commits()).toHaveLength(4);
  });
});
