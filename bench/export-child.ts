// Runs one measured export in a fresh process, so each scenario's RSS and CPU time are its own
// and not what earlier scenarios left on the heap.
import type { ServerSpec } from './bench-protocol.js';
import { runExport } from './run-export.js';

/** Parent → export process. (Profiling, if asked, is set up by the parent through Node flags.) */
export interface ExportJob {
  server: ServerSpec;
  client: { rate: number; concurrency: number };
  token: string;
}

if (!process.send) {
  console.error('bench/export-child.ts is started by bench/run-bench.ts over IPC, not by hand.');
  process.exit(2);
}

process.once('message', (job: ExportJob) => {
  runExport(job.server, job.client, job.token).then(
    (measurement) => process.send!({ type: 'done', measurement }, () => process.disconnect()),
    (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? err.message : String(err) }, () => process.disconnect()),
  );
});
