import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, parseServerArgs } from '../../src/notion-server/server-main.js';

const BIN = fileURLToPath(new URL('../../bin/notion-server.js', import.meta.url));

describe('parseServerArgs', () => {
  it.each([
    [[], { port: 0, rate: 3, burst: 10, latencyMs: 0, expirySeconds: 3600, bumps: 'all' }],
    [['--port', '4123', '--rate', '5', '--burst', '20'], { port: 4123, rate: 5, burst: 20, latencyMs: 0, expirySeconds: 3600, bumps: 'all' }],
    [['--rate', 'off', '--latency=50', '--expiry', '2'], { port: 0, rate: false, burst: 10, latencyMs: 50, expirySeconds: 2, bumps: 'all' }],
    [['--bumps', 'documented'], { port: 0, rate: 3, burst: 10, latencyMs: 0, expirySeconds: 3600, bumps: 'documented' }],
  ])('%j', (argv, expected) => {
    expect(parseServerArgs(argv)).toEqual(expected);
  });

  it.each([
    [['--port'], '--port needs a value'],
    [['--port', 'x'], '--port: expected a number'],
    [['--expiry', '0'], '--expiry: expected a number ≥ 1'],
    [['--bogus'], 'unknown option --bogus'],
    [['--bumps', 'some'], '--bumps: expected all or documented'],
  ])('%j fails naming the flag', (argv, message) => {
    expect(() => parseServerArgs(argv)).toThrow(message);
  });
});

describe('npm run notion-server', () => {
  it('prints its URL and token, answers the SDK, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, '--port', '0', '--rate', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const url = /Local Notion API at (http:\/\/127\.0\.0\.1:\d+) — token: (\S+)/.exec(line);
    expect(url?.[2]).toBe(DEMO_TOKEN);
    const res = await fetch(`${url![1]}/v1/users/me`, { headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'notion-version': '2025-09-03' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { type: string }).type).toBe('bot');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
