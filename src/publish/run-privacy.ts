import { join } from 'node:path';
import type { AssetOutcome } from '../assets/asset-collector.js';
import type { Config } from '../config/config-schema.js';
import { PrivacyGate, type BlockHints } from '../privacy/crawl-gate.js';
import { keyedHash } from '../privacy/keyed-hash.js';
import { excludedClosure, hideExcluded, hideInDatabase, isRedactedRaw, PrivacyPolicy } from '../privacy/privacy-policy.js';
import type { CrawlPrivacy, CrawledDatabase, CrawledPage, NotionReader } from '../source/crawl-types.js';
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
  /**
   * Requests not made because the rules left pages out (what fetching them would have taken at
   * least: one for each left-out page's content, one more for its comments with
   * content.comments, two for each left-out database). Present when a rule leaves pages out.
   */
  requestsSaved?: number;
  /** Requests made only to apply the rules: the search listing before a full crawl, and parents retrieved to place a page. */
  requestsSpent?: number;
}

/** What a log line says instead of the id of a page left out by the privacy rules. */
export const LEFT_OUT_IN_LOGS = 'a page left out by the privacy rules';
const ID_IN_TEXT = /\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi;
const dashed = (hex: string) => {
  const h = hex.replaceAll('-', '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

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
  /** The crawl's side of the rules: what is left out is decided before anything of it is fetched. */
  private gate: PrivacyGate | undefined;
  /** Per page kept: the left-out pages it lost traces of (mentions, links, sub-page blocks, relation items). */
  private readonly hiddenOf = new Map<string, Set<string>>();
  /** Pages that lost traces at render time that they still had when spooled (left out was decided after they were fetched). */
  readonly lateFiltered = new Set<string>();

  /** `key`: the output directory's privacy key (state/privacy-key), for the keyed hashes the sync state keeps. */
  constructor(
    config: Config['privacy'],
    private readonly key?: Buffer,
    private readonly comments = false,
  ) {
    this.policy = new PrivacyPolicy(config);
  }

  get active(): boolean {
    return this.policy.active;
  }

  /** Whether a rule leaves pages out (then the crawl asks before it fetches, and the state keeps keyed hashes). */
  get leavesOut(): boolean {
    return this.policy.leavesOut;
  }

  /**
   * The rules as the crawl consults them, reading parents through `reader`; undefined when no rule
   * leaves anything out. `lastRun`: where the last run found blocks holding pages (the sync state's
   * `blockHomes`, hashed, and `blocks`, in plain ids, through `blockPage`).
   */
  crawlGate(
    reader: NotionReader,
    lastRun?: { blockHomes?: Record<string, string>; blockPage?: (blockId: string) => string | null | undefined; changedFrom: string },
  ): CrawlPrivacy | undefined {
    if (!this.leavesOut) return undefined;
    this.gate = new PrivacyGate(this.policy, reader);
    if (lastRun && this.key) {
      const hints: BlockHints = {
        homes: new Map(Object.entries(lastRun.blockHomes ?? {})),
        ...(lastRun.blockPage ? { pages: lastRun.blockPage } : {}),
        key: this.key,
        changedFrom: lastRun.changedFrom,
      };
      this.gate.useHints(hints);
    }
    return this.gate;
  }

  /**
   * For the next run's sync state: where this run found the blocks that hold pages (keyed hashes
   * only), but those `inState` says the state names in plain ids already.
   */
  blockHomes(inState?: (blockId: string, pageId: string) => boolean): Record<string, string> | undefined {
    if (!this.gate || !this.key) return undefined;
    const homes = this.gate.blockHomes(this.key, inState);
    return Object.keys(homes).length > 0 ? homes : undefined;
  }

  /** The keyed hash of an id (the state's only record of something left out). */
  hash(id: string): string {
    if (!this.key) throw new Error('RunPrivacy: no privacy key');
    return keyedHash(this.key, id);
  }

  /** Whether any of these keyed hashes (of what a cached page lost) is of something kept now: the page must be fetched again. */
  revealsAny = (hashes: readonly string[]): boolean => (this.gate && this.key ? this.gate.revealsAny(this.key, hashes) : false);

  /** The ids behind keyed hashes of left-out rows, as far as this run's listing shows them; null when one of them is kept now. */
  hiddenRows = (hashes: readonly string[]): string[] | null => {
    if (!this.gate || !this.key) return [];
    if (this.gate.revealsAny(this.key, hashes)) return null;
    return this.gate.idsOf(this.key, hashes);
  };

  /** A log line without the id of anything left out: "a page left out by the privacy rules" instead. */
  mask = (message: string): string => {
    if (!this.leavesOut) return message;
    return message.replace(ID_IN_TEXT, (m) => (this.isPrivate(dashed(m)) ? LEFT_OUT_IN_LOGS : m));
  };

  /** False for a file that must not be fetched: of a left-out page, or of a redacted `files` property. */
  wantsFile(ref: FileRef): boolean {
    if (!this.active) return true;
    if (this.policy.isListed(ref.pageId) || this.gate?.excludes(ref.pageId)) return false;
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

  /**
   * A page about to be spooled (the page cache): every trace of what is known to be left out is
   * removed now, so the cache holds what the snapshot shows. What it lost is remembered (as keyed
   * hashes in the sync state), so that the page is fetched again once that comes back.
   */
  beforeSpool(unit: CrawledPage): void {
    if (!this.leavesOut) return;
    const hidden = hideExcluded(unit, this.isPrivate);
    this.hiddenOf.set(unit.page.id, hidden);
    // A rollup redacted because a relation held a left-out page counts as redacted, as it shows.
    this.redactedOf.set(unit.page.id, Object.values(unit.page.properties).filter(isRedactedRaw).length);
  }

  /** Keyed hashes of what a kept page lost, sorted (for its sync state entry). */
  hiddenHashes(pageId: string): string[] {
    const hidden = this.hiddenOf.get(pageId);
    if (!hidden || hidden.size === 0 || !this.key) return [];
    return [...new Set([...hidden].map((id) => this.hash(id)))].sort();
  }

  /** Once the crawl is done: every page and database under a left-out one is left out too, and dropped from the plan's input. */
  exclude(summaries: PlanInputBuilder, databases: Map<string, CrawledDatabase>): void {
    if (!this.active) return;
    const input = summaries.build();
    this.pageOfBlock = input.pageOfBlock;
    const direct = new Set(this.direct);
    // What the crawl decided before fetching: never fetched, known from the listings.
    for (const [id, kind] of this.gate?.excluded() ?? []) {
      direct.add(id);
      if (kind !== 'data_source') this.kinds.set(id, kind);
    }
    // A listed id the crawl did not find (it failed, say) is still private: reports leave it out; only what was found is counted.
    for (const id of excludedClosure(input.nodes, input.pageOfBlock, direct)) {
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
  isPrivate = (id: string): boolean =>
    this.excluded.has(id) || this.excluded.has(this.pageOfBlock.get(id) ?? '') || this.policy.isListed(id) || (this.gate?.excludes(id) ?? false);

  /**
   * A page read back for rendering: every trace of left-out pages removed. Normally the spool
   * had it so already; a page that still loses something here (left out was decided after it
   * was fetched) is noted, so that the page cache is rewritten without it.
   */
  beforeRender = (unit: CrawledPage): void => {
    if (this.excluded.size === 0 && !this.gate) return;
    const hidden = hideExcluded(unit, this.isPrivate);
    if (hidden.size === 0) return;
    this.lateFiltered.add(unit.page.id);
    const before = this.hiddenOf.get(unit.page.id) ?? new Set<string>();
    for (const id of hidden) before.add(id);
    this.hiddenOf.set(unit.page.id, before);
  };

  /** A spooled page filtered again now (for rewriting the page cache): what the render pass shows. */
  refilter(unit: CrawledPage): void {
    hideExcluded(unit, this.isPrivate);
  }

  /**
   * What the sync state keeps of a data source's rows: the kept ones in query order, and keyed
   * hashes of those left out (so that an unchanged set of rows is still recognised), never their
   * ids; null for a data source of a left-out database.
   */
  rowsForState(dataSourceId: string, databaseId: string, rowIds: readonly string[]): { rows: string[]; hidden: string[] } | null {
    if (this.isPrivate(databaseId) || this.isPrivate(dataSourceId)) return null;
    if (!this.leavesOut) return { rows: [...rowIds], hidden: [] };
    const rows: string[] = [];
    const hidden: string[] = [];
    for (const id of rowIds) {
      if (this.isPrivate(id)) hidden.push(this.hash(id));
      else rows.push(id);
    }
    return { rows, hidden: hidden.sort() };
  }

  /** Pages and databases left out only because the rules could not be checked for them (a parent could not be retrieved). */
  uncheckedCount(): number {
    return this.gate?.uncheckedCount() ?? 0;
  }

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
    const kept = this.keptAssetPaths(outcomes);
    for (const o of outcomes.values()) if (o.kind === 'stored' && !kept.has(o.asset.path)) this.removedPaths.add(o.asset.path);
    for (const path of this.removedPaths) await fs.rm(join(staging, path), { force: true });
  }

  /** The stored files the snapshot keeps: all of them, or under rules, those a page or database of it looked up. */
  keptAssetPaths(outcomes: ReadonlyMap<string, AssetOutcome>): Set<string> {
    const kept = new Set<string>();
    if (!this.active) {
      for (const o of outcomes.values()) if (o.kind === 'stored') kept.add(o.asset.path);
      return kept;
    }
    for (const key of this.usedAssets) {
      const o = outcomes.get(key);
      if (o?.kind === 'stored') kept.add(o.asset.path);
    }
    return kept;
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
    const counts: PrivacyCounts = { excludedPages, excludedDatabases, redactedValues, hiddenFromChanges };
    if (this.leavesOut) {
      counts.requestsSaved = excludedPages * (this.comments ? 2 : 1) + excludedDatabases * 2;
      counts.requestsSpent = this.gate?.requestsSpent ?? 0;
    }
    return counts;
  }
}
