/**
 * Request pacing shared by every call of one run: a token bucket for the average rate (fixed, or
 * learnt from Notion's answers with `auto`), a global pause for 429 Retry-After, and (in
 * `createLimiter`) a concurrency cap via p-limit.
 */
import pLimit from 'p-limit';
import { systemSyncClock, type Clock } from './effects.js';

export type { Clock } from './effects.js';

/** The real clock (the one of `systemEffects()`). */
export const systemClock: Clock = systemSyncClock;

/** `auto`: learn the connection's budget from Notion's answers (see `autoPolicy`). */
export type PacerRate = number | 'auto';

/** Options of `createPacer`. */
export interface PacerOptions {
  /** Average requests per second (Notion documents 3), or `auto`. */
  rate: PacerRate;
  /** Requests that may go out back to back before the average applies (default 1: no burst). */
  burst?: number;
  clock?: Clock;
}

/** What the gateway tells the pacer about one API answer. */
export interface ResponseObservation {
  /** When the request was sent, on the pacer's clock. */
  sentAt: number;
  /** When its answer arrived. */
  at: number;
  status: number;
  /** Retry-After of a 429 or 529, in ms. */
  retryAfterMs?: number;
  /** `additional_data.rate_limit_reason` of a 429, when its body names one. */
  rateLimitReason?: string;
}

/** Which of Notion's limits a 429 is about. */
export type RateLimitKind = 'connection' | 'workspace' | 'other';

/** The per-connection limit's Retry-After is "at most 60 seconds"; only the per-workspace one goes beyond. */
const CONNECTION_RETRY_AFTER_MAX_MS = 60_000;

/**
 * Which limit a 429 is about. Notion names it in `additional_data.rate_limit_reason` but does not
 * document the values (and says others "can appear"), so: a reason that mentions the workspace is
 * the per-workspace limit, one that mentions the connection (or integration) is the per-connection
 * limit; with no reason, a Retry-After beyond a minute can only be the workspace's, anything else
 * is the connection's (the older API had that one limit only). Any other reason is `other`: waited
 * out, never learnt from.
 */
export function classifyRateLimit(reason: string | undefined, retryAfterMs: number | undefined): RateLimitKind {
  if (reason !== undefined && reason !== '') {
    if (/workspace/i.test(reason)) return 'workspace';
    if (/connection|integration/i.test(reason)) return 'connection';
    return retryAfterMs !== undefined && retryAfterMs > CONNECTION_RETRY_AFTER_MAX_MS ? 'workspace' : 'other';
  }
  return retryAfterMs !== undefined && retryAfterMs > CONNECTION_RETRY_AFTER_MAX_MS ? 'workspace' : 'connection';
}

/** What a run learnt about Notion's limits; goes into the report as `requests.rate`. */
export interface RateFindings {
  mode: 'fixed' | 'auto';
  /**
   * The pace at the end of the run, in requests per second; null while `auto` was still
   * climbing (it never reached a limit, so nothing held it back but the concurrency).
   */
  perSecond: number | null;
  /** `auto`: the connection's budget per 60-second window it found; null when the run never reached it. */
  budgetPerMinute: number | null;
  /** A 429 was about the per-workspace limit (`auto` then slowed down and stopped climbing). */
  workspaceLimitHit: boolean;
  /** Most requests Notion accepted within any 60 seconds of the run. */
  busiestMinute: number;
  /** 429s by `additional_data.rate_limit_reason` ("none" when the body named none). */
  reasons: Record<string, number>;
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
  /** The rate in force now: the configured one, or less after 429s (`auto`: what it allows now). */
  currentRate: number;
  rate: RateFindings;
}

/** A shared pacer. */
export interface Pacer {
  /** Resolves when the caller may send one request. FIFO. */
  acquire(): Promise<void>;
  /** Nobody acquires before `epochMs` (e.g. now + Retry-After). Only ever extends the pause. */
  pauseUntil(epochMs: number): void;
  /** Every API answer, so the pacer can count what Notion accepted and learn from its 429s. */
  observe(o: ResponseObservation): void;
  stats(): PacerStats;
}

/**
 * Requests Notion accepted, by the time they were sent, over the last few minutes (only when
 * `sent`: `auto` measures its budget from them; a fixed rate needs only the busiest minute).
 * Times are kept as numbers in pairs, not an object each: an unthrottled run accepts hundreds of
 * requests a second, and 130 s of them as objects were 7 MB at 10,000 pages.
 */
