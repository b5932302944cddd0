/**
 * Request pacing shared by every call of one run: a token bucket for the average rate, a
 * global pause for 429 Retry-After, and (in `createLimiter`) a concurrency cap via p-limit.
 */
import pLimit from 'p-limit';
import { systemSyncClock, type Clock } from './effects.js';

export type { Clock } from './effects.js';

/** The real clock (the one of `systemEffects()`). */
export const systemClock: Clock = systemSyncClock;

/** Options of `createPacer`. */
export interface PacerOptions {
  /** Average requests per second (Notion documents 3). */
  rate: number;
  /** Requests that may go out back to back before the average applies (default 1: no burst). */
  burst?: number;
  clock?: Clock;
}

/** Counters of a pacer. */
export interface PacerStats {
  acquired: number;
  /** How many acquires had to wait (for the rate or a pause). */
  waitsForRate: number;
  /** Total time acquires spent waiting, summed over callers. */
  waitedMs: number;
  /** How many times `pauseUntil` extended the pause. */
  pauses: number;
  /** The rate in force now: the configured one, or less after 429s. */
  currentRate: number;
}

/** A shared pacer. */
export interface Pacer {
  /** Resolves when the caller may send one request. FIFO. */
  acquire(): Promise<void>;
  /** Nobody acquires before `epochMs` (e.g. now + Retry-After). Only ever extends the pause. */
  pauseUntil(epochMs: number): void;
  stats(): PacerStats;
}

/** Token bucket (capacity `burst`, refill `rate`/s) with a global pause; acquires are served in order. */
export function createPacer(options: PacerOptions): Pacer {
  const rate = options.rate;
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new RangeError(`pacer: rate must be a positive number of requests per second, got ${rate}`);
  }
  const burst = Math.max(1, Math.floor(options.burst ?? 1));
  const clock = options.clock ?? systemClock;
  // After a 429 the rate is halved (the server's budget is smaller than we assumed: other
  // integrations share it, or the plan's limit is lower) and then creeps back up by 5 % of the
  // configured rate every 20 requests without another 429.
  const minRate = Math.min(rate, 0.25);
  let currentRate = rate;
  let msPerToken = 1000 / rate;
  let sinceSlowdown = 0;

  let tokens = burst;
  let refilledAt = clock.now();
  let pausedUntil = 0;
  // Serialising acquires keeps them FIFO and means only the head of the queue ever sleeps.
  let tail: Promise<void> = Promise.resolve();
  const counters: Omit<PacerStats, 'currentRate'> = { acquired: 0, waitsForRate: 0, waitedMs: 0, pauses: 0 };

  const refill = (now: number): void => {
    if (now > refilledAt) {
      tokens = Math.min(burst, tokens + (now - refilledAt) / msPerToken);
      refilledAt = now;
    }
  };

  // `calledAt` is when the caller asked, so time spent queued behind others counts as waiting too.
  const takeOne = async (calledAt: number): Promise<void> => {
    // Counted as a wait when this caller had to sleep for a token or a pause; the time it
    // spent queued behind others still counts in waitedMs.
    let waited = false;
    for (;;) {
      const now = clock.now();
      if (now < pausedUntil) {
        waited = true;
        await clock.sleep(pausedUntil - now);
        continue;
      }
      refill(now);
      if (tokens >= 1 - 1e-9) {
        tokens = Math.max(0, tokens - 1);
        break;
      }
      waited = true;
      await clock.sleep(Math.ceil((1 - tokens) * msPerToken));
    }
    counters.acquired += 1;
    if (currentRate < rate && ++sinceSlowdown >= 20) {
      sinceSlowdown = 0;
      currentRate = Math.min(rate, currentRate + rate * 0.05);
      msPerToken = 1000 / currentRate;
    }
    if (waited) {
      counters.waitsForRate += 1;
      counters.waitedMs += clock.now() - calledAt;
    }
  };

  return {
    acquire() {
      const calledAt = clock.now();
      const turn = tail.then(() => takeOne(calledAt));
      // A rejected sleep must not wedge the queue for everyone behind it.
      tail = turn.catch(() => undefined);
      return turn;
    },
    pauseUntil(epochMs) {
      if (!(epochMs > pausedUntil)) return;
      // Several 429s of one burst arrive while the first pause runs: slow down once per pause.
      if (clock.now() >= pausedUntil) {
        currentRate = Math.max(minRate, currentRate / 2);
        msPerToken = 1000 / currentRate;
        sinceSlowdown = 0;
      }
      pausedUntil = epochMs;
      counters.pauses += 1;
      // Right after a 429 the server's budget is spent: restart from one token, not a full burst.
      tokens = Math.min(tokens, 1);
      refilledAt = Math.max(refilledAt, epochMs);
    },
    stats: () => ({ ...counters, currentRate }),
  };
}

/** Options of `createLimiter`. */
export interface LimiterOptions extends PacerOptions {
  /** Requests in flight at once. */
  concurrency: number;
}

/** Counters of a limiter. */
export interface LimiterStats {
  waitsForRate: number;
  waitedMs: number;
  maxInFlight: number;
  pauses: number;
}

/** Pacer + concurrency cap: the one object every API request of a run goes through. */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  pauseUntil(epochMs: number): void;
  stats(): LimiterStats;
}

/** Build the run's limiter: a concurrency slot first, then a pacer token, then the call. */
export function createLimiter(options: LimiterOptions): Limiter {
  const concurrency = Math.floor(options.concurrency);
  if (!(concurrency >= 1)) {
    throw new RangeError(`limiter: concurrency must be at least 1, got ${options.concurrency}`);
  }
  const pacer = createPacer(options);
  const limit = pLimit(concurrency);
  let inFlight = 0;
  let maxInFlight = 0;

  return {
    run(fn) {
      // The token is taken inside the slot, so tokens are never hoarded by queued callers.
      return limit(async () => {
        await pacer.acquire();
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await fn();
        } finally {
          inFlight -= 1;
        }
      });
    },
    pauseUntil: (epochMs) => pacer.pauseUntil(epochMs),
    stats() {
      const p = pacer.stats();
      return { waitsForRate: p.waitsForRate, waitedMs: p.waitedMs, maxInFlight, pauses: p.pauses };
    },
  };
}
