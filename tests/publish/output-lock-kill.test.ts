// A sync SIGKILLed while it takes the output lock must not keep the next sync out: the next
// run takes the lock at once and leaves nothing of the dead one's behind. (A CI run of the
// SIGKILL test found a lock file created but not yet filled, which read as "being written" and
// refused the next sync.)
import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockOutput } from '../../src/publish/output-lock.js';
import { REPO_ROOT, tempDir } from '../support/cli.js';

const CHILD = join(REPO_ROOT, 'tests/support/lock-and-die.ts');

function lockAndDie(outDir: string, killAt: number): Promise<{ signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, outDir, String(killAt)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.once('error', fail);
    child.once('exit', (_code, signal) => done({ signal, stdout }));
  });
}

describe('a sync killed while taking the output lock', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(async () => tmp.cleanup());

  it.each([
    ['into an empty output directory', false],
    ['over the lock of a sync that died', true],
  ])('at every step of taking it %s: the next sync takes the lock at once, and no lock file of the dead one is left', async (_name, lockedBefore) => {
    let killAt = 0;
    for (; ; killAt++) {
      const out = join(tmp.dir, `out-${killAt}`);
      if (lockedBefore) expect((await lockAndDie(out, -1)).signal).toBeNull();
      const run = await lockAndDie(out, killAt);
      const lock = await lockOutput(out);
      await lock.release();
      expect((await readdir(out)).filter((name) => name.includes('.lock')), `killed at step ${killAt}`).toEqual([]);
      if (run.signal === null) break;
      expect(run.signal).toBe('SIGKILL');
    }
    // The kills covered the whole of taking the lock: the run that was not killed had no step left.
    expect(killAt).toBeGreaterThanOrEqual(lockedBefore ? 4 : 3);
  }, 120_000);

  it('leaves alone the lock draft of a process that is still alive', async () => {
    const draft = join(tmp.dir, `.notion-kb.lock.${process.ppid}.tmp`);
    await writeFile(draft, '{}');
    await (await lockOutput(tmp.dir)).release();
    expect(await readdir(tmp.dir)).toEqual([`.notion-kb.lock.${process.ppid}.tmp`]);
  });
});
