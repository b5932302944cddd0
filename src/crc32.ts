import * as zlib from 'node:zlib';

/**
 * CRC-32 as PNG, ZIP and gzip use it: zlib's own (from Node 20.15, a few cycles per kilobyte),
 * else a table in JavaScript. Both give the same value: what one Node version writes, another
 * checks.
 */
export const crc32: (bytes: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (bytes, value = 0) => (zlib as unknown as { crc32(data: Uint8Array, value: number): number }).crc32(bytes, value)
    : crc32InJs;

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 in JavaScript (what `crc32` falls back to before Node 20.15); `value`: the CRC of what came before `bytes`. */
export function crc32InJs(bytes: Uint8Array, value = 0): number {
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
