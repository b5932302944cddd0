// The git archive (config `archive.git`): each new snapshot becomes one commit whose tree is
// the snapshot's files at the repository root, pushed to the user's repository with the
// system git and the user's own credentials (SSH key, agent, credential helper).
//
// The local side is a bare repository in `workDir` (e.g. `<out>/.git-archive`). It needs no
// working tree of its own: the snapshot directory itself is given to git as the work tree
// (`git --work-tree=<snapshot> add --all --force` into a fresh index), so the tree is built
// from the published files without copying them, files gone from the snapshot are gone from
// the tree, and git never writes into the snapshot. The commit is made with plumbing
// (write-tree, commit-tree, update-ref): no hooks, no user.name needed, no signing prompt.
//
// A failed push leaves the commit in `workDir`; the next call pushes every pending commit.
// Nothing is ever forced: a remote branch that moved while local commits were waiting is
// reported (git_diverged) and left for the user to reconcile.
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { branchNameProblem, redactRemote } from '../config/config-schema.js';

/** Where the archive's local repository lives inside an output directory (a suggestion: callers pass `workDir`). */
export const GIT_ARCHIVE_DIR = '.git-archive';

/** Author and committer of the archive commits when the config names none. */
export const DEFAULT_GIT_AUTHOR: Readonly<{ name: string; email: string }> = { name: 'notion-kb', email: 'notion-kb@localhost' };

/** How long one git command may run (a first push of a large archive takes a while), in milliseconds. */
export const DEFAULT_GIT_TIMEOUT_MS = 30 * 60_000;

/** A git lock file older than a git command may run by this much was left by a command killed part-way. */
const STALE_LOCK_MARGIN_MS = 5 * 60_000;

export interface GitArchiveOptions {
  /** The archive repository: a URL (`https://…`, `ssh://…`), scp-like `user@host:path`, or a local path. */
  remote: string;
  /** The branch the snapshots are committed to. */
  branch: string;
  /** The local bare repository holding the archive's commits, created on first use (e.g. `<out>/.git-archive`). */
  workDir: string;
  /** Author and committer of the commits; default `notion-kb <notion-kb@localhost>`. */
  author?: { name: string; email: string };
  /** Environment git runs with (default `process.env`); NOTION_* variables are always removed from it. */
  env?: NodeJS.ProcessEnv;
  /** Directory a relative path `remote` is resolved against (default `process.cwd()`). */
  cwd?: string;
  /** Time limit for one git command, in milliseconds (default 30 minutes). */
  timeoutMs?: number;
}

/**
 * committed: a new commit was made and pushed. unchanged: the snapshot equals the last commit
 * (no commit); anything left from a failed push was pushed (`pushed`). push_failed: the remote
 * lacks `pendingCommits` commits that are kept locally and pushed by the next call (a new
 * commit, if made, is `commit`). failed: nothing could be committed (git missing, the remote
 * unreachable before the archive ever reached it, a git error).
 */
export type GitArchiveStatus = 'committed' | 'unchanged' | 'push_failed' | 'failed';

/**
 * git_missing: no `git` on PATH. git_unreachable: the remote could not be read (network,
 * credentials, no such repository). git_diverged: the remote branch has commits the local
 * archive lacks while local commits wait to be pushed; nothing is forced. git_push_failed:
 * the push was refused or failed. git_failed: any other git or file problem.
 */
export type GitArchiveErrorCode = 'git_missing' | 'git_unreachable' | 'git_diverged' | 'git_push_failed' | 'git_failed';

export interface GitArchiveResult {
  status: GitArchiveStatus;
  /** The commit this call made, if any. */
  commit?: string;
  /** True when this call pushed commits to the remote. */
  pushed: boolean;
  /** Commits of the local archive the remote branch does not have after this call. */
  pendingCommits: number;
  /** Why the remote is not up to date (status push_failed or failed): one line, no password, no stack. */
  error?: { code: GitArchiveErrorCode; message: string };
}

/**
 * Commits the snapshot directory (its files at the repository root) with `message` unless the
 * archive's last commit has exactly that content, then pushes every commit the remote lacks.
 * Never throws: every problem is a result with `error`.
 */
