import { join } from 'node:path';
import type { AssetOutcome } from '../assets/asset-collector.js';
import type { Config } from '../config/config-schema.js';
import { excludedClosure, hideExcluded, hideInDatabase, PrivacyPolicy } from '../privacy/privacy-policy.js';
import type { CrawledDatabase, CrawledPage } from '../source/crawl-types.js';
import type { FileRef } from '../source/file-refs.js';
import type { OutputFs } from './output-fs.js';
import type { PlanInputBuilder } from './plan-paths.js';

/** report.json `privacy`: what the rules left out, as counts only. */
export interface PrivacyCounts {
  excludedPages: number;
  excludedDatabases: number;
  redactedValues: number;
  /** Pages and databases of the previous snapshot now left out: not listed in changes.json (their titles may be private). */
  hiddenFromChanges: number;
}

/**
 * The privacy rules (config `privacy`) applied to one sync run: which files to fetch, which pages
 * to spool, what the plan leaves out, how each page is cleaned before rendering, which stored
 * files go, and what report.json, the history and the sync state may mention. Does nothing
 * when no rule is set.
 */
export class RunPrivacy {
  readonly policy: PrivacyPolicy;
  /** Left out by themselves (listed, or matching excludeWhere). */
  private readonly direct = new Set<string>();
  /** Everything left out, once `exclude` ran. */
  readonly excluded = new Set<string>();
  private readonly redactedOf = new Map<string, number>();
  private kinds = new Map<string, 'page' | 'database'>();
  private pageOfBlock: { get(id: string): string | undefined } = new Map();
  /** Asset keys looked up by the render pass (the files that stay). */
  readonly usedAssets = new Set<string>();
  /** Stored files removed from the snapshot (only left-out pages or redacted values used them). */
  readonly removedPaths = new Set<string>();

  constructor(config: Config['privacy']) {
    this.policy = new PrivacyPolicy(config);
  }

  get active(): boolean {
    return this.policy.active;
  }

  /** False for a file that must not be fetched: of a listed page, or of a redacted `files` property. */
  wantsFile(ref: FileRef): boolean {
    if (!this.active) return true;
    if (this.policy.isListed(ref.pageId)) return false;
    return !(ref.refetch.kind === 'property' && this.policy.redactsProperty(ref.refetch.propertyName, 'files'));
  }

  /**
   * A fetched page, before it is summarised and spooled: false when it is left out by itself
   * (it is summarised, so that pages under it follow, but never spooled); otherwise it is
   * redacted in place.
   */
  takePage(unit: CrawledPage): boolean {
    if (!this.active) return true;
    this.kinds.set(unit.page.id, 'page');
    if (this.policy.directlyExcluded(unit.page as never)) {
      this.direct.add(unit.page.id);
      return false;
    }
    this.redactedOf.set(unit.page.id, this.policy.redactPage(unit));
    return true;
  }

  /**
   * A page taken from the page cache as it is, unread: the rules took it when it was fetched (they
   * are the same, or the run would crawl in full), redacting `redacted` values.
   */
  keepPage(id: string, redacted: number): void {
    if (!this.active) return;
    this.kinds.set(id, 'page');
    this.redactedOf.set(id, redacted);
  }

  /** Values redacted in a page this run took (for the sync state). */
  redactedIn(id: string): number {
    return this.redactedOf.get(id) ?? 0;
  }

  /** A fetched database: listed ones are left out with their rows; text patterns apply to its title and description. */
  takeDatabase(unit: CrawledDatabase): void {
    if (!this.active) return;
    this.kinds.set(unit.database.id, 'database');
    if (this.policy.isListed(unit.database.id)) this.direct.add(unit.database.id);
    this.policy.redactDatabase(unit);
  }

