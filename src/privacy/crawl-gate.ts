import type { DatabaseObjectResponse, PageObjectResponse } from '@notionhq/client';
import type { CrawlPrivacy, NotionReader } from '../source/crawl-types.js';
import { keyedHash } from './keyed-hash.js';
import { privateUrlTest, type PrivacyPolicy } from './privacy-policy.js';

/** What sits where: the kinds of object a parent chain passes. */
export type NodeKind = 'page' | 'database' | 'data_source' | 'block';

/** A parent: the object one level up (null: the workspace). */
export interface NodeRef {
  kind: NodeKind;
  id: string;
}

/** Left out, kept, or not known yet (the chain passes something not listed). */
export type Verdict = 'kept' | 'excluded' | 'unknown';

interface Node {
  kind: NodeKind;
  /** One level up; null: the workspace (the top); undefined: not known (a partial object). */
  up: NodeRef | null | undefined;
  /** Left out by itself; undefined when its properties were not listed (an excludeWhere rule cannot tell). */
  self: boolean | undefined;
  /** Seen in the block tree of a page being crawled (so its container is kept). */
  within?: true;
  /** A listed page's last_edited_time (a block placed by the last run's hint needs its page unchanged since). */
  edited?: string;
}

/**
 * Where the last run found blocks that hold pages: keyed hash of a block → keyed hash of the page
 * it sits in. A block whose page was not edited since the last run started is still there (moving
 * a block out edits its page), so it is placed without a request.
 */
export interface BlockHints {
  homes: ReadonlyMap<string, string>;
  /**
   * The same, in plain ids, for blocks the sync state may name (`blocks`: those holding pages of
   * the archive); `homes` then holds only the others. null or undefined: not known there.
   */
  pages?: (blockId: string) => string | null | undefined;
  key: Buffer;
  /** Pages edited in this minute or later may have changed since the last run. */
  changedFrom: string;
}

/** The parent object of a page, database, data source or block as a node reference; undefined for a shape not known. */
export function parentRef(parent: unknown): NodeRef | null | undefined {
  if (parent === null || typeof parent !== 'object') return undefined;
  const p = parent as Record<string, unknown> & { type?: string };
  const id = (key: string) => (typeof p[key] === 'string' && p[key] !== '' ? (p[key] as string) : undefined);
  switch (p.type) {
    case 'workspace':
      return null;
    case 'page_id':
      return id('page_id') ? { kind: 'page', id: id('page_id')! } : undefined;
    case 'block_id':
      return id('block_id') ? { kind: 'block', id: id('block_id')! } : undefined;
    case 'database_id':
      return id('database_id') ? { kind: 'database', id: id('database_id')! } : undefined;
    case 'data_source_id':
      if (id('database_id')) return { kind: 'database', id: id('database_id')! };
      return id('data_source_id') ? { kind: 'data_source', id: id('data_source_id')! } : undefined;
    default:
      return undefined;
  }
}

type Walk = { verdict: 'kept' | 'excluded' } | { verdict: 'unknown'; missing: NodeRef };

/**
 * The privacy rules before fetching: which listed page, row or database is left out, decided
 * from where it sits. Every listed object is noted with its parent (search results and query rows
 * carry it) and whether a rule leaves it out by itself; a page is left out when it or anything
 * on its parent chain is. A chain that passes something no listing showed (a block holding a
 * page, an unshared page) is completed by retrieving that parent, never the page being decided.
 *
 * The bookkeeping (`note`, `verdict`, `missingParents`) is pure; `settle` and `admit` retrieve
 * through the reader they are given.
 */
