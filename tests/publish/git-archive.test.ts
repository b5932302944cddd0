// The git archive against real repositories: a bare "remote" in a temporary directory, the
// system git, hooks in the remote to refuse pushes and to record the environment git got.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  archiveSnapshot,
  gitReason,
  pushPending,
  resolveRemote,
  type GitArchiveOptions,
} from '../../src/publish/git-archive.js';

// Built at run time so that no token-shaped string is committed.
const TOKEN = ['ntn', 'GITarchiveFAKE0123456789abcdefghijklmnop'].join('_');
const BRANCH = 'main';

let tmp: string;
let home: string;
let remote: string;
let workDir: string;
/** Git's environment in these tests: the process's, with a HOME of our own (no global user.name, hooks or signing). */
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'notion-kb-git-archive-'));
  home = join(tmp, 'home');
  await mkdir(home);
  env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1', NOTION_TOKEN: TOKEN };
  delete env['GIT_CONFIG_GLOBAL'];
  remote = join(tmp, 'remote.git');
  workDir = join(tmp, 'out', '.git-archive');
  git(['-c', 'init.defaultBranch=main', 'init', '--quiet', '--bare', remote]);
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function git(args: string[], opts: { cwd?: string; input?: string; extraEnv?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync('git', args, {
    cwd: opts.cwd ?? tmp,
    env: { ...env, ...opts.extraEnv },
    encoding: 'utf8',
    input: opts.input,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

/** The remote's commits on a branch, newest first: hash and message. */
function remoteLog(branch = BRANCH, repo = remote): Array<{ hash: string; message: string }> {
  const refs = git(['--git-dir', repo, 'for-each-ref', '--format=%(refname)', `refs/heads/${branch}`]);
  if (refs === '') return [];
  return git(['--git-dir', repo, 'log', '--format=%H%x00%B%x01', `refs/heads/${branch}`])
    .split('\x01')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [hash, message] = entry.split('\x00');
      return { hash: hash!, message: message!.trim() };
    });
}

/** Every file of a commit's tree with its bytes. */
function treeOf(commit: string, repo = remote): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const listing = execFileSync('git', ['--git-dir', repo, 'ls-tree', '-r', '-z', commit], { env, encoding: 'utf8' });
  for (const entry of listing.split('\0').filter(Boolean)) {
    const [meta, path] = entry.split('\t');
    const hash = meta!.split(' ')[2]!;
    files.set(path!, execFileSync('git', ['--git-dir', repo, 'cat-file', 'blob', hash], { env }));
  }
  return files;
}

/** Every file under a directory with its bytes (forward-slash relative paths). */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.set(relative(dir, path).split('\\').join('/'), await readFile(path));
    }
  };
  await walk(dir);
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