class AcceptedLog {
  /** Kept this long after the newest answer: enough for any measurement of one window. */
  private static readonly KEEP_MS = 130_000;
  /** sentAt, at, sentAt, at, … */
  private readonly entries: number[] = [];
  private head = 0;
  /** Answer times of the last 60 s, for the busiest minute. */
  private readonly minute: number[] = [];
  private minuteHead = 0;
  busiest = 0;

  constructor(private readonly sent: boolean) {}

  add(sentAt: number, at: number): void {
    if (this.sent) {
      this.entries.push(sentAt, at);
      while (this.head < this.entries.length && this.entries[this.head + 1]! < at - AcceptedLog.KEEP_MS) this.head += 2;
      // Drop what was skipped now and then, so the array does not grow with the run.
      if (this.head > 8192) this.entries.splice(0, this.head), (this.head = 0);
    }
    this.minute.push(at);
    while (this.minute[this.minuteHead]! <= at - 60_000) this.minuteHead++;
    this.busiest = Math.max(this.busiest, this.minute.length - this.minuteHead);
    if (this.minuteHead > 4096) this.minute.splice(0, this.minuteHead), (this.minuteHead = 0);
  }

  /** Accepted requests sent within [from, to]. */
  sentBetween(from: number, to: number): number {
    let n = 0;
    for (let i = this.head; i < this.entries.length; i += 2) {
      const s = this.entries[i]!;
      if (s >= from && s <= to) n++;
    }
    return n;
  }
}

/** How fast the pacer may go: a fixed rate that backs off after 429s, or `auto`. */
interface RatePolicy {
  /** Requests per second allowed at `now`. */
  current(now: number): number;
  /** Tokens the bucket holds at most: requests that may go out back to back. */
  capacity(): number;
  /** A new pause began (a 429 or 529 with Retry-After). */
  paused(): void;
  /** One request went out at `now`. */
  acquired(now: number): void;
  /** An answer, with the kind of limit when it is a 429. */
  observe(o: ResponseObservation, kind: RateLimitKind | null): void;
  findings(): Pick<RateFindings, 'mode' | 'perSecond' | 'budgetPerMinute'>;
}

/**
 * A fixed rate. After a 429 the rate is halved (the server's budget is smaller than we assumed:
 * other integrations share it, or the plan's limit is lower) and then creeps back up by 5 % of the
 * configured rate every 20 requests without another 429.
 */
function fixedPolicy(rate: number, burst: number): RatePolicy {
  const minRate = Math.min(rate, 0.25);
  let currentRate = rate;
  let sinceSlowdown = 0;
  return {
    current: () => currentRate,
    capacity: () => burst,
    paused() {
      currentRate = Math.max(minRate, currentRate / 2);
      sinceSlowdown = 0;
    },
    acquired() {
      if (currentRate < rate && ++sinceSlowdown >= 20) {
        sinceSlowdown = 0;
        currentRate = Math.min(rate, currentRate + rate * 0.05);
      }
    },
    observe: () => undefined,
    findings: () => ({ mode: 'fixed', perSecond: Math.round(currentRate * 100) / 100, budgetPerMinute: null }),
  };
}

/** Where `auto` starts: Notion's published average. */
const AUTO_START_RATE = 3;
/** While climbing, the rate doubles this often. */
const AUTO_DOUBLING_MS = 2_000;
const AUTO_MAX_RATE = 1_000;
const AUTO_MIN_RATE = 0.1;
/** The per-connection budget's window. */
const WINDOW_MS = 60_000;
/** Share of the budget left unused, for clocks and networks that are not exact. */
const AUTO_MARGIN = 0.01;
/**
 * Share of the budget the bucket may hold once it is known: a timer that fires late (a busy
 * process, a loaded machine) is made up for afterwards instead of lost, at a pace of budget / 60 s.
 */
const AUTO_CATCH_UP = 0.01;
/** A window that began at most this long before the run's first request is taken as seen whole. */
const AUTO_UNSEEN_MS = 5_000;
/** After a per-workspace 429, the pace is this share of what fitted: the limit is shared. */
const AUTO_WORKSPACE_SHARE = 0.9;

