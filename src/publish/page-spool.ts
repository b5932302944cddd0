import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CrawledPage } from '../source/crawl-types.js';

/**
 * Fetched pages parked on disk between the crawl and the render pass. A page's files can only
 * be written once every page's path is known (links point both ways), and holding every block
 * tree in memory until then does not fit a small runner: each page is written here as soon as
 * it is fetched and read back once, when its turn comes.
 */
export class PageSpool {
  private constructor(readonly dir: string) {}

  /** A new, empty spool directory (it lives beside the staging directory and is removed with it). */
  static async create(dir: string): Promise<PageSpool> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return new PageSpool(dir);
  }

  private file(id: string): string {
    if (!/^[0-9a-f-]{32,36}$/.test(id)) throw new Error(`not a page id: ${id}`);
    return join(this.dir, `${id}.json`);
  }

  async put(unit: CrawledPage): Promise<void> {
    await writeFile(this.file(unit.page.id), JSON.stringify(unit));
  }

  async get(id: string): Promise<CrawledPage> {
    return JSON.parse(await readFile(this.file(id), 'utf8')) as CrawledPage;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