export async function archiveSnapshot(opts: GitArchiveOptions & { snapshotDir: string; message: string }): Promise<GitArchiveResult> {
  const git = new Git(opts);
  const made: { commit?: string } = {};
  try {
    const info = await stat(opts.snapshotDir).catch(() => null);
    if (info === null || !info.isDirectory()) {
      throw new GitArchiveError('git_failed', `git archive: the snapshot directory ${opts.snapshotDir} does not exist; nothing committed`);
    }
    await git.ensureRepository();
    const state = await git.syncWithRemote();
    if (state.problem !== undefined && state.local === null) throw state.problem;
    const commit = await git.commitSnapshot(opts.snapshotDir, opts.message, state.local);
    if (commit !== null) made.commit = commit;
    return await git.finish(state, made.commit);
  } catch (error) {
    return failure(error, made.commit);
  }
}

/**
 * Pushes the commits a failed push left behind (for a run that publishes no new snapshot).
 * Makes no commit; a missing `workDir` means nothing is pending. Never throws.
 */
export async function pushPending(opts: GitArchiveOptions): Promise<GitArchiveResult> {
  const git = new Git(opts);
  try {
    if (!(await git.repositoryExists())) return { status: 'unchanged', pushed: false, pendingCommits: 0 };
    await git.ensureRepository();
    return await git.finish(await git.syncWithRemote(), undefined);
  } catch (error) {
    return failure(error, undefined);
  }
}

/** The environment git runs with: the caller's, without NOTION_* (the token) or a repository git would pick up instead of ours. */
export function gitEnvironment(base: NodeJS.ProcessEnv, author: { name: string; email: string } = DEFAULT_GIT_AUTHOR): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || /^NOTION_/i.test(key) || REPOSITORY_VARIABLES.has(key.toUpperCase())) continue;
    env[key] = value;
  }
  // Never wait for a password on a terminal: fail instead, and say so.
  env['GIT_TERMINAL_PROMPT'] = '0';
  env['GCM_INTERACTIVE'] ??= 'never';
  env['GIT_AUTHOR_NAME'] = author.name;
  env['GIT_AUTHOR_EMAIL'] = author.email;
  env['GIT_COMMITTER_NAME'] = author.name;
  env['GIT_COMMITTER_EMAIL'] = author.email;
  return env;
}

/** A relative path remote becomes absolute (git runs elsewhere); URLs and scp-like `host:path` are kept. */
export function resolveRemote(remote: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) return remote;
  const colon = remote.indexOf(':');
  const slash = remote.indexOf('/');
  const windowsDrive = /^[a-z]:[\\/]/i.test(remote);
  if (colon > 0 && (slash === -1 || colon < slash) && !windowsDrive) return remote;
  return resolve(cwd, remote);
}

// Variables that point git at another repository, index or identity than the archive's.
const REPOSITORY_VARIABLES = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_DATE',
]);

