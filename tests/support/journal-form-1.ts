// How notion-kb read its progress journal before journals said their form (src/publish/run-journal.ts
// `decodeRecords` at commit 9649e52, this repository, trimmed to its framing): what an earlier version
// makes of a journal this one writes. Versions before that one frame records the same way (with
// 16 hex digits of a sha256 in place of the CRC-32), and stop at the same first check.
import { createHash } from 'node:crypto';
import { crc32 } from '../../src/crc32.js';

const SPACE = 0x20;
const NEWLINE = 0x0a;
const crcOf = (body: Buffer) => crc32(body).toString(16).padStart(8, '0');
const shaOf = (body: Buffer) => createHash('sha256').update(body).digest('hex').slice(0, 16);

export function decodeRecordsOfForm1(bytes: Buffer): { records: Array<{ t: string }>; valid: number; torn: boolean } {
  const records: Array<{ t: string }> = [];
  let pos = 0;
  while (pos < bytes.length) {
    const lengthEnd = bytes.indexOf(SPACE, pos);
    if (lengthEnd === -1 || lengthEnd - pos > 12) break;
    const lengthText = bytes.toString('latin1', pos, lengthEnd);
    if (!/^\d+$/.test(lengthText)) break;
    const length = Number(lengthText);
    const sumStart = lengthEnd + 1;
    const sumLength = bytes[sumStart + 8] === SPACE ? 8 : 16;
    const bodyStart = sumStart + sumLength + 1;
    const bodyEnd = bodyStart + length;
    if (bodyEnd + 1 > bytes.length || bytes[bodyStart - 1] !== SPACE || bytes[bodyEnd] !== NEWLINE) break;
    const body = bytes.subarray(bodyStart, bodyEnd);
    if (bytes.toString('latin1', sumStart, sumStart + sumLength) !== (sumLength === 8 ? crcOf : shaOf)(body)) break;
    let record: { t: string };
    try {
      record = JSON.parse(body.toString('utf8')) as { t: string };
    } catch {
      break;
    }
    if (record === null || typeof record !== 'object' || typeof record.t !== 'string') break;
    records.push(record);
    pos = bodyEnd + 1;
  }
  return { records, valid: pos, torn: pos < bytes.length };
}
