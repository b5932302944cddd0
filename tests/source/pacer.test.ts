import { describe, expect, it } from 'vitest';
import { WindowBudget, type WindowStart } from '../../src/notion-server/rate-limit.js';
import { classifyRateLimit, createLimiter, createPacer, type Clock, type RateFindings } from '../../src/source/pacer.js';

/**
 * Discrete-event clock: `sleep` registers a timer; once every microtask has run, time jumps to
 * the earliest timer. Concurrent sleepers therefore overlap exactly as they would in real time,
 * and the suite never waits on the wall clock.
 */
function simulatedClock(start = 0): Clock {
  let now = start;
  let seq = 0;
  let scheduled = false;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  const drive = () => {
    scheduled = false;
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = timers.shift();
    if (next === undefined) return;
    now = Math.max(now, next.at);
    next.resolve();
    schedule();
  };
  const schedule = () => {
    if (!scheduled && timers.length > 0) {
      scheduled = true;
      setImmediate(drive);
    }
  };
  return {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        timers.push({ at: now + Math.max(0, ms), seq: seq++, resolve });
        schedule();
      }),
  };
}

async function acquireTimes(n: number, rate: number, burst: number): Promise<number[]> {
  const clock = simulatedClock();
  const pacer = createPacer({ rate, burst, clock });
  return Promise.all(Array.from({ length: n }, () => pacer.acquire().then(() => clock.now())));
}

