// The output lock: only one sync writes into an output directory at a time. The lock file names
// its owner by process id, process start time and host name, so a process id the system has
// since given to another process does not block syncs forever.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { NotionKbError } from '../errors.js';
import { nodeOutputFs, type OutputFs } from './output-fs.js';

/** Name of the lock file in the output directory. */
export const LOCK_FILE = '.notion-kb.lock';

/**
 * A lock written on another host is taken over only when it is older than this: its process
 * cannot be checked from here, and no sync runs for a day.
 */
export const FOREIGN_LOCK_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** A lock file being written right now may be read empty; one that stays unreadable longer is stale. */
const UNREADABLE_GRACE_MS = 5_000;

/** Start times read twice for one process may differ this much (/proc/stat's btime is rounded). */
const START_TIME_TOLERANCE_MS = 2_000;

/** What the lock file holds (JSON). */
export interface LockOwner {
  pid: number;
  /** Process start time, ms since the epoch; null where it cannot be read. */
  startTime: number | null;
  host: string;
  /** When the lock was taken (ISO 8601). */
  createdAt: string;
}

/** A held `<out>/.notion-kb.lock`; release it when the run ends, however it ends. */
export interface OutputLock {
  release(): Promise<void>;
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !exitedUnreaped(pid);
};

/**
 * The fields of a /proc/<pid>/stat line from field 3 (the state) on: the command name (field 2)
 * is in parentheses and may hold spaces or ')', so the split starts after the last one.
 */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/**
 * Linux: the process has exited and only waits for its parent to reap it (a zombie: a sync
 * SIGKILLed under a parent that has not waited for it yet). Signal 0 still reaches it, but it
 * writes nothing any more.
 */
function exitedUnreaped(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const state = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0];
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/**
 * When a process started, in ms since the epoch; null when it is gone or cannot be asked.
 * Linux: field 22 of /proc/<pid>/stat (clock ticks after boot) plus the boot time from
 * /proc/stat. Elsewhere: `ps -o lstart= -p <pid>` (macOS, BSDs; one-second resolution).
 */
export async function processStartTime(pid: number): Promise<number | null> {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === 'linux') {
    try {
      const ticks = Number(statFields(await readFile(`/proc/${pid}/stat`, 'utf8'))[19]); // field 22
      const btime = /^btime (\d+)$/m.exec(await readFile('/proc/stat', 'utf8'))?.[1];
      // USER_HZ is 100 on every Linux architecture Node runs on.
      if (Number.isFinite(ticks) && btime !== undefined) return Number(btime) * 1000 + Math.round(ticks * 10);
    } catch {
      // No /proc (a container without it) or the process is gone: try ps.
    }
  }
  return new Promise((done) => {
    execFile('ps', ['-o', 'lstart=', '-p', String(pid)], { env: { ...process.env, LC_ALL: 'C' }, timeout: 5_000 }, (err, stdout) => {
      const time = err ? Number.NaN : Date.parse(stdout.trim());
      done(Number.isFinite(time) ? time : null);
    });
  });
}

let ownStartTime: Promise<number | null> | undefined;

/** This process's lock owner record. */
async function ownOwner(now: Date): Promise<LockOwner> {
  ownStartTime ??= processStartTime(process.pid);
  return { pid: process.pid, startTime: await ownStartTime, host: hostname(), createdAt: now.toISOString() };
}

/** The lock file's content: the JSON owner, an old-format bare pid, or null when unreadable. */
export function parseLockOwner(text: string): (Partial<LockOwner> & { pid: number }) | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) > 0 ? { pid: Number(trimmed) } : null; // before owners were JSON
  try {
    const value = JSON.parse(trimmed) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || !Number.isInteger(value.pid) || (value.pid as number) <= 0) return null;
    return {
      pid: value.pid as number,
      ...(typeof value.startTime === 'number' ? { startTime: value.startTime } : {}),
      ...(typeof value.host === 'string' ? { host: value.host } : {}),
      ...(typeof value.createdAt === 'string' ? { createdAt: value.createdAt } : {}),
    };
  } catch {
    return null;
  }
}