class GitArchiveError extends Error {
  constructor(
    readonly code: GitArchiveErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function failure(error: unknown, commit: string | undefined): GitArchiveResult {
  const known = error instanceof GitArchiveError;
  const code: GitArchiveErrorCode = known ? error.code : 'git_failed';
  const text = known ? error.message : `git archive: ${error instanceof Error ? error.message : String(error)}`;
  return {
    status: commit === undefined ? 'failed' : 'push_failed',
    ...(commit === undefined ? {} : { commit }),
    pushed: false,
    pendingCommits: commit === undefined ? 0 : 1,
    error: { code, message: redactRemote(text).replace(/\s*[\r\n]+\s*/g, ' ').trim() },
  };
}

interface RemoteState {
  /** The local branch head after catching up with the remote (null: no commit yet). */
  local: string | null;
  /** Why the remote cannot be brought up to date (unreachable, diverged). */
  problem?: GitArchiveError;
}

interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

class Git {
  private readonly gitDir: string;
  private readonly branch: string;
  /** The remote as configured, and as git is given it (a relative path made absolute). */
  private readonly remote: string;
  private readonly remoteUrl: string;
  /** The remote as shown in messages: no password or token. */
  private readonly shown: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;

  constructor(opts: GitArchiveOptions) {
    this.gitDir = resolve(opts.workDir);
    this.branch = opts.branch;
    this.remote = opts.remote;
    this.remoteUrl = resolveRemote(opts.remote, opts.cwd ?? process.cwd());
    this.shown = redactRemote(opts.remote);
    this.env = gitEnvironment(opts.env ?? process.env, opts.author ?? DEFAULT_GIT_AUTHOR);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  }

  private get localRef(): string {
    return `refs/heads/${this.branch}`;
  }

  private get trackingRef(): string {
    return `refs/remotes/origin/${this.branch}`;
  }

  async repositoryExists(): Promise<boolean> {
    return (await stat(join(this.gitDir, 'HEAD')).catch(() => null))?.isFile() ?? false;
  }

  /** Creates the local bare repository on first use; points it at the configured remote and branch every time. */
  async ensureRepository(): Promise<void> {
    // The config checks both; a caller that bypasses it must not turn either into a git option.
    const branchProblem = branchNameProblem(this.branch);
    if (branchProblem !== null) throw new GitArchiveError('git_failed', `git archive: ${branchProblem}`);
    if (this.remote.startsWith('-') || this.remote.trim() === '') {
      throw new GitArchiveError('git_failed', `git archive: not a git URL or path: ${JSON.stringify(this.shown)}`);
    }
    if (!(await this.repositoryExists())) {
      const entries = await readdir(this.gitDir).catch(() => [] as string[]);
      if (entries.length > 0) {
        throw new GitArchiveError('git_failed', `git archive: ${this.gitDir} exists and is not the archive's git repository; move it away`);
      }
      await mkdir(this.gitDir, { recursive: true });
      await this.must(['init', '--bare', '--quiet'], 'git_failed', `could not create the local archive repository ${this.gitDir}`);
    }
    await this.removeStaleLocks();
    await this.must(['symbolic-ref', 'HEAD', this.localRef], 'git_failed', 'could not set up the local archive repository');
    await this.must(['config', 'remote.origin.url', this.remoteUrl], 'git_failed', 'could not set up the local archive repository');
  }

  /**
   * Lock files that a git command killed part-way left (a CI runner that kills a job's whole
   * process tree, a machine going down; a notion-kb that exits otherwise stops its git with
   * SIGTERM first, and git removes its own locks then): git refuses to touch a locked ref or file
   * again ("Unable to create '….lock': File exists"), night after night. Only locks older than a
   * git command may run are removed: the output lock keeps other runs out, and ref locks are held
   * for moments.
   */
  private async removeStaleLocks(): Promise<void> {
    const before = Date.now() - this.timeoutMs - STALE_LOCK_MARGIN_MS;
    const locks = ['HEAD.lock', 'config.lock', 'packed-refs.lock', 'shallow.lock', 'FETCH_HEAD.lock', 'ORIG_HEAD.lock'].map((name) => join(this.gitDir, name));
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        if (e.isDirectory()) await walk(join(dir, e.name));
        else if (e.name.endsWith('.lock')) locks.push(join(dir, e.name));
      }
    };
    await walk(join(this.gitDir, 'refs'));
    for (const lock of locks) {
      const info = await stat(lock).catch(() => null);
      if (info !== null && info.mtimeMs < before) await rm(lock, { force: true });
    }
  }

