import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerSpec } from './bench-protocol.js';
import type { ExportJob } from './export-child.js';
import type { ExportMeasurement } from './run-export.js';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./export-child.ts', import.meta.url));

type FromExport = { type: 'done'; measurement: ExportMeasurement } | { type: 'error'; message: string };

/** Where to write a CPU and a heap profile of one export process, and under which base name. */
export interface ProfileTarget {
  dir: string;
  /** File base name; `.cpuprofile` and `.heapprofile` are appended. */
  name: string;
}

/**
 * Node flags that make a process write a CPU profile and a sampling heap profile (allocations by
 * stack) when it exits. Both open in Chrome DevTools (Performance / Memory tab) or VS Code.
 */
export function profileExecArgv(target: ProfileTarget): string[] {
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${target.dir}`,
    `--cpu-prof-name=${target.name}.cpuprofile`,
    '--heap-prof',
    `--heap-prof-dir=${target.dir}`,
    `--heap-prof-name=${target.name}.heapprofile`,
  ];
}

/**
 * `runExport` in a fresh child process (which starts its own server process). With `profile`,
 * the export process (not the server) writes a CPU and a heap profile there when it exits.
 */
export function runExportInProcess(
  server: ServerSpec,
  client: { rate: number; concurrency: number },
  token: string,
  profile?: ProfileTarget,
): Promise<ExportMeasurement> {
  return new Promise((resolve, reject) => {
    const execArgv = [...process.execArgv, ...(profile ? profileExecArgv(profile) : [])];
    const child = fork(RUN_TS, [CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    let answer: FromExport | null = null;
    child.once('message', (m: FromExport) => {
      answer = m;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (answer?.type === 'done') resolve(answer.measurement);
      else reject(new Error(`bench export process: ${answer?.type === 'error' ? answer.message.split(token).join('<token>') : `exited (code ${code}) without a result`}`));
    });
    child.send({ server, client, token } satisfies ExportJob);
  });
}
