/**
 * Every effect a sync has on the outside world besides its output files, in one place: time
 * (now, sleeps, timers), the network (`api` for API requests, `fetch` for file downloads) and
 * randomness (backoff jitter). The gateway and the file downloads take them from here and never
 * reach for `Date.now`, `setTimeout`, `AbortSignal.timeout`, `Math.random`, the global `fetch` or
 * Node's http client themselves, so a test can run a whole sync on a simulated clock:
 * Retry-After waits, backoff and request timeouts then cost no real time and can be measured
 * exactly.
 */
import { nodeHttpTransport, type ApiTransport } from './http-transport.js';

/** Time source (what the pacer needs); tests pass a simulated one so no test waits on the wall clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Opaque handle of a timer started by `SyncClock.setTimeout`. */
export type TimerHandle = unknown;

/** The run's clock: `now` and `sleep` (what the pacer needs) plus timers for deadlines. */
export interface SyncClock extends Clock {
  /** Calls `fn` once `ms` have passed on this clock. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; harmless if it already fired. */
  clearTimeout(handle: TimerHandle): void;
}

/** The effects a sync runs with; `systemEffects()` gives the real ones. */
export interface SyncEffects {
  clock: SyncClock;
  /** Used for every file download, and for every API request when `api` is absent. */
  fetch: typeof fetch;
  /**
   * Carries the API requests (`systemEffects()` gives Node's http client). Absent, they go
   * through `fetch`: effects that bring their own `fetch` (a test's recorder, a simulated
   * clock) see every request without giving a transport too.
   */
  api?: ApiTransport;
  /** Uniform in [0, 1): backoff jitter. */
  random: () => number;
}

/** The real clock: wall time and Node's timers. */
export const systemSyncClock: SyncClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The real effects: wall clock, Node's http client for the API, global fetch for files, Math.random. */
export function systemEffects(): SyncEffects {
  return {
    clock: systemSyncClock,
    // Read at call time, so a fetch installed later (or a test's replacement) is the one used.
    fetch: (input, init) => globalThis.fetch(input, init),
    api: nodeHttpTransport(),
    random: () => Math.random(),
  };
}

/** A deadline on `clock`: `signal` aborts with a `TimeoutError` after `ms`; `clear` cancels it. */
export interface Deadline {
  signal: AbortSignal;
  clear(): void;
}

/**
 * `AbortSignal.timeout(ms)` on the given clock. Unlike `AbortSignal.timeout` it must be cleared
 * once the guarded work is done, so a simulated clock holds no stale timers.
 */
export function deadline(clock: SyncClock, ms: number): Deadline {
  const controller = new AbortController();
  const handle = clock.setTimeout(() => {
    // Same reason as AbortSignal.timeout gives, so error classification is unchanged.
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, ms);
  return { signal: controller.signal, clear: () => clock.clearTimeout(handle) };
}
