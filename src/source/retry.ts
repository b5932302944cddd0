/**
 * The retry policy for every Notion API call and file download. We own retries because the
 * SDK's own policy skips 5xx on POST (search, data source queries), 502/504, timeouts and
 * dropped connections (see `canRetry` and `calculateRetryDelay` in
 * node_modules/@notionhq/client/build/src/Client.js, version 5.26.0).
 *
 * Decisions:
 * - 409 `conflict_error` IS retried: Notion documents it as "Conflict occurred while saving.
 *   Please try again."; the exporter only reads, so repeating the request is harmless.
 * - 400/401/403/404 and every other 4xx are never retried: repeating cannot change the answer
 *   (a 403 on a file URL means "expired", which the caller fixes by refreshing the URL).
 * - POST is retried like GET: search and data source queries are reads.
 * - Retry-After is honoured even beyond 60 s, but never past `giveUpAfterMs`: if the server asks
 *   for a wait longer than the remaining budget we give up at once instead of sleeping in vain.
 */
import { NotionKbError, redactSecrets } from '../errors.js';

/** What to do with one failed attempt. `reason` is short and never contains a response body. */
export interface RetryDecision {
  retryable: boolean;
  reason: string;
  status?: number;
  retryAfterMs?: number;
  rateLimited?: boolean;
}

/** Passed to `onRetry` before each wait. */
export interface RetryInfo {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  delayMs: number;
  reason: string;
  status?: number;
  retryAfterMs?: number;
  rateLimited: boolean;
  error: unknown;
}

/** Options of `withRetry`; every side effect (time, randomness) is injectable. */
export interface RetryOptions {
  /** Total tries including the first (default 8). */
  maxAttempts?: number;
  /** First backoff step (default 500 ms). */
  baseDelayMs?: number;
  /** Cap of one backoff wait (default 30 s); does not cap Retry-After. */
  maxDelayMs?: number;
  /** Bound on the time from the first try to the last retry's start (default 5 min). */
  giveUpAfterMs?: number;
  /** `full`: random(0, base·2^n); `decorrelated`: random(base, 3·previous). Default `full`. */
  jitter?: 'full' | 'decorrelated';
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called before every wait, e.g. to pause the shared pacer on 429 and to count retries. */
  onRetry?: (info: RetryInfo) => void;
  /** Names the request in the `gave_up` message, e.g. `POST /v1/search`. */
  label?: string;
  /** Replaces `classifyError` (tests, or callers with their own notion of "transient"). */
  classify?: (err: unknown, now: number) => RetryDecision;
}

/** Default values of `RetryOptions`, exported so configuration can show them. */
export const RETRY_DEFAULTS = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  giveUpAfterMs: 5 * 60_000,
} as const;

const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
]);

// undici codes that describe a programming or policy error, not a flaky connection.
const PERMANENT_UNDICI_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_ABORTED',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

