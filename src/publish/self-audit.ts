import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { commentsChanged, computedChanges, sameApartFromComputed } from '../history/page-audit.js';
import { editableDigest } from '../normalise/page-digest.js';
import type { Audit, PageRecord } from '../normalise/schemas.js';
import type { CrawlIssue, CrawledPage, PreviousCrawl } from '../source/crawl-types.js';
import type { OutputFs } from './output-fs.js';

/** A page of the previous snapshot as the audit needs it: from its index.json. */
interface PreviousPage {
  lastEdited: string;
  path: string;
  record: string;
}

/** The previous run's page cache, when its sync state describes the previous snapshot (src/publish/sync-state.ts). */
export interface PreviousFetched {
  /** The digest of each page as cached. */
  digestOf(id: string): string | undefined;
  load(id: string): Promise<CrawledPage | null>;
}


/**
 * The self-audit of a full run: every page not edited since the previous snapshot must come out
 * of this run as it is in that snapshot. Formula and rollup values and comments change without
 * an edit, so they are listed apart; any other difference means the incremental runs that built
 * the previous snapshot kept a stale copy (`incremental_drift`).
 *
 * Page by page, as the render pass writes each one: the hashes of its record and Markdown against
 * the previous manifest first (nothing is read); only on a mismatch is the previous record read.
 * The same digest (what was fetched) means the change came from around the page (a linked page's
 * title or path, a person's name, a file): not drift. Another digest is compared without formula
 * and rollup values and comments: with the previous run's page cache when it describes the
 * previous snapshot (exact), otherwise with the previous record and Markdown. Memory holds the
 * previous index's page summaries and the findings, never a previous record beyond the page at hand.
 */
export class SelfAudit {
  private compared = 0;
  private contextOnly = 0;
  private readonly differed: Audit['differed'] = [];
  private readonly formulaRollupChanges: Audit['formulaRollupChanges'] = [];
  private readonly commentChanges: Audit['commentChanges'] = [];

  private constructor(
    private readonly from: string,
    private readonly dir: string,
    private readonly pages: ReadonlyMap<string, PreviousPage>,
    /** Pages last edited from this time on may have been edited again within the same rounded minute. */
    private readonly editedFrom: string,
    private readonly hashes: ReadonlyMap<string, string>,
    private readonly fs: OutputFs,
    private readonly cache: PreviousFetched | null,
    /** Pages not compared: with failures in either run (incomplete, not stale), or fetched again anyway by an incremental run. */
    private readonly leftOut: ReadonlySet<string>,
    /** The previous snapshot was made alike (or nothing says otherwise): a page's files may be compared, not only what was fetched. */
    private readonly byFiles: boolean,
  ) {}

  /**
   * The audit against a previous snapshot, or null when its index.json cannot be read (the
   * history files then say the previous snapshot is unreadable).
   */
  static async open(opts: {
    snapshotId: string;
    dir: string;
    /** The previous snapshot's manifest: path → sha256 (hex). */
    hashes: ReadonlyMap<string, string>;
    fs: OutputFs;
    cache?: PreviousFetched | null;
    /** Pages this run failed to fetch whole (CrawlResult failures): left out. */
    failed?: Iterable<string>;
    /** Pages an incremental run would fetch again now although not edited (the fetch planner's answer): left out. */
    fetchedAgain?: Iterable<string>;
    /**
     * False: the previous snapshot was made with other settings or by another version. A page
     * whose files differ is then compared only through the page cache (what was fetched), or not at all.
     */
    byFiles?: boolean;
  }): Promise<SelfAudit | null> {
    let index: { createdAt?: unknown; pages?: unknown };
    try {
      index = JSON.parse(await opts.fs.readFile(join(opts.dir, 'index.json'), 'utf8')) as typeof index;
    } catch {
      return null;
    }
    if (typeof index.createdAt !== 'string' || Number.isNaN(Date.parse(index.createdAt)) || !Array.isArray(index.pages)) return null;
    const pages = new Map<string, PreviousPage>();
    for (const p of index.pages as Array<Record<string, unknown>>) {
      if (typeof p.id === 'string' && typeof p.lastEditedTime === 'string' && typeof p.path === 'string' && typeof p.record === 'string') {
        pages.set(p.id, { lastEdited: p.lastEditedTime, path: p.path, record: p.record });
      }
    }
    // The same margin as the incremental crawl's: from a minute before the minute the run started.
    const editedFrom = new Date(Math.floor(Date.parse(index.createdAt) / 60_000) * 60_000 - 60_000).toISOString();
    // Pages the previous snapshot could not fetch whole are left out too (its report.json names them).
    const leftOut = new Set([...(opts.failed ?? []), ...(opts.fetchedAgain ?? [])]);
    try {
      const report = JSON.parse(await opts.fs.readFile(join(opts.dir, 'report.json'), 'utf8')) as { failures?: Array<{ pageId?: unknown }> };
      for (const f of report.failures ?? []) if (typeof f.pageId === 'string') leftOut.add(f.pageId);
    } catch {
      // Without its report, every page is compared.
    }
    return new SelfAudit(opts.snapshotId, opts.dir, pages, editedFrom, opts.hashes, opts.fs, opts.cache ?? null, leftOut, opts.byFiles !== false);
  }

