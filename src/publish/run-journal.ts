import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { BlockObjectResponse, CommentObjectResponse } from '@notionhq/client';
import type { AssetOutcome } from '../assets/asset-collector.js';
import { crc32 } from '../crc32.js';

/**
 * The progress journal of a run: an append-only file of records after a first line that says its
 * form (`JOURNAL_HEADER`), each framed as
 *
 *     <byte length of the JSON> <its CRC-32 as 8 hex digits> <JSON>\n
 *
 * (journals of earlier versions carry the first 16 hex digits of the JSON's sha256 instead: they
 * are read as well). The checksum only has to tell a record cut short or garbled: a sha256 of
 * every listing cost a run keeping progress a third of what that cost it (counted by callgrind).
 *
 * A run appends a record once what it describes is on disk (a page once its bytes are in the
 * spool, a file once it is in the store). The kernel keeps written bytes when a process is
 * killed, so nothing is synced to disk: what a SIGKILL can leave is a last record cut short,
 * which its length or checksum gives away. Reading stops there; the record is never used and
 * what it described is fetched again.
 */
export type JournalRecord = RunRecord | PageRecord | FileRecord | RowsRecord | ListingRecord | PublishingRecord | RewritingRecord | StateRecord;

/** A run began: the settings it fetched with, the snapshot it started from, whether it fetched everything. */
export interface RunRecord {
  t: 'run';
  /** The sync state's config key (roots, rules, settings). */
  key: string;
  /** latest.json's snapshot when the run began (null before the first one). */
  base: string | null;
  /** No sync state was used: every page came from Notion (a first sync, `--full`, `export`). */
  full: boolean;
  at: string;
  /**
   * The page cache (a file name in the state directory) the run's spool started as a copy of,
   * whose pages sit in it at the offsets the sync state gives; null or absent: none.
   */
  sc?: string | null;
}

/** A page fetched from Notion and parked in the run's spool. */
export interface PageRecord {
  t: 'page';
  id: string;
  /** Its last_edited_time as fetched. */
  e: string;
  /**
   * Edits from this minute on may be missing from what was fetched (Notion rounds edit times
   * down to the minute): the minute before the page object was read, less a minute's margin.
   */
  f: string;
  /** Offset and length in the spool, sha256 of those bytes, the page's digest. */
  at: [number, number];
  c: string;
  d: string;
  /** Requests its fetch took. */
  r: number;
  /** Synced block originals it holds and shows. */
  h?: string[];
  s?: string[];
  /** Asset keys of its files: the page is reused only when each has an outcome. */
  a: string[];
  /** Its API parent as the sync state keeps it (the id it sits in, or 'workspace'). */
  pa?: string;
  /** The sub-pages and child databases its content lists, each with its API parent (this page, or a block of it). */
  sp?: Array<[string, string]>;
  sd?: Array<[string, string]>;
  /** The pages and databases it points at (src/publish/sync-state.ts `refsOf`), as spooled. */
  rf?: string[];
}

/** A file downloaded (stored by content under the progress directory) or kept as a link. */
export interface FileRecord {
  t: 'file';
  k: string;
  /** The file's identity (its URL without a signature): never a signed URL. */
  i: string;
  o: AssetOutcome;
}

/** A data source's rows in query order, once all were listed. */
export interface RowsRecord {
  t: 'rows';
  ds: string;
  rows: string[];
  /** Its database (the folder its rows go in; absent in journals of earlier versions). */
  db?: string;
}

/**
 * The children (`t: 'children'`) or the comments (`t: 'comments'`) of one block, or of a page
 * itself, listed while its page was being fetched: a page cut off part-way need not list these
 * again. Signed file URLs are left out (attachments keep their file name).
 */
export type ListingRecord = ChildrenRecord | CommentsRecord;

interface ListingOf {
  /** The block (or page) listed. */
  id: string;
  /** Its page, that page's last_edited_time when read, and the minute from which edits may be missing. */
  p: string;
  e: string;
  f: string;
}

export interface ChildrenRecord extends ListingOf {
  t: 'children';
  /**
   * The blocks as read. Or, where the listing holds no Notion-hosted file (`mayNameSignedFile` in
   * run-progress.ts), `r`: each answer of the listing as Notion sent it (`{ results, … }`, its text written into the journal as it is), whose
   * results are read as the crawl reads them when the journal is taken up (`listedBlocks`).
   */
  n?: BlockObjectResponse[];
  r?: Array<{ results?: unknown }>;
  /** Asset keys of the files whose URLs were left out: listed again only once each of those files is had. */
  k: string[];
}

export interface CommentsRecord extends ListingOf {
  t: 'comments';
  n: CommentObjectResponse[];
}