  /** Once the crawl is done: every page and database under a left-out one is left out too, and dropped from the plan's input. */
  exclude(summaries: PlanInputBuilder, databases: Map<string, CrawledDatabase>): void {
    if (!this.active) return;
    const input = summaries.build();
    this.pageOfBlock = input.pageOfBlock;
    // A listed id the crawl did not find (it failed, say) is still private: reports leave it out; only what was found is counted.
    for (const id of excludedClosure(input.nodes, input.pageOfBlock, this.direct)) {
      this.excluded.add(id);
      const kind = input.nodes.get(id)?.kind;
      if (kind) this.kinds.set(id, kind);
      summaries.nodes.delete(id);
      // A left-out database's data sources are private too (relation properties name them).
      for (const ds of databases.get(id)?.dataSources ?? []) this.excluded.add(ds.dataSource.id);
      databases.delete(id);
    }
  }

  /** A page, database or block id that belongs to something left out. */
  isPrivate = (id: string): boolean => this.excluded.has(id) || this.excluded.has(this.pageOfBlock.get(id) ?? '');

  /** A page read back for rendering: every trace of left-out pages removed. */
  beforeRender = (unit: CrawledPage): void => {
    if (this.excluded.size > 0) hideExcluded(unit, this.isPrivate);
  };

  /** A database before rendering: mentions of left-out pages and relations to left-out databases removed. */
  beforeRenderDatabase = (unit: CrawledDatabase): void => {
    if (this.excluded.size > 0) hideInDatabase(unit, this.isPrivate);
  };

  /**
   * After the render pass: stored files that no page or database of the snapshot looked up are
   * removed from the staging directory (a file only a left-out page or a redacted value used).
   */
  async removeUnusedAssets(staging: string, outcomes: ReadonlyMap<string, AssetOutcome>, fs: OutputFs): Promise<void> {
    if (!this.active) return;
    const kept = new Set<string>();
    for (const key of this.usedAssets) {
      const o = outcomes.get(key);
      if (o?.kind === 'stored') kept.add(o.asset.path);
    }
    for (const o of outcomes.values()) if (o.kind === 'stored' && !kept.has(o.asset.path)) this.removedPaths.add(o.asset.path);
    for (const path of this.removedPaths) await fs.rm(join(staging, path), { force: true });
  }

  /** Whether a file outcome may be reported or remembered (not of a left-out page, not a removed file). */
  keepsOutcome(o: AssetOutcome): boolean {
    return !this.isPrivate(o.ref.pageId) && !(o.kind === 'stored' && this.removedPaths.has(o.asset.path));
  }

  /** Issues for report.json without those about left-out pages (by id, or naming one in the message). */
  visibleIssues<T extends { pageId?: string; blockId?: string; databaseId?: string; message?: string; reason?: string; target?: string; url?: string }>(list: T[]): T[] {
    if (this.excluded.size === 0) return list;
    const forms = [...this.excluded].flatMap((id) => [id, id.replaceAll('-', '')]);
    const names = (text: string | undefined) => text !== undefined && forms.some((f) => text.includes(f));
    return list.filter(
      (i) =>
        !(i.pageId && this.isPrivate(i.pageId)) &&
        !(i.blockId && this.isPrivate(i.blockId)) &&
        !(i.databaseId && this.isPrivate(i.databaseId)) &&
        !(i.target && this.isPrivate(i.target)) &&
        !names(i.message) &&
        !names(i.reason) &&
        !names(i.url),
    );
  }

  /** report.json `privacy`; undefined when no rule is set. */
  counts(exportedPages: Iterable<string>, hiddenFromChanges: number): PrivacyCounts | undefined {
    if (!this.active) return undefined;
    let redactedValues = 0;
    for (const id of exportedPages) redactedValues += this.redactedOf.get(id) ?? 0;
    let excludedPages = 0;
    let excludedDatabases = 0;
    for (const id of this.excluded) {
      const kind = this.kinds.get(id);
      if (kind === 'database') excludedDatabases++;
      else if (kind === 'page') excludedPages++;
    }
    return { excludedPages, excludedDatabases, redactedValues, hiddenFromChanges };
  }
}
