import { setFlagsFromString } from 'node:v8';
// A type only: nothing of the sync is loaded with this module (bin/notion-kb.js loads it first).
import type { RuntimeTuning } from '../run-sync.js';

/**
 * V8's interrupt budget (Node 20's V8 11.3 default): the bytecode a function runs between checks
 * of whether to optimise it.
 */
const DEFAULT_INTERRUPT_BUDGET = 66 * 1024;

/**
 * Memory. A sync keeps little alive (pages stream through a spool on disk), but V8 lets its heap
 * grow to about four times what is alive before it collects.
 * - `throughput` and `brief`: twice is plenty for a run that allocates steadily, about a quarter
 *   less peak memory at the same CPU (`npm run bench`, scenario memory-scale).
 * - `footprint`: the heap grows by a quarter and the young generation stays at its first size.
 *   A night with nothing new allocates little, and on a small runner shared with other work
 *   its peak memory is what counts: at 10,000 pages it peaked at 146–147 MB instead of
 *   194–203 MB, for the same CPU. A run that renders would pay about a fifth more CPU under it (scenario incremental).
 *
 * Compilation. A night that fetches and renders a hundred pages runs code that a no-change night
 * never runs (the HTTP client, the crawl, rendering, the snapshot's files), just often enough for
 * V8 to optimise hundreds of functions: Turbofan took 2.5–3.4 s of CPU (464 functions) in such a
 * night at 10,000 pages, and 1.4 s (224) in a night with no change.
 * - `footprint` and `brief`: functions are optimised after sixteen times as much work. Turbofan
 *   then took 0.4 s (87 functions) in the 1%-changed night. Four A/B pairs in fresh processes:
 *   that night took 8.5 s of CPU (median) against 9.5 s, the night with no change 5.0 s against 5.3 s.
 * - `throughput`: V8's own budget. A full export of 2,000 pages with the later optimisation took
 *   about a fifth more CPU (median 34 s against 29 s): long runs are worth optimising early.
 *
 * `notion-kb sync` starts with `footprint` (bin/notion-kb.js, before the rest loads: loading
 * grows the young generation), every other command with `throughput`. The sync asks for the next
 * itself (`SyncDeps.tuneRuntime`): `throughput` when it crawls in full, `brief` when an
 * incremental run fetches a page or builds a snapshot, and `throughput` once it has fetched and
 * rendered enough pages to be long. All are V8 flags that are safe to set while running.
 */
export function tuneRuntimeForSync(tuning: RuntimeTuning = 'throughput'): void {
  setFlagsFromString(tuning === 'footprint' ? '--heap-growing-percent=25' : '--heap-growing-percent=100');
  setFlagsFromString(tuning === 'footprint' ? '--semi-space-growth-factor=1' : '--semi-space-growth-factor=2');
  setFlagsFromString(`--interrupt-budget=${tuning === 'throughput' ? DEFAULT_INTERRUPT_BUDGET : 16 * DEFAULT_INTERRUPT_BUDGET}`);
}