/** Why a lock is still held (its message), or null when it is stale and may be taken over. */
async function stillHeld(path: string, outDir: string, text: string, ageMs: number, own: LockOwner): Promise<string | null> {
  const owner = parseLockOwner(text);
  if (owner === null) {
    return ageMs < UNREADABLE_GRACE_MS ? `another notion-kb sync is taking the lock on ${outDir} right now; try again in a moment` : null;
  }
  const remove = `remove ${path} if it is not running`;
  if (owner.host !== undefined && owner.host !== own.host) {
    const since = owner.createdAt !== undefined && Number.isFinite(Date.parse(owner.createdAt)) ? owner.createdAt : undefined;
    const age = since !== undefined ? Date.now() - Date.parse(since) : ageMs;
    if (age > FOREIGN_LOCK_MAX_AGE_MS) return null;
    return `another notion-kb sync (process ${owner.pid} on host ${owner.host}${since ? `, since ${since}` : ''}) is writing into ${outDir}; wait for it to finish, or ${remove} (a lock from another host is taken over after 24 hours)`;
  }
  const busy = `another notion-kb sync (process ${owner.pid}) is writing into ${outDir}; wait for it to finish, or ${remove}`;
  if (owner.startTime === undefined) {
    // Old format (a bare pid): only liveness can be checked. This version never writes it, so it is not ours.
    return owner.pid !== process.pid && processAlive(owner.pid) ? busy : null;
  }
  if (!processAlive(owner.pid)) return null;
  const started = owner.pid === process.pid ? own.startTime : await processStartTime(owner.pid);
  // A live process with another start time got the pid after the owner died: stale.
  if (owner.startTime !== null && started !== null && Math.abs(owner.startTime - started) > START_TIME_TOLERANCE_MS) return null;
  return busy;
}

const DRAFT = new RegExp(`^${LOCK_FILE.replace(/\./g, '\\.')}\\.(\\d+)\\.tmp$`);

/** Removes the lock drafts of processes that died while taking the lock. */
async function removeDeadDrafts(outDir: string, fs: OutputFs): Promise<void> {
  const names = await fs.readdir(outDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(DRAFT.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) await fs.rm(join(outDir, name), { force: true });
  }
}

/** Why a folder cannot be made: the error code of making the first of its folders that is missing, alone (undefined if that works). */
async function whyNotMade(dir: string, fs: OutputFs): Promise<string | undefined> {
  let missing = dir;
  for (let parent = dirname(missing); parent !== missing; missing = parent, parent = dirname(missing)) {
    if (await fs.stat(parent).then(() => true, () => false)) break;
  }
  return fs.mkdir(missing).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err.code,
  );
}

/**
 * Makes sure only one sync writes into an output directory at a time (a nightly cron and a
 * manual export must not clean up each other's staging). A lock whose process is gone, or whose
 * process id now belongs to a process that started at another time, is taken over; so is one
 * from another host once it is older than 24 hours. Old locks holding a bare pid still work.
 */
export async function lockOutput(outDir: string, fs: OutputFs = nodeOutputFs): Promise<OutputLock> {
  const path = join(outDir, LOCK_FILE);
  try {
    await fs.mkdir(outDir, { recursive: true });
  } catch (err) {
    let code = (err as NodeJS.ErrnoException).code;
    // Node 20's recursive mkdir says ENOENT where the file system is read-only: the first missing folder, made alone, says why.
    if (code === 'ENOENT') code = (await whyNotMade(outDir, fs)) ?? code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new NotionKbError('usage', `--out ${outDir}: not a directory (choose a directory for the snapshots)`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      const why = code === 'EROFS' ? 'the file system is read-only' : code;
      throw new NotionKbError('usage', `--out ${outDir}: cannot create it (${why}); choose a directory you can write to`);
    }
    throw err;
  }
  const own = await ownOwner(new Date());
  const content = `${JSON.stringify(own)}\n`;
  // The owner is written in full to a file of this process first and linked into place, so the
  // lock never exists empty: a sync killed while taking it leaves a lock naming a dead process
  // (taken over at once), not one that reads as being written for the next few seconds.
  const draft = join(outDir, `${LOCK_FILE}.${process.pid}.tmp`);
  await removeDeadDrafts(outDir, fs);
  let linking = await fs.writeFile(draft, content).then(
    () => true,
    () => false,
  );
  /** Creates the lock, or throws EEXIST when there is one. */
  const create = async (): Promise<void> => {
    if (linking) {
      try {
        return await fs.link(draft, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
        // A file system without hard links: the lock is created in place.
        linking = false;
      }
    }
    await fs.writeFile(path, content, { flag: 'wx' });
  };
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await create();
        return { release: () => fs.rm(path, { force: true }) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const text = await fs.readFile(path, 'utf8').catch(() => '');
        const mtime = (await fs.stat(path).catch(() => null))?.mtimeMs ?? 0;
        const held = await stillHeld(path, outDir, text, Date.now() - mtime, own);
        if (held !== null) throw new NotionKbError('usage', held);
        await fs.rm(path, { force: true });
      }
    }
  } finally {
    await fs.rm(draft, { force: true }).catch(() => undefined);
  }
  throw new NotionKbError('usage', `could not lock ${outDir} (${path} keeps reappearing)`);
}
