import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';

/** The heap snapshot kept, and when it was taken. */
export interface HeapSnapshotTaken {
  file: string;
  /** V8's heap size (the memory it holds for the heap, garbage included) when it was taken, in bytes. */
  heapBytes: number;
  /** Snapshots written (each one replaced the one before). */
  taken: number;
}

/**
 * A V8 heap snapshot of this process taken when its heap was at its largest: every
 * `intervalMs`, each time V8's heap size (what the heap costs in RSS) is a tenth above the
 * last snapshot's, a snapshot is written to `file` again, replacing the last. Not on RSS
 * itself: a snapshot costs several times the heap in native memory, which the RSS keeps, so
 * RSS numbers of the process mean nothing afterwards. Each snapshot stops the process for
 * seconds (it collects the garbage first and records only what is alive).
 */
export function startPeakHeapSnapshots(file: string, opts: { intervalMs?: number; growth?: number } = {}): { stop(): HeapSnapshotTaken } {
  const growth = opts.growth ?? 1.1;
  let heapBytes = 0;
  let taken = 0;
  const check = () => {
    const size = getHeapStatistics().total_heap_size;
    if (size < heapBytes * growth) return;
    writeHeapSnapshot(file);
    heapBytes = size;
    taken++;
  };
  const timer = setInterval(check, opts.intervalMs ?? 100);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return { file, heapBytes, taken };
    },
  };
}
