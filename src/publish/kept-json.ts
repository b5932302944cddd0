import type { FileHandle } from 'node:fs/promises';
import { nodeOutputFs, type OutputFs } from './output-fs.js';
import { writeAll } from './write-snapshot.js';

/** Characters gathered before each write to the file. */
const BLOCK_CHARS = 64 * 1024;

/**
 * Values a run keeps by id until its end, read back as JSON text (the sync state takes them as
 * they are, src/run-sync.ts `nextSyncState`). A value this run made is parked on disk as JSON: a
 * full export of 10,000 pages would otherwise hold every page's summary and render in memory
 * until it writes its state (about 2 KB a page, twice that in heap room; `npm run bench --
 * --scenario memory-scale`). Any other comes from `previous` (the previous sync state's, for a
 * page taken as it is), which keeps it anyway: nothing of it is held here.
 */
export class KeptJson {
  /** Parked values: their slot in `offsets` and `lengths` (bytes in the file). */
  private readonly slots = new Map<string, number>();
  private offsets: Float64Array<ArrayBuffer> = new Float64Array(256);
  private lengths: Float64Array<ArrayBuffer> = new Float64Array(256);
  private used = 0;
  private pending: string[] = [];
  private pendingChars = 0;
  /** Bytes of the file, pending ones included. */
  private end = 0;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly fs: OutputFs,
    private readonly previous: (id: string) => unknown,
  ) {}

  /**
   * A new, empty store (its file beside the staging directory: removed with `remove`, or as a
   * stale staging file); `previous` gives the value of an id nothing was parked for (undefined: none).
   */
  static async create(file: string, fs: OutputFs = nodeOutputFs, previous: (id: string) => unknown = () => undefined): Promise<KeptJson> {
    return new KeptJson(file, await fs.open(file, 'w+'), fs, previous);
  }

  /** Keeps `value` on disk, as JSON: nothing of it stays in memory. */
  park(id: string, value: unknown): void {
    if (this.failure) throw this.failure;
    const json = JSON.stringify(value);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.used++;
      if (slot === this.offsets.length) {
        this.offsets = grown(this.offsets);
        this.lengths = grown(this.lengths);
      }
      this.slots.set(id, slot);
    }
    const bytes = Buffer.byteLength(json, 'utf8');
    this.offsets[slot] = this.end;
    this.lengths[slot] = bytes;
    this.end += bytes;
    this.pending.push(json);
    this.pendingChars += json.length;
    if (this.pendingChars >= BLOCK_CHARS) this.writePending();
  }

  /** The JSON of the value parked for `id`, or else of `previous`'s (undefined: neither has one). */
  async text(id: string): Promise<string | undefined> {
    const slot = this.slots.get(id);
    if (slot === undefined) {
      const value = this.previous(id);
      return value === undefined ? undefined : JSON.stringify(value);
    }
    this.writePending();
    await this.writing;
    if (this.failure) throw this.failure;
    const length = this.lengths[slot]!;
    const buffer = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, this.offsets[slot]! + done);
      if (bytesRead === 0) throw new Error(`${this.file}: ended before the value kept for ${id}`);
      done += bytesRead;
    }
    return buffer.toString('utf8');
  }

  /** Closes and deletes the file. */
  async remove(): Promise<void> {
    await this.writing;
    await this.handle.close().catch(() => {});
    await this.fs.rm(this.file, { force: true });
  }

  /** Appends what waits, after any write under way (a failure is thrown by the next park or read). */
  private writePending(): void {
    if (this.pending.length === 0) return;
    const buffer = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    this.writing = this.writing.then(() =>
      writeAll(this.handle, buffer).catch((err: unknown) => {
        this.failure ??= err;
      }),
    );
  }
}

function grown(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
