import type { FileHandle } from 'node:fs/promises';
import type { BlockObjectResponse, CommentObjectResponse } from '@notionhq/client';
import { join } from 'node:path';
import type { AssetOutcome, PreviousAssets } from '../assets/asset-collector.js';
import type { StoredAsset } from '../assets/asset-store.js';
import { namesVolatile, sha256Of, unchangedByDigest } from '../normalise/page-digest.js';
import type { BlockNode } from '../source/block-tree.js';
import type { CrawledDatabase, CrawledPage, NotionReader, PageOrigin, PreviousCrawl } from '../source/crawl-types.js';
import { blockFileRefs, nameFromUrl, type FileRef } from '../source/file-refs.js';
import { readBlock } from '../source/read-api-object.js';
import { sizeOrClose, type OutputFs } from './output-fs.js';
import { PageSpool } from './page-spool.js';
import { decodeRecords, encodeRecord, JOURNAL_FORM, JOURNAL_HEADER, journalForm, JournalWriter, type ChildrenRecord, type FileRecord, type JournalRecord, type ListingRecord, type PageRecord, type RunRecord } from './run-journal.js';
import { fileIdentity, parentKey, referrersOf, STATE_DIR, syncedBlockDependents, type SyncState } from './sync-state.js';

/**
 * What a run keeps while it works, so that the next run takes up where a killed or failed one
 * stopped: under `<out>/state/progress/`, the run's page spool (`pages.spool`), the files it
 * downloaded by sha256 (`files/`), and a journal (`journal`, src/publish/run-journal.ts) of
 * each page fetched (its last_edited_time, when it was read, where it sits in the spool), each
 * file downloaded, each data source's rows, and what was listed for a page not finished yet (its
 * blocks' children and comments: a page cut off part-way does not list them again). Block
 * children go in as the text of Notion's answers, not serialised again from the blocks read from
 * them (that serialising was most of what keeping progress cost a run: bench/RESULTS.md), but
 * where they may hold a signed file URL (`mayNameSignedFile`): those are read, cleaned of it and
 * serialised.
 *
 * The next run into the same output directory with the same config key reads the journal and
 * hands the crawl, through the `PreviousCrawl` seam, the last sync state (if any) combined
 * with the pages the interrupted run fetched (`combined`): the planner (src/source/plan-fetch.ts)
 * takes a page whose last_edited_time is unchanged from the spool, as an incremental run takes
 * it from the page cache, and the render pass renders it (it is in no published snapshot).
 * Once a snapshot is published the spool becomes the page cache and the progress is removed.
 *
 * Under privacy rules the spool and the journal hold what the page cache holds: pages as the
 * rules clean them, never one they leave out (nor its rows, nor raw listings); what the rules
 * leave out only late is taken out again when the run settles its spool (`settled`).
 */
export const PROGRESS_DIR = 'progress';
const JOURNAL = 'journal';
const SPOOL = 'pages.spool';
const FILES = 'files';

/** The progress directory of an output directory. */
export const progressDir = (outDir: string) => join(outDir, STATE_DIR, PROGRESS_DIR);

type Log = (level: 'info' | 'warn' | 'debug', message: string) => void;

/** The pages a run may reuse from the journal, with the rest of what it found there. */
interface Usable {
  pages: Map<string, PageRecord>;
  files: Map<string, FileRecord>;
  rows: Map<string, string[]>;
  /** The database of each data source whose rows it holds (where it is known). */
  rowsDatabase: Map<string, string>;
  /** Children and comments listed for blocks of pages the interrupted run had not finished, by `<t>:<id>`. */
  listings: Map<string, ListingRecord>;
}

/** Children a block of this type has but the crawl does not fetch (they are records of their own). */
const CHILDREN_ELSEWHERE = new Set(['child_page', 'child_database']);

let lastMinute = { minute: Number.NaN, iso: '' };
/** The minute before `ms`, less a minute's margin for the difference between Notion's clock and ours. */
const minuteBefore = (ms: number) => {
  const minute = Math.floor(ms / 60_000);
  // Every listing of a run asks: most fall in the minute the one before did.
  if (minute !== lastMinute.minute) lastMinute = { minute, iso: new Date(minute * 60_000 - 60_000).toISOString() };
  return lastMinute.iso;
};

export class RunProgress {
  private writer: JournalWriter | null = null;
  private spoolFile: PageSpool | null = null;
  private usable: Usable = { pages: new Map(), files: new Map(), rows: new Map(), rowsDatabase: new Map(), listings: new Map() };
  /** Records this run appended that describe fetched work (pages, files, rows, a publish). */
  private recorded = 0;
  /** When each page object was first read this run (ms) and its last_edited_time then, and ids whose reads failed. */
  private readonly seenAt = new Map<string, number>();
  private readonly editedAt = new Map<string, string>();
  /** The page each block listed this run belongs to; blocks a synced block reference shows (they are its original's). */
  private readonly pageOf = new Map<string, string>();
  private readonly shown = new Set<string>();
  /** The JSON of blocks journaled for pages in flight, by block id, for the spool (`PageSpool.put`). */
  private readonly serialised = new Map<string, string>();
  private readonly failed = new Set<string>();
  /** Asset keys of the files found on each page in flight. */
  private readonly pageKeys = new Map<string, Set<string>>();
  private full = true;
  /** The page cache the spool started as a copy of (its pages are adopted where they sit); null: none. */
  private spoolBase: string | null = null;
  private adopts = false;
  private reopened = false;
  /** Rows are journaled (not under privacy rules that leave pages out: rows name left-out pages). */
  private journalRows = true;
  private spoolReader: FileHandle | null = null;
  /** Pages and databases by where search places them (the id of their parent page or block), once a search listing is complete. */
  private searched: Map<string, Set<string>> | null = null;
  private placed: Map<string, Set<string>> | null = null;
  /** Pages taken from the journal this run. */
  resumed = 0;
  private finished = false;

  private constructor(
    private readonly outDir: string,
    private readonly fs: OutputFs,
    private readonly now: () => Date,
    private readonly log: Log,
    /** Valid records of the journal found and its last run record, or null when it is not taken up (none, or another run's). */
    private found: { records: JournalRecord[]; torn: boolean; run: RunRecord; form: number } | null,
    /**
     * latest.json points at a snapshot that a run of this journal published after fetching
     * everything, and what it was for (a bundle) is not done: a run asked to fetch everything
     * may bring that snapshot up to date instead.
     */
    readonly continuesFull: boolean,
    private readonly key: string,
    private readonly latestId: string | null,
    /** False: the run keeps no progress (its spool is removed if it fails). */
    private readonly enabled: boolean,
  ) {}