/** Parse a Retry-After value (delta-seconds or HTTP-date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Read a header from a `Headers` object or a plain record, case-insensitively. */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === wanted) {
      if (typeof value === 'string') return value;
      if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    }
  }
  return undefined;
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current !== null && current !== undefined && chain.length < 6 && !chain.includes(current)) {
    chain.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

function prop(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/** Decide whether one failure is transient. Knows SDK errors, `DownloadError`, undici and node:net errors. */
export function classifyError(err: unknown, now: number): RetryDecision {
  const status = prop(err, 'status');
  if (typeof status === 'number' && status >= 100) {
    const notionCode = prop(err, 'code');
    const codeText =
      typeof notionCode === 'string' && !notionCode.startsWith('notionhq_client') && notionCode !== 'download'
        ? ` ${notionCode}`
        : '';
    const reason = `HTTP ${status}${codeText}`;
    if (!RETRYABLE_STATUSES.has(status)) return { retryable: false, reason, status };
    const retryAfterMs = parseRetryAfter(readHeader(prop(err, 'headers'), 'retry-after'), now);
    return {
      retryable: true,
      reason,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      rateLimited: status === 429,
    };
  }

  const chain = causeChain(err);
  for (const link of chain) {
    const name = prop(link, 'name');
    const code = prop(link, 'code');
    if (code === 'notionhq_client_request_timeout' || name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return { retryable: true, reason: 'timeout' };
    }
    if (typeof code === 'string') {
      if (TRANSIENT_NETWORK_CODES.has(code)) return { retryable: true, reason: code };
      if (code.startsWith('UND_ERR_')) {
        return { retryable: !PERMANENT_UNDICI_CODES.has(code), reason: code };
      }
    }
  }
  // A 200 whose body is cut short or is not JSON (a proxy, a maintenance page): the next try
  // usually gets the whole answer.
  if (chain.some((link) => link instanceof SyntaxError)) return { retryable: true, reason: 'invalid JSON in the response' };
  for (const link of chain) {
    const message = prop(link, 'message');
    if (typeof message !== 'string') continue;
    if (/socket hang up/i.test(message)) return { retryable: true, reason: 'socket hang up' };
    if (/^terminated$/i.test(message) || /other side closed/i.test(message)) {
      return { retryable: true, reason: 'connection closed' };
    }
  }
  // "fetch failed" wraps the real cause; a DNS miss, a bad TLS certificate or a forbidden
  // port will not heal by waiting, everything else (resets, refusals) might.
  if (err instanceof TypeError && err.message === 'fetch failed') {
    const inner = chain[1];
    const innerCode = prop(inner, 'code');
    const innerMessage = prop(inner, 'message');
    const innerText = String(innerCode ?? innerMessage ?? 'unknown cause');
    const permanent =
      innerCode === 'ENOTFOUND' ||
      (typeof innerCode === 'string' && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(innerCode)) ||
      innerMessage === 'bad port';
    return { retryable: !permanent, reason: `fetch failed (${innerText})` };
  }
  const name = prop(err, 'name');
  return { retryable: false, reason: typeof name === 'string' ? name : 'error' };
}

/** Exponential backoff delay for the retry after `attempt` failures (1-based). */
export function backoffDelay(
  attempt: number,
  previousDelayMs: number,
  options: Required<Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'jitter' | 'random'>>,
): number {
  const { baseDelayMs, maxDelayMs, random } = options;
  if (options.jitter === 'decorrelated') {
    const upper = Math.max(baseDelayMs, previousDelayMs * 3);
    return Math.min(maxDelayMs, baseDelayMs + random() * (upper - baseDelayMs));
  }
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  return random() * ceiling;
}

/**
 * Run `fn` until it succeeds, a failure is not transient (rethrown unchanged), or the budget
 * (`maxAttempts`, `giveUpAfterMs`) is spent (then a `gave_up` NotionKbError with the last error as cause).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts));
  const baseDelayMs = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const giveUpAfterMs = options.giveUpAfterMs ?? RETRY_DEFAULTS.giveUpAfterMs;
  const jitter = options.jitter ?? 'full';
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const classify = options.classify ?? classifyError;
  const label = options.label ?? 'request';

  const started = now();
  let previousDelay = baseDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    let error: unknown;
    try {
      return await fn(attempt);
    } catch (err) {
      error = err;
    }
    const decision = classify(error, now());
    if (!decision.retryable) throw error;

    const elapsed = now() - started;
    const remaining = giveUpAfterMs - elapsed;
    const giveUp = (why: string): never => {
      throw new NotionKbError(
        'gave_up',
        redactSecrets(`${label}: gave up after ${attempt} ${attempt === 1 ? 'try' : 'tries'} in ${formatSeconds(elapsed)} (${why}; last error: ${decision.reason})`),
        {
          route: label,
          attempts: attempt,
          elapsedMs: elapsed,
          lastReason: decision.reason,
          ...(decision.status === undefined ? {} : { status: decision.status }),
        },
        { cause: error },
      );
    };
    if (attempt >= maxAttempts) giveUp(`max ${maxAttempts} tries`);
    if (remaining <= 0) giveUp(`time budget ${formatSeconds(giveUpAfterMs)} spent`);

    let delayMs: number;
    if (decision.retryAfterMs !== undefined) {
      if (decision.retryAfterMs > remaining) {
        giveUp(`Retry-After ${formatSeconds(decision.retryAfterMs)} exceeds the remaining ${formatSeconds(remaining)} of the time budget`);
      }
      delayMs = decision.retryAfterMs;
    } else {
      delayMs = Math.min(remaining, backoffDelay(attempt, previousDelay, { baseDelayMs, maxDelayMs, jitter, random }));
    }
    delayMs = Math.max(0, Math.round(delayMs));
    previousDelay = Math.max(delayMs, baseDelayMs);
    options.onRetry?.({
      attempt,
      delayMs,
      reason: decision.reason,
      ...(decision.status === undefined ? {} : { status: decision.status }),
      ...(decision.retryAfterMs === undefined ? {} : { retryAfterMs: decision.retryAfterMs }),
      rateLimited: decision.rateLimited === true,
      error,
    });
    if (delayMs > 0) await sleep(delayMs);
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
