import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startNotionServer } from '../../src/notion-server/server.js';
import { deadline } from '../../src/source/effects.js';
import { closeServer } from './close-server.js';
import { createSimulatedClock, HOLD_HEADER, SIMULATED_EPOCH, type SimulatedClock } from './simulated-clock.js';
import { smallWorkspace } from './small-workspace.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Lets the event loop run `n` turns (real time, no virtual time implied). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** A loopback server that answers from `handle`. */
async function serve(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<string> {
  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => closeServer(server));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('simulated clock: timers', () => {
  it('starts at its epoch and a long sleep costs no real time', async () => {
    const clock = createSimulatedClock();
    expect(clock.now()).toBe(SIMULATED_EPOCH);
    const realStart = Date.now();
    await clock.sleep(3_600_000);
    expect(clock.elapsed()).toBe(3_600_000);
    expect(clock.now()).toBe(SIMULATED_EPOCH + 3_600_000);
    expect(Date.now() - realStart).toBeLessThan(1_000);
  });

  it('concurrent sleepers wake in time order at their own virtual times; ties in call order', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const woke: Array<[string, number]> = [];
    const sleeper = (name: string, ms: number) => clock.sleep(ms).then(() => woke.push([name, clock.now()]));
    await Promise.all([sleeper('c', 300), sleeper('a', 100), sleeper('b', 200), sleeper('a2', 100), sleeper('zero', 0)]);
    expect(woke).toEqual([
      ['zero', 0],
      ['a', 100],
      ['a2', 100],
      ['b', 200],
      ['c', 300],
    ]);
  });

  it('a sleep that starts after another one ends is measured from then', async () => {
    const clock = createSimulatedClock({ start: 0 });
    await clock.sleep(250);
    await clock.sleep(250);
    expect(clock.now()).toBe(500);
  });

  it('setTimeout fires once at its time; a cleared timer never fires and does not move time', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const fired: number[] = [];
    const kept = clock.setTimeout(() => fired.push(clock.now()), 40);
    const cleared = clock.setTimeout(() => fired.push(-1), 10);
    clock.clearTimeout(cleared);
    expect(clock.pendingTimers()).toBe(1);
    await clock.sleep(50);
    expect(fired).toEqual([40]);
    clock.clearTimeout(kept); // already fired: harmless
    const late = clock.setTimeout(() => fired.push(-2), 1_000);
    clock.clearTimeout(late);
    await turns(20);
    expect(clock.now()).toBe(50);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('deadline() aborts with a TimeoutError on this clock, and clear() cancels it', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const fires = deadline(clock, 5_000);
    const cancelled = deadline(clock, 1_000);
    cancelled.clear();
    const reason = await new Promise<unknown>((resolve) => fires.signal.addEventListener('abort', () => resolve(fires.signal.reason)));
    expect(clock.now()).toBe(5_000);
    expect(reason).toMatchObject({ name: 'TimeoutError' });
    expect(cancelled.signal.aborted).toBe(false);
  });
});

describe('simulated clock: holds and real I/O', () => {
  it('time stands still while a hold is open, and moves on once it is released', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const release = clock.hold();
    let done = false;
    void clock.sleep(10).then(() => (done = true));
    await turns(50);
    expect(done).toBe(false);
    expect(clock.now()).toBe(0);
    expect(clock.openHolds()).toBe(1);
    release();
    release(); // idempotent
    await clock.sleep(0);
    await turns(10);
    expect(done).toBe(true);
    expect(clock.openHolds()).toBe(0);
  });

  it('a request on the wire is never overtaken by a virtual deadline: I/O takes no virtual time', async () => {
    const clock = createSimulatedClock({ start: 0 });
    // Answers after 80 real milliseconds, far beyond the 1 virtual millisecond the client allows.
    const url = await serve((_req, res) => setTimeout(() => res.end('late but fine'), 80));
    const fetch = clock.fetch();
    const limit = deadline(clock, 1);
    const response = await fetch(url, { signal: limit.signal });
    expect(await response.text()).toBe('late but fine');
    limit.clear();
    expect(clock.now()).toBe(0);
  });

  it('a request the server parks (hangs) lets virtual time run: the client deadline fires after exactly its virtual time', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const seenHeaders: Array<string | undefined> = [];
    const url = await serve((req) => {
      seenHeaders.push(req.headers[HOLD_HEADER] as string | undefined);
      clock.park(req); // never answered
    });
    const fetch = clock.fetch();
    const limit = deadline(clock, 60_000);
    const realStart = Date.now();
    const err = await fetch(url, { signal: limit.signal }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'TimeoutError' });
    expect(clock.now()).toBe(60_000);
    expect(Date.now() - realStart).toBeLessThan(5_000);
    expect(seenHeaders).toEqual(['1']);
    expect(clock.openHolds()).toBe(0);
  });

  it('without park the same hang would hold virtual time forever (the hold is what stops it)', async () => {
    const clock = createSimulatedClock({ start: 0 });
    const url = await serve(() => undefined);
    const limit = deadline(clock, 1_000);
    const pending = clock.fetch()(url, { signal: limit.signal }).catch(() => 'aborted');
    await new Promise((r) => setTimeout(r, 100));
    expect(clock.now()).toBe(0);
    expect(clock.openHolds()).toBe(1);
    limit.clear();
    closers.splice(0).forEach((close) => void close()); // drop the connection: the fetch fails
    expect(await pending).toBe('aborted');
  });

  it('the local server waits its latency on the shared clock (park, sleep, resume)', async () => {
    const clock = createSimulatedClock({ start: Date.UTC(2026, 0, 1) });
    const { workspace } = smallWorkspace();
    const server = await startNotionServer({ workspace, token: 'secret_sim_clock', rateLimit: false, latencyMs: 10_000, clock });
    closers.push(() => server.close());
    const fetch = clock.fetch();
    const realStart = Date.now();
    const answers = await Promise.all(
      [1, 2].map(() =>
        fetch(`${server.baseUrl}/v1/users/me`, {
          headers: { authorization: 'Bearer secret_sim_clock', 'notion-version': '2025-09-03' },
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    // Both waited at the same time: 10 virtual seconds in all, not 20.
    expect(clock.elapsed()).toBe(10_000);
    expect(Date.now() - realStart).toBeLessThan(5_000);
    expect(server.clock()).toBe(clock.now());
  });

  it('the local server rate limit runs on the shared clock: Retry-After ends when the bucket has a token again', async () => {
    const clock: SimulatedClock = createSimulatedClock();
    const { workspace } = smallWorkspace();
    const server = await startNotionServer({ workspace, token: 't_sim', rateLimit: { ratePerSecond: 0.5, burst: 1 }, clock });
    closers.push(() => server.close());
    const fetch = clock.fetch();
    const me = () => fetch(`${server.baseUrl}/v1/users/me`, { headers: { authorization: 'Bearer t_sim', 'notion-version': '2025-09-03' } });
    expect((await me()).status).toBe(200);
    const limited = await me();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    await clock.sleep(2_000);
    expect((await me()).status).toBe(200);
  });
});
