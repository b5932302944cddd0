import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerSpec } from './bench-protocol.js';
import type { ExportJob } from './export-child.js';
import type { ExportMeasurement } from './run-export.js';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./export-child.ts', import.meta.url));

type FromExport = { type: 'done'; measurement: ExportMeasurement } | { type: 'error'; message: string };

/** Where to write a CPU and a heap profile (or a heap snapshot) of one export process, and under which base name. */
export interface ProfileTarget {
  dir: string;
  /** File base name; `.cpuprofile`, `.heapprofile` and `.heapsnapshot` are appended. */
  name: string;
  /** A CPU profile and a sampling heap profile (`--profile`). */
  profiles: boolean;
  /** A heap snapshot when the sync starts publishing (`--heap-snapshot`). */
  heapSnapshot: boolean;
}

/** Node flags that make a process write a CPU profile when it exits (opens in Chrome DevTools or VS Code). */
export function cpuProfileExecArgv(target: ProfileTarget): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${target.dir}`, `--cpu-prof-name=${target.name}.cpuprofile`];
}

/**
 * `runExport` in a fresh child process (which starts its own server process). With `profile`,
 * the export process (not the server) writes `<name>.cpuprofile` (whole process) and
 * `<name>.heapprofile` (live allocations by stack, taken near its highest RSS) into `profile.dir`;
 * with `profile.heapSnapshot`, `<name>.heapsnapshot` (every live object, when the sync starts publishing).
 */
export function runExportInProcess(
  server: ServerSpec,
  client: { rate: number; concurrency: number },
  token: string,
  profile?: ProfileTarget,
): Promise<ExportMeasurement> {
  return new Promise((resolve, reject) => {
    const execArgv = [...process.execArgv, ...(profile?.profiles ? cpuProfileExecArgv(profile) : [])];
    const child = fork(RUN_TS, [CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    let answer: FromExport | null = null;
    child.once('message', (m: FromExport) => {
      answer = m;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (answer?.type === 'done') resolve(answer.measurement);
      else reject(new Error(`bench export process: ${answer?.type === 'error' ? answer.message.split(token).join('<token>') : `exited (${signal ?? `code ${code}`}) without a result`}`));
    });
    const job: ExportJob = {
      server,
      client,
      token,
      ...(profile?.profiles ? { heapProfileFile: join(profile.dir, `${profile.name}.heapprofile`) } : {}),
      ...(profile?.heapSnapshot ? { heapSnapshotFile: join(profile.dir, `${profile.name}.heapsnapshot`) } : {}),
    };
    child.send(job);
  });
}
