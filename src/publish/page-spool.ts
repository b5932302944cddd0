import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fetchedForm, type SerialisedBlocks } from '../normalise/page-digest.js';
import type { CrawledPage } from '../source/crawl-types.js';
import { nodeOutputFs, sizeOrClose, type OutputFs } from './output-fs.js';

/** A page as the spool gives it back: what was fetched (less signed URLs) and its digest. */
export type SpooledPage = CrawledPage & { digest: string };

/** Where a page sits in the spool file, the digest of its content and the sha256 of its bytes (both `sha256:<hex>`). */
export interface SpoolLocation {
  offset: number;
  length: number;
  digest: string;
  checksum: string;
}

const SHA256 = /^sha256:[0-9a-f]{64}$/;

/**
 * Spool locations by page id: one number per page in a Map, the rest in typed arrays (offset,
 * length, and digest and checksum as 32 bytes each). Objects of hex strings held about 200
 * bytes per page for the whole run.
 */
class LocationTable {
  private readonly indexOf = new Map<string, number>();
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  /** Per page: the digest's 32 bytes, then the checksum's. */
  private hashes = new Uint8Array(1024 * 64);
  /** Slots used (a deleted page's slot is not used again). */
  private count = 0;

  set(id: string, at: SpoolLocation): void {
    if (!SHA256.test(at.digest) || !SHA256.test(at.checksum)) throw new Error(`page ${id}: a digest that is not sha256:<hex>`);
    let i = this.indexOf.get(id);
    if (i === undefined) {
      i = this.count++;
      if (i === this.lengths.length) this.grow();
      this.indexOf.set(id, i);
    }
    this.offsets[i] = at.offset;
    this.lengths[i] = at.length;
    this.hashes.set(Buffer.from(at.digest.slice(7), 'hex'), i * 64);
    this.hashes.set(Buffer.from(at.checksum.slice(7), 'hex'), i * 64 + 32);
  }

  get(id: string): SpoolLocation | undefined {
    const i = this.indexOf.get(id);
    if (i === undefined) return undefined;
    const hex = (from: number) => `sha256:${Buffer.from(this.hashes.buffer, this.hashes.byteOffset + from, 32).toString('hex')}`;
    return { offset: this.offsets[i]!, length: this.lengths[i]!, digest: hex(i * 64), checksum: hex(i * 64 + 32) };
  }

  delete(id: string): void {
    this.indexOf.delete(id);
  }

  *entries(): Generator<[string, SpoolLocation]> {
    for (const id of this.indexOf.keys()) yield [id, this.get(id)!];
  }

  *values(): Generator<SpoolLocation> {
    for (const [, at] of this.entries()) yield at;
  }

  private grow(): void {
    const pages = this.lengths.length * 2;
    const offsets = new Float64Array(pages);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const lengths = new Uint32Array(pages);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const hashes = new Uint8Array(pages * 64);
    hashes.set(this.hashes);
    this.hashes = hashes;
  }
}

/**
 * Fetched pages parked on disk between the crawl and the render pass. A page's files can only
 * be written once every page's path is known (links point both ways), and holding every block
 * tree in memory until then does not fit a small runner: each page is appended to one spool
 * file as soon as it is fetched, and read back once, when its turn comes. Only the offsets
 * stay in memory.
 */