  private get dir() {
    return progressDir(this.outDir);
  }

  /**
   * Reads the journal an interrupted run left. It is taken up when it was written with the same
   * config key and from the snapshot latest.json points at now (or when its run published that
   * snapshot); otherwise it is set aside (and removed by `begin`).
   */
  static async open(opts: { outDir: string; fs: OutputFs; key: string; latestId: string | null; now: () => Date; log: Log; enabled?: boolean }): Promise<RunProgress> {
    const { outDir, fs, key, latestId } = opts;
    const enabled = opts.enabled !== false;
    const make = (found: { records: JournalRecord[]; torn: boolean; run: RunRecord; form: number } | null, continuesFull: boolean) =>
      new RunProgress(outDir, fs, opts.now, opts.log, found, continuesFull, key, latestId, enabled);
    if (!enabled) return make(null, false);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(join(progressDir(outDir), JOURNAL));
    } catch {
      return make(null, false);
    }
    const { form } = journalForm(bytes);
    if (form > JOURNAL_FORM) {
      opts.log('info', 'the progress of an interrupted run is set aside: a later version of notion-kb wrote it');
      return make(null, false);
    }
    const { records, torn } = decodeRecords(bytes);
    let lastRun = -1;
    records.forEach((r, i) => {
      if (r.t === 'run') lastRun = i;
    });
    const last = records[lastRun];
    if (!last || last.t !== 'run') return make(null, false);
    // A spool its run began to rewrite holds no page of the cache where the sync state says.
    const run: RunRecord = sinceLastRun(records, (r) => r.t === 'rewriting') ? { ...last, sc: null } : last;
    if (run.key !== key) {
      opts.log('info', 'the progress of an interrupted run is set aside: the roots, rules or settings changed since');
      return make(null, false);
    }
    const publishedSince = sinceLastRun(records, (r) => r.t === 'publishing' && r.id === latestId);
    if (run.base !== latestId && !publishedSince) {
      opts.log('info', 'the progress of an interrupted run is set aside: another snapshot was published since');
      return make(null, false);
    }
    const continuesFull = latestId !== null && records.some((r) => r.t === 'publishing' && r.id === latestId && r.full);
    return make({ records, torn, run, form }, continuesFull);
  }

  /**
   * Starts this run's progress: takes up the journal found (or starts a new one), opens the
   * run's spool, and returns what the crawl starts from: the sync state's pages
   * (`statePrevious`) combined with the pages of the journal the run may reuse. `fetchesAll`:
   * the run was asked to fetch everything (`--full`, `export`) and uses no sync state: it reuses
   * only pages of runs that did the same. `cache`: the sync state's page cache (a file name in the
   * state directory), which the spool of an incremental run starts as a copy of. `rows`: false
   * under privacy rules that leave pages out (a data source's rows name the left-out ones).
   */
  async begin(opts: {
    fetchesAll: boolean;
    state: SyncState | null;
    statePrevious: (PreviousCrawl & { close(): Promise<void> }) | null;
    latestDir: string | null;
    rows?: boolean;
  }): Promise<(PreviousCrawl & { close(): Promise<void> }) | null> {
    const { fs } = this;
    this.full = opts.state === null;
    this.journalRows = opts.rows !== false;
    const journalFile = join(this.dir, JOURNAL);
    const spoolPath = join(this.dir, SPOOL);
    // The sync state in effect is the one the interrupted run wrote (it names that run's spool as
    // its page cache; the run was stopped before it removed its progress): the state holds all the
    // journal does. Taken up, the journal would only keep this run from adopting the state's pages
    // where they sit. Not when the journal is what lets an export bring its snapshot up to date.
    const state = opts.state;
    if (this.found !== null && state !== null && !opts.fetchesAll && !this.continuesFull && sinceLastRun(this.found.records, (r) => r.t === 'state' && r.cache === state.cache)) {
      this.log('info', `the progress of the run that wrote the sync state of snapshot ${state.snapshotId} is done: that state holds it`);
      this.found = null;
    }
    let records = this.found?.records ?? [];
    const spoolThere = this.found !== null && (await fs.stat(spoolPath).then(() => true, () => false));
    if (this.found === null) {
      await fs.rm(this.dir, { recursive: true, force: true, maxRetries: 5 });
    } else if (this.found.torn || !spoolThere || this.found.form !== JOURNAL_FORM) {
      // The record cut short goes; without the spool (it became the page cache) its pages go too.
      // A journal of an earlier form is written again in this one: what this run appends, an
      // earlier version could not read.
      if (!spoolThere) records = records.filter((r) => r.t !== 'page');
      await fs.writeFile(`${journalFile}.tmp`, Buffer.concat([JOURNAL_HEADER, ...records.map(encodeRecord)]));
      await fs.rename(`${journalFile}.tmp`, journalFile);
    }
    await fs.mkdir(this.dir, { recursive: true });
    // An incremental run's spool starts as the page cache (a hard link, else a copy): unchanged pages stay where
    // they are, unread. The spool taken up again keeps what it started as.
    const cache = opts.state?.cache ?? null;
    if (spoolThere) {
      this.reopened = true;
      this.spoolFile = await PageSpool.reopen(spoolPath, fs);
      this.spoolBase = this.found?.run.sc ?? null;
    } else {
      this.spoolFile = cache ? await PageSpool.copyOf(spoolPath, join(this.outDir, STATE_DIR, cache), fs) : await PageSpool.create(spoolPath, fs);
      this.spoolBase = cache;
    }
    this.adopts = cache !== null && this.spoolBase === cache;
    if (!this.enabled) return opts.statePrevious;
    if (this.found === null) await fs.writeFile(journalFile, JOURNAL_HEADER);
    const handle = await fs.open(journalFile, 'r+');
    this.writer = new JournalWriter(handle, await sizeOrClose(handle));

    const kept = new Set(await fs.readdir(join(this.dir, FILES)).catch(() => [] as string[]));
    this.usable = usableRecords(records, { onlyFull: opts.fetchesAll && !this.continuesFull, kept, stateAssets: opts.state?.assets });
    this.writer.append({ t: 'run', key: this.key, base: this.latestId, full: this.full, at: this.now().toISOString(), sc: this.spoolBase });

    const { pages, rows } = this.usable;
    if (this.continuesFull) this.log('info', `resuming: snapshot ${this.latestId}, published by an interrupted run, is brought up to date instead of fetched again`);
    if (pages.size > 0) this.log('info', `resuming: ${pages.size.toLocaleString('en-US')} pages already fetched`);
    if (pages.size === 0 && rows.size === 0) return opts.statePrevious;
    this.spoolReader = pages.size > 0 ? await fs.open(spoolPath, 'r') : null;
    return this.combined(opts.state, opts.statePrevious);
  }

  /**
   * Whether the spool holds the sync state's page cache where the state says (it started as a
   * copy of it, and was not rewritten since): only then is an unchanged page adopted where it sits.
   */
  get adoptsCache(): boolean {
    return this.adopts;
  }

  /** A page this run takes from the journal (fetched by an interrupted run): it is read from the spool and rendered, never taken as the latest snapshot has it. */
  resumes(id: string): boolean {
    return this.usable.pages.has(id);
  }

  /** The spool this run parks its pages in (it becomes the page cache once published). */
  get spool(): PageSpool {
    if (!this.spoolFile) throw new Error('RunProgress.begin was not called');
    return this.spoolFile;
  }

  /**
   * The spool is an interrupted run's, taken up (its bytes, pages journaled or not, were written
   * under what the rules left out then): what this run does not use of it must leave the file.
   */
  get spoolTakenUp(): boolean {
    return this.reopened;
  }

  /** Pages the journal lets this run reuse. */
  get resumable(): number {
    return this.usable.pages.size;
  }

  /** Requests the fetch of a page from the journal took (what reusing it saves). */
  requestsOf(id: string): number | undefined {
    return this.usable.pages.get(id)?.r;
  }

  /**
   * The crawl's reader, watched (the crawl, the listing step src/source/list-workspace.ts and the
   * privacy gate all read through it): when each page object was first read, by search, a data
   * source query or a retrieve (an edit later in that minute may be missing from it), and which
   * reads failed (a page with a gap is not reused). Databases and blocks retrieved carry no edit
   * time of a page and pass through. With `listings`, the children and comments listed for a page
   * not finished are journaled (and taken from the journal again, block children only while
   * search places the same sub-pages and databases in that block); not under privacy rules, which
   * clean a page only once it is whole: the journal then holds whole pages only, cleaned, as the
   * page cache does.
   */
  observe<R extends NotionReader>(reader: R, listings = true): R {
    if (!this.enabled) return reader;
    const seen = (page: { id: string; last_edited_time?: unknown }, at: number) => {
      if (!this.seenAt.has(page.id)) this.seenAt.set(page.id, at);
      if (typeof page.last_edited_time === 'string') this.editedAt.set(page.id, page.last_edited_time);
    };
    const failing = <T>(id: string, p: Promise<T>): Promise<T> =>
      p.catch((err: unknown) => {
        this.failed.add(id);
        throw err;
      });
    const listing = (iterable: AsyncIterable<unknown>, search = false): AsyncIterable<unknown> => ({
      [Symbol.asyncIterator]: () => {
        // A listing's objects were read at some time after it started: its start bounds them all.
        const startedAt = this.now().getTime();
        const inner = iterable[Symbol.asyncIterator]();
        // Only when there are journaled block children to take up (a map of every page otherwise not needed).
        if (search && this.usable.listings.size > 0) this.placed = new Map();
        return {
          next: async () => {
            const step = await inner.next();
            const r = step.value as { object?: string; id?: string; last_edited_time?: unknown; in_trash?: unknown; parent?: unknown; database_parent?: unknown } | undefined;
            if (!step.done && r?.object === 'page' && typeof r.id === 'string') seen(r as { id: string }, startedAt);
            if (search && this.placed) {
              if (step.done) this.searched = this.placed;
              else if (r && typeof r.id === 'string' && r.in_trash !== true) {
                // Where search places each page and database: what the sub-page blocks listed for a block must match.
                const [id, parent] = r.object === 'data_source' ? [(r.parent as { database_id?: unknown } | undefined)?.database_id, r.database_parent] : [r.id, r.parent];
                const at = parentKey(parent);
                if (typeof id === 'string' && at !== 'workspace') {
                  let set = this.placed.get(at);
                  if (!set) this.placed.set(at, (set = new Set()));
                  set.add(id);
                }
              }
            }
            return step;
          },
          return: async (value?: unknown) => (inner.return ? inner.return(value) : { done: true as const, value }),
        };
      },
    });
    const watched = Object.create(reader) as R;
    watched.iterateSearch = (params, handling) => listing(reader.iterateSearch(params, handling), true);
    watched.iterateDataSourceQuery = (id, params, handling) => listing(reader.iterateDataSourceQuery(id, params, handling));
    watched.retrievePage = (id) => {
      const at = this.now().getTime();
      return reader.retrievePage(id).then((page) => {
        seen(page, at);
        return page;
      });
    };
    const page = (id: string) => this.pageOf.get(id) ?? id;
    const childrenOf = (id: string, blocks: BlockObjectResponse[]) => {
      for (const b of blocks) {
        // A sub-page or database listed as a block is a page of its own.
        if (!CHILDREN_ELSEWHERE.has(b.type)) this.pageOf.set(b.id, page(id));
        if (this.shown.has(id) || (b.type === 'synced_block' && b.synced_block.synced_from !== null)) this.shown.add(b.id);
      }
      return blocks;
    };
    if (!listings) {
      watched.listBlockChildrenAll = (id) => failing(id, reader.listBlockChildrenAll(id));
      watched.listCommentsAll = (id) => failing(id, reader.listCommentsAll(id));
      return watched;
    }
    watched.listBlockChildrenAll = (id) => {
      const listed = this.listed('children', id);
      if (listed) {
        for (const k of listed.k) this.fileFound({ pageId: listed.p, key: k } as FileRef);
        return Promise.resolve(childrenOf(id, listed.n!));
      }
      // With each answer's bytes where the reader can give them: journaled as they came.
      // (Not for a block whose listing is not journaled: what a synced block reference shows.)
      const listing =
        reader.listBlockChildrenWithAnswers && !this.shown.has(id)
          ? reader.listBlockChildrenWithAnswers(id)
          : reader.listBlockChildrenAll(id).then((blocks) => ({ blocks, answers: null }));
      return failing(id, listing).then(({ blocks, answers }) => {
        this.listingDone('children', id, blocks, answers);
        return childrenOf(id, blocks);
      });
    };
    watched.listCommentsAll = (id) => {
      const listed = this.listed('comments', id);
      if (listed) return Promise.resolve(listed.n);
      return failing(id, reader.listCommentsAll(id)).then((comments) => {
        this.listingDone('comments', id, comments);
        return comments;
      });
    };
    return watched;
  }

  /**
   * What the interrupted run listed for this block (or page), when its page was not edited
   * since it read it, and (children) each file whose URL was left out is had: a page cut off
   * part-way does not list it again.
   */
  private listed<T extends ListingRecord['t']>(t: T, id: string): Extract<ListingRecord, { t: T }> | undefined {
    // What a synced block reference shows is its original's, which changes without bumping this page.
    if (this.shown.has(id)) return undefined;
    const r = this.usable.listings.get(`${t}:${id}`) as Extract<ListingRecord, { t: T }> | undefined;
    if (!r || r.e >= r.f || this.editedAt.get(r.p) !== r.e) return undefined;
    if (r.t !== 'children') {
      this.usable.listings.delete(`${t}:${id}`);
      return structuredClone(r);
    }
    const c = r as ChildrenRecord;
    if (!c.k.every((k) => this.usable.files.has(k))) return undefined;
    const blocks = c.n ?? listedBlocks(c.r);
    if (!blocks) return undefined;
    // A page or database created in, moved into or out of, trashed or unshared from a block need
    // not bump its page: its sub-page blocks must be those search places there now (once it listed all).
    if (!sameSet(blocks.filter((b) => CHILDREN_ELSEWHERE.has(b.type)).map((b) => b.id), this.searched?.get(id))) return undefined;
    this.usable.listings.delete(`${t}:${id}`);
    const { r: _answers, ...rest } = c;
    return structuredClone({ ...rest, n: blocks }) as Extract<ListingRecord, { t: T }>;
  }

  /** Journals the children or comments of a block, while its page is still being fetched. */
  private listingDone(t: ListingRecord['t'], id: string, listed: BlockObjectResponse[] | CommentObjectResponse[], answers: Buffer[] | null = null): void {
    if (!this.writer || this.shown.has(id)) return;
    const p = this.pageOf.get(id) ?? id;
    const at = this.seenAt.get(p);
    const e = this.editedAt.get(p);
    if (at === undefined || e === undefined) return;
    const f = minuteBefore(at);
    if (t === 'comments') {
      // Attachments: their file name, never the signed URL (the crawl names them the same way).
      const n = (listed as CommentObjectResponse[]).map((c) =>
        c.attachments?.length
          ? {
              ...c,
              attachments: c.attachments.map((a) => {
                const { url, expiry_time: _expiry, ...file } = a.file as { url: string; expiry_time?: string; name?: string };
                return { ...a, file: { ...file, name: file.name ?? nameFromUrl(url) } };
              }),
            }
          : c,
      ) as CommentObjectResponse[];
      this.append({ t, id, p, e, f, n });
      return;
    }
    if (answers && !answers.some(mayNameSignedFile)) {
      // Notion's answers as they came: nothing serialised or encoded again, and no Notion-hosted
      // file among them (the spool serialises the page itself when it is done). Read back as the
      // crawl reads them.
      const parts: Array<string | Buffer> = [`{"t":"children","id":${JSON.stringify(id)},"p":${JSON.stringify(p)},"e":${JSON.stringify(e)},"f":"${f}","k":[],"r":[`];
      answers.forEach((answer, i) => parts.push(...(i > 0 ? [',', answer] : [answer])));
      parts.push(']}');
      this.writer.appendParts(parts);
      this.recorded++;
      return;
    }
    const blocks = listed as BlockObjectResponse[];
    // Each block serialised once: for the journal now, and for the spool when its page is done.
    const parts = blocks.map((b) => JSON.stringify(b));
    let json = `[${parts.join(',')}]`;
    // One scan of the listing; each block's own text only when the listing names something volatile.
    const clean = !namesVolatile(json);
    blocks.forEach((b, i) => {
      if (unchangedByDigest(b, parts[i]!, clean)) this.serialised.set(b.id, parts[i]!);
    });
    let k: string[] = [];
    if (!clean && json.includes('"expiry_time"')) {
      k = blocks.flatMap((b) => blockFileRefs(b, p).filter((r) => r.source === 'notion').map((r) => r.key));
      // Signed URLs (those that expire) are left out, as in the page cache.
      json = withoutSignedUrls(json);
    }
    // The listing's JSON goes in as it is: serialised once, not parsed back.
    this.writer.appendJson(`{"t":"children","id":${JSON.stringify(id)},"p":${JSON.stringify(p)},"e":${JSON.stringify(e)},"f":"${f}","k":${JSON.stringify(k)},"n":${json}}`);
    this.recorded++;
  }

  /** A file found on a page (before it is downloaded): the page is reused only once the file is had. */
  fileFound(ref: FileRef): void {
    if (!this.enabled) return;
    let keys = this.pageKeys.get(ref.pageId);
    if (!keys) this.pageKeys.set(ref.pageId, (keys = new Set()));
    keys.add(ref.key);
  }

  /** What became of a file this run fetched: stored (kept by sha256) or kept as a link by policy. */
  fileDone(key: string, outcome: AssetOutcome): void {
    if (outcome.kind === 'missing' || (outcome.kind === 'link' && outcome.reason !== undefined)) return;
    // No signed URL goes into the journal: it expires, and it is a credential while it lives.
    const identity = fileIdentity(outcome.ref.url, outcome.ref.source);
    this.append({ t: 'file', k: key, i: identity, o: { ...outcome, ref: { ...outcome.ref, url: identity } } as AssetOutcome });
  }

  /** A database's rows, all listed (not under privacy rules that leave pages out). */
  databaseDone(unit: CrawledDatabase): void {
    if (!this.journalRows) return;
    for (const ds of unit.dataSources) this.append({ t: 'rows', ds: ds.dataSource.id, rows: ds.rowIds, db: unit.database.id });
  }

  /**
   * Parks a page in the spool and, when it was fetched now without a gap, journals it. A page
   * taken from the journal is not written again.
   */
  async putPage(unit: CrawledPage, origin: PageOrigin, facts: { requests: number; holds: string[]; shows: string[]; refs: string[] }): Promise<void> {
    const id = unit.page.id;
    const spool = this.spool;
    if (!this.enabled) return spool.put(unit);
    if (origin.reused) {
      const before = this.usable.pages.get(id);
      await spool.put(unit);
      if (!before) return;
      this.resumed++;
      const at = spool.location(id)!;
      // Written again (its comments were fetched now, say): the journal says where.
      if (at.offset !== before.at[0] || at.checksum !== before.c) this.append({ ...before, at: [at.offset, at.length], c: at.checksum, d: at.digest });
      return;
    }
    const keys = this.pageKeys.get(id) ?? new Set<string>();
    this.pageKeys.delete(id);
    // The content of a synced block is fetched once, for the first page showing it: its files count for every page.
    if (facts.holds.length > 0 || facts.shows.length > 0) for (const k of treeFileKeys(unit.blocks, id)) keys.add(k);
    const seenAt = this.seenAt.get(id);
    const serialised = this.serialised.size > 0 ? (b: BlockNode) => this.serialised.get(b.id) : undefined;
    // Read before hasGap forgets the page's blocks.
    const put = spool.put(unit, serialised);
    const whole = !this.hasGap(unit) && seenAt !== undefined;
    await put;
    if (!whole) return;
    const at = spool.location(id)!;
    const { pages: sp, databases: sd } = subItems(unit.blocks, id);
    this.append({
      t: 'page',
      id,
      e: unit.page.last_edited_time,
      f: minuteBefore(seenAt),
      at: [at.offset, at.length],
      c: at.checksum,
      d: at.digest,
      r: facts.requests,
      ...(facts.holds.length > 0 ? { h: facts.holds } : {}),
      ...(facts.shows.length > 0 ? { s: facts.shows } : {}),
      a: [...keys].sort(),
      pa: parentKey(unit.page.parent),
      ...(sp.length > 0 ? { sp } : {}),
      ...(sd.length > 0 ? { sd } : {}),
      ...(facts.refs.length > 0 ? { rf: facts.refs } : {}),
    });
  }

  /** The run is about to write the sync state that names `cache` (its spool, kept as the page cache): said on disk first. */
  async writingState(cache: string): Promise<void> {
    this.append({ t: 'state', cache });
    // A journal that cannot be written (a full disk) must not keep the state from being written:
    // without the record, the next run takes the journal up, at worst reading pages back again.
    await this.writer?.flush().catch(() => {});
  }

  /** The run is about to publish `snapshotId`. */
  async publishing(snapshotId: string): Promise<void> {
    this.append({ t: 'publishing', id: snapshotId, full: this.full || this.continuesFull });
    await this.writer?.flush();
  }

  /**
   * The run published (or found nothing new) and its spool is the page cache now: the progress
   * goes, unless `keep` (an export keeps it until its bundle is written: see `clearProgress`).
   */
  async finish(keep: boolean): Promise<void> {
    this.finished = true;
    await this.closeFiles();
    if (!keep) await this.fs.rm(this.dir, { recursive: true, force: true, maxRetries: 5 });
  }

  /**
   * The run failed: what it fetched stays for the next run; a journal that holds nothing goes
   * (with the state directory, if that is all it held).
   */
  async abandon(): Promise<void> {
    if (this.finished) return;
    await this.closeFiles().catch(() => {});
    const holdsWork = this.recorded > 0 || (this.found?.records.some((r) => r.t !== 'run') ?? false);
    if (holdsWork) return;
    await this.fs.rm(this.dir, { recursive: true, force: true, maxRetries: 5 }).catch(() => {});
    const stateDir = join(this.outDir, STATE_DIR);
    if ((await this.fs.readdir(stateDir).catch(() => ['?'])).length === 0) await this.fs.rm(stateDir, { recursive: true, force: true }).catch(() => {});
  }

  /** Closes the run's files, whatever became of the run (what they hold stays); `finish` and `abandon` close them too. */
  async release(): Promise<void> {
    await this.closeFiles().catch(() => {});
  }

  private async closeFiles(): Promise<void> {
    await this.spoolReader?.close().catch(() => {});
    this.spoolReader = null;
    await this.spoolFile?.close().catch(() => {});
    await this.writer?.close();
    this.writer = null;
  }

  private append(record: JournalRecord): void {
    if (!this.writer) return;
    this.writer.append(record);
    this.recorded++;
  }

  /** A read of the page or of one of its blocks failed, or a block that has children came without them. */
  private hasGap(unit: CrawledPage): boolean {
    let gap = this.failed.has(unit.page.id);
    // One walk: the gaps, and the page's blocks forgotten (memory stays bounded by the pages in flight).
    const walk = (nodes: BlockNode[]): void => {
      for (const b of nodes) {
        if (this.failed.has(b.id) || (b.has_children && b.children.length === 0 && !CHILDREN_ELSEWHERE.has(b.type))) gap = true;
        this.pageOf.delete(b.id);
        this.shown.delete(b.id);
        this.serialised.delete(b.id);
        walk(b.children);
      }
    };
    walk(unit.blocks);
    return gap;
  }

  /**
   * The spool is about to be rewritten (`PageSpool.compact`): said in the journal, on disk, before
   * the rewritten file takes the spool's place. A run stopped after that and before `settled`
   * leaves a spool that no longer holds the sync state's page cache where the state says, under a
   * run record that still names that cache: the next run must not adopt pages where they sat
   * (it read other pages' bytes for them). Its pages journaled at their earlier places fail their
   * checksum there and are fetched again.
   */
  async rewriting(): Promise<void> {
    this.spoolBase = null;
    this.adopts = false;
    if (!this.writer) return;
    this.writer.append({ t: 'rewriting' });
    await this.writer.flush();
  }

  /**
   * The spool was rewritten (`PageSpool.compact`: offsets changed, and what the privacy rules
   * left out late is gone from it): the journal is rewritten to match, so that a run stopped from
   * here on is still taken up, and no record names a page, nor keeps a file, the rules left out
   * (`keeps`: an id that may stay named; `keepsFile`: a file that may stay). Read in slices: the
   * journal holds block children listed, about as much as the spool.
   */
  async settled(rules: { keeps: (id: string) => boolean; keepsFile: (outcome: AssetOutcome) => boolean }): Promise<void> {
    // The spool no longer holds the page cache where the sync state says.
    this.spoolBase = null;
    this.adopts = false;
    if (!this.writer) return;
    await this.writer.close();
    this.writer = null;
    const { fs } = this;
    const journalFile = join(this.dir, JOURNAL);
    const spool = this.spool;
    const tmp = await fs.open(`${journalFile}.tmp`, 'w');
    const keptFiles = new Set<string>();
    const dropped = new Set<string>();
    await tmp.write(JOURNAL_HEADER, 0, JOURNAL_HEADER.length, 0);
    let end = JOURNAL_HEADER.length;
    try {
      await eachRecord(await fs.open(journalFile, 'r'), async (r) => {
        let out: JournalRecord | null = r;
        switch (r.t) {
          case 'run':
            out = { ...r, sc: null };
            break;
          case 'rewriting':
            // Every run record now says it: the spool holds no page cache where a state says.
            out = null;
            break;
          case 'page': {
            const at = spool.location(r.id);
            out = at && at.checksum === r.c && rules.keeps(r.id) ? { ...r, at: [at.offset, at.length], ...(r.rf ? { rf: r.rf.filter(rules.keeps) } : {}) } : null;
            break;
          }
          case 'file':
            if (!rules.keepsFile(r.o)) out = null;
            if (r.o.kind === 'stored') (out ? keptFiles : dropped).add(r.o.asset.sha256);
            break;
          case 'rows':
            out = rules.keeps(r.ds) && r.rows.every(rules.keeps) ? r : null;
            break;
          case 'children':
          case 'comments':
            out = rules.keeps(r.p) ? r : null;
            break;
        }
        if (!out) return;
        const bytes = encodeRecord(out);
        await tmp.write(bytes, 0, bytes.length, end);
        end += bytes.length;
      });
    } finally {
      await tmp.close();
    }
    await fs.rename(`${journalFile}.tmp`, journalFile);
    for (const sha of dropped) if (!keptFiles.has(sha)) await fs.rm(join(this.dir, FILES, sha), { force: true });
    const handle = await fs.open(journalFile, 'r+');
    this.writer = new JournalWriter(handle, end);
  }

  /**
   * The sync state's pages (if any) with the journal's over them, as the planner sees the
   * previous sync (every method of `PreviousCrawl`):
   * - a page of the journal is known as it was fetched then: its edit time (fetched again when
   *   edited in the minute it was read, or later), parent, the sub-pages and databases its content
   *   lists, what it points at; the sync state's form of it is not used;
   * - a sub-page or database the journal's pages list but nobody fetched yet is known as such
   *   (fetched, never "new": its arrival would fetch again the page listing it);
   * - a page whose content no longer agrees with where the pages in it sit (fetched before a
   *   page came into it, or still listing one that left) is fetched again, as the planner fetches
   *   again the pages a structural change touches.
   */
  private combined(state: SyncState | null, before: (PreviousCrawl & { close(): Promise<void> }) | null): PreviousCrawl & { close(): Promise<void> } {
    const { pages, rows, rowsDatabase } = this.usable;
    const reader = this.spoolReader;
    // Each page has its own "edited from" minute; the crawl's one is the latest of them, and a
    // page edited from its own minute on is marked to be fetched again.
    let changedFrom = before?.changedFrom ?? '';
    for (const p of pages.values()) if (p.f > changedFrom) changedFrom = p.f;

    /** Sub-pages and databases the journal's pages list: the page listing each, and its parent there. */
    const listedBy = new Map<string, { page: string; parent: string; kind: 'page' | 'database' }>();
    /** Blocks of the journal's pages that hold a sub-page or database. */
    const blockPages = new Map<string, string>();
    for (const p of pages.values()) {
      for (const [kind, list] of [['page', p.sp], ['database', p.sd]] as const) {
        for (const [id, parent] of list ?? []) {
          listedBy.set(id, { page: p.id, parent, kind });
          if (parent !== p.id) blockPages.set(parent, p.id);
        }
      }
    }
    const blockPage = (b: string) => blockPages.get(b) ?? before?.blockPage(b);
    const rowsOf = (id: string) => rows.get(id) ?? before?.rowsOf(id);
    /**
     * Rows of the data sources the journal listed whole, by row: one not fetched yet is known
     * (fetched, never "new": its arrival would query its data source again).
     */
    const rowHome = new Map<string, { parent: string; under: string }>();
    for (const [ds, db] of rowsDatabase) for (const row of rows.get(ds) ?? []) rowHome.set(row, { parent: ds, under: db });
    const isPage = (id: string) => pages.has(id) || state?.pages[id] !== undefined;
    /** The page of the archive whose content lists a page of the journal (null: at the top, a row, or not known). */
    const containerOf = (p: PageRecord): string | null => {
      const pa = p.pa ?? before?.page(p.id)?.parent;
      if (pa === undefined || pa === 'workspace' || rowsOf(pa) !== undefined) return null;
      if (isPage(pa) || listedBy.get(pa)?.kind === 'page') return pa;
      return blockPage(pa) ?? null;
    };
    /** The sub-pages and databases a page's content lists (journal or sync state); undefined: not known. */
    const listsOf = (id: string): Set<string> | undefined => {
      const p = pages.get(id);
      if (p) return new Set([...(p.sp ?? []), ...(p.sd ?? [])].map(([c]) => c));
      const s = state?.pages[id]?.summary;
      return s ? new Set([...(s.subPages ?? []), ...(s.subDatabases ?? [])]) : undefined;
    };
    const stateUnder = (id: string): string | null => state?.pages[id]?.under ?? state?.databases[id]?.under ?? null;

    // Pages whose content disagrees with where the journal's pages (or the pages in them) sit.
    const stale = new Set<string>();
    for (const p of pages.values()) {
      const now = containerOf(p);
      if (now !== null && isPage(now)) {
        const lists = listsOf(now);
        if (lists ? !lists.has(p.id) : stateUnder(p.id) !== now) stale.add(now);
      }
      const was = state?.pages[p.id] ? stateUnder(p.id) : null;
      if (was !== null && was !== now && isPage(was) && (listsOf(was)?.has(p.id) ?? true)) stale.add(was);
    }
    const underInState = new Map<string, string[]>();
    if (state) {
      for (const [id, s] of [...Object.entries(state.pages), ...Object.entries(state.databases)]) {
        if (!s.under || !pages.has(s.under) || pages.has(id)) continue;
        const list = underInState.get(s.under);
        if (list) list.push(id);
        else underInState.set(s.under, [id]);
      }
    }
    for (const p of pages.values()) {
      const lists = listsOf(p.id)!;
      // It lists one that sits elsewhere, or one that sat in it is not listed.
      for (const c of lists) {
        const at = pages.has(c) ? containerOf(pages.get(c)!) : state?.pages[c] || state?.databases[c] ? stateUnder(c) : p.id;
        if (at !== null && at !== p.id) stale.add(p.id);
      }
      for (const c of underInState.get(p.id) ?? []) if (!lists.has(c)) stale.add(p.id);
    }

    const holdsOf = (id: string) => pages.get(id)?.h ?? state?.pages[id]?.holds ?? [];
    const showsOf = (id: string) => pages.get(id)?.s ?? state?.pages[id]?.shows ?? [];
    const fetched = new Set<string>([...(before?.pageIds() ?? []), ...pages.keys()]);
    const ids = new Set<string>(fetched);
    for (const [id, l] of listedBy) if (l.kind === 'page') ids.add(id);
    for (const id of rowHome.keys()) ids.add(id);
    const databaseIds = new Set<string>(before?.databaseIds() ?? []);
    for (const [id, l] of listedBy) if (l.kind === 'database') databaseIds.add(id);
    const { dependents, unanchored } = syncedBlockDependents([...fetched].map((id) => [id, { holds: holdsOf(id), shows: showsOf(id) }]));
    /** Who points at each page or database, by the journal's pages. */
    const pointing = referrersOf([...pages.values()].map((p) => [p.id, { refs: p.rf ?? [] }]));
    let warned = false;
    // Stopped while its spool was rewritten, the run left pages journaled at their earlier places.
    const moved = sinceLastRun(this.found?.records ?? [], (r) => r.t === 'rewriting');
    const outDir = this.outDir;
    const log = this.log;
    const spool = this.spool;
    return {
      changedFrom,
      page: (id) => {
        const p = pages.get(id);
        const s = before?.page(id);
        if (p) {
          const parent = p.pa ?? s?.parent ?? 'workspace';
          const under = containerOf(p) ?? (s && s.parent === parent ? s.under : null);
          return { lastEdited: p.e, refetch: p.e >= p.f || stale.has(id), parent, under };
        }
        if (s) return stale.has(id) ? { ...s, refetch: true } : s;
        const l = listedBy.get(id);
        if (l?.kind === 'page') return { lastEdited: '', refetch: true, parent: l.parent, under: l.page };
        const row = rowHome.get(id);
        return row ? { lastEdited: '', refetch: true, ...row } : undefined;
      },
      pageIds: () => ids,
      database: (id) => {
        const d = before?.database(id);
        if (d) return d;
        const l = listedBy.get(id);
        return l?.kind === 'database' ? { parent: l.parent, under: l.page, dataSources: [] } : undefined;
      },
      databaseIds: () => databaseIds,
      rowsOf,
      syncedDependents: (id) => dependents.get(id) ?? [],
      unanchoredSyncedPages: () => unanchored,
      referrers: (id) => {
        const mine = pointing.get(id);
        if (!mine) return before?.referrers(id) ?? [];
        return new Set([...(before?.referrers(id) ?? []), ...mine]);
      },
      pointedAtWhenLeft: (id) => before?.pointedAtWhenLeft(id) ?? [],
      blockPage,
      async load(id): Promise<CrawledPage | null> {
        const p = pages.get(id);
        if (!p) return before ? before.load(id) : null;
        const [offset, length] = p.at;
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await reader!.read(buffer, 0, length, offset);
        const json = buffer.toString('utf8');
        if (bytesRead !== length || sha256Of(json) !== p.c) {
          if (!warned && moved) log('info', 'the interrupted run was stopped while it rewrote its spool: the pages it moved are fetched again');
          else if (!warned) log('warn', `the pages an interrupted run left in ${join(outDir, STATE_DIR, PROGRESS_DIR)} are damaged; those are fetched again`);
          warned = true;
          return null;
        }
        // Checked: putting these bytes again only records where they are.
        spool.know(id, { offset, length, checksum: p.c });
        return JSON.parse(json) as CrawledPage;
      },
      close: async () => {
        await before?.close();
      },
    };
  }

  /**
   * The files a run may take instead of downloading them: the journal's (kept under
   * `progress/files/`) over the sync state's (in the latest snapshot).
   */
  previousAssets(state: SyncState | null, latestDir: string | null): PreviousAssets | undefined {
    const { files } = this.usable;
    const fromState = state && latestDir ? state.assets : undefined;
    if (files.size === 0) {
      return fromState && latestDir ? { dir: latestDir, get: (k) => fromState[k], identityOf: (ref) => fileIdentity(ref.url, ref.source) } : undefined;
    }
    const filesDir = join(this.dir, FILES);
    const keptHere = new Set<string>();
    for (const f of files.values()) if (f.o.kind === 'stored') keptHere.add(f.o.asset.sha256);
    return {
      dir: latestDir ?? filesDir,
      get: (k) => {
        const f = files.get(k);
        return f ? { identity: f.i, outcome: structuredClone(f.o) } : fromState?.[k];
      },
      identityOf: (ref) => fileIdentity(ref.url, ref.source),
      fileOf: (asset: StoredAsset) => (keptHere.has(asset.sha256) || !latestDir ? join(filesDir, asset.sha256) : join(latestDir, asset.path)),
    };
  }

  /** Where this run keeps the files it downloads (by sha256). */
  get keepDir(): string | undefined {
    return this.enabled ? join(this.dir, FILES) : undefined;
  }
}

