import type { FileHandle } from 'node:fs/promises';
import { nodeOutputFs, type OutputFs } from './output-fs.js';
import { writeAll } from './write-snapshot.js';

/** Characters gathered before each write to the spool file. */
const BLOCK_CHARS = 64 * 1024;

/**
 * Small items parked on disk, one JSON line each, and read back once in the order they were
 * added: for lists a run writes out only at its end (index.json's pages), which would otherwise
 * stay in memory for every page of the wiki until then.
 */
export class LineSpool<T> {
  private block: string[] = [];
  private blockChars = 0;
  private count = 0;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly fs: OutputFs,
  ) {}

  /** A new, empty spool file (beside the staging directory; removed with `remove`, or as a stale staging file). */
  static async create<T>(file: string, fs: OutputFs = nodeOutputFs): Promise<LineSpool<T>> {
    return new LineSpool<T>(file, await fs.open(file, 'w+'), fs);
  }

  /** Items added so far. */
  get size(): number {
    return this.count;
  }

  async add(item: T): Promise<void> {
    const line = `${JSON.stringify(item)}\n`;
    this.block.push(line);
    this.blockChars += line.length;
    this.count++;
    if (this.blockChars >= BLOCK_CHARS) await this.flush();
  }

  /** Every item, in the order added (the spool stays as it is: read it again or remove it). */
  async *items(): AsyncGenerator<T> {
    await this.flush();
    const reader = await this.fs.open(this.file, 'r');
    try {
      for await (const line of reader.readLines()) if (line !== '') yield JSON.parse(line) as T;
    } finally {
      await reader.close();
    }
  }

  /** Closes and deletes the spool file. */
  async remove(): Promise<void> {
    await this.handle.close().catch(() => {});
    await this.fs.rm(this.file, { force: true });
  }

  private async flush(): Promise<void> {
    if (this.blockChars === 0) return;
    const buffer = Buffer.from(this.block.join(''), 'utf8');
    this.block = [];
    this.blockChars = 0;
    await writeAll(this.handle, buffer);
  }
}