/**
 * `auto`: learns the connection's budget per 60-second window from Notion's answers, then
 * spends it evenly.
 *
 * - It climbs from 3 requests per second, doubling every 2 s, until a 429 of the per-connection
 *   limit. Its Retry-After is the time until the window resets, so the window began 60 s before
 *   that; the requests Notion accepted since then are the budget (the budget may be spent in a
 *   burst, so climbing to it costs nothing: the window was going to be spent anyway).
 * - If the run began well after that window did (more than 5 s: windows on the clock, not at the
 *   first request), what it saw is a lower bound: it climbs again from there through the next
 *   window, which it sees whole.
 * - Then it paces evenly at 98 % of the budget per 60 s, with up to 1 % more to catch up on
 *   timers that fired late: no 60 s span, wherever Notion's window falls, holds more than 99 %.
 * - A 429 of the per-workspace limit (shared with the workspace's other integrations): it slows to
 *   90 % of the pace at which what it sent since the last such 429 would have lasted until this
 *   one's Retry-After, and never climbs again in this run.
 * - Every Retry-After is honoured by the pacer's pause, whatever the reason.
 */
function autoPolicy(burst: number, log: AcceptedLog): RatePolicy {
  let firstSentAt: number | null = null;
  let climbing = true;
  let climbFrom = AUTO_START_RATE;
  let climbStartAt = 0;
  let pace = AUTO_START_RATE;
  let budget: number | null = null;
  let frozen = false;
  /** A per-connection 429 to learn from once its window has reset (and every answer of it is in). */
  let pending: { at: number; resetAt: number } | null = null;
  /** Since when (and how many) requests count towards the next per-workspace estimate. */
  let workspaceFrom = 0;
  let workspaceCount = 0;

  // The bucket's tokens count towards the window too: pace · 60 s + capacity ≤ (1 − margin) · budget.
  const capacityFor = (b: number | null) => (b === null || climbing ? burst : Math.max(burst, Math.floor(b * AUTO_CATCH_UP)));
  const paceFor = (b: number) => Math.max(AUTO_MIN_RATE, (b * (1 - AUTO_MARGIN) - capacityFor(b)) / (WINDOW_MS / 1000));
  const climbRate = (now: number) => Math.min(AUTO_MAX_RATE, climbFrom * 2 ** (Math.max(0, now - climbStartAt) / AUTO_DOUBLING_MS));
  const rateAt = (now: number) => (climbing ? climbRate(now) : pace);

  const learn = (now: number, p: { at: number; resetAt: number }) => {
    // Retry-After is whole seconds, rounded up: the window began within the second before
    // `windowStart`. Counting from the earliest start may take in a second of the window before,
    // counting from the latest may miss the window's first second.
    const windowStart = p.resetAt - WINDOW_MS;
    const first = firstSentAt ?? windowStart;
    // A window that began a moment before the run (the export's own first request, a slow start)
    // counts as seen whole: nobody else spends this connection's budget in those seconds.
    if (first <= windowStart + AUTO_UNSEEN_MS) {
      // The budget is what Notion accepted in the window. A climb learns from the earliest start
      // (or the run's first request, when the window began with it or before it): too much by at
      // most that second, which the 429 at the end of the next window corrects. A correction
      // counts from the latest start: too little by at most a second at the pace.
      const from = climbing ? Math.max(first, windowStart - 1_000) : windowStart;
      const count = log.sentBetween(from, p.at);
      if (count === 0) return;
      budget = budget === null || climbing ? count : Math.min(budget, count);
      climbing = false;
      pace = frozen ? Math.min(pace, paceFor(budget)) : paceFor(budget);
      return;
    }
    const count = log.sentBetween(first, p.at);
    if (count === 0) return;
    if (frozen) {
      pace = Math.max(AUTO_MIN_RATE, Math.min(pace, paceFor(count)));
    } else {
      // Part of the window passed before the run began: at least `count` fit. Climb again from there.
      climbing = true;
      climbFrom = Math.max(AUTO_MIN_RATE, count / (WINDOW_MS / 1000));
      climbStartAt = now;
    }
  };

  return {
    current(now) {
      if (pending !== null && now >= pending.resetAt) {
        const p = pending;
        pending = null;
        learn(now, p);
      }
      return rateAt(now);
    },
    capacity: () => capacityFor(budget),
    paused: () => undefined,
    acquired(now) {
      if (firstSentAt !== null) return;
      firstSentAt = now;
      climbStartAt = now;
      workspaceFrom = now;
    },
    observe(o, kind) {
      if (kind === null) {
        if (o.sentAt >= workspaceFrom) workspaceCount++;
        return;
      }
      if (o.retryAfterMs === undefined) {
        // Nothing to learn from; slow down as an older client would.
        if (climbing) {
          climbFrom = Math.max(AUTO_MIN_RATE, climbRate(o.at) / 2);
          climbStartAt = o.at;
        } else pace = Math.max(AUTO_MIN_RATE, pace / 2);
        return;
      }
      const resetAt = o.at + o.retryAfterMs;
      if (kind === 'connection') {
        // The other 429s of the same burst are about the same window.
        if (pending === null || o.at >= pending.resetAt) pending = { at: o.at, resetAt };
      } else if (kind === 'workspace') {
        if (o.at < workspaceFrom) return;
        const spanS = Math.max(1, (resetAt - workspaceFrom) / 1000);
        const fitted = workspaceCount / spanS;
        pace = Math.max(AUTO_MIN_RATE, AUTO_WORKSPACE_SHARE * Math.min(rateAt(o.at), fitted));
        climbing = false;
        frozen = true;
        workspaceFrom = resetAt;
        workspaceCount = 0;
      } else if (climbing) {
        // Another limit (an endpoint's own, say): waited out; the climb restarts lower.
        climbFrom = Math.max(AUTO_MIN_RATE, climbRate(o.at) / 2);
        climbStartAt = resetAt;
      }
    },
    findings: () => ({ mode: 'auto', perSecond: climbing ? null : Math.round(pace * 100) / 100, budgetPerMinute: budget }),
  };
}