let snapshotCount = 0;
/** Writes a snapshot-like directory with the given files. */
async function snapshot(files: Record<string, string | Buffer>): Promise<string> {
  const dir = join(tmp, 'out', 'snapshots', `20261129T0000${String(snapshotCount++).padStart(2, '0')}Z-abcdef`);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
const FIRST = {
  'index.json': '{"pages":2}\n',
  'manifest.json': '{"files":4}\n',
  'report.json': '{"failures":[]}\n',
  'pages/home.md': '# Home\r\nWindows line ends stay as they are.\r\n',
  'pages/team/people.md': '# People\n',
  'assets/ab/logo.png': PNG,
};
const SECOND = {
  'index.json': '{"pages":3}\n',
  'manifest.json': '{"files":4}\n',
  'pages/home.md': '# Home\n\nEdited.\n',
  'pages/team/people.md': '# People\n',
  'pages/team/new.md': '# New page\n',
  'assets/ab/logo.png': PNG,
};

function options(extra: Partial<GitArchiveOptions> = {}): GitArchiveOptions {
  return { remote, branch: BRANCH, workDir, env, ...extra };
}

async function rejectPushes(repo = remote): Promise<void> {
  const hook = join(repo, 'hooks', 'pre-receive');
  await writeFile(hook, '#!/bin/sh\necho "archive is read-only today" >&2\nexit 1\n');
  await chmod(hook, 0o755);
}

async function acceptPushes(repo = remote): Promise<void> {
  await rm(join(repo, 'hooks', 'pre-receive'), { force: true });
}

/** A commit made directly in the remote (someone else pushed), on top of its branch head. */
function commitInRemote(message: string): string {
  const parent = git(['--git-dir', remote, 'rev-parse', `refs/heads/${BRANCH}`]);
  const blob = git(['--git-dir', remote, 'hash-object', '-w', '--stdin'], { input: 'by hand\n' });
  const tree = git(['--git-dir', remote, 'mktree'], { input: `100644 blob ${blob}\tREADME.md\n` });
  const commit = git(['--git-dir', remote, 'commit-tree', tree, '-p', parent, '-m', message], {
    extraEnv: { GIT_AUTHOR_NAME: 'Someone', GIT_AUTHOR_EMAIL: 's@example.org', GIT_COMMITTER_NAME: 'Someone', GIT_COMMITTER_EMAIL: 's@example.org' },
  });
  git(['--git-dir', remote, 'update-ref', `refs/heads/${BRANCH}`, commit, parent]);
  return commit;
}

describe('archiveSnapshot', () => {
  it('makes one commit per snapshot whose tree is the snapshot, with the summary as message, and pushes it', async () => {
    const first = await snapshot(FIRST);
    const r1 = await archiveSnapshot({ ...options(), snapshotDir: first, message: 'Snapshot 1: 2 pages added' });
    expect(r1).toEqual({ status: 'committed', commit: expect.stringMatching(/^[0-9a-f]{40,64}$/), pushed: true, pendingCommits: 0 });

    const second = await snapshot(SECOND);
    const r2 = await archiveSnapshot({ ...options(), snapshotDir: second, message: 'Snapshot 2: 1 page added, 1 changed\n\n- pages/team/new.md\n' });
    expect(r2.status).toBe('committed');
    expect(r2.pushed).toBe(true);

    const log = remoteLog();
    expect(log.map((c) => c.hash)).toEqual([r2.commit, r1.commit]);
    expect(log.map((c) => c.message)).toEqual(['Snapshot 2: 1 page added, 1 changed\n\n- pages/team/new.md', 'Snapshot 1: 2 pages added']);
    // Byte for byte (CRLF and binary included); report.json, gone from the second snapshot, is gone from its tree.
    expect(treeOf(r1.commit!)).toEqual(await filesOf(first));
    expect(treeOf(r2.commit!)).toEqual(await filesOf(second));
    expect(treeOf(r2.commit!).has('report.json')).toBe(false);
    expect(git(['--git-dir', remote, 'rev-parse', `${r2.commit}^`])).toBe(r1.commit);
    // The author is notion-kb's own unless configured: nothing relies on a global user.name.
    expect(git(['--git-dir', remote, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', r2.commit!])).toBe('notion-kb <notion-kb@localhost>|notion-kb <notion-kb@localhost>');
    // The snapshot directories are left as they were (git only read them).
    expect(await filesOf(first)).toEqual(new Map(Object.entries(FIRST).map(([k, v]): [string, Buffer] => [k, Buffer.from(v)]).sort(([a], [b]) => a.localeCompare(b))));
    expect((await readdir(first)).sort()).toEqual(['assets', 'index.json', 'manifest.json', 'pages', 'report.json']);
  });

  it('makes no commit when the snapshot has the content of the last commit', async () => {
    const r1 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'one' });
    const again = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'two' });
    expect(again).toEqual({ status: 'unchanged', pushed: false, pendingCommits: 0 });
    expect(remoteLog().map((c) => c.hash)).toEqual([r1.commit]);
  });

  it('uses the configured author and commits to a branch the remote does not have yet', async () => {
    // The remote has history, but on another branch.
    git(['--git-dir', remote, 'update-ref', 'refs/heads/other', commitOnOrphan()]);
    const result = await archiveSnapshot({
      ...options({ branch: 'wiki/nightly', author: { name: 'Wiki Bot', email: 'wiki@example.org' } }),
      snapshotDir: await snapshot(FIRST),
      message: 'first',
    });
    expect(result.status).toBe('committed');
    expect(remoteLog('wiki/nightly').map((c) => c.hash)).toEqual([result.commit]);
    expect(git(['--git-dir', remote, 'log', '-1', '--format=%an <%ae>', 'refs/heads/wiki/nightly'])).toBe('Wiki Bot <wiki@example.org>');
    // A root commit: the other branch's history is not its parent.
    expect(git(['--git-dir', remote, 'rev-list', '--count', 'refs/heads/wiki/nightly'])).toBe('1');
  });

  it('keeps a refused push as a local commit and pushes every pending commit on the next run', async () => {
    const r1 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'one' });
    await rejectPushes();
    const r2 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(SECOND), message: 'two' });
    expect(r2).toMatchObject({ status: 'push_failed', pushed: false, pendingCommits: 1, error: { code: 'git_push_failed' } });
    expect(r2.commit).toMatch(/^[0-9a-f]{40,64}$/);
    expect(r2.error!.message).toBe(`git archive: could not push 1 commit(s) to ${remote} (branch main): ! [remote rejected] main -> main (pre-receive hook declined)`);
    const r3 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot({ ...SECOND, 'pages/x.md': 'x\n' }), message: 'three' });
    expect(r3).toMatchObject({ status: 'push_failed', pendingCommits: 2, error: { code: 'git_push_failed' } });
    expect(remoteLog().map((c) => c.hash)).toEqual([r1.commit]);

    await acceptPushes();
    // A run without a new snapshot pushes what is pending.
    const retry = await pushPending(options());
    expect(retry).toEqual({ status: 'unchanged', pushed: true, pendingCommits: 0 });
    expect(remoteLog().map((c) => c.message)).toEqual(['three', 'two', 'one']);
    expect(remoteLog().map((c) => c.hash)).toEqual([r3.commit, r2.commit, r1.commit]);
    expect(await pushPending(options())).toEqual({ status: 'unchanged', pushed: false, pendingCommits: 0 });
  });

  it('retries a failed push with the next snapshot, pushing both commits', async () => {
    await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'one' });
    await rejectPushes();
    const failed = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(SECOND), message: 'two' });
    expect(failed.status).toBe('push_failed');
    await acceptPushes();
    const next = await archiveSnapshot({ ...options(), snapshotDir: await snapshot({ ...SECOND, 'pages/x.md': 'x\n' }), message: 'three' });
    expect(next).toMatchObject({ status: 'committed', pushed: true, pendingCommits: 0 });
    expect(remoteLog().map((c) => c.message)).toEqual(['three', 'two', 'one']);
  });

  it('commits locally while the remote is unreachable and pushes once it is back', async () => {
    const r1 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'one' });
    await rename(remote, `${remote}.away`);
    // Nothing new and nothing pending: an unreachable remote is no failure then.
    expect(await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'same' })).toEqual({ status: 'unchanged', pushed: false, pendingCommits: 0 });
    expect(await pushPending(options())).toEqual({ status: 'unchanged', pushed: false, pendingCommits: 0 });
    const r2 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(SECOND), message: 'two' });
    expect(r2).toMatchObject({ status: 'push_failed', pushed: false, pendingCommits: 1, error: { code: 'git_unreachable' } });
    expect(r2.error!.message).toMatch(new RegExp(`^git archive: could not read ${escape(remote)} \\(branch main\\): \\S`));
    await rename(`${remote}.away`, remote);
    expect(remoteLog().map((c) => c.hash)).toEqual([r1.commit]);
    const retry = await pushPending(options());
    expect(retry).toEqual({ status: 'unchanged', pushed: true, pendingCommits: 0 });
    expect(remoteLog().map((c) => c.hash)).toEqual([r2.commit, r1.commit]);
  });

  it('commits nothing when the remote cannot be reached before the archive ever reached it', async () => {
    const result = await archiveSnapshot({ ...options({ remote: join(tmp, 'missing.git') }), snapshotDir: await snapshot(FIRST), message: 'one' });
    expect(result).toMatchObject({ status: 'failed', pushed: false, pendingCommits: 0, error: { code: 'git_unreachable' } });
    expect(result.commit).toBeUndefined();
    expect(result.error!.message).toContain(join(tmp, 'missing.git'));
  });

  it('catches up with commits pushed to the remote by someone else, and commits on top of them', async () => {
    const r1 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'one' });
    const theirs = commitInRemote('a README by hand');
    const r2 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(SECOND), message: 'two' });
    expect(r2).toMatchObject({ status: 'committed', pushed: true });
    expect(remoteLog().map((c) => c.hash)).toEqual([r2.commit, theirs, r1.commit]);
    // Still exactly the snapshot: the hand-made file is not carried over.
    expect([...treeOf(r2.commit!).keys()].sort()).toEqual(Object.keys(SECOND).sort());
  });

  it('forces nothing when the remote moved while a commit waited, and says how to recover', async () => {
    await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'one' });
    await rejectPushes();
    const waiting = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(SECOND), message: 'two' });
    expect(waiting.status).toBe('push_failed');
    await acceptPushes();
    const theirs = commitInRemote('someone else');

    const third = await snapshot({ ...SECOND, 'pages/x.md': 'x\n' });
    const diverged = await archiveSnapshot({ ...options(), snapshotDir: third, message: 'three' });
    expect(diverged).toMatchObject({ status: 'push_failed', pushed: false, pendingCommits: 2, error: { code: 'git_diverged' } });
    expect(diverged.error!.message).toContain(`branch main of ${remote} has commits that the local archive (${workDir}) does not have`);
    expect(diverged.error!.message).toContain(`delete ${workDir}`);
    expect(git(['--git-dir', remote, 'rev-parse', `refs/heads/${BRANCH}`])).toBe(theirs);
    expect((await pushPending(options())).error?.code).toBe('git_diverged');

    // The way out the message gives: start again from the remote.
    await rm(workDir, { recursive: true });
    const fresh = await archiveSnapshot({ ...options(), snapshotDir: third, message: 'three' });
    expect(fresh).toMatchObject({ status: 'committed', pushed: true });
    expect(git(['--git-dir', remote, 'rev-parse', `${fresh.commit}^`])).toBe(theirs);
    expect(treeOf(fresh.commit!)).toEqual(await filesOf(third));
  });

  it('removes the lock files a git killed part-way left (older than a git command may run), and leaves a fresh one alone', async () => {
    const r1 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(FIRST), message: 'one' });
    expect(r1.status).toBe('committed');
    // What a git update-ref and a git fetch killed with a CI job leave: the branch, its tracking ref, packed-refs.
    const locks = [join(workDir, 'refs', 'heads', `${BRANCH}.lock`), join(workDir, 'refs', 'remotes', 'origin', `${BRANCH}.lock`), join(workDir, 'packed-refs.lock')];
    for (const lock of locks) await writeFile(lock, '');
    // Fresh: a git command may still hold them. Nothing is removed, and the run says what is wrong.
    const held = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(SECOND), message: 'two' });
    expect(held).toMatchObject({ status: 'failed', pushed: false, error: { code: 'git_failed', message: expect.stringContaining('.lock') } });
    for (const lock of locks) expect(await readFile(lock, 'utf8'), lock).toBe('');
    // A day old (the next night): removed, and the snapshot committed and pushed.
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    for (const lock of locks) await utimes(lock, dayAgo, dayAgo);
    const r2 = await archiveSnapshot({ ...options(), snapshotDir: await snapshot(SECOND), message: 'two' });
    expect(r2).toMatchObject({ status: 'committed', pushed: true, pendingCommits: 0 });
    expect(remoteLog().map((c) => c.hash)).toEqual([r2.commit, r1.commit]);
    for (const lock of locks) await expect(readFile(lock), lock).rejects.toThrow('ENOENT');
  });

  it('never hands NOTION_* variables to git, and never lets it prompt', async () => {
    const dump = join(tmp, 'hook-env.txt');
    const hook = join(remote, 'hooks', 'pre-receive');
    await writeFile(hook, `#!/bin/sh\nenv > '${dump}'\ncat >/dev/null\nexit 0\n`);
    await chmod(hook, 0o755);
    vi.stubEnv('NOTION_TOKEN', TOKEN);
    vi.stubEnv('NOTION_BASE_URL', 'http://127.0.0.1:9');
    vi.stubEnv('GIT_DIR', join(tmp, 'not-the-archive'));
    try {
      // No env given: the process's own environment, as the CLI will use it.
      const result = await archiveSnapshot({ remote, branch: BRANCH, workDir, snapshotDir: await snapshot(FIRST), message: 'one' });
      expect(result.status).toBe('committed');
    } finally {
      vi.unstubAllEnvs();
    }
    const seen = await readFile(dump, 'utf8');
    expect(seen).toContain('GIT_TERMINAL_PROMPT=0');
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toMatch(/^NOTION_/m);
    expect(seen).toMatch(/^PATH=/m);
  });

  it('strips NOTION_* from an environment given explicitly too', async () => {
    const dump = join(tmp, 'hook-env.txt');
    const hook = join(remote, 'hooks', 'pre-receive');
    await writeFile(hook, `#!/bin/sh\nenv > '${dump}'\ncat >/dev/null\nexit 0\n`);
    await chmod(hook, 0o755);
    const result = await archiveSnapshot({ ...options({ env: { ...env, NOTION_TOKEN: TOKEN, notion_other: 'x' } }), snapshotDir: await snapshot(FIRST), message: 'one' });
    expect(result.status).toBe('committed');
    const seen = await readFile(dump, 'utf8');
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toMatch(/^notion_/im);
    expect(seen).toContain(`HOME=${home}`);
  });

  it("archives every file byte for byte whatever the user's global git settings", async () => {
    // Ignore rules and line-end conversion in the user's config must not change the archive.
    await writeFile(join(home, '.gitconfig'), `[core]\n\texcludesFile = ${join(home, 'ignore')}\n\tautocrlf = true\n[commit]\n\tgpgSign = true\n`);
    await writeFile(join(home, 'ignore'), '*.json\nassets/\n');
    const dir = await snapshot(FIRST);
    const result = await archiveSnapshot({ ...options(), snapshotDir: dir, message: 'one' });
    expect(result.status).toBe('committed');
    expect(treeOf(result.commit!)).toEqual(await filesOf(dir));
  });

  it('reports a missing git clearly', async () => {
    const empty = join(tmp, 'empty-bin');
    await mkdir(empty);
    const result = await archiveSnapshot({ ...options({ env: { ...env, PATH: empty } }), snapshotDir: await snapshot(FIRST), message: 'one' });
    expect(result).toEqual({
      status: 'failed',
      pushed: false,
      pendingCommits: 0,
      error: { code: 'git_missing', message: 'git archive: git is not installed (no "git" on PATH); install git, or remove archive.git.remote from the config to archive without it' },
    });
  });

  it('never shows the password or token of a remote URL', async () => {
    const url = 'https://archiver:hunter2hunter2@127.0.0.1:1/wiki.git';
    const result = await archiveSnapshot({ ...options({ remote: url }), snapshotDir: await snapshot(FIRST), message: 'one' });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'git_unreachable' } });
    expect(result.error!.message).not.toContain('hunter2');
    expect(result.error!.message).toContain('https://***@127.0.0.1:1/wiki.git');
    expect(result.error!.message).not.toMatch(/\n/);
  });

  it('refuses a snapshot directory that does not exist (it would empty the archive)', async () => {
    const result = await archiveSnapshot({ ...options(), snapshotDir: join(tmp, 'nope'), message: 'one' });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'git_failed' } });
    expect(remoteLog()).toEqual([]);
  });

  it.each([
    ['a branch git would read as an option', { branch: '--force' }, 'git archive: not a valid git branch name: "--force" (see git check-ref-format)'],
    ['a remote git would read as an option', { remote: '--upload-pack=touch x' }, 'git archive: not a git URL or path: "--upload-pack=touch x"'],
  ])('refuses %s', async (_name, extra, message) => {
    const result = await archiveSnapshot({ ...options(extra), snapshotDir: await snapshot(FIRST), message: 'one' });
    expect(result).toEqual({ status: 'failed', pushed: false, pendingCommits: 0, error: { code: 'git_failed', message } });
  });

  it('resolves a relative path remote against the given working directory', async () => {
    const result = await archiveSnapshot({ ...options({ remote: 'remote.git', cwd: tmp }), snapshotDir: await snapshot(FIRST), message: 'one' });
    expect(result.status).toBe('committed');
    expect(remoteLog().map((c) => c.hash)).toEqual([result.commit]);
  });
});

