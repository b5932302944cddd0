// A sync SIGKILLed under a parent that has not reaped it yet is a zombie: signal 0 still reaches
// its pid, but it writes nothing. Its lock must not keep the next sync out. (Seen by hand: a sync
// started right after `kill -9` of one started from a subshell was refused for a moment.)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockOutput, processStartTime } from '../../src/publish/output-lock.js';
import { tempDir } from '../support/cli.js';

const stateOf = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat[stat.lastIndexOf(')') + 2];
};

describe.runIf(process.platform === 'linux')('the lock of a sync that exited and was not reaped yet', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let parent: ChildProcess | null = null;
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(async () => {
    parent?.kill('SIGKILL');
    await tmp.cleanup();
  });

  it('is taken over, while the lock of a live process is not', async () => {
    // A shell starts a short child, then becomes `sleep`, which never reaps it: a zombie.
    parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const zombie = await new Promise<number>((done) => parent!.stdout!.once('data', (d: Buffer) => done(Number(d.toString().trim()))));
    for (let i = 0; i < 200 && (await stateOf(zombie)) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await stateOf(zombie)).toBe('Z');

    const lockOf = async (pid: number) => writeFile(join(tmp.dir, LOCK_FILE), `${JSON.stringify({ pid, startTime: await processStartTime(pid), host: hostname(), createdAt: new Date().toISOString() })}\n`);
    await lockOf(parent.pid!);
    await expect(lockOutput(tmp.dir)).rejects.toThrow(`another notion-kb sync (process ${parent.pid})`);

    await lockOf(zombie);
    const lock = await lockOutput(tmp.dir);
    expect(JSON.parse(await readFile(join(tmp.dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });
});
