/** Token-bucket rate limit options: an average rate with a burst allowance. */
export interface RateLimitOptions {
  ratePerSecond: number;
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A token bucket, like Notion's "average of three requests per second, some bursts allowed".
 * The clock is injected so tests can drive it.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.tokens = opts.burst;
    this.last = now();
  }

  /** Takes one token, or says how many whole seconds to wait (Retry-After is an integer). */
  take(): TakeResult {
    const t = this.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + ((t - this.last) / 1000) * this.opts.ratePerSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    const waitSeconds = (1 - this.tokens) / this.opts.ratePerSecond;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}

/** When a budget's window starts (Notion does not say; the server can do either). */
export type WindowStart = 'first-request' | 'clock';

/**
 * A fixed budget of requests per window, as Notion's newer limits describe them: the budget
 * "can be spent at any pace within the window — spread out evenly or in a single burst", and a
 * request over it waits until the window resets.
 */
export interface WindowBudgetOptions {
  /** Requests allowed in one window. */
  requests: number;
  /** Length of a window in seconds (60 for the per-connection limit). */
  windowSeconds: number;
  /**
   * `first-request` (default): a window opens with the first request after the previous one
   * closed. `clock`: windows are back-to-back multiples of the length since the epoch, so a
   * client's first window may be a partial one.
   */
  start?: WindowStart;
}

/** A fixed-window request budget with an injected clock; `check` looks, `take` spends. */
export class WindowBudget {
  private opened = Number.NEGATIVE_INFINITY;
  private used = 0;
  private readonly lengthMs: number;

  constructor(
    private readonly opts: WindowBudgetOptions,
    private readonly now: () => number,
  ) {
    if (!(opts.requests >= 1) || !(opts.windowSeconds > 0)) throw new RangeError('window budget: requests ≥ 1 and windowSeconds > 0 needed');
    this.lengthMs = opts.windowSeconds * 1000;
  }

  /** The window `t` falls in (opening a new one if the last has closed). */
  private roll(t: number): void {
    if (t < this.opened + this.lengthMs) return;
    this.opened = this.opts.start === 'clock' ? Math.floor(t / this.lengthMs) * this.lengthMs : t;
    this.used = 0;
  }

  /** Whether one more request fits now; if not, the whole seconds until the window resets (at least 1). */
  check(): TakeResult {
    const t = this.now();
    this.roll(t);
    if (this.used < this.opts.requests) return { ok: true };
    const waitMs = this.opened + this.lengthMs - t;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Spends one request of the current window (call after `check` said ok). */
  take(): void {
    this.roll(this.now());
    this.used += 1;
  }
}
