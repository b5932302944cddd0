import { writeHeapSnapshot } from 'node:v8';
import { rssHighWaterBytes } from './resource-sampler.js';

/** The heap snapshot an export process wrote, and how near its RSS was to its peak then. */
export interface HeapSnapshotTaken {
  file: string;
  /** The process's RSS when the snapshot was taken, and its high-water mark until then (bytes). */
  rssBytes: number;
  rssPeakBytes: number;
}

/**
 * Writes a V8 heap snapshot of this process to `file` once, when the sync starts publishing:
 * every page is written and everything the run keeps per page is still alive; the run's peak
 * RSS is reached just before (the index, history and manifest are written then). The same
 * moment at every workspace size, so two snapshots compare. A snapshot costs several times the
 * heap in native memory, which RSS keeps: the process's RSS means nothing afterwards.
 */
export function heapSnapshotAtPublish(file: string): { onPhase(phase: string): void; taken(): HeapSnapshotTaken | undefined } {
  let taken: HeapSnapshotTaken | undefined;
  return {
    onPhase: (phase) => {
      if (phase !== 'publish' || taken) return;
      taken = { file, rssBytes: process.memoryUsage.rss(), rssPeakBytes: rssHighWaterBytes() };
      // It collects the garbage first and records only what is alive.
      writeHeapSnapshot(file);
    },
    taken: () => taken,
  };
}