  /** Audits one page just rendered: its record, its files (path → content), and what was fetched (read back only on a mismatch). */
  async page(id: string, rendered: { record: PageRecord; files: ReadonlyMap<string, string> }, fetched: () => Promise<CrawledPage>): Promise<void> {
    const before = this.pages.get(id);
    const record = rendered.record;
    if (!before || before.lastEdited !== record.lastEditedTime || Date.parse(record.lastEditedTime) >= Date.parse(this.editedFrom) || this.leftOut.has(id)) return;
    this.compared++;
    const sameFile = (path: string, previous: string) => {
      const content = rendered.files.get(path);
      return content !== undefined && this.hashes.get(previous) === createHash('sha256').update(content).digest('hex');
    };
    if (sameFile(record.path, before.path) && sameFile(record.record, before.record)) return;
    // Made otherwise, a page's files differ for that alone: only what was fetched can tell.
    if (!this.byFiles && !this.cache?.digestOf(id)) {
      this.compared--;
      return;
    }
    let previous: { record: PageRecord; markdown: string };
    try {
      previous = {
        record: JSON.parse(await this.fs.readFile(join(this.dir, before.record), 'utf8')) as PageRecord,
        markdown: await this.fs.readFile(join(this.dir, before.path), 'utf8'),
      };
    } catch {
      // A previous file gone or damaged: `verify` reports that; the audit cannot tell.
      this.compared--;
      return;
    }
    if (previous.record.digest === record.digest) {
      this.contextOnly++;
      return;
    }
    const current = { record, markdown: rendered.files.get(record.path) ?? '' };
    const same = await this.sameApartFromComputed(id, previous, current, fetched);
    if (same === null) {
      this.compared--;
      return;
    }
    const where = { id, path: record.path };
    const properties = computedChanges(previous.record, record);
    if (properties.length > 0) this.formulaRollupChanges.push({ ...where, properties });
    if (commentsChanged(previous.record, record)) this.commentChanges.push(where);
    if (!same) this.differed.push({ ...where, previousPath: before.path });
  }

  private async sameApartFromComputed(
    id: string,
    previous: { record: PageRecord; markdown: string },
    current: { record: PageRecord; markdown: string },
    fetched: () => Promise<CrawledPage>,
  ): Promise<boolean | null> {
    // The page cache holds what the previous snapshot was rendered from when it has the same digest.
    if (this.cache && this.cache.digestOf(id) === previous.record.digest) {
      const cached = await this.cache.load(id).catch(() => null);
      if (cached) return editableDigest(cached) === editableDigest(await fetched());
    }
    // Files made otherwise tell nothing (null: not compared).
    return this.byFiles ? sameApartFromComputed(previous, current) : null;
  }

  /** The report's `audit`, and an `incremental_drift` warning for each page that differed. */
  result(): { audit: Audit; warnings: CrawlIssue[] } {
    const byPath = <T extends { path: string }>(list: T[]) => list.sort((a, b) => a.path.localeCompare(b.path));
    const audit: Audit = {
      from: this.from,
      compared: this.compared,
      differed: byPath(this.differed),
      contextOnly: this.contextOnly,
      formulaRollupChanges: byPath(this.formulaRollupChanges),
      commentChanges: byPath(this.commentChanges),
    };
    const warnings = audit.differed.map((p) => ({
      code: 'incremental_drift',
      message: `${p.path} (page ${p.id}) was not edited since snapshot ${this.from}, but its content differs from that snapshot's ${p.previousPath}: the incremental runs had kept a stale copy; this snapshot has the current content`,
      pageId: p.id,
    }));
    return { audit, warnings };
  }
}