export class PrivacyGate implements CrawlPrivacy {
  private readonly nodes = new Map<string, Node>();
  private readonly memo = new Map<string, 'kept' | 'excluded'>();
  /** Parents that could not be retrieved because they are not shared (404): the top of what can be known. */
  private readonly deadEnds = new Set<string>();
  /** Parents whose retrieval failed otherwise: what hangs below them is left out, to be safe. */
  private readonly unchecked = new Set<string>();
  /** Noted ids in the order noted (the hash index takes up only the new ones). */
  private readonly order: string[] = [];
  /** Keyed hash → noted id, under one key, kept up to date as nodes are noted. */
  private hashIndex: { key: Buffer; byHash: Map<string, string>; indexed: number } | null = null;
  private hints: BlockHints | undefined;
  /** Blocks placed from the last run's hints, without a request. */
  hintsUsed = 0;
  private version = 0;
  /** Requests made only for the rules: the listing before a full crawl, and parents retrieved. */
  requestsSpent = 0;

  constructor(
    private readonly policy: PrivacyPolicy,
    private readonly reader?: Pick<NotionReader, 'iterateSearch' | 'retrievePage' | 'retrieveBlock' | 'retrieveDatabase' | 'retrieveDataSource'>,
  ) {}

  // ------------------------------------------------------------------ pure bookkeeping

  /** Notes an API object (page, data source, database, block) as listed or retrieved. */
  note(raw: unknown): void {
    if (raw === null || typeof raw !== 'object') return;
    const o = raw as Record<string, unknown> & { object?: string; id?: unknown };
    if (typeof o.id !== 'string' || o.id === '') return;
    const id = o.id;
    switch (o.object) {
      case 'page': {
        const hasProps = o.properties !== null && typeof o.properties === 'object';
        const self = this.policy.isListed(id) ? true : hasProps ? this.policy.directlyExcluded(o as never) : this.policy.needsProperties() ? undefined : false;
        this.set(id, { kind: 'page', up: parentRef(o.parent), self, ...(typeof o.last_edited_time === 'string' ? { edited: o.last_edited_time } : {}) });
        return;
      }
      case 'data_source': {
        const up = parentRef(o.parent);
        this.set(id, { kind: 'data_source', up, self: this.policy.isListed(id) });
        // A data source names its database's parent too: the database is placed without retrieving it.
        if (up?.kind === 'database' && !this.nodes.has(up.id) && 'database_parent' in o) {
          this.set(up.id, { kind: 'database', up: parentRef(o.database_parent), self: this.policy.isListed(up.id) });
        }
        return;
      }
      case 'database':
        this.set(id, { kind: 'database', up: parentRef(o.parent), self: this.policy.isListed(id) });
        return;
      case 'block':
        this.set(id, { kind: 'block', up: parentRef(o.parent), self: false });
        return;
      default:
        return;
    }
  }

  private set(id: string, node: Node): void {
    const before = this.nodes.get(id);
    if (before?.within) node.within = true;
    if (before && before.kind === node.kind && before.self === node.self && sameRef(before.up, node.up)) {
      if (node.edited !== undefined) before.edited = node.edited;
      return;
    }
    this.nodes.set(id, node);
    if (!before) this.order.push(id);
    this.version++;
    // A new node decides only what was unknown (never memoised); a changed one may change anything below it.
    if (before) this.memo.clear();
  }

  /** Where a page or database stands now. */
  verdict(id: string): Verdict {
    return this.walk(id, 'page').verdict;
  }