describe('pushPending', () => {
  it('does nothing before the first archive commit', async () => {
    expect(await pushPending(options())).toEqual({ status: 'unchanged', pushed: false, pendingCommits: 0 });
    expect(remoteLog()).toEqual([]);
  });
});

describe('resolveRemote', () => {
  it.each([
    ['git@github.com:team/wiki.git', 'git@github.com:team/wiki.git'],
    ['https://github.com/team/wiki.git', 'https://github.com/team/wiki.git'],
    ['ssh://git@host/srv/wiki.git', 'ssh://git@host/srv/wiki.git'],
    ['file:///srv/wiki.git', 'file:///srv/wiki.git'],
    ['/srv/wiki.git', '/srv/wiki.git'],
    ['archive/wiki.git', '/work/dir/archive/wiki.git'],
    ['./a:b', '/work/dir/a:b'],
  ])('%s', (input, expected) => {
    expect(resolveRemote(input, '/work/dir')).toBe(expected);
  });
});

describe('gitReason', () => {
  it('picks the line that says what went wrong', () => {
    expect(gitReason('remote: hello\nTo /x\n ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs to \'/x\'\n')).toBe(
      '! [rejected]        main -> main (fetch first)',
    );
    expect(gitReason("fatal: unable to access 'https://u:pw@h/x/': Could not resolve host: h\n")).toBe("fatal: unable to access 'https://***@h/x/': Could not resolve host: h");
    expect(gitReason('')).toBe('');
  });
});

function commitOnOrphan(): string {
  const blob = git(['--git-dir', remote, 'hash-object', '-w', '--stdin'], { input: 'other\n' });
  const tree = git(['--git-dir', remote, 'mktree'], { input: `100644 blob ${blob}\tother.txt\n` });
  return git(['--git-dir', remote, 'commit-tree', tree, '-m', 'other branch'], {
    extraEnv: { GIT_AUTHOR_NAME: 'Someone', GIT_AUTHOR_EMAIL: 's@example.org', GIT_COMMITTER_NAME: 'Someone', GIT_COMMITTER_EMAIL: 's@example.org' },
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
