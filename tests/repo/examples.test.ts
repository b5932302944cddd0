// The nightly workflow kept in examples/ must stay a valid workflow that takes the token from a
// secret and never holds one, and its shell steps must work: they run here, night after night,
// against the local Notion server, with a real git repository as the checkout and a bare one
// as GitHub.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { REPO_ROOT, tempDir } from '../support/cli.js';
import { smallWorkspace } from '../support/small-workspace.js';

const execFileAsync = promisify(execFile);
const FILE = 'examples/github-actions/notion-kb-nightly.yml';
const text = readFileSync(join(REPO_ROOT, FILE), 'utf8');

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { schedule?: Array<{ cron: string }> };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

describe(FILE, () => {
  const workflow = parse(text, { strict: true, uniqueKeys: true }) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('parses as YAML and runs on a schedule (a five-field cron line)', () => {
    expect(workflow.on.schedule).toHaveLength(1);
    expect(workflow.on.schedule![0]!.cron.split(/\s+/)).toHaveLength(5);
    expect(workflow.permissions).toEqual({ contents: 'write' });
  });

  it('runs the sync with the token from the NOTION_TOKEN secret, in that step only', () => {
    const sync = steps.filter((s) => s.run?.includes('bin/notion-kb.js sync'));
    expect(sync).toHaveLength(1);
    expect(sync[0]!.env).toEqual({ NOTION_TOKEN: '${{ secrets.NOTION_TOKEN }}' });
    expect(sync[0]!.run).toContain('--json');
    expect(steps.filter((s) => JSON.stringify(s).includes('NOTION_TOKEN'))).toEqual(sync);
  });

  it('holds no token value; caches npm downloads and the output directory only, the token never', () => {
    expect(text).not.toMatch(/\b(?:secret|ntn)_[A-Za-z0-9]{10,}/);
    expect(text.match(/secrets\.[A-Z_]+/g)).toEqual(['secrets.NOTION_KB_PRIVACY', 'secrets.NOTION_TOKEN']);
    const caches = steps.filter((s) => s.uses?.startsWith('actions/cache'));
    expect(caches.map((s) => s.uses)).toEqual(['actions/cache/restore@v4', 'actions/cache/save@v4']);
    for (const c of caches) expect(c.with?.path).toBe('output');
    const caching = steps.filter((s) => s.with?.cache !== undefined);
    expect(caching.map((s) => s.with!.cache)).toEqual(['npm']);
  });

  it('verifies the snapshot before it pushes the archive branch, and prunes only after the push', () => {
    const runs = steps.map((s) => s.run ?? '');
    const verify = runs.findIndex((r) => r.includes('bin/notion-kb.js verify'));
    const push = runs.findIndex((r) => r.includes('git push'));
    const prune = runs.findIndex((r) => r.includes('bin/notion-kb.js prune'));
    expect(verify).toBeGreaterThan(-1);
    expect(push).toBeGreaterThan(verify);
    expect(prune).toBeGreaterThan(push);
  });

  describe('its shell steps, run night after night', () => {
    const TOKEN = ['secret', 'workflow', 'token', '0123456789abcdefghij'].join('_');
    const { workspace, ids } = smallWorkspace();
    let server: NotionServer;
    let tmp: { dir: string; cleanup: () => Promise<void> };
    let checkout: string;
    let origin: string;
    const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const git = (args: string[], cwd?: string) => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();
    const branch = workflow.env!.ARCHIVE_BRANCH!;
    const archiveCommits = () => {
      try {
        return git(['--git-dir', origin, 'rev-list', '--count', `refs/heads/${branch}`]);
      } catch {
        return '0';
      }
    };

    /** Runs the workflow's `run` steps (the actions/* steps are GitHub's: npm ci is done, the cache is the directory staying put). */
    const night = async (opts: { fullRun?: boolean; privacy?: string } = {}) => {
      const outputFile = join(tmp.dir, `github-output-${Date.now()}`);
      await writeFile(outputFile, '');
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: 'C.UTF-8',
        ...workflow.env,
        // The weekly full run tonight (today's ISO weekday), or never (no weekday is 0).
        FULL_RUN_WEEKDAY: opts.fullRun ? isoWeekday() : '0',
        GITHUB_OUTPUT: outputFile,
        NOTION_BASE_URL: server.baseUrl,
      };
      const ran: string[] = [];
      for (const step of steps) {
        if (!step.run || step.if || step.run.startsWith('npm ci')) continue;
        const stepEnv = { ...env, ...(step.env?.NOTION_TOKEN ? { NOTION_TOKEN: TOKEN } : {}), ...(step.env?.NOTION_KB_PRIVACY && opts.privacy ? { NOTION_KB_PRIVACY: opts.privacy } : {}) };
        // Asynchronously: the Notion server answering the sync runs in this process.
        try {
          await execFileAsync('bash', ['-e', '-c', step.run], { cwd: checkout, env: stepEnv, encoding: 'utf8', timeout: 60_000 });
        } catch (err) {
          const e = err as { stdout?: string; stderr?: string };
          throw new Error(`step "${step.name ?? step.run}" failed: ${e.stderr ?? ''}${e.stdout ?? ''}`.slice(0, 2000));
        }
        ran.push(step.name ?? step.run.split('\n')[0]!);
      }
      // The summary file is wherever the Sync step sends its stdout.
      const summaryFile = /> (\S+\.json)/.exec(steps.find((s) => s.name === 'Sync')!.run!)![1]!;
      const outputs = Object.fromEntries(readFileSync(outputFile, 'utf8').trim().split('\n').map((l) => l.split('=') as [string, string]));
      return { ran, outputs, summary: JSON.parse(readFileSync(join(checkout, summaryFile), 'utf8')) as { status: string; exitCode: number; mode: string; audit: unknown } };
    };
    const isoWeekday = () => String(new Date().getUTCDay() || 7);

    beforeAll(async () => {
      server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
      tmp = await tempDir();
      origin = join(tmp.dir, 'origin.git');
      checkout = join(tmp.dir, 'checkout');
      git(['-c', 'init.defaultBranch=main', 'init', '--quiet', '--bare', origin]);
      // The checkout: this repository's commands (linked, not copied) in a git repository of its own.
      await mkdir(checkout);
      for (const entry of ['bin', 'src', 'node_modules', 'package.json', 'tsconfig.json']) await symlink(join(REPO_ROOT, entry), join(checkout, entry));
      await writeFile(join(checkout, '.gitignore'), 'output/\nnightly.yaml\nsync-summary.json\n');
      git(['-c', 'init.defaultBranch=main', 'init', '--quiet'], checkout);
      git(['add', '.gitignore'], checkout);
      git(['commit', '--quiet', '-m', 'notion-kb'], checkout);
      git(['remote', 'add', 'origin', origin], checkout);
      git(['push', '--quiet', 'origin', 'main'], checkout);
    });
    afterAll(async () => {
      await server.close();
      await tmp.cleanup();
    });

    it('the first night exports everything and pushes one commit to the archive branch', async () => {
      const { ran, summary } = await night();
      expect(ran.length).toBeGreaterThanOrEqual(5);
      expect(summary).toMatchObject({ status: 'complete', exitCode: 0 });
      expect(archiveCommits()).toBe('1');
      const files = git(['--git-dir', origin, 'ls-tree', '-r', '--name-only', `refs/heads/${branch}`]).split('\n');
      expect(files).toContain('index.json');
      expect(files).toContain('manifest.json');
    }, 60_000);

    it('a night without changes is incremental, publishes nothing and pushes no commit', async () => {
      const { summary } = await night();
      expect(summary).toMatchObject({ status: 'unchanged', exitCode: 0, mode: 'incremental' });
      expect(archiveCommits()).toBe('1');
    }, 60_000);

    it('a night after an edit pushes the next commit', async () => {
      server.mutate.editTitle(ids.deepest!, 'Level five (edited)');
      const { summary } = await night();
      expect(summary).toMatchObject({ status: 'complete', exitCode: 0, mode: 'incremental' });
      expect(archiveCommits()).toBe('2');
    }, 60_000);

    it('the night of FULL_RUN_WEEKDAY runs --full: its self-audit finds no drift, and the step outputs drift=0', async () => {
      expect(workflow.env!.FULL_RUN_WEEKDAY).toMatch(/^[1-7]$/);
      const day = isoWeekday();
      const { summary, outputs } = await night({ fullRun: true });
      // (Unless the night crossed midnight UTC between choosing the weekday and the sync.)
      if (isoWeekday() !== day) return;
      expect(summary).toMatchObject({ status: 'unchanged', exitCode: 0, mode: 'full', audit: { differed: [], formulaRollupChanges: [], commentChanges: [] } });
      expect(outputs).toMatchObject({ code: '0', drift: '0' });
      expect(archiveCommits()).toBe('2');
    }, 60_000);

    it('flags drift only when the audit found some', () => {
      const flag = steps.find((s) => s.name === 'Flag incremental drift');
      expect(flag?.if).toBe("steps.sync.outputs.drift != '' && steps.sync.outputs.drift != '0'");
      expect(flag?.run).toContain('::warning::');
    });

    it('with privacy rules from the NOTION_KB_PRIVACY secret, what they leave out is in neither the pushed snapshot nor the cached output', async () => {
      const { summary } = await night({ privacy: `privacy:\n  excludePages: ["${ids.database}"]\n` });
      // New rules: a full crawl, a new snapshot without the database and its row.
      expect(summary).toMatchObject({ status: 'complete', exitCode: 0, mode: 'full' });
      expect(archiveCommits()).toBe('3');
      const tree = git(['--git-dir', origin, 'ls-tree', '-r', '--name-only', `refs/heads/${branch}`]);
      expect(tree).toContain('index.json');
      expect(tree).not.toMatch(/partners|singa/i);
      /** Lines of a grep, or '' when it finds nothing (exit status 1). */
      const found = (cmd: string, args: string[]) => {
        try {
          return execFileSync(cmd, args, { env: gitEnv, encoding: 'utf8' }).trim();
        } catch (err) {
          if ((err as { status?: number }).status === 1) return '';
          throw err;
        }
      };
      const words = ['-e', 'SINGA', '-e', ids.row!, '-e', ids.row!.replaceAll('-', ''), '-e', ids.database!];
      expect(found('git', ['--git-dir', origin, 'grep', '-i', '-l', ...words, `refs/heads/${branch}`])).toBe('');
      // The cache is the output directory: snapshots (pruned to the new one) and the sync state
      // (the local archive repository aside: it holds the earlier, public commits).
      expect(found('grep', ['-r', '-i', '-l', ...words, '--exclude-dir', 'git-archive', join(checkout, 'output')])).toBe('');
    }, 60_000);
  });
});
