import { APIErrorCode, APIResponseError, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { DownloadError, isNotionKbError } from '../../src/errors.js';
import { backoffDelay, classifyError, parseRetryAfter, withRetry, type RetryInfo } from '../../src/source/retry.js';

const NOW = Date.parse('2025-10-01T12:00:00Z');

function apiError(status: number, code: APIErrorCode, headers: Record<string, string> = {}): APIResponseError {
  return new APIResponseError({
    code,
    status,
    message: `Notion says ${code}`,
    headers: new Headers(headers),
    rawBodyText: JSON.stringify({ object: 'error', status, code }),
    additional_data: undefined,
    request_id: 'req-1',
  });
}

function htmlError(status: number): UnknownHTTPResponseError {
  return new UnknownHTTPResponseError({
    status,
    message: undefined,
    headers: new Headers({ 'content-type': 'text/html' }),
    rawBodyText: '<html><body>502 Bad Gateway</body></html>',
  });
}

function networkError(code: string): TypeError {
  const cause = Object.assign(new Error(`connect ${code}`), { code });
  return new TypeError('fetch failed', { cause });
}

describe('classifyError', () => {
  it.each([
    ['429 rate_limited', apiError(429, APIErrorCode.RateLimited), true],
    ['500 internal_server_error', apiError(500, APIErrorCode.InternalServerError), true],
    ['503 service_unavailable', apiError(503, APIErrorCode.ServiceUnavailable), true],
    ['504 gateway_timeout', apiError(504, APIErrorCode.GatewayTimeout), true],
    ['529 service_overload', apiError(529, APIErrorCode.ServiceOverload), true],
    ['409 conflict_error (documented as "try again")', apiError(409, APIErrorCode.ConflictError), true],
    ['502 with an HTML body', htmlError(502), true],
    ['503 with an HTML body', htmlError(503), true],
    ['SDK request timeout', new RequestTimeoutError(), true],
    ['abort-signal timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), true],
    ['ECONNRESET inside fetch failed', networkError('ECONNRESET'), true],
    ['ECONNREFUSED inside fetch failed', networkError('ECONNREFUSED'), true],
    ['UND_ERR_SOCKET inside fetch failed', networkError('UND_ERR_SOCKET'), true],
    ['socket hang up', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['body stream terminated', new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), true],
    ['400 validation_error', apiError(400, APIErrorCode.ValidationError), false],
    ['401 unauthorized', apiError(401, APIErrorCode.Unauthorized), false],
    ['403 restricted_resource', apiError(403, APIErrorCode.RestrictedResource), false],
    ['404 object_not_found', apiError(404, APIErrorCode.ObjectNotFound), false],
    ['403 from a file host (expired URL)', new DownloadError('http_status', 'file: HTTP 403', { status: 403 }), false],
    ['DNS failure (ENOTFOUND)', networkError('ENOTFOUND'), false],
    ['TLS certificate error', networkError('CERT_HAS_EXPIRED'), false],
    ['a programming error', new RangeError('bad'), false],
    ['an AbortError (caller cancelled)', new DOMException('aborted', 'AbortError'), false],
  ])('%s → retryable %s', (_name, err, retryable) => {
    expect(classifyError(err, NOW).retryable).toBe(retryable);
  });

  it('reports the status and Notion code but never the body', () => {
    const decision = classifyError(htmlError(502), NOW);
    expect(decision).toMatchObject({ status: 502, reason: 'HTTP 502' });
    expect(decision.reason).not.toMatch(/html/i);
    expect(classifyError(apiError(503, APIErrorCode.ServiceUnavailable), NOW).reason).toBe('HTTP 503 service_unavailable');
  });

  it('reads Retry-After from SDK errors and download errors', () => {
    expect(classifyError(apiError(429, APIErrorCode.RateLimited, { 'retry-after': '7' }), NOW)).toMatchObject({
      retryAfterMs: 7_000,
      rateLimited: true,
    });
    const s3 = new DownloadError('http_status', 'file: HTTP 503', { status: 503 }, { headers: { 'Retry-After': '2' } });
    expect(classifyError(s3, NOW)).toMatchObject({ retryable: true, retryAfterMs: 2_000 });
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1_000],
    ['120', 120_000],
    ['1.5', 1_500],
    [new Date(NOW + 90_000).toUTCString(), 90_000],
    [new Date(NOW - 5_000).toUTCString(), 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  const base = { baseDelayMs: 500, maxDelayMs: 30_000 } as const;
  it.each([
    [1, 500],
    [2, 1_000],
    [3, 2_000],
    [6, 16_000],
    [7, 30_000],
    [20, 30_000],
  ])('full jitter ceiling after %i failures is %i ms', (attempt, ceiling) => {
    expect(backoffDelay(attempt, 0, { ...base, jitter: 'full', random: () => 0.999999 })).toBeCloseTo(ceiling, -1);
    expect(backoffDelay(attempt, 0, { ...base, jitter: 'full', random: () => 0 })).toBe(0);
  });

  it('decorrelated jitter stays within [base, 3·previous] and the cap', () => {
    expect(backoffDelay(3, 2_000, { ...base, jitter: 'decorrelated', random: () => 0 })).toBe(500);
    expect(backoffDelay(3, 2_000, { ...base, jitter: 'decorrelated', random: () => 1 })).toBe(6_000);
    expect(backoffDelay(3, 20_000, { ...base, jitter: 'decorrelated', random: () => 1 })).toBe(30_000);
  });
});

/** A fake clock whose sleep only advances time and records the waits. */
function fakeTime(start = NOW) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

function failing(errors: unknown[], result = 'ok') {
  let calls = 0;
  const fn = async () => {
    const err = errors[calls];
    calls += 1;
    if (err !== undefined) throw err;
    return result;
  };
  return { fn, calls: () => calls };
}

describe('withRetry', () => {
  it('retries transient failures and returns the eventual result', async () => {
    const time = fakeTime();
    const infos: RetryInfo[] = [];
    const script = failing([htmlError(502), apiError(503, APIErrorCode.ServiceUnavailable), networkError('ECONNRESET')]);
    const result = await withRetry(script.fn, { ...time, random: () => 1, onRetry: (i) => infos.push(i) });
    expect(result).toBe('ok');
    expect(script.calls()).toBe(4);
    expect(infos.map((i) => [i.attempt, i.reason])).toEqual([
      [1, 'HTTP 502'],
      [2, 'HTTP 503 service_unavailable'],
      [3, 'ECONNRESET'],
    ]);
    expect(time.sleeps).toEqual([500, 1_000, 2_000]);
  });

  it('rethrows a permanent failure unchanged after one try', async () => {
    const err = apiError(404, APIErrorCode.ObjectNotFound);
    const script = failing([err]);
    await expect(withRetry(script.fn, { ...fakeTime() })).rejects.toBe(err);
    expect(script.calls()).toBe(1);
  });

  it.each([1, 3, 8])('gives up after maxAttempts = %i with a gave_up error naming the request', async (maxAttempts) => {
    const last = htmlError(502);
    const script = failing(Array.from({ length: 20 }, () => last));
    const error = await withRetry(script.fn, { ...fakeTime(), maxAttempts, label: 'POST /v1/search' }).catch((e: unknown) => e);
    expect(script.calls()).toBe(maxAttempts);
    expect(isNotionKbError(error) && error.code).toBe('gave_up');
    expect((error as Error).message).toContain('POST /v1/search');
    expect((error as Error).message).toContain(`${maxAttempts} tr`);
    expect((error as Error).message).toContain('HTTP 502');
    expect((error as Error).cause).toBe(last);
  });

  it('honours Retry-After exactly, even beyond maxDelayMs', async () => {
    const time = fakeTime();
    const script = failing([apiError(429, APIErrorCode.RateLimited, { 'retry-after': '120' })]);
    await withRetry(script.fn, { ...time, maxDelayMs: 30_000, random: () => 0 });
    expect(time.sleeps).toEqual([120_000]);
  });

  it('honours an HTTP-date Retry-After', async () => {
    const time = fakeTime();
    const at = new Date(NOW + 4_000).toUTCString();
    const script = failing([apiError(503, APIErrorCode.ServiceUnavailable, { 'retry-after': at })]);
    await withRetry(script.fn, { ...time });
    expect(time.sleeps).toEqual([4_000]);
  });

  it('gives up at once when Retry-After exceeds the remaining time budget', async () => {
    const time = fakeTime();
    const script = failing([apiError(429, APIErrorCode.RateLimited, { 'retry-after': '600' })]);
    const error = await withRetry(script.fn, { ...time, giveUpAfterMs: 300_000 }).catch((e: unknown) => e);
    expect(isNotionKbError(error) && error.code).toBe('gave_up');
    expect((error as Error).message).toMatch(/Retry-After 600 s exceeds/);
    expect(time.sleeps).toEqual([]);
  });

  it('bounds the total time by giveUpAfterMs', async () => {
    const time = fakeTime();
    const script = failing(Array.from({ length: 100 }, () => htmlError(504)));
    const error = await withRetry(script.fn, {
      ...time,
      maxAttempts: 100,
      baseDelayMs: 1_000,
      maxDelayMs: 4_000,
      giveUpAfterMs: 10_000,
      random: () => 1,
    }).catch((e: unknown) => e);
    expect(isNotionKbError(error) && error.code).toBe('gave_up');
    expect((error as Error).message).toMatch(/time budget/);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
    expect(script.calls()).toBeLessThan(100);
  });
});
