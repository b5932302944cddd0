import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fetchedForm } from '../normalise/page-digest.js';
import type { CrawledPage } from '../source/crawl-types.js';
import { nodeOutputFs, type OutputFs } from './output-fs.js';

/** A page as the spool gives it back: what was fetched (less signed URLs) and its digest. */
export type SpooledPage = CrawledPage & { digest: string };

/**
 * Fetched pages parked on disk between the crawl and the render pass. A page's files can only
 * be written once every page's path is known (links point both ways), and holding every block
 * tree in memory until then does not fit a small runner: each page is appended to one spool
 * file as soon as it is fetched, and read back once, when its turn comes. Only the offsets
 * stay in memory.
 */
export class PageSpool {
  private readonly where = new Map<string, { offset: number; length: number; digest: string; checksum: string }>();
  /** Pages an interrupted run left in this file (a spool taken up again): not written twice. */
  private readonly known = new Map<string, { offset: number; length: number; checksum: string }>();
  private end = 0;
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly fs: OutputFs,
  ) {}

  /** A new, empty spool file (it lives beside the staging directory and is removed with it). */
  static async create(file: string, fs: OutputFs = nodeOutputFs): Promise<PageSpool> {
    await fs.mkdir(dirname(file), { recursive: true });
    return new PageSpool(file, await fs.open(file, 'w+'), fs);
  }

  /**
   * The spool of an interrupted run, taken up again: new pages go after its end (past a page
   * the interruption cut short), and a page already in it (`know`) is not written again.
   */
  static async reopen(file: string, fs: OutputFs = nodeOutputFs): Promise<PageSpool> {
    const handle = await fs.open(file, 'r+');
    const spool = new PageSpool(file, handle, fs);
    spool.end = (await handle.stat()).size;
    return spool;
  }

  /** A page this file holds already, its bytes checked: putting the same bytes again only records where they are. */
  know(id: string, at: { offset: number; length: number; checksum: string }): void {
    this.known.set(id, at);
  }

  /** Parks a page; resolves once it is on disk. Serialised once, for the disk and the digest alike. */
  async put(unit: CrawledPage): Promise<void> {
    const { json, digest, checksum } = fetchedForm(unit);
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
  location(id: string): { offset: number; length: number; digest: string; checksum: string } | undefined {
    return this.where.get(id);
  }

  /** Waits for the last write and closes the file, which stays (it becomes the next sync's page cache). */
  async close(): Promise<void> {
    await this.writing;
    await this.handle.close();
  }

  /** Closes and deletes the spool file. */
  async remove(): Promise<void> {
    await this.handle.close().catch(() => {});
    await this.fs.rm(this.file, { force: true });
  }
}
