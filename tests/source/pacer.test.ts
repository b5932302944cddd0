import { describe, expect, it } from 'vitest';
import { createLimiter, createPacer, type Clock } from '../../src/source/pacer.js';

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