/** Whether the last run of a journal appended a record that `is` (one after its run record). */
function sinceLastRun(records: JournalRecord[], is: (r: JournalRecord) => boolean): boolean {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.t === 'run') return false;
    if (is(r)) return true;
  }
  return false;
}

/**
 * Whether an answer of a listing may hold a signed file URL: a Notion-hosted file object (its type
 * `"file"`, or its `"file"` key where the type is missing, which the reader infers), an expiry
 * time even where Notion leaves it out (the reader then adds `expiry_time: null`), or a \u escape,
 * which could spell either name otherwise. Such an answer is read and serialised again, cleaned of
 * signed URLs; a file block of an external file is taken for one too (it costs only that).
 */
const mayNameSignedFile = (answer: Buffer): boolean => answer.includes(FILE) || answer.includes(EXPIRY) || answer.includes(ESCAPE);
const FILE = Buffer.from('"file"');
const EXPIRY = Buffer.from('"expiry_time"');
const ESCAPE = Buffer.from('\\u');

/**
 * The blocks of a listing journaled as Notion's answers (`ChildrenRecord.r`), read as the crawl
 * reads them (`readBlock`); undefined when they cannot be (the listing is then made again).
 */
function listedBlocks(answers: ChildrenRecord['r']): BlockObjectResponse[] | undefined {
  if (!Array.isArray(answers)) return undefined;
  const blocks: BlockObjectResponse[] = [];
  try {
    for (const answer of answers) {
      if (!Array.isArray(answer?.results)) return undefined;
      for (const raw of answer.results as unknown[]) blocks.push(readBlock(raw));
    }
  } catch {
    return undefined;
  }
  return blocks;
}

