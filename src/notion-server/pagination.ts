import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { quoteValue, validationError } from './api-error.js';

/**
 * Pagination the way Notion does it: page_size 1..100 (default 100), opaque cursors,
 * `{ object: "list", results, next_cursor, has_more, type, <type>: {} }` envelopes.
 *
 * A cursor names the list it belongs to and the id of the next item (falling back to its
 * position when the item is gone or has no id), signed so that a client can neither guess
 * nor edit one: cursors are opaque in Notion and clients must treat them so.
 */

/** Where the page_size / start_cursor came from, for Notion-style validation messages. */
export type ParamSource = 'query' | 'body';

export interface PageRequest {
  pageSize: number;
  startCursor: string | null;
}

/** Validates page_size and start_cursor (raw values from the query string or JSON body). */
export function readPageRequest(source: ParamSource, pageSize: unknown, startCursor: unknown): PageRequest {
  let size = 100;
  if (pageSize !== undefined && pageSize !== null) {
    const n = typeof pageSize === 'string' && source === 'query' && /^-?\d+(\.\d+)?$/.test(pageSize) ? Number(pageSize) : pageSize;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      throw validationError(`${source} failed validation: ${source}.page_size should be a number, instead was ${quoteValue(pageSize)}.`);
    }
    if (!Number.isInteger(n)) {
      throw validationError(`${source} failed validation: ${source}.page_size should be an integer, instead was ${quoteValue(n)}.`);
    }
    if (n < 1) throw validationError(`${source} failed validation: ${source}.page_size should be ≥ \`1\`, instead was \`${n}\`.`);
    if (n > 100) throw validationError(`${source} failed validation: ${source}.page_size should be ≤ \`100\`, instead was \`${n}\`.`);
    size = n;
  }
  if (startCursor !== undefined && startCursor !== null && typeof startCursor !== 'string') {
    throw validationError(`${source} failed validation: ${source}.start_cursor should be a string, instead was ${quoteValue(startCursor)}.`);
  }
  return { pageSize: size, startCursor: (startCursor as string | null | undefined) || null };
}

/** Signs and checks cursors with a per-server secret. */
export class CursorCodec {
  constructor(private readonly secret: Buffer) {}

  encode(scope: string, position: number, nextId: string | null): string {
    const payload = Buffer.from(JSON.stringify([scopeHash(scope), position, nextId])).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The position a cursor points to inside `items`; 400 validation_error if the cursor is not one of ours for this list. */
  decode(cursor: string, scope: string, idOf: (index: number) => string | null, length: number): number {
    const bad = () => validationError(`The start_cursor provided is invalid: ${cursor}`);
    const dot = cursor.indexOf('.');
    if (dot < 0) throw bad();
    const payload = cursor.slice(0, dot);
    const mac = Buffer.from(cursor.slice(dot + 1));
    const expected = Buffer.from(this.mac(payload));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw bad();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw bad();
    }
    if (!Array.isArray(parsed) || parsed[0] !== scopeHash(scope) || typeof parsed[1] !== 'number') throw bad();
    const [, position, nextId] = parsed as [string, number, string | null];
    // Follow the item rather than the index, so that edits between two pages neither skip nor repeat items.
    if (nextId !== null) {
      for (let i = 0; i < length; i++) if (idOf(i) === nextId) return i;
    }
    return Math.min(position, length);
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }
}

// Cursors only need to tell lists apart, not spell out the (possibly long) query they belong to.
function scopeHash(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 12);
}

export interface Page<T> {
  results: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

/** Cuts one page out of a full list. */
export function paginate<T>(
  items: readonly T[],
  req: PageRequest,
  codec: CursorCodec,
  scope: string,
  idOf: (item: T) => string | null,
): Page<T> {
  const start = req.startCursor === null ? 0 : codec.decode(req.startCursor, scope, (i) => idOf(items[i]!), items.length);
  const end = Math.min(start + req.pageSize, items.length);
  const hasMore = end < items.length;
  return {
    results: items.slice(start, end),
    hasMore,
    nextCursor: hasMore ? codec.encode(scope, end, idOf(items[end]!)) : null,
  };
}

/** The list envelope, keys in the recorded order. `typeKey: false` leaves out `<type>: {}` (custom emojis, as recorded). */
export function listEnvelope(
  type: string,
  page: Page<unknown>,
  typeObject: Record<string, unknown> | false = {},
): Record<string, unknown> {
  return {
    object: 'list',
    results: page.results,
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    type,
    ...(typeObject === false ? {} : { [type]: typeObject }),
  };
}