/**
 * The run is about to rewrite (compact) its spool: from here on the spool may no longer hold the
 * page cache where the sync state says, whatever its run record's `sc` (the journal is rewritten
 * to match only once the spool is; a run stopped in between must not adopt the cache's pages).
 */
export interface RewritingRecord {
  t: 'rewriting';
}

/**
 * The run is about to write the sync state that names `cache` (its own spool, kept as the page
 * cache) as its page cache: that state, once in effect, holds everything the journal does.
 */
export interface StateRecord {
  t: 'state';
  cache: string;
}

/** The run is about to publish this snapshot (it becomes latest.json once it has). */
export interface PublishingRecord {
  t: 'publishing';
  id: string;
  /** The run fetched everything (or went on from a snapshot such a run published). */
  full: boolean;
}

const shaChecksumOf = (body: Buffer) => createHash('sha256').update(body).digest('hex').slice(0, 16);
/** A CRC-32 as the frame writes it: 8 hex digits. */
const hex8 = (crc: number) => crc.toString(16).padStart(8, '0');
const checksumOf = (body: Uint8Array) => hex8(crc32(body));

/**
 * One record, framed, in a buffer of its own size (a journal rewritten whole encodes every record
 * at once: `frame`'s room for the longest UTF-8 form would triple what that holds).
 */
export function encodeRecord(record: JournalRecord): Buffer {
  const framed = frame(JSON.stringify(record));
  return framed.length < 4096 ? framed : Buffer.from(framed);
}

/** Room before the JSON for its length (up to 14 digits), a space, the checksum and a space. */
const HEAD_ROOM = 24;

/**
 * A record's JSON (written by hand where that saves serialising a large part twice), framed. The
 * JSON is encoded once, into room for its longest UTF-8 form (3 bytes per UTF-16 unit), and its
 * length is taken from that: not measured first, a second pass over it.
 */
function frame(json: string): Buffer {
  const bytes = Buffer.allocUnsafe(HEAD_ROOM + 3 * json.length + 1);
  const length = bytes.write(json, HEAD_ROOM, 'utf8');
  const end = HEAD_ROOM + length;
  const head = `${length} ${checksumOf(bytes.subarray(HEAD_ROOM, end))} `;
  const start = HEAD_ROOM - head.length;
  bytes.write(head, start, 'latin1');
  bytes[end] = NEWLINE[0]!;
  return bytes.subarray(start, end + 1);
}

const NEWLINE = Buffer.from('\n');
const SPACE = 0x20;

/**
 * The form of the journals this version writes, said by their first line. Form 2 may keep a
 * block listing as Notion's answers (`ChildrenRecord.r`), which versions before it cannot read:
 * to them the line is a record cut short at the first byte, so they read no record and start
 * afresh instead of taking the journal up. Journals with no such line are of form 1 (versions
 * before it): read the same way.
 */
export const JOURNAL_FORM = 2;
const FORM_PREFIX = 'notion-kb journal ';
export const JOURNAL_HEADER = Buffer.from(`${FORM_PREFIX}${JOURNAL_FORM}\n`, 'latin1');

/** The form of a journal's bytes (1: no first line saying one) and where its records start. */
export function journalForm(bytes: Buffer): { form: number; start: number } {
  if (bytes.toString('latin1', 0, FORM_PREFIX.length) !== FORM_PREFIX) return { form: 1, start: 0 };
  const end = bytes.indexOf(NEWLINE[0]!, FORM_PREFIX.length);
  const form = Number(bytes.toString('latin1', FORM_PREFIX.length, end));
  // A first line cut short, or one no version writes: a form this version cannot read.
  return end === -1 || !Number.isSafeInteger(form) || form < 2 ? { form: Number.NaN, start: 0 } : { form, start: end + 1 };
}

/**
 * Every whole record from the start of a journal (after its first line, in form 2), up to the
 * first one that is cut short or does not match its checksum. `valid` is the byte length of
 * those records (and of the first line); `torn` says that bytes after them were left unread. A
 * journal of a form this version does not know yields no record.
 */
