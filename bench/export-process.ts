import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerSpec } from './bench-protocol.js';
import type { ExportJob } from './export-child.js';
import type { ExportMeasurement } from './run-export.js';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./export-child.ts', import.meta.url));

type FromExport = { type: 'done'; measurement: ExportMeasurement } | { type: 'error'; message: string };

/** `runExport` in a fresh child process (which starts its own server process). */
export function runExportInProcess(server: ServerSpec, client: { rate: number; concurrency: number }, token: string): Promise<ExportMeasurement> {
  return new Promise((resolve, reject) => {
    const child = fork(RUN_TS, [CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