  /**
   * Reads the remote branch and catches up with it: a local branch that is behind (or absent)
   * is moved to the remote's commit. Local commits not on the remote stay and are pushed later.
   */
  async syncWithRemote(): Promise<RemoteState> {
    let local = await this.revParse(this.localRef);
    const listed = await this.run(['ls-remote', '--refs', 'origin', this.localRef]);
    if (listed.code !== 0) {
      return { local, problem: this.problem('git_unreachable', 'could not read', listed.stderr) };
    }
    const remote = listed.stdout
      .split('\n')
      .map((line) => line.split('\t'))
      .find(([, ref]) => ref === this.localRef)?.[0];
    if (remote === undefined) {
      // No such branch (or an empty repository): every local commit is pending; the push creates it.
      if ((await this.revParse(this.trackingRef)) !== null) await this.must(['update-ref', '-d', this.trackingRef], 'git_failed', 'could not update the local archive repository');
      return { local };
    }
    if ((await this.revParse(this.trackingRef)) !== remote) {
      const fetched = await this.run(['fetch', '--quiet', '--no-tags', 'origin', `+${this.localRef}:${this.trackingRef}`]);
      if (fetched.code !== 0) return { local, problem: this.problem('git_unreachable', 'could not fetch from', fetched.stderr) };
    }
    const tracking = (await this.revParse(this.trackingRef)) ?? remote;
    if (local === null || (local !== tracking && (await this.isAncestor(local, tracking)))) {
      await this.must(['update-ref', this.localRef, tracking], 'git_failed', 'could not update the local archive repository');
      local = tracking;
    } else if (local !== tracking && !(await this.isAncestor(tracking, local))) {
      const pending = await this.countPending();
      return {
        local,
        problem: new GitArchiveError(
          'git_diverged',
          `git archive: branch ${this.branch} of ${this.shown} has commits that the local archive (${this.gitDir}) does not have, ` +
            `and ${pending} local commit(s) are not pushed; nothing was forced. Merge them by hand, or delete ${this.gitDir} ` +
            'to start again from the remote branch (the next run commits the newest snapshot on top of it).',
        ),
      };
    }
    return { local };
  }

  /** Commits the snapshot directory's files on top of `parent` unless the tree is the same; returns the new commit. */
  async commitSnapshot(snapshotDir: string, message: string, parent: string | null): Promise<string | null> {
    // A fresh index every time: it then holds exactly the snapshot's files (and never a stale lock).
    await rm(join(this.gitDir, 'index'), { force: true });
    await rm(join(this.gitDir, 'index.lock'), { force: true });
    // --force: the user's global excludes must not keep a snapshot file out of the archive.
    await this.must(['add', '--all', '--force'], 'git_failed', `could not add the snapshot ${snapshotDir} to the local archive`, {
      workTree: resolve(snapshotDir),
    });
    const tree = (await this.must(['write-tree'], 'git_failed', 'could not write the snapshot tree')).stdout.trim();
    if (parent !== null) {
      const parentTree = (await this.must(['rev-parse', `${parent}^{tree}`], 'git_failed', 'could not read the last archive commit')).stdout.trim();
      if (parentTree === tree) return null;
    }
    const text = message.trim() === '' ? 'notion-kb snapshot' : message;
    const args = ['commit-tree', '--no-gpg-sign', tree, ...(parent === null ? [] : ['-p', parent])];
    const commit = (await this.must(args, 'git_failed', 'could not commit the snapshot', { input: text.endsWith('\n') ? text : `${text}\n` })).stdout.trim();
    await this.must(['update-ref', this.localRef, commit, ...(parent === null ? [] : [parent])], 'git_failed', 'could not record the archive commit');
    return commit;
  }

  /** Pushes what the remote lacks (unless the remote could not be read or has moved) and says how it went. */
  async finish(state: RemoteState, commit: string | undefined): Promise<GitArchiveResult> {
    const made = commit === undefined ? {} : { commit };
    const pending = await this.countPending();
    if (pending === 0) return { status: commit === undefined ? 'unchanged' : 'committed', ...made, pushed: false, pendingCommits: 0 };
    if (state.problem !== undefined) return { status: 'push_failed', ...made, pushed: false, pendingCommits: pending, error: errorOf(state.problem) };
    const pushed = await this.run(['push', '--quiet', '--no-follow-tags', 'origin', `${this.localRef}:${this.localRef}`]);
    if (pushed.code !== 0) {
      const problem = this.problem('git_push_failed', `could not push ${pending} commit(s) to`, pushed.stderr);
      return { status: 'push_failed', ...made, pushed: false, pendingCommits: pending, error: errorOf(problem) };
    }
    const head = await this.revParse(this.localRef);
    if (head !== null) await this.must(['update-ref', this.trackingRef, head], 'git_failed', 'could not update the local archive repository');
    return { status: commit === undefined ? 'unchanged' : 'committed', ...made, pushed: true, pendingCommits: 0 };
  }

  /** Local commits the remote branch (as last seen) does not have. */
  private async countPending(): Promise<number> {
    if ((await this.revParse(this.localRef)) === null) return 0;
    const range = (await this.revParse(this.trackingRef)) === null ? [this.localRef] : [`${this.trackingRef}..${this.localRef}`];
    const out = await this.must(['rev-list', '--count', ...range], 'git_failed', 'could not count the archive commits');
    return Number.parseInt(out.stdout.trim(), 10);
  }

