import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, parseServerArgs } from '../../src/notion-server/server-main.js';
import { RATE_LIMIT_REASONS } from '../../src/notion-server/server.js';

const BIN = fileURLToPath(new URL('../../bin/notion-server.js', import.meta.url));

const DEFAULTS = {
  port: 0,
  rate: 3,
  burst: 10,
  budget: null,
  windowStart: 'first-request',
  workspaceBudget: null,
  workspaceWindowSeconds: 120,
  connectionReason: RATE_LIMIT_REASONS.connection,
  workspaceReason: RATE_LIMIT_REASONS.workspace,
  connections: 1,
  latencyMs: 0,
  expirySeconds: 3600,
  bumps: 'all',
  compress: false,
};

describe('parseServerArgs', () => {
  it.each([
    [[], DEFAULTS],
    [['--port', '4123', '--rate', '5', '--burst', '20'], { ...DEFAULTS, port: 4123, rate: 5, burst: 20 }],
    [['--rate', 'off', '--latency=50', '--expiry', '2'], { ...DEFAULTS, rate: false, latencyMs: 50, expirySeconds: 2 }],
    [
      ['--budget', '900', '--window-start', 'clock', '--workspace-budget=1500', '--workspace-window', '300', '--connections', '3'],
      { ...DEFAULTS, budget: 900, windowStart: 'clock', workspaceBudget: 1500, workspaceWindowSeconds: 300, connections: 3 },
    ],
    [['--connection-reason', 'none', '--workspace-reason', 'org_limit'], { ...DEFAULTS, connectionReason: null, workspaceReason: 'org_limit' }],
    [['--bumps', 'documented'], { ...DEFAULTS, bumps: 'documented' }],
    [['--compress'], { ...DEFAULTS, compress: true }],
  ])('%j', (argv, expected) => {
    expect(parseServerArgs(argv)).toEqual(expected);
  });

  it.each([
    [['--port'], '--port needs a value'],
    [['--port', 'x'], '--port: expected a number'],
    [['--expiry', '0'], '--expiry: expected a number ≥ 1'],
    [['--budget', '2.5'], '--budget: expected a whole number ≥ 1'],
    [['--window-start', 'sliding'], '--window-start: expected first-request or clock'],
    [['--bogus'], 'unknown option --bogus'],
    [['--bumps', 'some'], '--bumps: expected all or documented'],
    [['--compress=yes'], '--compress takes no value'],
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

  it('--budget, --workspace-budget and --connections: two connections share the workspace budget', async () => {
    const child = spawn(process.execPath, [BIN, '--budget', '3', '--workspace-budget', '4', '--connections', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').length > 2) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const base = /Local Notion API at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    const other = /Other connections of the same workspace: (\S+)/.exec(out)![1]!;
    expect(other).toBe(`${DEMO_TOKEN}_2`);
    const me = async (token: string) => {
      const res = await fetch(`${base}/v1/users/me`, { headers: { authorization: `Bearer ${token}`, 'notion-version': '2025-09-03' } });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { additional_data?: unknown } };
    };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await me(DEMO_TOKEN)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await me(other)).status).toBe(200);
    const shared = await me(other);
    expect(shared.status).toBe(429);
    expect(shared.body.additional_data).toEqual({ rate_limit_reason: RATE_LIMIT_REASONS.workspace });
    expect(Number(shared.retryAfter)).toBeGreaterThan(60);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
