import { validationError, quoteValue } from './api-error.js';

const HEX32 = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses an id from a URL path or query parameter, dashed or undashed, into a dashed lower-case UUID.
 * Like Notion, a string that is not a valid UUID (including a wrong variant nibble, as recorded for
 * `12345678-1234-1234-1234-123456789abc`) is a 400 validation_error, not a 404.
 */
export function parsePathId(raw: string, where: string): string {
  const text = raw.trim();
  if (!HEX32.test(text) && !DASHED.test(text)) throw invalid(raw, where);
  const hex = text.replaceAll('-', '').toLowerCase();
  const nil = /^0+$/.test(hex);
  // RFC 4122 variant: the 17th hex digit is 8, 9, a or b. Notion rejects other variants.
  if (!nil && !'89ab'.includes(hex[16]!)) throw invalid(raw, where);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function invalid(raw: string, where: string) {
  return validationError(`${where.split('.')[0]} failed validation: ${where} should be a valid uuid, instead was ${quoteValue(raw)}.`);
}