/** The journal's pages, files and rows this run may use: later records over earlier ones. */
function usableRecords(records: JournalRecord[], opts: { onlyFull: boolean; kept: Set<string>; stateAssets: SyncState['assets'] | undefined }): Usable {
  const pages = new Map<string, PageRecord>();
  const files = new Map<string, FileRecord>();
  const rows = new Map<string, string[]>();
  const rowsDatabase = new Map<string, string>();
  const listings = new Map<string, ListingRecord>();
  let full = true;
  for (const r of records) {
    if (r.t === 'run') full = r.full;
    else if (opts.onlyFull && !full) continue;
    else if (r.t === 'page') pages.set(r.id, r);
    else if (r.t === 'file') files.set(r.k, r);
    else if (r.t === 'rows') {
      rows.set(r.ds, r.rows);
      if (r.db) rowsDatabase.set(r.ds, r.db);
    }
    else if (r.t === 'children' || r.t === 'comments') listings.set(`${r.t}:${r.id}`, r);
  }
  for (const [k, f] of files) if (f.o.kind === 'stored' && !opts.kept.has(f.o.asset.sha256)) files.delete(k);
  const had = (k: string) => {
    if (files.has(k)) return true;
    const s = opts.onlyFull ? undefined : opts.stateAssets?.[k];
    return s !== undefined && s.outcome.kind !== 'missing';
  };
  for (const [id, p] of pages) if (!p.a.every(had)) pages.delete(id);
  // What was listed for pages the journal holds whole is in those pages (unless the page shows a
  // synced block: the crawl fetches it again when the original's page changed).
  for (const [key, l] of listings) if (pages.has(l.p) && !pages.get(l.p)!.s?.length) listings.delete(key);
  return { pages, files, rows, rowsDatabase, listings };
}

