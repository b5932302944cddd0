import { describe, expect, it } from 'vitest';
import { deadline, systemEffects, systemSyncClock } from '../../src/source/effects.js';

describe('systemEffects', () => {
  it('a deadline on the real clock aborts with a TimeoutError, like AbortSignal.timeout', async () => {
    const started = Date.now();
    const limit = deadline(systemSyncClock, 20);
    const reason = await new Promise<unknown>((resolve) => limit.signal.addEventListener('abort', () => resolve(limit.signal.reason)));
    expect(reason).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('a cleared deadline never fires', async () => {
    const limit = deadline(systemSyncClock, 5);
    limit.clear();
    await systemSyncClock.sleep(30);
    expect(limit.signal.aborted).toBe(false);
  });

  it('fetch is the global fetch at call time; random is in [0, 1)', async () => {
    const effects = systemEffects();
    const original = globalThis.fetch;
    const calls: string[] = [];
    globalThis.fetch = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response('ok');
    }) as typeof fetch;
    try {
      expect(await (await effects.fetch('http://127.0.0.1:9/x')).text()).toBe('ok');
    } finally {
      globalThis.fetch = original;
    }
    expect(calls).toEqual(['http://127.0.0.1:9/x']);
    const r = effects.random();
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBeLessThan(1);
    expect(Math.abs(effects.clock.now() - Date.now())).toBeLessThan(1_000);
  });
});