  private async revParse(ref: string): Promise<string | null> {
    const out = await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return out.code === 0 ? out.stdout.trim() : null;
  }

  private async isAncestor(ancestor: string, of: string): Promise<boolean> {
    const out = await this.run(['merge-base', '--is-ancestor', ancestor, of]);
    if (out.code === 0 || out.code === 1) return out.code === 0;
    throw this.problem('git_failed', 'could not compare the local archive with', out.stderr);
  }

  private problem(code: GitArchiveErrorCode, doing: string, stderr: string): GitArchiveError {
    const reason = gitReason(stderr);
    return new GitArchiveError(code, `git archive: ${doing} ${this.shown} (branch ${this.branch})${reason === '' ? '' : `: ${reason}`}`);
  }

  private async must(args: string[], code: GitArchiveErrorCode, doing: string, opts: { input?: string; workTree?: string } = {}): Promise<GitOutput> {
    const out = await this.run(args, opts);
    if (out.code !== 0) {
      const reason = gitReason(out.stderr);
      throw new GitArchiveError(code, `git archive: ${doing}${reason === '' ? '' : `: ${reason}`}`);
    }
    return out;
  }

  /** Runs git on the local archive repository: no shell, no terminal (so no password prompt), a time limit. */
  private run(args: string[], opts: { input?: string; workTree?: string } = {}): Promise<GitOutput> {
    const argv = [
      // Bytes in, bytes out, whatever the user's global settings say.
      '-c',
      'core.autocrlf=false',
      '-c',
      'core.safecrlf=false',
      '-c',
      `init.defaultBranch=${this.branch}`,
      `--git-dir=${this.gitDir}`,
      ...(opts.workTree === undefined ? [] : [`--work-tree=${opts.workTree}`]),
      ...args,
    ];
    return new Promise((resolvePromise, reject) => {
      // detached: a session of its own, without a controlling terminal, so ssh cannot ask for a passphrase either.
      const child = spawn('git', argv, {
        cwd: opts.workTree ?? this.gitDir,
        env: this.env,
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
        windowsHide: true,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      // A notion-kb that exits now (Ctrl-C, SIGTERM: process.exit) stops its git too: detached, git
      // is in no process group of ours, and would push on with no time limit. SIGTERM: git removes its lock files.
      const stop = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Gone already.
        }
      };
      process.once('exit', stop);
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, this.timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        process.off('exit', stop);
        reject(
          err.code === 'ENOENT'
            ? new GitArchiveError('git_missing', `git archive: git is not installed (no "git" on PATH); install git, or remove archive.git.remote from the config to archive without it`)
            : new GitArchiveError('git_failed', `git archive: could not run git: ${err.message}`),
        );
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        process.off('exit', stop);
        const err = Buffer.concat(stderr).toString('utf8');
        resolvePromise({
          code: timedOut ? -1 : (code ?? -1),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: timedOut ? `timed out after ${Math.round(this.timeoutMs / 1000)} s (git ${args[0]})\n${err}` : err,
        });
      });
      if (opts.input !== undefined && child.stdin !== null) {
        child.stdin.on('error', () => {});
        child.stdin.end(opts.input);
      }
    });
  }
}

function errorOf(problem: GitArchiveError): { code: GitArchiveErrorCode; message: string } {
  return { code: problem.code, message: redactRemote(problem.message).replace(/\s*[\r\n]+\s*/g, ' ').trim() };
}

/**
 * The line of git's stderr that says what went wrong: `fatal:` first, then a rejected ref
 * (` ! [rejected] … (reason)`), then `error:`, else the first line; URLs redacted.
 */
export function gitReason(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const pick =
    lines.find((l) => l.startsWith('timed out after')) ??
    lines.find((l) => /^fatal:/i.test(l)) ??
    lines.find((l) => l.startsWith('! [')) ??
    lines.find((l) => /^error:/i.test(l)) ??
    lines[0] ??
    '';
  const shown = redactRemote(pick);
  return shown.length > 300 ? `${shown.slice(0, 297)}...` : shown;
}