/** Whether a list holds the ids of a set, and no other (an absent set is empty). */
function sameSet(list: readonly string[], set: ReadonlySet<string> | undefined): boolean {
  const ids = new Set(list);
  return ids.size === (set?.size ?? 0) && [...ids].every((id) => set!.has(id));
}

/** A file object as the gateway gives it (src/source/read-api-object.ts): its signed URL and when that expires. */
const SIGNED_FILE = /\{"url":"(?:[^"\\]|\\.)*","expiry_time":(?:"[^"\\]*"|null)\}/g;

/**
 * Listed blocks (their JSON) with every object that holds an `expiry_time` less it and its
 * `url`, as JSON. File objects of the usual shape are emptied in the text; anything else that
 * still names an expiry time (a shape seen in no response so far) is parsed and cleaned.
 */
export function withoutSignedUrls(json: string): string {
  const quick = json.replace(SIGNED_FILE, '{}');
  if (!quick.includes('"expiry_time"')) return quick;
  return JSON.stringify(
    JSON.parse(json, (_key, value: unknown) => {
      if (value !== null && typeof value === 'object' && 'expiry_time' in value) {
        const { url: _url, expiry_time: _expiry, ...rest } = value as Record<string, unknown>;
        return rest;
      }
      return value;
    }),
  );
}

