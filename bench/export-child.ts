// Runs one measured export in a fresh process, so each scenario's RSS and CPU time are its own
// and not what earlier scenarios left on the heap.
import type { ServerSpec } from './bench-protocol.js';
import { startPeakHeapProfiler } from './peak-heap-profiler.js';
import { heapSnapshotAtPublish } from './heap-snapshot-at-publish.js';
import { tuneRuntimeForSync } from '../src/cli/runtime-tuning.js';
import { runExport, type ExportMeasurement } from './run-export.js';

// The exporter runs as the CLI does.
tuneRuntimeForSync();

/** Parent → export process. (A CPU profile, if asked, is set up by the parent through Node flags.) */
export interface ExportJob {
  server: ServerSpec;
  client: { rate: number; concurrency: number };
  token: string;
  /** Write a sampling heap profile taken at this process's highest RSS here (`--profile`). */
  heapProfileFile?: string;
  /** Write a heap snapshot taken when the sync starts publishing here (`--heap-snapshot`). */
  heapSnapshotFile?: string;
}

if (!process.send) {
  console.error('bench/export-child.ts is started by bench/run-bench.ts over IPC, not by hand.');
  process.exit(2);
}

async function run(job: ExportJob): Promise<ExportMeasurement> {
  if (job.heapSnapshotFile) {
    const snapshot = heapSnapshotAtPublish(job.heapSnapshotFile);
    const measurement = await runExport(job.server, job.client, job.token, snapshot.onPhase);
    const taken = snapshot.taken();
    return taken ? { ...measurement, heapSnapshot: taken } : measurement;
  }
  if (!job.heapProfileFile) return runExport(job.server, job.client, job.token);
  const profiler = await startPeakHeapProfiler();
  try {
    return await runExport(job.server, job.client, job.token);
  } finally {
    await profiler.stop(job.heapProfileFile);
  }
}

process.once('message', (job: ExportJob) => {
  run(job).then(
    (measurement) => process.send!({ type: 'done', measurement }, () => process.disconnect()),
    (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? err.message : String(err) }, () => process.disconnect()),
  );
});
