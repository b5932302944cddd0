import { createHmac, randomBytes } from 'node:crypto';

/**
 * What the sync state keeps of something the privacy rules left out: never its id, only an HMAC of
 * it under a random key of the output directory (`state/privacy-key`). Without the key the hash
 * tells nothing; with it, one can only confirm an id one already has. Ids are compared in their
 * undashed lowercase form, so both spellings of an id give the same hash.
 */
export function keyedHash(key: Buffer, id: string): string {
  return createHmac('sha256', key).update(id.replaceAll('-', '').toLowerCase()).digest('hex').slice(0, 32);
}

/** A new random key (32 bytes, written as 64 hex digits). */
export function newPrivacyKey(): Buffer {
  return randomBytes(32);
}

/** The key read back from its file: 64 hex digits, or null when the text is not one. */
export function parsePrivacyKey(text: string): Buffer | null {
  const hex = text.trim();
  return /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
}

/** What the sync state stores to tell that its hashes were made with this key (a hash of a fixed text). */
export const keyCheck = (key: Buffer): string => keyedHash(key, 'notion-kb privacy key check');