/** Asset keys of the files in a block tree (with their URLs: before the page is spooled). */
function treeFileKeys(blocks: BlockNode[], pageId: string, out: string[] = []): string[] {
  for (const b of blocks) {
    for (const ref of blockFileRefs(b, pageId)) out.push(ref.key);
    treeFileKeys(b.children, pageId, out);
  }
  return out;
}

/**
 * The sub-pages and child databases a page's content lists, each with its API parent: the page,
 * or the block of it holding the sub-page (a column, a toggle).
 */
function subItems(blocks: BlockNode[], pageId: string): { pages: Array<[string, string]>; databases: Array<[string, string]> } {
  const pages: Array<[string, string]> = [];
  const databases: Array<[string, string]> = [];
  const walk = (nodes: BlockNode[], holder: string): void => {
    for (const b of nodes) {
      const parent = (b as { parent?: unknown }).parent;
      const at = parent ? parentKey(parent) : holder;
      if (b.type === 'child_page') pages.push([b.id, at === 'workspace' ? holder : at]);
      else if (b.type === 'child_database') databases.push([b.id, at === 'workspace' ? holder : at]);
      else if (b.children.length > 0) walk(b.children, b.id);
    }
  };
  walk(blocks, pageId);
  return { pages, databases };
}

/** Each whole record of a journal, read a slice at a time (the handle is closed after). */
async function eachRecord(handle: FileHandle, fn: (record: JournalRecord) => Promise<void>): Promise<void> {
  try {
    let carry = Buffer.alloc(0);
    let position = 0;
    for (;;) {
      const slice = Buffer.allocUnsafe(Math.max(4 * 1024 * 1024, carry.length));
      const { bytesRead } = await handle.read(slice, 0, slice.length, position);
      position += bytesRead;
      const bytes = carry.length > 0 ? Buffer.concat([carry, slice.subarray(0, bytesRead)]) : slice.subarray(0, bytesRead);
      const { records, valid } = decodeRecords(bytes);
      for (const r of records) await fn(r);
      carry = Buffer.from(bytes.subarray(valid));
      if (bytesRead === 0) return;
    }
  } finally {
    await handle.close();
  }
}

/** Whether a run left progress in an output directory (a failed run keeps the output directory for it). */
export async function keptProgress(outDir: string, fs: OutputFs): Promise<boolean> {
  return fs.stat(join(progressDir(outDir), JOURNAL)).then(
    () => true,
    () => false,
  );
}

/** Removes the progress of an output directory (an export, once its bundle is written). */
export async function clearProgress(outDir: string, fs: OutputFs): Promise<void> {
  await fs.rm(progressDir(outDir), { recursive: true, force: true });
}
