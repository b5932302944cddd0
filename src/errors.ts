/**
 * The one error type of notion-kb. Every failure that leaves a module is a `NotionKbError`
 * with a fixed `code`, a `context` object naming its target, and an exit-code hint; the CLI
 * is the only place that turns the hint into `process.exit`.
 */

/** Every error code notion-kb raises; each one has a fixed exit-code hint in `EXIT_CODES`. */
export type NotionKbErrorCode =
  | 'usage'
  | 'config'
  | 'auth'
  | 'not_found'
  | 'api'
  | 'network'
  | 'gave_up'
  | 'partial_object'
  | 'malformed_object'
  | 'incomplete_results'
  | 'download'
  | 'output'
  | 'no_snapshot'
  | 'bundle';

/**
 * Exit-code hints. 2 = the user must change something (flags, config, token, sharing);
 * 1 = the run failed (the API stayed down, a request gave up, …): nothing was published, and
 * running again later may work. These are the CLI's exit codes; it reads them from here.
 */
export const EXIT_CODES: Readonly<Record<NotionKbErrorCode, number>> = {
  usage: 2,
  config: 2,
  auth: 2,
  not_found: 2,
  api: 1,
  network: 1,
  gave_up: 1,
  partial_object: 1,
  // Per object, the crawl records it as the failure of one page or database (the run exits 3);
  // only one that escapes (it never should) fails the run.
  malformed_object: 1,
  incomplete_results: 1,
  download: 1,
  // The machine refused to write the output (permissions, a full disk); a path that is a file is a usage error.
  output: 1,
  // verify found nothing to check: as "not intact", exit 1.
  no_snapshot: 1,
  // `export`: the snapshot was published, but its bundle could not be written.
  bundle: 1,
};

/** Base error: `code` for programs, `message` for people, `context` for the run report. */
export class NotionKbError extends Error {
  override readonly name: string = 'NotionKbError';
  readonly code: NotionKbErrorCode;
  readonly context: Record<string, unknown>;
  readonly exitCode: number;

  constructor(
    code: NotionKbErrorCode,
    message: string,
    context: Record<string, unknown> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = context;
    this.exitCode = EXIT_CODES[code];
  }
}

/** Raised by `fetchBinary`: carries the HTTP `status` so the caller can refresh an expired URL on 403. */
export class DownloadError extends NotionKbError {
  override readonly name: string = 'DownloadError';
  /** HTTP status of the final answer; undefined when no answer was received (too large, bad URL). */
  readonly status: number | undefined;
  readonly reason: 'http_status' | 'too_large' | 'unsupported_url';
  /** Response headers the retry policy reads (Retry-After); never the signed URL. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    reason: DownloadError['reason'],
    message: string,
    context: Record<string, unknown> & { status?: number },
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super('download', message, { ...context, reason }, options);
    this.status = context.status;
    this.reason = reason;
    this.headers = options.headers;
  }
}

/** Guard that survives duplicated module instances (checks shape, not `instanceof`). */
export function isNotionKbError(err: unknown): err is NotionKbError {
  return (
    err instanceof NotionKbError ||
    (typeof err === 'object' &&
      err !== null &&
      typeof (err as { code?: unknown }).code === 'string' &&
      (err as { code: string }).code in EXIT_CODES &&
      typeof (err as { context?: unknown }).context === 'object' &&
      typeof (err as { exitCode?: unknown }).exitCode === 'number')
  );
}

// Notion integration tokens: legacy `secret_…` and current `ntn_…`; also any bearer header echoed back.
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(?:secret|ntn)_[A-Za-z0-9]{20,}\b/g,
  /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

const registeredSecrets = new Set<string>();

/**
 * Remember a secret (the Notion token) so `userMessage` redacts it even from errors that were
 * not built by us. Tokens shorter than 8 characters are ignored: redacting "a" would mangle text.
 */
export function registerSecret(secret: string | undefined): void {
  if (secret !== undefined && secret.length >= 8) registeredSecrets.add(secret);
}

/** Replace every given secret, every registered secret and anything shaped like a Notion token with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  const all = [...secrets, ...registeredSecrets].filter(
    (s): s is string => typeof s === 'string' && s.length >= 8,
  );
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of all.sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('[REDACTED]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('[REDACTED]');
  }
  for (const pattern of TOKEN_PATTERNS) {
    out = out.replace(pattern, (_m, bearer?: string) =>
      typeof bearer === 'string' && /^bearer$/i.test(bearer) ? `${bearer} [REDACTED]` : '[REDACTED]',
    );
  }
  return out;
}

/**
 * One line for a human: no stack, no newlines, never the token. Unknown errors are labelled
 * as unexpected so they stand out from the ones we anticipated.
 */
export function userMessage(err: unknown, secrets: readonly (string | undefined)[] = []): string {
  let text: string;
  if (isNotionKbError(err)) {
    text = err.message;
  } else if (err instanceof Error) {
    text = `unexpected error: ${err.message || err.name}`;
  } else {
    text = `unexpected error: ${String(err)}`;
  }
  return redactSecrets(text, secrets).replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
