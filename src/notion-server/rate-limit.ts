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