describe('createPacer', () => {
  it.each([
    { n: 10, rate: 2, burst: 1 },
    { n: 10, rate: 3, burst: 3 },
    { n: 25, rate: 5, burst: 4 },
    { n: 7, rate: 0.5, burst: 2 },
    { n: 3, rate: 3, burst: 5 },
  ])('$n acquires at $rate/s with burst $burst take (n - burst) / rate simulated seconds', async ({ n, rate, burst }) => {
    const times = await acquireTimes(n, rate, burst);
    const expectedMs = (Math.max(0, n - burst) / rate) * 1000;
    const last = Math.max(...times);
    expect(last).toBeGreaterThanOrEqual(expectedMs - 1);
    // Not needlessly slower than the configured rate either (one interval of slack for rounding).
    expect(last).toBeLessThanOrEqual(expectedMs + 1000 / rate);
  });

  it.each([
    { rate: 3, burst: 3 },
    { rate: 10, burst: 1 },
  ])('never lets more than burst + rate·t requests out by time t (rate $rate, burst $burst)', async ({ rate, burst }) => {
    const times = (await acquireTimes(40, rate, burst)).sort((a, b) => a - b);
    times.forEach((t, i) => {
      expect(i + 1).toBeLessThanOrEqual(burst + Math.floor((t * rate) / 1000 + 1e-6));
    });
  });

  it('serves callers in arrival order', async () => {
    const clock = simulatedClock();
    const pacer = createPacer({ rate: 1, burst: 1, clock });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => pacer.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('pauseUntil blocks every caller, including ones already queued', async () => {
    const clock = simulatedClock(1_000);
    const pacer = createPacer({ rate: 100, burst: 10, clock });
    await pacer.acquire();
    const queued = Array.from({ length: 5 }, () => pacer.acquire().then(() => clock.now()));
    pacer.pauseUntil(6_000);
    const times = await Promise.all(queued);
    for (const t of times) expect(t).toBeGreaterThanOrEqual(6_000);
    expect(pacer.stats()).toMatchObject({ pauses: 1, acquired: 6 });
    expect(pacer.stats().waitedMs).toBeGreaterThanOrEqual(5 * 5_000);
  });

  it('pauseUntil applies to callers that start waiting for the rate before the pause', async () => {
    const clock = simulatedClock();
    const pacer = createPacer({ rate: 1, burst: 1, clock });
    const times: number[] = [];
    const all = Array.from({ length: 4 }, () => pacer.acquire().then(() => times.push(clock.now())));
    await all[0];
    pacer.pauseUntil(clock.now() + 10_000);
    await Promise.all(all);
    expect(times[0]).toBe(0);
    for (const t of times.slice(1)) expect(t).toBeGreaterThanOrEqual(10_000);
  });

  it('a shorter pause never shortens a longer one', async () => {
    const clock = simulatedClock();
    const pacer = createPacer({ rate: 100, burst: 5, clock });
    pacer.pauseUntil(5_000);
    pacer.pauseUntil(1_000);
    await pacer.acquire();
    expect(clock.now()).toBeGreaterThanOrEqual(5_000);
    expect(pacer.stats().pauses).toBe(1);
  });

  it('does not burst right after a pause (the server budget is spent)', async () => {
    const clock = simulatedClock();
    const pacer = createPacer({ rate: 1, burst: 5, clock });
    pacer.pauseUntil(1_000);
    const times = await Promise.all([0, 1, 2].map(() => pacer.acquire().then(() => clock.now())));
    // One token at the end of the pause, then the halved rate (0.5/s).
    expect(times).toEqual([1_000, 3_000, 5_000]);
  });

  it('halves the rate once per 429 burst and creeps back to the configured rate', async () => {
    const clock = simulatedClock();
    const pacer = createPacer({ rate: 4, burst: 1, clock });
    pacer.pauseUntil(1_000);
    pacer.pauseUntil(1_200); // a second 429 of the same burst: no second halving
    expect(pacer.stats().currentRate).toBe(2);
    for (let i = 0; i < 20; i++) await pacer.acquire();
    expect(pacer.stats().currentRate).toBeCloseTo(2.2);
    for (let i = 0; i < 400; i++) await pacer.acquire();
    expect(pacer.stats().currentRate).toBe(4);
    await clock.sleep(1);
    pacer.pauseUntil(clock.now() + 1_000);
    expect(pacer.stats().currentRate).toBe(2);
  });

  it('reports the fixed rate it ran at and counts 429s by reason', async () => {
    const clock = simulatedClock();
    const pacer = createPacer({ rate: 4, burst: 1, clock });
    await pacer.acquire();
    pacer.observe({ sentAt: 0, at: 10, status: 200 });
    pacer.observe({ sentAt: 0, at: 10, status: 429, retryAfterMs: 90_000, rateLimitReason: 'workspace_rate_limit' });
    pacer.pauseUntil(90_010);
    expect(pacer.stats().rate).toEqual({ mode: 'fixed', perSecond: 2, budgetPerMinute: null, workspaceLimitHit: true, busiestMinute: 1, reasons: { workspace_rate_limit: 1 } });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects rate %s', (rate) => {
    expect(() => createPacer({ rate })).toThrow(/rate/);
  });
});

describe('createLimiter', () => {
  it.each([1, 2, 5])('never runs more than %i tasks at once, and reaches that limit', async (concurrency) => {
    const clock = simulatedClock();
    const limiter = createLimiter({ rate: 1_000, burst: 1_000, concurrency, clock });
    let inFlight = 0;
    let observedMax = 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limiter.run(async () => {
          inFlight += 1;
          observedMax = Math.max(observedMax, inFlight);
          await clock.sleep(100);
          inFlight -= 1;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(observedMax).toBe(concurrency);
    expect(limiter.stats().maxInFlight).toBe(concurrency);
  });

  it('paces across concurrent slots and counts the waits', async () => {
    const clock = simulatedClock();
    const limiter = createLimiter({ rate: 2, burst: 1, concurrency: 4, clock });
    const starts = await Promise.all(Array.from({ length: 6 }, () => limiter.run(async () => clock.now())));
    expect(Math.max(...starts)).toBeGreaterThanOrEqual(2_500);
    expect(limiter.stats().waitsForRate).toBe(5);
    expect(limiter.stats().waitedMs).toBeGreaterThan(0);
  });

  it('propagates task errors and keeps serving', async () => {
    const limiter = createLimiter({ rate: 1_000, burst: 10, concurrency: 1, clock: simulatedClock() });
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 42)).resolves.toBe(42);
  });

  it('rejects a concurrency below 1', () => {
    expect(() => createLimiter({ rate: 1, concurrency: 0 })).toThrow(/concurrency/);
  });
});

/** One request as the simulated Notion saw it. */
interface Exchange {
  sentAt: number;
  at: number;
  status: number;
  retryAfterMs?: number;
  reason?: string;
}

/**
 * `requests` requests through an `auto` limiter against a simulated Notion that applies the local
 * server's own window budgets (per connection, optionally per workspace) on the simulated clock.
 * Every request is retried until it is accepted, as the gateway's retry does; the pause after a
 * 429 is the limiter's, as in the gateway. `busyOthers` requests per second of another
 * integration spend the workspace budget too.
 */
async function autoAgainstWindows(opts: {
  budget: number;
  requests: number;
  start?: WindowStart;
  workspace?: { requests: number; windowSeconds: number };
  concurrency?: number;
  latencyMs?: number;
  reasons?: { connection?: string | null; workspace?: string | null };
  startAt?: number;
  /** Every timer fires this late, as on a busy machine. */
  lateTimersMs?: number;
}): Promise<{ exchanges: Exchange[]; findings: RateFindings; elapsedMs: number; accepted: number[] }> {
  const exact = simulatedClock(opts.startAt ?? 1_700_000_040_000);
  const late = opts.lateTimersMs ?? 0;
  const clock: Clock = { now: exact.now, sleep: (ms) => exact.sleep(ms + late) };
  const startedAt = clock.now();
  const connection = new WindowBudget({ requests: opts.budget, windowSeconds: 60, start: opts.start ?? 'first-request' }, clock.now);
  const workspace = opts.workspace ? new WindowBudget({ ...opts.workspace, start: opts.start ?? 'first-request' }, clock.now) : null;
  const limiter = createLimiter({ rate: 'auto', burst: 1, concurrency: opts.concurrency ?? 3, clock });
  const latency = opts.latencyMs ?? 20;
  const exchanges: Exchange[] = [];
  const reasonOf = (limit: 'connection' | 'workspace') => {
    const given = opts.reasons?.[limit];
    const reason = given === undefined ? `${limit}_rate_limit` : given;
    return reason === null ? {} : { reason };
  };
  const answer = (sentAt: number): Exchange => {
    const c = connection.check();
    if (!c.ok) return { sentAt, at: 0, status: 429, retryAfterMs: c.retryAfterSeconds * 1000, ...reasonOf('connection') };
    const w = workspace?.check();
    if (w && !w.ok) return { sentAt, at: 0, status: 429, retryAfterMs: w.retryAfterSeconds * 1000, ...reasonOf('workspace') };
    connection.take();
    workspace?.take();
    return { sentAt, at: 0, status: 200 };
  };
  const one = async (): Promise<void> => {
    for (;;) {
      const status = await limiter.run(async () => {
        const sentAt = clock.now();
        await clock.sleep(latency / 2);
        const ex = answer(sentAt);
        await clock.sleep(latency / 2);
        ex.at = clock.now();
        exchanges.push(ex);
        if (ex.retryAfterMs !== undefined) limiter.pauseUntil(ex.at + ex.retryAfterMs);
        limiter.observe({
          sentAt: ex.sentAt,
          at: ex.at,
          status: ex.status,
          ...(ex.retryAfterMs === undefined ? {} : { retryAfterMs: ex.retryAfterMs }),
          ...(ex.reason === undefined ? {} : { rateLimitReason: ex.reason }),
        });
        return ex.status;
      });
      if (status !== 429) return;
    }
  };
  await Promise.all(Array.from({ length: opts.requests }, one));
  const accepted = exchanges.filter((e) => e.status !== 429).map((e) => e.sentAt - startedAt);
  return { exchanges, findings: limiter.stats().rate, elapsedMs: clock.now() - startedAt, accepted };
}

/** Most accepted requests sent within any `spanMs` from `fromMs` on (times relative to the start). */
function busiestSpan(times: number[], spanMs: number, fromMs = 0): number {
  const sorted = times.filter((t) => t >= fromMs).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= spanMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('classifyRateLimit', () => {
  it.each([
    ['workspace_rate_limit', 30_000, 'workspace'],
    ['per_workspace', undefined, 'workspace'],
    ['connection_rate_limit', 60_000, 'connection'],
    ['integration_limit', 5_000, 'connection'],
    // Notion says other reasons can appear: waited out, never learnt from, unless only the workspace's could last that long.
    ['search_endpoint_limit', 10_000, 'other'],
    ['org_limit', 300_000, 'workspace'],
    // No reason (the older API, or a body without additional_data): a Retry-After over a minute can only be the workspace's.
    [undefined, 2_000, 'connection'],
    [undefined, undefined, 'connection'],
    [undefined, 61_000, 'workspace'],
  ] as const)('%s with Retry-After %s ms is the %s limit', (reason, retryAfterMs, kind) => {
    expect(classifyRateLimit(reason, retryAfterMs)).toBe(kind);
  });
});

describe('rate auto against a budget per 60-second window', () => {
  it.each([180, 900, 2700])('learns a budget of %i per minute without being told, then spends it evenly with no more 429s', async (budget) => {
    const requests = budget * 3;
    const run = await autoAgainstWindows({ budget, requests });
    expect(run.findings).toMatchObject({ mode: 'auto', budgetPerMinute: budget, workspaceLimitHit: false });
    // The 429s are those of the first window only: the answers in flight when its budget ran out.
    const limited = run.exchanges.filter((e) => e.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeLessThanOrEqual(3);
    expect(Math.max(...limited.map((e) => e.at))).toBeLessThan(limited[0]!.at + 100);
    // After the first window no minute holds more than the budget, nor much less: evenly spent.
    const firstReset = limited[0]!.at - 1_700_000_040_000 + limited[0]!.retryAfterMs!;
    const last = Math.max(...run.accepted);
    expect(busiestSpan(run.accepted, 60_000, firstReset)).toBeLessThanOrEqual(budget);
    for (let from = firstReset; from + 60_000 <= last; from += 15_000) {
      const inMinute = run.accepted.filter((t) => t >= from && t < from + 60_000).length;
      expect(inMinute).toBeGreaterThanOrEqual(0.95 * budget);
    }
    // The pace leaves 1 % of the budget unused, and 1 % for the bucket to catch up on late timers.
    expect(run.findings.perSecond).toBeCloseTo((budget * 0.99 - Math.max(1, Math.floor(budget * 0.01))) / 60, 2);
    // Close to the requests ÷ the budget per second (bench/ holds the real-clock targets).
    expect(run.elapsedMs).toBeLessThanOrEqual(1.05 * (requests / (budget / 60)) * 1000);
  });

  it('makes up for timers that fire late (a busy machine) instead of losing that time', async () => {
    // At 2,700 a minute a request is due every 22 ms; each timer here fires 5 ms late.
    const run = await autoAgainstWindows({ budget: 2700, requests: 8100, lateTimersMs: 5 });
    expect(run.findings.budgetPerMinute).toBe(2700);
    const first = run.exchanges.find((e) => e.status === 429)!;
    expect(busiestSpan(run.accepted, 60_000, first.at - 1_700_000_040_000 + first.retryAfterMs!)).toBeLessThanOrEqual(2700);
    expect(run.elapsedMs).toBeLessThanOrEqual(1.05 * (8100 / 45) * 1000);
  });

  it('a run that starts mid-window (windows on the clock) climbs again through the next window and learns the budget there', async () => {
    // 10 s before the clock window ends: the first window is mostly gone.
    const run = await autoAgainstWindows({ budget: 900, requests: 3600, start: 'clock', startAt: 1_700_000_040_000 + 50_000 });
    expect(run.findings.budgetPerMinute).toBeGreaterThanOrEqual(900 - 15 - 3);
    expect(run.findings.budgetPerMinute).toBeLessThanOrEqual(900);
    const limited = run.exchanges.filter((e) => e.status === 429);
    // The window it learns from, and at most one correction in the window after.
    expect(limited.length).toBeLessThanOrEqual(5);
    const lastLimited = Math.max(...limited.map((e) => e.at)) - 1_700_000_040_000;
    expect(busiestSpan(run.accepted, 60_000, lastLimited + 60_000)).toBeLessThanOrEqual(900);
  });

  it('a window that began a moment before the run counts as seen whole: the budget is learnt in it, no second climb', async () => {
    const run = await autoAgainstWindows({ budget: 900, requests: 2700, start: 'clock', startAt: 1_700_000_040_000 + 3_000 });
    expect(run.findings.budgetPerMinute).toBe(900);
    const limited = run.exchanges.filter((e) => e.status === 429);
    expect(Math.max(...limited.map((e) => e.at))).toBeLessThan(limited[0]!.at + 100);
  });

  it('learns the budget from a 429 without a reason (the older API), but not from a reason it does not know', async () => {
    const bare = await autoAgainstWindows({ budget: 900, requests: 2700, reasons: { connection: null } });
    expect(bare.findings).toMatchObject({ budgetPerMinute: 900, reasons: { none: expect.any(Number) } });
    const other = await autoAgainstWindows({ budget: 900, requests: 2700, reasons: { connection: 'endpoint_limit' } });
    expect(other.findings).toMatchObject({ budgetPerMinute: null, perSecond: null, workspaceLimitHit: false });
    // Still complete, waiting out every Retry-After.
    expect(other.exchanges.filter((e) => e.status === 200)).toHaveLength(2700);
    expect(Object.keys(other.findings.reasons)).toEqual(['endpoint_limit']);
  });

  it('a run smaller than the budget never meets it: nothing learnt, nothing refused', async () => {
    const run = await autoAgainstWindows({ budget: 900, requests: 300 });
    expect(run.exchanges.every((e) => e.status === 200)).toBe(true);
    expect(run.findings).toMatchObject({ budgetPerMinute: null, perSecond: null, busiestMinute: 300 });
  });

  it('honours every Retry-After: nothing is sent between a 429 and the time it named', async () => {
    const run = await autoAgainstWindows({ budget: 180, requests: 540, workspace: { requests: 200, windowSeconds: 120 } });
    const limited = run.exchanges.filter((e) => e.status === 429);
    expect(limited.length).toBeGreaterThan(1);
    for (const e of limited) {
      const resumeAt = e.at + e.retryAfterMs!;
      expect(run.exchanges.filter((x) => x.sentAt >= e.at && x.sentAt < resumeAt)).toEqual([]);
    }
  });
});

describe('rate auto against a per-workspace limit lower than the connection budget', () => {
  it('slows down at the first workspace 429, never climbs again, and completes', async () => {
    // 900 per minute for the connection, but the workspace allows 300 per 120 s (2.5/s).
    const run = await autoAgainstWindows({ budget: 900, requests: 1200, workspace: { requests: 300, windowSeconds: 120 } });
    expect(run.exchanges.filter((e) => e.status === 200)).toHaveLength(1200);
    expect(run.findings.workspaceLimitHit).toBe(true);
    expect(run.findings.reasons).toEqual({ workspace_rate_limit: expect.any(Number) });
    // 90 % of what the workspace allowed it.
    expect(run.findings.perSecond).toBeGreaterThan(2);
    expect(run.findings.perSecond).toBeLessThan(2.5);
    // Only the first window's 429s: after them it stays below the workspace's limit.
    const limited = run.exchanges.filter((e) => e.status === 429);
    expect(Math.max(...limited.map((e) => e.at))).toBeLessThan(limited[0]!.at + 100);
    // Never faster again than the pace it slowed to.
    const resumed = limited[0]!.at + limited[0]!.retryAfterMs! - 1_700_000_040_000;
    expect(busiestSpan(run.accepted, 10_000, resumed)).toBeLessThanOrEqual(Math.ceil(10 * run.findings.perSecond!) + 1);
  });

  it('a workspace limit met after the connection budget was learnt lowers the pace below the budget, for good', async () => {
    const run = await autoAgainstWindows({ budget: 900, requests: 3000, workspace: { requests: 1000, windowSeconds: 120 } });
    expect(run.findings).toMatchObject({ budgetPerMinute: 900, workspaceLimitHit: true });
    expect(run.findings.perSecond!).toBeLessThan(1000 / 120);
    expect(run.exchanges.filter((e) => e.status === 429 && e.reason === 'workspace_rate_limit')).toHaveLength(1);
  });

  it('recognises the workspace limit by its Retry-After beyond a minute when the body names no reason', async () => {
    const run = await autoAgainstWindows({ budget: 900, requests: 900, workspace: { requests: 300, windowSeconds: 120 }, reasons: { workspace: null } });
    expect(run.findings).toMatchObject({ workspaceLimitHit: true, reasons: { none: expect.any(Number) } });
  });
});