  /** The verdict, and when unknown, the object that must be retrieved to tell. */
  private walk(start: string, startKind: NodeKind): Walk {
    const chain: string[] = [];
    const seen = new Set<string>();
    let within = false;
    let result: Walk | undefined;
    let kind = startKind;
    for (let id: string | undefined = start; ; ) {
      if (seen.has(id)) {
        result = { verdict: 'kept' }; // a cycle (a malformed workspace): no rule on it leaves it out
        break;
      }
      seen.add(id);
      const known = this.memo.get(id);
      if (known) {
        result = { verdict: known };
        break;
      }
      if (this.policy.isListed(id) || this.unchecked.has(id)) {
        result = { verdict: 'excluded' };
        break;
      }
      const node = this.nodes.get(id);
      if (!node) {
        result = this.deadEnds.has(id) ? { verdict: 'kept' } : { verdict: 'unknown', missing: { kind, id } };
        break;
      }
      if (node.self === true) {
        result = { verdict: 'excluded' };
        break;
      }
      chain.push(id);
      if (node.within) within = true;
      if (node.self === undefined || node.up === undefined) {
        result = { verdict: 'unknown', missing: { kind: node.kind, id } };
        break;
      }
      if (node.up === null) {
        result = { verdict: 'kept' };
        break;
      }
      kind = node.up.kind;
      id = node.up.id;
    }
    // Found in the tree of a page being crawled: what holds it is kept, whatever the listing lacks.
    if (result.verdict === 'unknown' && within) result = { verdict: 'kept' };
    if (result.verdict !== 'unknown') for (const id of chain) this.memo.set(id, result.verdict);
    return result;
  }

  /** Objects to retrieve so that every noted page and database is decided (each once). */
  missingParents(): NodeRef[] {
    const missing = new Map<string, NodeRef>();
    for (const [id, node] of this.nodes) {
      if (node.kind !== 'page' && node.kind !== 'database') continue;
      const w = this.walk(id, node.kind);
      if (w.verdict === 'unknown') missing.set(w.missing.id, w.missing);
    }
    return [...missing.values()];
  }

  /** True for a page, database or data source id the rules leave out (as far as is known now); any id is safe to ask. */
  excludes = (id: string): boolean => this.walk(id, 'page').verdict === 'excluded';

  /** True for a Notion URL of a page, database or block the rules leave out (as far as is known now). */
  excludesUrl = (url: string): boolean => privateUrlTest(this.excludes)(url);

  /** Every noted page, database and data source left out, with its kind. */
  excluded(): Map<string, 'page' | 'database' | 'data_source'> {
    const out = new Map<string, 'page' | 'database' | 'data_source'>();
    for (const [id, node] of this.nodes) if (node.kind !== 'block' && this.walk(id, node.kind).verdict === 'excluded') out.set(id, node.kind);
    return out;
  }

  /** Pages and databases left out only because their place could not be checked. */
  uncheckedCount(): number {
    let n = 0;
    for (const [id, node] of this.nodes) {
      if (node.kind !== 'page' && node.kind !== 'database') continue;
      if (this.unchecked.has(id) || this.chainPasses(id, this.unchecked)) n++;
    }
    return n;
  }

  private chainPasses(start: string, ids: ReadonlySet<string>): boolean {
    const seen = new Set<string>();
    for (let id: string | undefined = start; id !== undefined && !seen.has(id); ) {
      seen.add(id);
      if (ids.has(id)) return true;
      const up: NodeRef | null | undefined = this.nodes.get(id)?.up;
      id = up ? up.id : undefined;
    }
    return false;
  }

  /** A child_page or child_database block in the tree of a page being crawled: false when what it stands for is left out. */
  keepsChild(block: { id: string; type: string; parent?: unknown } & Record<string, unknown>): boolean {
    if (block.type !== 'child_page' && block.type !== 'child_database') return true;
    const kind = block.type === 'child_page' ? 'page' : 'database';
    if (!this.nodes.has(block.id)) {
      const title = (block.child_page as { title?: unknown } | undefined)?.title;
      // A sub-page's block carries its title: enough for an excludeWhere rule on `title`.
      const properties = kind === 'page' && typeof title === 'string' ? { title: { id: 'title', type: 'title', title: [{ type: 'text', plain_text: title }] } } : undefined;
      const self = this.policy.isListed(block.id) || (properties ? this.policy.directlyExcluded({ id: block.id, properties }) : false);
      this.nodes.set(block.id, { kind, up: parentRef(block.parent) ?? null, self, within: true });
      this.order.push(block.id);
      this.version++;
    } else if (!this.nodes.get(block.id)!.within) {
      this.nodes.get(block.id)!.within = true;
      this.memo.clear();
      this.version++;
    }
    return this.walk(block.id, kind).verdict !== 'excluded';
  }