export class PageSpool {
  private readonly where = new LocationTable();
  /** Pages an interrupted run left in this file (a spool taken up again): not written twice. */
  private readonly known = new Map<string, { offset: number; length: number; checksum: string }>();
  private end = 0;
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private handle: FileHandle,
    private readonly fs: OutputFs,
  ) {}

  /** A new, empty spool file (it lives beside the staging directory and is removed with it). */
  static async create(file: string, fs: OutputFs = nodeOutputFs): Promise<PageSpool> {
    await fs.mkdir(dirname(file), { recursive: true });
    return new PageSpool(file, await fs.open(file, 'w+'), fs);
  }

  /**
   * A new spool that starts as the previous sync's page cache, never read here: a page that did
   * not change is adopted where it sits, without being read or written again; new pages go after
   * the end. The spool is a hard link to the cache where the file system has them, a copy
   * otherwise: a spool only ever appends past its end, and its compaction writes a new file, so
   * every page the last sync state names stays where it says, whatever becomes of this run (a
   * run that fails leaves only bytes past them, which the next compaction drops). Copying the
   * cache of 10,000 pages (480 MB) every night cost more than the night's own work.
   */
  static async copyOf(file: string, base: string, fs: OutputFs = nodeOutputFs): Promise<PageSpool> {
    await fs.mkdir(dirname(file), { recursive: true });
    await fs.link(base, file).catch(() => fs.copyFile(base, file, constants.COPYFILE_FICLONE));
    return PageSpool.reopen(file, fs);
  }

  /**
   * The spool of an interrupted run, taken up again: new pages go after its end (past a page
   * the interruption cut short), and a page already in it (`know`) is not written again.
   */
  static async reopen(file: string, fs: OutputFs = nodeOutputFs): Promise<PageSpool> {
    const handle = await fs.open(file, 'r+');
    const spool = new PageSpool(file, handle, fs);
    spool.end = await sizeOrClose(handle);
    return spool;
  }

  /** A page of the file this spool was copied from, as it sits there (its offset, length, digest and checksum). */
  adopt(id: string, at: { offset: number; length: number; digest: string; checksum: string }): void {
    this.where.set(id, at);
  }

  /** Bytes in the spool file. */
  size(): number {
    return this.end;
  }

  /** Bytes of the file no page of the spool uses: earlier forms of pages fetched again, pages gone. */
  unusedBytes(): number {
    let used = 0;
    for (const at of this.where.values()) used += at.length;
    return Math.max(0, this.end - used);
  }

  /** A page this file holds already, its bytes checked: putting the same bytes again only records where they are. */
  know(id: string, at: { offset: number; length: number; checksum: string }): void {
    this.known.set(id, at);
  }

  /** Parks a page; resolves once it is on disk. Serialised once, for the disk and the digest alike (blocks `serialised` already are taken as they are). */
  async put(unit: CrawledPage, serialised?: SerialisedBlocks): Promise<void> {
    const { json, digest, checksum } = fetchedForm(unit, serialised);
    const known = this.known.get(unit.page.id);
    if (known && known.checksum === checksum) {
      this.where.set(unit.page.id, { offset: known.offset, length: known.length, digest, checksum });
      return;
    }
    const bytes = Buffer.from(json, 'utf8');
    const offset = this.end;
    this.end += bytes.length;
    this.where.set(unit.page.id, { offset, length: bytes.length, digest, checksum });
    // Writes at their own offsets; chained so a failure is seen by the next put too.
    const written = this.writing.then(() => this.handle.write(bytes, 0, bytes.length, offset));
    this.writing = written;
    await written;
  }

  async get(id: string): Promise<SpooledPage> {
    const at = this.where.get(id);
    if (!at) throw new Error(`page ${id} is not in the spool`);
    await this.writing;
    const buffer = Buffer.allocUnsafe(at.length);
    const { bytesRead } = await this.handle.read(buffer, 0, at.length, at.offset);
    if (bytesRead !== at.length) throw new Error(`spool ${this.file}: page ${id} is cut short`);
    return { ...(JSON.parse(buffer.toString('utf8')) as CrawledPage), digest: at.digest };
  }

  /** Where a page sits in the spool file, and its digest. */
  location(id: string): SpoolLocation | undefined {
    return this.where.get(id);
  }

  /** Forgets a page (a page left out after it was spooled): its bytes leave the file at the next `compact`. */
  drop(id: string): void {
    this.where.delete(id);
  }

  /**
   * Rewrites the spool file with only the pages' current entries, in the order they were put:
   * the bytes of an entry that a later `put` of the same page replaced, or of a page dropped,
   * leave the disk (a page filtered again by the privacy rules must not stay in its earlier form,
   * nor a page they left out). Digests stay as
   * they are; offsets change.
   */
  async compact(): Promise<void> {
    await this.writing;
    const tmp = `${this.file}.compact`;
    const out = await this.fs.open(tmp, 'w+');
    try {
      let end = 0;
      const entries = [...this.where.entries()].sort((a, b) => a[1].offset - b[1].offset);
      for (const [id, at] of entries) {
        const buffer = Buffer.allocUnsafe(at.length);
        const { bytesRead } = await this.handle.read(buffer, 0, at.length, at.offset);
        if (bytesRead !== at.length) throw new Error(`spool ${this.file}: page ${id} is cut short`);
        await out.write(buffer, 0, at.length, end);
        this.where.set(id, { ...at, offset: end });
        end += at.length;
      }
      this.end = end;
    } catch (err) {
      await out.close().catch(() => {});
      await this.fs.rm(tmp, { force: true });
      throw err;
    }
    await this.handle.close();
    // The new file is the spool's from here (its offsets are the ones recorded), even if the rename fails.
    this.handle = out;
    await this.fs.rename(tmp, this.file);
  }

  /** Waits for the last write and closes the file, which stays (it becomes the next sync's page cache). */
  async close(): Promise<void> {
    // A failed write is thrown, once the file is closed.
    try {
      await this.writing;
    } finally {
      await this.handle.close();
    }
  }

  /** Closes and deletes the spool file. */
  async remove(): Promise<void> {
    await this.handle.close().catch(() => {});
    await this.fs.rm(this.file, { force: true });
  }
}
