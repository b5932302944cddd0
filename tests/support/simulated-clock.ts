import type { IncomingHttpHeaders } from 'node:http';
import type { ServerClock } from '../../src/notion-server/server.js';
import type { SyncClock, SyncEffects, TimerHandle } from '../../src/source/effects.js';

/**
 * A simulated clock for a sync and the local Notion server running in one process.
 *
 * Virtual time only moves when nothing else can: sleeps and timers register in a queue, and
 * once the process is idle the clock jumps to the earliest one and fires it. Retry-After waits,
 * backoff and request timeouts therefore cost no real time, and the time they took is exact.
 *
 * "Idle" has to account for real I/O: a request on its way to the server over loopback is
 * not something virtual time may run past, or the client's timeout would fire while the
 * answer is on its way. So:
 *
 * - Every request made through `clock.fetch()` HOLDS the clock from the call until its
 *   response body is read (the body is read there and handed on as a finished Response).
 *   While any hold is open virtual time stands still: I/O takes no virtual time.
 * - The request carries a header naming its hold. When the server leaves a request waiting
 *   on virtual time (the `latencyMs` delay) or unanswered (a `hang` fault), it calls
 *   `clock.park(req)`, which releases that hold; the clock may then advance, and the client's
 *   deadline (a timer on this clock) fires and aborts the request. `park` returns `resume`,
 *   which takes the hold again when the server goes on answering.
 * - `hold()` is the same for any other real work a test wants virtual time to wait for.
 * - When nothing is held, the clock waits a few event-loop turns (`settleTurns`, via
 *   setImmediate) so that promise chains woken by the last timer can start their requests
 *   and take their holds, and only then fires the next timer.
 *
 * Not covered: real work the clock does not know of (file system writes, an unparked server
 * that stalls mid-body). Virtual time may pass during the former, which only lets pending
 * sleeps end sooner in real time; the latter would never end, as in real life without a
 * timeout, and the test would time out.
 */
export interface SimulatedClock extends SyncClock, ServerClock {
  /** Virtual milliseconds since the clock was created. */
  elapsed(): number;
  /** Marks real work in progress; virtual time stands still until the returned release is called. */
  hold(): () => void;
  /** Wraps a fetch so each request holds the clock until its body is read (see above). */
  fetch(inner?: typeof fetch): typeof fetch;
  /** The server leaves `req` waiting on virtual time: its hold is released until `resume()`. */
  park(req: { headers: IncomingHttpHeaders }): () => void;
  /** Effects for a sync on this clock: this clock, `fetch()` over the given fetch, seeded jitter. */
  effects(options?: { fetch?: typeof fetch; seed?: number }): SyncEffects;
  /** Timers not yet fired. */
  pendingTimers(): number;
  /** Holds open now (requests in flight that are not parked, plus `hold()`s). */
  openHolds(): number;
}

/** Header that ties a request to its hold. The local server never looks at it; `park` does. */
export const HOLD_HEADER = 'x-simulated-clock-hold';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

interface InFlight {
  parked: boolean;
  release: () => void;
}

/** 2026-01-01T00:00:00Z: after every timestamp of the generated workspaces. */
export const SIMULATED_EPOCH = Date.UTC(2026, 0, 1);

export function createSimulatedClock(options: { start?: number; settleTurns?: number } = {}): SimulatedClock {
  const start = options.start ?? SIMULATED_EPOCH;
  const settleTurns = Math.max(1, options.settleTurns ?? 3);
  let now = start;
  let seq = 0;
  const timers = new Map<object, Timer>();
  let holds = 0;
  let scheduled = false;
  let idleTurns = 0;
  let requestSeq = 0;
  const inFlight = new Map<string, InFlight>();

  const schedule = (): void => {
    if (scheduled || holds > 0 || timers.size === 0) return;
    scheduled = true;
    setImmediate(tick);
  };

  const tick = (): void => {
    scheduled = false;
    if (holds > 0 || timers.size === 0) {
      idleTurns = 0;
      return;
    }
    if (++idleTurns < settleTurns) {
      scheduled = true;
      setImmediate(tick);
      return;
    }
    idleTurns = 0;
    let nextKey: object | undefined;
    let next: Timer | undefined;
    for (const [key, t] of timers) {
      if (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq)) {
        next = t;
        nextKey = key;
      }
    }
    timers.delete(nextKey!);
    now = Math.max(now, next!.at);
    next!.fn();
    schedule();
  };

  const hold = (): (() => void) => {
    holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      holds -= 1;
      schedule();
    };
  };

  const setTimer = (fn: () => void, ms: number): TimerHandle => {
    const key = {};
    timers.set(key, { at: now + Math.max(0, Number.isFinite(ms) ? ms : 0), seq: seq++, fn });
    schedule();
    return key;
  };

  const clock: SimulatedClock = {
    now: () => now,
    elapsed: () => now - start,
    sleep: (ms) => new Promise<void>((resolve) => void setTimer(resolve, ms)),
    setTimeout: setTimer,
    clearTimeout: (handle) => {
      if (handle !== null && typeof handle === 'object') timers.delete(handle);
    },
    hold,
    fetch(inner = (input, init) => globalThis.fetch(input, init)) {
      return async (input, init) => {
        const id = String(++requestSeq);
        const entry: InFlight = { parked: false, release: hold() };
        inFlight.set(id, entry);
        const headers = new Headers(init?.headers);
        headers.set(HOLD_HEADER, id);
        try {
          const response = await inner(input, { ...init, headers });
          // Read the body while holding, so no timer fires while it is still on the wire.
          const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
          return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
        } finally {
          inFlight.delete(id);
          entry.release();
        }
      };
    },
    park(req) {
      const raw = req.headers[HOLD_HEADER];
      const entry = typeof raw === 'string' ? inFlight.get(raw) : undefined;
      if (entry === undefined || entry.parked) return () => undefined;
      entry.parked = true;
      entry.release();
      return () => {
        if (!entry.parked) return;
        entry.parked = false;
        // Only if the client still waits for the answer (its deadline may have fired meanwhile).
        if ([...inFlight.values()].includes(entry)) entry.release = hold();
      };
    },
    effects(opts = {}) {
      return { clock, fetch: clock.fetch(opts.fetch), random: seededRandom(opts.seed ?? 1) };
    },
    pendingTimers: () => timers.size,
    openHolds: () => holds,
  };
  return clock;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** mulberry32: deterministic jitter, so a simulated run repeats exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
