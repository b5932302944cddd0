import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32InJs } from '../../src/crc32.js';

describe('CRC-32', () => {
  it('gives the check value of the CRC-32 of PNG, ZIP and gzip', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32InJs(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('zlib and the JavaScript table agree on any bytes, so a journal written by one Node version is read by another', () => {
    for (const size of [1, 7, 64, 1000, 65_537]) {
      const bytes = randomBytes(size);
      expect(crc32InJs(bytes)).toBe(crc32(bytes));
      // A gzip member ends with the CRC-32 of what it holds.
      expect(zlib.gzipSync(bytes).readUInt32LE(zlib.gzipSync(bytes).length - 8)).toBe(crc32(bytes));
    }
  });

  it('goes on from the CRC of what came before: bytes in parts give the CRC of the whole, in zlib and in the table', () => {
    const whole = randomBytes(10_000);
    const parts = [whole.subarray(0, 1), whole.subarray(1, 4_097), whole.subarray(4_097)];
    expect(parts.reduce((crc, part) => crc32(part, crc), 0)).toBe(crc32(whole));
    expect(parts.reduce((crc, part) => crc32InJs(part, crc), 0)).toBe(crc32(whole));
  });
});
