/**
 * One timestamp format in every published file: ISO 8601 in UTC with milliseconds, as
 * `Date.prototype.toISOString()` writes it ("2024-01-09T21:36:54.417Z"). Notion itself mixes
 * forms: pages and blocks come as "…:00.000Z", databases as "…54.417+00:00".
 */

/** A date-time with its offset (or `Z`): only those name an instant (without one, Date.parse would read local time). */
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An API timestamp (created_time, last_edited_time) in the one format. Anything else (a date
 * without time, a date-time without offset, not a date) is returned unchanged.
 */
export function isoTimestamp(ts: string): string {
  if (!DATE_TIME_WITH_OFFSET.test(ts)) return ts;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms).toISOString();
}

/**
 * A date property value (start or end): a date-only value stays date-only ("2024-01-09"); a
 * date-time becomes the same instant in UTC ("2024-02-06T17:30:00.000+01:00" →
 * "2024-02-06T16:30:00.000Z"). The instant is kept; the wall-clock zone the user chose is kept
 * in the value's `timeZone` when Notion reports one.
 */
export function isoDate(value: string): string {
  return isoTimestamp(value);
}