  /** Keyed hash → noted id under this key (each id hashed once, as it is noted). */
  private byHash(key: Buffer): Map<string, string> {
    if (!this.hashIndex || !this.hashIndex.key.equals(key)) this.hashIndex = { key, byHash: new Map(), indexed: 0 };
    const index = this.hashIndex;
    for (; index.indexed < this.order.length; index.indexed++) {
      const id = this.order[index.indexed]!;
      index.byHash.set(keyedHash(key, id), id);
    }
    return index.byHash;
  }

  /** Whether any of these keyed hashes (of things left out in an earlier run) is of a page, database or data source kept now. */
  revealsAny(key: Buffer, hashes: readonly string[]): boolean {
    if (hashes.length === 0) return false;
    const index = this.byHash(key);
    return hashes.some((h) => {
      const id = index.get(h);
      const node = id === undefined ? undefined : this.nodes.get(id);
      return node !== undefined && node.kind !== 'block' && this.walk(id!, node.kind).verdict === 'kept';
    });
  }

  /** The noted ids behind keyed hashes (those that cannot be matched are gone or not listed). */
  idsOf(key: Buffer, hashes: readonly string[]): string[] {
    const index = this.byHash(key);
    return hashes.map((h) => index.get(h)).filter((id): id is string => id !== undefined);
  }

  /** Takes the last run's block hints (see BlockHints). */
  useHints(hints: BlockHints | undefined): void {
    this.hints = hints;
  }

  /** Places a block from the last run's hints when its page is unchanged since; true when it did. */
  private placeFromHint(ref: NodeRef): boolean {
    const hints = this.hints;
    if (!hints || ref.kind !== 'block') return false;
    let pageId = hints.pages?.(ref.id) ?? undefined;
    if (pageId === undefined) {
      const home = hints.homes.get(keyedHash(hints.key, ref.id));
      if (home === undefined) return false;
      pageId = this.byHash(hints.key).get(home);
    }
    const page = pageId === undefined ? undefined : this.nodes.get(pageId);
    if (!page || page.kind !== 'page' || page.edited === undefined || !(page.edited < hints.changedFrom)) return false;
    this.set(ref.id, { kind: 'block', up: { kind: 'page', id: pageId! }, self: false });
    this.hintsUsed++;
    return true;
  }

