import { setFlagsFromString } from 'node:v8';

/** How V8 is to spend memory on the work ahead: `throughput` for a run that fetches or renders pages, `footprint` for a night that finds nothing new. */
export type RuntimeTuning = 'throughput' | 'footprint';

/**
 * A sync keeps little alive (pages stream through a spool on disk), but V8 lets its heap grow
 * to about four times what is alive before it collects.
 * - `throughput`: twice is plenty for a run that allocates steadily, about a quarter less peak
 *   memory at the same CPU (`npm run bench`, scenario memory-scale).
 * - `footprint`: the heap grows by a quarter and the young generation stays at its first size.
 *   A night with nothing new allocates little, and on a small runner shared with other work
 *   its peak memory is what counts: at 10,000 pages it peaked at 146–147 MB instead of
 *   194–203 MB, for the same CPU. A run that renders would pay about a fifth more CPU under it (scenario incremental).
 * `notion-kb sync` starts with `footprint` (bin/notion-kb.js, before the rest loads: loading
 * grows the young generation), every other command with `throughput`; the sync asks for
 * `throughput` itself (`SyncDeps.tuneRuntime`) when it crawls in full, fetches a page or builds
 * a snapshot. GC tuning flags, safe to set while running.
 */
export function tuneRuntimeForSync(tuning: RuntimeTuning = 'throughput'): void {
  setFlagsFromString(tuning === 'throughput' ? '--heap-growing-percent=100' : '--heap-growing-percent=25');
  setFlagsFromString(tuning === 'throughput' ? '--semi-space-growth-factor=2' : '--semi-space-growth-factor=1');
}
