// Child process of tests/publish/output-lock-kill.test.ts: takes the output lock of argv[2] and
// SIGKILLs itself at file-system step argv[3] (a write counts two steps: the file created empty,
// then filled), so every moment a real kill could land on is tried in turn. Exits 0 with the
// lock held (never released) when it got through all its steps.
import * as fsp from 'node:fs/promises';
import { lockOutput } from '../../src/publish/output-lock.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';

const [outDir, killAt] = [process.argv[2]!, Number(process.argv[3])];
let step = 0;
const tick = () => {
  if (step++ === killAt) process.kill(process.pid, 'SIGKILL');
};
const after =
  <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    const result = await fn(...args);
    tick();
    return result;
  };

const dying: OutputFs = {
  ...nodeOutputFs,
  link: after(nodeOutputFs.link),
  rm: after(nodeOutputFs.rm),
  // Created, killed perhaps, then filled: what a kill inside writeFile leaves.
  writeFile: (async (path: string, data: string, opts?: { flag?: string }) => {
    const handle = await fsp.open(path, opts?.flag ?? 'w');
    try {
      tick();
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    tick();
  }) as OutputFs['writeFile'],
};

await lockOutput(outDir, dying);
process.stdout.write(`steps ${step}\n`);