/** Token bucket (capacity and refill rate from the policy) with a global pause; acquires are served in order. */
export function createPacer(options: PacerOptions): Pacer {
  const rate = options.rate;
  if (rate !== 'auto' && (!(rate > 0) || !Number.isFinite(rate))) {
    throw new RangeError(`pacer: rate must be a positive number of requests per second or "auto", got ${rate}`);
  }
  const burst = Math.max(1, Math.floor(options.burst ?? 1));
  const clock = options.clock ?? systemClock;
  const accepted = new AcceptedLog(rate === 'auto');
  const policy = rate === 'auto' ? autoPolicy(burst, accepted) : fixedPolicy(rate, burst);
  const reasons: Record<string, number> = {};
  let workspaceLimitHit = false;

  let tokens = burst;
  let refilledAt = clock.now();
  let pausedUntil = 0;
  // Serialising acquires keeps them FIFO and means only the head of the queue ever sleeps.
  let tail: Promise<void> = Promise.resolve();
  const counters: Omit<PacerStats, 'currentRate' | 'rate'> = { acquired: 0, waitsForRate: 0, waitedMs: 0, pauses: 0 };

  const refill = (now: number, msPerToken: number): void => {
    if (now > refilledAt) {
      tokens = Math.min(policy.capacity(), tokens + (now - refilledAt) / msPerToken);
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
      const msPerToken = 1000 / policy.current(now);
      refill(now, msPerToken);
      if (tokens >= 1 - 1e-9) {
        tokens = Math.max(0, tokens - 1);
        break;
      }
      waited = true;
      await clock.sleep(Math.max(1, Math.ceil((1 - tokens) * msPerToken)));
    }
    counters.acquired += 1;
    policy.acquired(clock.now());
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
      if (clock.now() >= pausedUntil) policy.paused();
      pausedUntil = epochMs;
      counters.pauses += 1;
      // Right after a 429 the server's budget is spent: restart from one token, not a full burst.
      tokens = Math.min(tokens, 1);
      refilledAt = Math.max(refilledAt, epochMs);
    },
    observe(o) {
      if (o.status !== 429) {
        accepted.add(o.sentAt, o.at);
        policy.observe(o, null);
        return;
      }
      const kind = classifyRateLimit(o.rateLimitReason, o.retryAfterMs);
      const key = o.rateLimitReason === undefined || o.rateLimitReason === '' ? 'none' : o.rateLimitReason;
      reasons[key] = (reasons[key] ?? 0) + 1;
      if (kind === 'workspace') workspaceLimitHit = true;
      policy.observe(o, kind);
    },
    stats: () => ({
      ...counters,
      currentRate: policy.current(clock.now()),
      rate: { ...policy.findings(), workspaceLimitHit, busiestMinute: accepted.busiest, reasons: { ...reasons } },
    }),
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
  rate: RateFindings;
}

/** Pacer + concurrency cap: the one object every API request of a run goes through. */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  pauseUntil(epochMs: number): void;
  /** Every API answer (see `Pacer.observe`). */
  observe(o: ResponseObservation): void;
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
    observe: (o) => pacer.observe(o),
    stats() {
      const p = pacer.stats();
      return { waitsForRate: p.waitsForRate, waitedMs: p.waitedMs, maxInFlight, pauses: p.pauses, rate: p.rate };
    },
  };
}