export function decodeRecords(bytes: Buffer): { records: JournalRecord[]; valid: number; torn: boolean } {
  const records: JournalRecord[] = [];
  const { form, start } = journalForm(bytes);
  if (form !== 1 && form !== JOURNAL_FORM) return { records, valid: 0, torn: bytes.length > 0 };
  let pos = start;
  while (pos < bytes.length) {
    const lengthEnd = bytes.indexOf(SPACE, pos);
    if (lengthEnd === -1 || lengthEnd - pos > 12) break;
    const lengthText = bytes.toString('latin1', pos, lengthEnd);
    if (!/^\d+$/.test(lengthText)) break;
    const length = Number(lengthText);
    const sumStart = lengthEnd + 1;
    // A CRC-32 (8 hex digits), or, in journals of earlier versions, 16 hex digits of a sha256.
    const sumLength = bytes[sumStart + 8] === SPACE ? 8 : 16;
    const bodyStart = sumStart + sumLength + 1;
    const bodyEnd = bodyStart + length;
    if (bodyEnd + 1 > bytes.length || bytes[bodyStart - 1] !== SPACE || bytes[bodyEnd] !== NEWLINE[0]) break;
    const body = bytes.subarray(bodyStart, bodyEnd);
    if (bytes.toString('latin1', sumStart, sumStart + sumLength) !== (sumLength === 8 ? checksumOf : shaChecksumOf)(body)) break;
    let record: JournalRecord;
    try {
      record = JSON.parse(body.toString('utf8')) as JournalRecord;
    } catch {
      break;
    }
    if (record === null || typeof record !== 'object' || typeof record.t !== 'string') break;
    records.push(record);
    pos = bodyEnd + 1;
  }
  return { records, valid: pos, torn: pos < bytes.length };
}

/**
 * Appends records to an open journal file. Appends never wait for the disk: the records appended
 * in one turn of the event loop go out together in one write, right after it (what is appended
 * while a write is under way goes out in the next; `gatherBytes` waiting go out at once). A kill
 * therefore loses only the records of the last moment, whose requests are made again: gathering
 * for 20 ms, as this once did, lost several pages' listings at each kill, for a CPU saving lost
 * in the noise of a busy machine (`npm run bench -- --scenario resume`).
 * A failed write (a full disk) is thrown by the next append or by `flush`.
 */
export class JournalWriter {
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private writing: Promise<void> | null = null;
  private waiting: ReturnType<typeof setImmediate> | null = null;
  private failure: unknown = null;
  /** `flush` waits: what is appended meanwhile goes out at once too. */
  private flushing = 0;

  constructor(
    private readonly handle: FileHandle,
    private end: number,
    private readonly gatherBytes = 256 * 1024,
  ) {}

  append(record: JournalRecord): void {
    this.appendJson(JSON.stringify(record));
  }

  /**
   * Appends a record given as the parts of its JSON, in order (which together must be a
   * JournalRecord's), text or UTF-8 bytes: bytes go out as they are, neither copied nor encoded.
   */
  appendParts(parts: ReadonlyArray<string | Uint8Array>): void {
    if (this.failure) throw this.failure;
    const bytes = parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
    let length = 0;
    let crc = 0;
    for (const b of bytes) {
      length += b.length;
      crc = crc32(b, crc);
    }
    const head = Buffer.from(`${length} ${hex8(crc)} `, 'latin1');
    this.queued.push(head, ...bytes, NEWLINE);
    this.queuedBytes += head.length + length + 1;
    this.schedule();
  }

  /** Appends a record given as its JSON (which must be a JournalRecord's). */
  appendJson(json: string): void {
    if (this.failure) throw this.failure;
    const bytes = frame(json);
    this.queued.push(bytes);
    this.queuedBytes += bytes.length;
    this.schedule();
  }

  /** Writes now when enough waits (or a flush waits), else after this turn of the event loop. */
  private schedule(): void {
    if (this.writing || this.queued.length === 0) return;
    if (this.queuedBytes >= this.gatherBytes || this.flushing > 0) this.write();
    else if (!this.waiting) {
      this.waiting = setImmediate(() => this.write());
      // A pending write never keeps the process alive (close() writes what is left).
      this.waiting.unref();
    }
  }

  /** Starts writing what waits (unless a write is under way: it takes what waits when it is done). */
  private write(): void {
    if (this.waiting) clearImmediate(this.waiting);
    this.waiting = null;
    if (!this.writing) this.writing = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      let buffers = this.queued;
      this.queued = [];
      let length = this.queuedBytes;
      this.queuedBytes = 0;
      // One system call for all that waited; a short write goes on where it stopped.
      while (length > 0) {
        const { bytesWritten } = await this.handle.writev(buffers, this.end);
        this.end += bytesWritten;
        length -= bytesWritten;
        if (length > 0) {
          const all = Buffer.concat(buffers);
          buffers = [all.subarray(all.length - length)];
        }
      }
    } catch (err) {
      this.failure = err;
    } finally {
      this.writing = null;
      if (!this.failure) this.schedule();
    }
  }

  /** Writes every record appended so far and waits for it; throws a failed write. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      this.schedule();
      while (this.writing) await this.writing;
    } finally {
      this.flushing--;
    }
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.flush().finally(() => this.handle.close().catch(() => {}));
  }
}