  /**
   * The hints for the next run: each block this run placed, by keyed hash, with the page it sits
   * in; but those `inState` says the sync state names in plain ids already.
   */
  blockHomes(key: Buffer, inState: (blockId: string, pageId: string) => boolean = () => false): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, node] of this.nodes) {
      if (node.kind !== 'block') continue;
      const page = this.pageOfBlock(id);
      if (page && !inState(id, page)) out[keyedHash(key, id)] = keyedHash(key, page);
    }
    return out;
  }

  /** The page a block sits in as far as this run knows (retrieved, or placed from a hint); null: in none; undefined: not known. */
  pageOfBlock(blockId: string): string | null | undefined {
    const seen = new Set<string>();
    let up: NodeRef | null | undefined = { kind: 'block', id: blockId };
    while (up && up.kind === 'block' && !seen.has(up.id)) {
      seen.add(up.id);
      const node = this.nodes.get(up.id);
      if (!node || node.kind !== 'block') return undefined;
      up = node.up;
    }
    if (up === undefined || (up && up.kind === 'block')) return undefined;
    return up && up.kind === 'page' ? up.id : null;
  }

  // ------------------------------------------------------------------ with the reader

  private get api() {
    if (!this.reader) throw new Error('PrivacyGate: no reader to retrieve parents with');
    return this.reader;
  }

  async listWorkspace(): Promise<void> {
    let results = 0;
    // An incomplete listing only means that more parents are retrieved later.
    for await (const result of this.api.iterateSearch({ page_size: 100 }, { onIncomplete: () => {} })) {
      results++;
      this.listed(result);
    }
    this.requestsSpent += Math.max(1, Math.ceil(results / 100));
  }

  listed(result: unknown): void {
    this.note(result);
  }

  async settle(): Promise<void> {
    for (let round = 0; round < 64; round++) {
      const missing = this.missingParents();
      if (missing.length === 0) return;
      const toRetrieve = missing.filter((ref) => !this.placeFromHint(ref));
      if (toRetrieve.length < missing.length) continue;
      await Promise.all(toRetrieve.map((ref) => this.retrieveParent(ref)));
    }
  }

  /** Retrieves one object of a chain (a parent, or a listed object that came without its properties). */
  private async retrieveParent(ref: NodeRef): Promise<void> {
    try {
      const api = this.api;
      const object =
        ref.kind === 'block'
          ? await api.retrieveBlock(ref.id)
          : ref.kind === 'page'
            ? await api.retrievePage(ref.id)
            : ref.kind === 'database'
              ? await api.retrieveDatabase(ref.id)
              : await api.retrieveDataSource(ref.id);
      this.requestsSpent++;
      this.note(object);
      const node = this.nodes.get(ref.id);
      // An answer that still does not tell (no parent in it): nothing below it can be checked.
      if (!node || node.up === undefined || node.self === undefined) this.uncheck(ref.id);
    } catch (err) {
      this.requestsSpent++;
      const code = (err as { code?: string } | null)?.code;
      if (code === 'auth') throw err;
      if (code === 'not_found') this.deadEnds.add(ref.id);
      else this.uncheck(ref.id);
      this.version++;
    }
  }

  private uncheck(id: string): void {
    this.unchecked.add(id);
    this.memo.clear();
    this.version++;
  }

  /**
   * Whether the original of a synced block sits where the rules keep it: a reference in a kept page
   * shows the original's blocks, which may sit in a left-out page. The original block and the blocks
   * above it are retrieved as needed (objects without content; never the page they sit in when a
   * listing showed it). Left out too when where it sits cannot be told.
   */
  async keepsSyncedOriginal(blockId: string): Promise<boolean> {
    return (await this.decide(blockId, 'block')).verdict === 'kept';
  }

  /** The verdict on an object, completing its chain of parents (from hints, else retrieved) until it is known. */
  private async decide(id: string, kind: NodeKind): Promise<Walk> {
    let w = this.walk(id, kind);
    for (let round = 0; w.verdict === 'unknown' && round < 64; round++) {
      if (!this.placeFromHint(w.missing)) await this.retrieveParent(w.missing);
      w = this.walk(id, kind);
    }
    return w;
  }

  async admit(
    kind: 'page' | 'database',
    id: string,
    known?: PageObjectResponse | DatabaseObjectResponse,
  ): Promise<{ keep: boolean; object?: PageObjectResponse | DatabaseObjectResponse }> {
    if (known) this.note(known);
    let object: PageObjectResponse | DatabaseObjectResponse | undefined;
    const w = this.walk(id, kind);
    if (w.verdict === 'unknown' && w.missing.id === id) {
      // Not listed (a page only the tree walk or the last sync knew): its object says where it is.
      try {
        object = kind === 'page' ? await this.api.retrievePage(id) : await this.api.retrieveDatabase(id);
      } catch (err) {
        if ((err as { code?: string } | null)?.code === 'not_found') return { keep: false };
        throw err;
      }
      this.note(object);
    }
    return { keep: (await this.decide(id, kind)).verdict === 'kept', ...(object ? { object } : {}) };
  }
}

const sameRef = (a: NodeRef | null | undefined, b: NodeRef | null | undefined) => (a === b ? true : !a || !b ? false : a.id === b.id && a.kind === b.kind);
