import { describe, expect, it } from 'vitest';
import {
  DownloadError,
  EXIT_CODES,
  NotionKbError,
  isNotionKbError,
  redactSecrets,
  registerSecret,
  userMessage,
} from '../../src/errors.js';
import { routeOf } from '../../src/source/request-stats.js';

describe('redactSecrets', () => {
  const token = 'my-integration-secret-1234';
  it.each([
    ['the exact secret', `token ${token} leaked`, [token], 'token [REDACTED] leaked'],
    ['the secret URL-encoded', `q=${encodeURIComponent('a b/c?d=e&secretvalue')}`, ['a b/c?d=e&secretvalue'], 'q=[REDACTED]'],
    ['an ntn_ token nobody registered', 'Bearer-less ntn_abcdefghijklmnopqrstuvwxyz0123 here', [], 'Bearer-less [REDACTED] here'],
    ['a legacy secret_ token', `was ${['secret', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq'].join('_')}.`, [], 'was [REDACTED].'],
    ['an Authorization header value', 'authorization: Bearer abc.def-ghi_jkl', [], 'authorization: Bearer [REDACTED]'],
    ['nothing secret', 'page 1a2b → block 3c4d (table): failed', [token], 'page 1a2b → block 3c4d (table): failed'],
  ])('removes %s', (_name, text, secrets, expected) => {
    expect(redactSecrets(text, secrets)).toBe(expected);
  });

  it('ignores secrets too short to redact safely', () => {
    expect(redactSecrets('a page about apples', ['a'])).toBe('a page about apples');
  });
});

describe('userMessage', () => {
  it('renders one line without a stack trace', () => {
    const err = new NotionKbError('api', 'page 1 → GET /v1/pages/:id failed\nwith HTTP 500', { id: '1' });
    const line = userMessage(err);
    expect(line).toBe('page 1 → GET /v1/pages/:id failed with HTTP 500');
    expect(line).not.toMatch(/\n|at .*\.ts/);
  });

  it('never contains a registered token, even from foreign errors', () => {
    const token = 'registered-token-for-user-message-test';
    registerSecret(token);
    expect(userMessage(new Error(`request with ${token} failed`))).toBe('unexpected error: request with [REDACTED] failed');
    expect(userMessage('plain string')).toBe('unexpected error: plain string');
  });
});

describe('NotionKbError', () => {
  it.each([
    ['usage', 2],
    ['config', 2],
    ['auth', 2],
    ['not_found', 2],
    ['api', 1],
    ['network', 1],
    ['gave_up', 1],
  ] as const)('%s has exit-code hint %i', (code, exitCode) => {
    const err = new NotionKbError(code, 'x');
    expect(err.exitCode).toBe(exitCode);
    expect(EXIT_CODES[code]).toBe(exitCode);
  });

  it('keeps code, context and cause', () => {
    const cause = new Error('inner');
    const err = new NotionKbError('not_found', 'gone', { id: 'abc' }, { cause });
    expect(err).toMatchObject({ code: 'not_found', context: { id: 'abc' }, cause });
  });

  it('DownloadError carries the HTTP status and is a NotionKbError', () => {
    const err = new DownloadError('http_status', 'file x: HTTP 403', { status: 403, url: 'https://s3/x' });
    expect(err.status).toBe(403);
    expect(err.code).toBe('download');
    expect(err.context).toMatchObject({ reason: 'http_status', status: 403 });
    expect(isNotionKbError(err)).toBe(true);
  });

  it.each([
    [new Error('x'), false],
    [{ code: 'api' }, false],
    [{ code: 'nope', context: {}, exitCode: 1 }, false],
    [{ code: 'api', context: {}, exitCode: 1, message: 'from another module copy' }, true],
    [null, false],
  ])('isNotionKbError(%o) is %s', (value, expected) => {
    expect(isNotionKbError(value)).toBe(expected);
  });
});

describe('routeOf', () => {
  it.each([
    ['GET', 'http://127.0.0.1:1/v1/pages/38c9ce7b-60a4-81a7-af53-e2ed822a1d7f', 'GET /v1/pages/:id'],
    ['GET', 'http://x/v1/pages/38c9ce7b60a481a7af53e2ed822a1d7f/properties/%3Djxv?page_size=100', 'GET /v1/pages/:id/properties/:pid'],
    ['GET', 'http://x/v1/pages/38c9/properties/title', 'GET /v1/pages/:id/properties/:pid'],
    ['get', 'http://x/v1/blocks/393abc1e-edcd-814b/children?start_cursor=abc', 'GET /v1/blocks/:id/children'],
    ['POST', 'http://x/v1/data_sources/1c7ee02a/query', 'POST /v1/data_sources/:id/query'],
    ['POST', 'http://x/v1/search', 'POST /v1/search'],
    ['GET', 'http://x/v1/users/me', 'GET /v1/users/me'],
    ['GET', 'http://x/v1/users/745e79dd', 'GET /v1/users/:id'],
    ['GET', 'http://x/v1/comments?block_id=abc', 'GET /v1/comments'],
  ])('%s %s → %s', (method, url, expected) => {
    expect(routeOf(method, url)).toBe(expected);
  });
});
