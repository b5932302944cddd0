import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetOutcome } from '../assets/asset-collector.js';
import { sha256Of } from '../normalise/page-digest.js';
import type { BlockNode } from '../source/block-tree.js';
import type { CrawledPage, PreviousCrawl } from '../source/crawl-types.js';
import type { SnapshotItem, SnapshotState } from '../history/diff-snapshots.js';
import type { OutputFs } from './output-fs.js';
import type { PageSummary } from './plan-paths.js';
import type { RenderedDatabase, RenderedPage } from './write-snapshot-files.js';
import { writeStreamed } from './write-snapshot.js';

/**
 * What the next sync needs to be incremental, kept under `<out>/state/` and written only after
 * a snapshot is published (or a run found nothing new): for each page its last_edited_time,
 * digest, path, the files it uses and where its fetched content sits in the page cache (a
 * spool file beside the state); each data source's rows; and what became of each file.
 */
export interface SyncState {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** The snapshot this state describes: latest.json must point at it. */
  snapshotId: string;
  /** When the run that fetched it started; edits from that minute on are fetched again. */
  startedAt: string;
  /** Settings that change what is fetched (roots, file policy, API origin); another value means a full crawl. */
  configKey: string;
  /** What made the snapshot's files besides Notion's content (absent in states of earlier versions). */
  madeWith?: MadeWith;
  /** The page cache: a file name in the state directory. */
  cache: string;
  pages: Record<string, PageState>;
  /** Data source id → row ids in query order (rows the privacy rules leave out are not among them). */
  dataSources: Record<string, string[]>;
  /** Each database: where it sits and its data sources. */
  databases: Record<string, DatabaseState>;
  /**
   * Pages and databases that left the archive (trashed, no longer shared, deleted) → the pages that
   * pointed at them then (relations, mentions, link_to_page, their parent). Should one come back,
   * those are fetched again: a relation to a page in the trash is not returned, so their content no
   * longer says that they point at it. Never a page or database the privacy rules leave out (a
   * page that lost a trace of one remembers it in `hid`, hashed).
   */
  left?: Record<string, string[]>;
  /**
   * Block id → the page it sits in ('' when that page is outside the archive), for each block that
   * is the parent of a page or database search lists: where a page created or moved under a block
   * is listed, without asking Notion again. Only blocks of pages the privacy rules keep; the
   * others are in `blockHomes`, hashed.
   */
  blocks?: Record<string, string>;
  /**
   * Data source id → keyed hashes of its rows the privacy rules left out (never their ids), so
   * that an unchanged set of rows is still recognised. Only with rules that leave pages out.
   */
  hiddenRows?: Record<string, string[]>;
  /**
   * Keyed hash of a block holding a page → keyed hash of the page the block sits in, as the last
   * run found them (with rules that leave pages out): an unchanged page still holds the block,
   * so the next run need not retrieve it to place the page. Only blocks `blocks` does not name.
   */
  blockHomes?: Record<string, string>;
  /** A keyed hash that tells whether the hashes here were made with the output directory's privacy key (state/privacy-key). */
  privacyKeyCheck?: string;
  /** Asset key → what became of the file, and what identifies the file behind the key. */
  assets: Record<string, AssetState>;
}

export interface PageState {
  lastEdited: string;
  digest: string;
  /** Markdown path in the snapshot. */
  path: string;
  /** Asset keys the page's files were found under. */
  assets: string[];
  /** Offset and length of its fetched content in the page cache, and the sha256 of those bytes. */
  at: [number, number];
  checksum: string;
  /** Requests its last fetch took (what reusing it saves). */
  requests: number;
  /** Synced block originals it holds, and originals it shows through references. */
  holds?: string[];
  shows?: string[];
  /** Its last fetch had failures (of blocks or files): fetch it again. */
  retry?: true;
  /** Its API parent: the id of the page, block, data source (a row) or database it sits in; 'workspace' at the top. */
  parent: string;
  /** The page or database of the archive whose content lists it (its folder); absent at the top. */
  under?: string;
  /**
   * Pages and databases it points at, sorted: relation values, page and database mentions (in
   * properties and blocks), link_to_page targets, and its sub-pages and child databases. When one
   * of them leaves the archive, this page is fetched again. As its cached content shows them:
   * nothing the privacy rules leave out.
   */
  refs?: string[];
  /** What the path plan needs of it: a page the next run takes from the cache is planned from this, unread. */
  summary?: PageSummary;
  /** What its files were rendered from (the lookups the render made) and what the index and report took of them. */
  rendered?: RenderedPage;
  /** Its cached content holds its comments (fetched with `content.comments`). */
  comments?: true;
  /** Values the privacy rules redacted in it (report.json privacy.redactedValues). */
  redacted?: number;
  /**
   * Keyed hashes of the left-out pages and databases its cached content lost traces of
   * (mentions, links, sub-page blocks, relation items): once one of them is kept again, the page
   * is fetched again.
   */
  hid?: string[];
}

export interface DatabaseState {
  /** As for a page: its API parent, and the page of the archive whose content lists it. */
  parent: string;
  under?: string;
  dataSources: string[];
  /** What its files were rendered from, and what the index, the history and the report took of them. */
  rendered?: RenderedDatabase;
}

export interface AssetState {
  /** The file's location without the signature of its URL (Notion's signed URLs change at every fetch). */
  identity: string;
  outcome: AssetOutcome;
}

const FORMAT = 'notion-kb/sync-state';
/**
 * 2: pages and databases record where they sit and what they point at; the left pages are
 * remembered; with privacy rules that leave pages out, what was left out is remembered by keyed
 * hash only (`hid`, `hiddenRows`, `blockHomes`, `privacyKeyCheck`).
 */
export const SYNC_STATE_VERSION = 2;
const VERSION = SYNC_STATE_VERSION;
export const STATE_DIR = 'state';
export const STATE_FILE = 'sync-state.json';

/**
 * The state a run wrote for the snapshot it is about to publish, before latest.json points at
 * it; it becomes STATE_FILE once it does. A run stopped between the two leaves a latest.json that
 * this state describes, and the state before it in STATE_FILE: the next run reads this one, and
 * is still incremental.
 */
export const PENDING_STATE_FILE = 'sync-state.pending.json';

/** The sync state file of an output directory. */
export const syncStatePath = (outDir: string) => join(outDir, STATE_DIR, STATE_FILE);

export { fileIdentity } from '../assets/asset-collector.js';

/** The settings that decide what a sync fetches and keeps. */
export function configKey(c: { roots: string[]; baseUrl: string; external: string; maxBytes: number; privacy?: unknown }): string {
  // The privacy rules count only when set, so that a state written before they existed stays usable.
  const text = JSON.stringify({ roots: [...c.roots].sort(), baseUrl: c.baseUrl, external: c.external, maxBytes: c.maxBytes, ...(c.privacy ? { privacy: c.privacy } : {}) });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * What made a snapshot's files besides Notion's content: the settings but the API origin (a
 * digest of the roots, the file policy and the privacy rules) and notion-kb's version. The
 * self-audit compares a page's files with an earlier snapshot's only when both were made alike.
 */
export interface MadeWith {
  settings: string;
  notionKb: string;
}

/** The settings part of `MadeWith`: `configKey` but the API origin. */
export function settingsDigest(c: Omit<Parameters<typeof configKey>[0], 'baseUrl'>): string {
  return configKey({ ...c, baseUrl: '' });
}

const isMadeWith = (v: unknown): v is MadeWith => isRecord(v) && typeof v.settings === 'string' && typeof v.notionKb === 'string';

/**
 * `pending`: the state was read from PENDING_STATE_FILE (`settleSyncState` moves it into place).
 * With a reason: `madeWith`, what made the latest snapshot when the state says so though it
 * cannot serve (other settings), or 'other' (a state of another notion-kb's format).
 */
export type StateRead = { state: SyncState; pending?: true } | { reason: string; madeWith?: MadeWith | 'other' };

/**
 * Reads the sync state; any problem is a reason for a full crawl, never an error. The state that
 * describes the latest snapshot is STATE_FILE, or PENDING_STATE_FILE where the run that published
 * that snapshot was stopped before it moved its state into place.
 */
export async function readSyncState(outDir: string, fs: OutputFs, expect: { snapshotId: string | null; configKey: string; privacyKeyCheck?: string }): Promise<StateRead> {
  const read = await readStateAt(outDir, STATE_FILE, fs, expect);
  if ('state' in read) return read;
  // Whatever kept the state in place from serving (it describes the snapshot before, or was written
  // with other settings or by another version), the pending one may describe latest.json.
  const pending = await readStateAt(outDir, PENDING_STATE_FILE, fs, expect);
  if ('state' in pending) return { state: pending.state, pending: true };
  // What made the latest snapshot, as whichever of the two describes it says (the pending one
  // when a run was stopped after publishing, before its state went into place).
  const madeWith = [pending, read].map((r) => ('madeWith' in r ? r.madeWith : undefined)).find((m) => m !== undefined);
  return madeWith === undefined ? { reason: read.reason } : { reason: read.reason, madeWith };
}

async function readStateAt(
  outDir: string,
  file: string,
  fs: OutputFs,
  expect: { snapshotId: string | null; configKey: string; privacyKeyCheck?: string },
): Promise<StateRead> {
  let state: SyncState;
  try {
    state = (await readStateFile(join(outDir, STATE_DIR, file), fs)) as SyncState;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { reason: 'there is no sync state yet' };
    if (err instanceof SyntaxError) return { reason: `the sync state ${join(outDir, STATE_DIR, file)} is not valid JSON` };
    return { reason: `the sync state could not be read (${code ?? 'error'})` };
  }
  if (state === null || typeof state !== 'object' || state.format !== FORMAT) return { reason: 'the sync state is not one notion-kb wrote' };
  if (state.version !== VERSION) {
    // Another notion-kb made the snapshot it describes (when that is the latest one).
    const reason = `the sync state is from another version of notion-kb (format ${String(state.version)}, this one reads ${VERSION})`;
    return state.snapshotId === expect.snapshotId ? { reason, madeWith: 'other' } : { reason };
  }
  const shapeOk =
    typeof state.snapshotId === 'string' &&
    typeof state.startedAt === 'string' &&
    !Number.isNaN(Date.parse(state.startedAt)) &&
    typeof state.cache === 'string' &&
    /^[\w.-]+$/.test(state.cache) &&
    isRecord(state.pages) &&
    isRecord(state.dataSources) &&
    isRecord(state.databases) &&
    isRecord(state.assets) &&
    (state.left === undefined || isRecord(state.left)) &&
    (state.blocks === undefined || isRecord(state.blocks)) &&
    Object.values(state.pages).every(
      (p) =>
        isRecord(p) &&
        typeof p.lastEdited === 'string' &&
        typeof p.checksum === 'string' &&
        Array.isArray(p.at) &&
        Array.isArray(p.assets) &&
        typeof p.parent === 'string' &&
        (p.refs === undefined || Array.isArray(p.refs)) &&
        (p.summary === undefined || (isRecord(p.summary) && typeof p.summary.title === 'string')) &&
        (p.rendered === undefined || renderedOk(p.rendered)),
    ) &&
    Object.values(state.databases).every((d) => isRecord(d) && typeof d.parent === 'string' && Array.isArray(d.dataSources) && (d.rendered === undefined || (renderedOk(d.rendered) && isRecord(d.rendered.entry)))) &&
    Object.values(state.dataSources).every((rows) => Array.isArray(rows)) &&
    (state.hiddenRows === undefined || (isRecord(state.hiddenRows) && Object.values(state.hiddenRows).every((rows) => Array.isArray(rows)))) &&
    (state.blockHomes === undefined || (isRecord(state.blockHomes) && Object.values(state.blockHomes).every((h) => typeof h === 'string')));
  if (!shapeOk) return { reason: 'the sync state is damaged' };
  // What made the latest snapshot, when this state describes it, whether or not it can serve.
  const about = isMadeWith(state.madeWith) && state.snapshotId === expect.snapshotId ? { madeWith: state.madeWith } : {};
  if (state.configKey !== expect.configKey) return { reason: 'the roots, the file settings, the privacy rules or the API origin changed since the last sync', ...about };
  if (expect.privacyKeyCheck !== undefined && state.privacyKeyCheck !== expect.privacyKeyCheck) {
    return { reason: 'the privacy key of the sync state (state/privacy-key) is missing or changed', ...about };
  }
  if (state.snapshotId !== expect.snapshotId) {
    return { reason: `the sync state describes snapshot ${state.snapshotId}, but latest.json points at ${expect.snapshotId ?? 'nothing'}` };
  }
  try {
    await fs.stat(join(outDir, STATE_DIR, state.cache));
  } catch {
    return { reason: 'the page cache of the sync state is missing', ...about };
  }
  shareIds(state);
  return { state };
}

/** Length of a dashed Notion id. */
const ID_LENGTH = 36;

/**
 * One string for each id the state names, however often (JSON.parse makes a string of every
 * occurrence): a page's id recurs as the parent, the referrer, the link target, the sub-page and
 * the row of others. At 10,000 pages this is a third of the parsed state (8 of 28 MB).
 */
function shareIds(state: SyncState): void {
  const pool = new Map<string, string>();
  for (const id of Object.keys(state.pages)) pool.set(id, id);
  const share = (o: Record<string, unknown> | unknown[]): void => {
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v = o[i];
        if (typeof v === 'string') {
          if (v.length === ID_LENGTH) o[i] = pool.get(v) ?? (pool.set(v, v), v);
        } else if (v !== null && typeof v === 'object') share(v as Record<string, unknown>);
      }
      return;
    }
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'string') {
        if (v.length === ID_LENGTH) o[k] = pool.get(v) ?? (pool.set(v, v), v);
      } else if (v !== null && typeof v === 'object') share(v as Record<string, unknown>);
    }
  };
  share(state.pages as unknown as Record<string, unknown>);
  share(state.databases as unknown as Record<string, unknown>);
  share(state.dataSources);
  if (state.left) share(state.left);
  if (state.blocks) share(state.blocks);
}

/**
 * A state to write. Its pages may come one at a time as [id, the entry's JSON], each made as it is
 * written (src/run-sync.ts `nextSyncState`): the state of a large wiki is never one object in memory.
 */
export type StateToWrite = Omit<SyncState, 'pages'> & { pages: SyncState['pages'] | AsyncIterable<[string, string]> };

/**
 * Writes the state through a temporary file and a rename, then removes page caches it no longer
 * names (and a pending state). `pending`: the state of a snapshot not published yet, written to
 * PENDING_STATE_FILE, where `settleSyncState` takes it from once latest.json points at that
 * snapshot; the state in place and its page cache stay until then.
 */
export async function writeSyncState(outDir: string, state: StateToWrite, fs: OutputFs, opts: { pending?: boolean } = {}): Promise<void> {
  const dir = join(outDir, STATE_DIR);
  await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${STATE_FILE}.${process.pid}.tmp`);
  // Internal, read back only by notion-kb: plain JSON (canonical key order would copy every entry at the run's end).
  await writeStreamed(tmp, stateJson(state), fs).catch(async (err: unknown) => {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  });
  if (opts.pending) {
    await fs.rename(tmp, join(dir, PENDING_STATE_FILE));
    return;
  }
  await fs.rename(tmp, join(dir, STATE_FILE));
  await removeUnnamed(dir, state.cache, fs);
}

/** The pending state (`writeSyncState` with `pending`) becomes the state, once the snapshot it describes is published. */
export async function settleSyncState(outDir: string, cache: string, fs: OutputFs): Promise<void> {
  const dir = join(outDir, STATE_DIR);
  await fs.rename(join(dir, PENDING_STATE_FILE), join(dir, STATE_FILE));
  await removeUnnamed(dir, cache, fs);
}

/** Page caches other than the state's, a pending state and states half-written (of runs stopped before they published or wrote them). */
async function removeUnnamed(dir: string, cache: string, fs: OutputFs): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    const stale = (name !== cache && name.endsWith('.spool')) || name === PENDING_STATE_FILE || (name.startsWith(`.${STATE_FILE}.`) && name.endsWith('.tmp'));
    if (stale) await fs.rm(join(dir, name), { force: true });
  }
}

/** Records of the state with an entry per page, data source or file: written and read an entry at a time. */
const PER_ITEM = new Set(['pages', 'dataSources', 'assets']);

/**
 * The state as JSON in pieces, a line for each top-level field and for each entry of the
 * records with an entry per page, data source or file: the same value as JSON.stringify(state),
 * written without a string of several MB (a state of 10,000 pages), and read back a line at a
 * time (`readStateFile`).
 */
export async function* stateJson(state: StateToWrite): AsyncGenerator<string> {
  let before = '{';
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    yield `${before}${JSON.stringify(key)}:`;
    before = '\n,';
    if (!PER_ITEM.has(key)) {
      yield JSON.stringify(value);
      continue;
    }
    yield '{';
    let inner = '\n';
    if (Symbol.asyncIterator in (value as object)) {
      for await (const [id, json] of value as AsyncIterable<[string, string]>) {
        yield `${inner}${JSON.stringify(id)}:${json}`;
        inner = '\n,';
      }
    } else {
      const record = value as Record<string, unknown>;
      for (const id in record) {
        if (record[id] === undefined) continue;
        yield `${inner}${JSON.stringify(id)}:${JSON.stringify(record[id])}`;
        inner = '\n,';
      }
    }
    yield '\n}';
  }
  yield before === '{' ? '{}' : '\n}';
}

/**
 * Reads a state file a line at a time, as `stateJson` writes it: never the whole text in one
 * string (a state of 10,000 pages is over 15 MB), each entry parsed on its own. A file in any
 * other layout of JSON is parsed whole. Throws a SyntaxError for text that is not JSON.
 */
export async function readStateFile(path: string, fs: OutputFs): Promise<unknown> {
  const handle = await fs.open(path, 'r');
  let layout = true;
  try {
    const out: Record<string, unknown> = {};
    let record: Record<string, unknown> | null = null;
    let first = true;
    let closed = false;
    for await (const line of handle.readLines({ autoClose: false })) {
      if (closed) {
        if (line.trim() !== '') throw new SyntaxError('text after the end of the sync state');
        continue;
      }
      if (record) {
        if (line === '}') record = null;
        else if (line.startsWith('"') || line.startsWith(',"')) {
          const entry = JSON.parse(`{${line.startsWith(',') ? line.slice(1) : line}}`) as Record<string, unknown>;
          for (const k of Object.keys(entry)) if (k !== '__proto__') record[k] = entry[k];
        } else {
          layout = false;
          break;
        }
        continue;
      }
      if (!first && line === '}') {
        closed = true;
        continue;
      }
      const colon = line.indexOf('":');
      if (!line.startsWith(first ? '{"' : ',"') || colon < 0) {
        layout = false;
        break;
      }
      first = false;
      const key = JSON.parse(line.slice(1, colon + 1)) as string;
      const value = line.slice(colon + 2);
      if (value === '{' && PER_ITEM.has(key)) out[key] = record = {};
      else {
        try {
          out[key] = JSON.parse(value) as unknown;
        } catch {
          layout = false;
          break;
        }
      }
    }
    if (layout && closed) return out;
  } finally {
    await handle.close();
  }
  // Another layout (JSON.stringify's single line, a file formatted by hand), or cut short: parsed whole.
  return JSON.parse(await fs.readFile(path, 'utf8')) as unknown;
}

/** Synced block originals a page holds, and the originals it shows through references. */
export function syncedBlocksOf(blocks: BlockNode[]): { holds: string[]; shows: string[] } {
  const holds: string[] = [];
  const shows: string[] = [];
  const walk = (nodes: BlockNode[]) => {
    for (const b of nodes) {
      if (b.type === 'synced_block') {
        const from = b.synced_block.synced_from;
        if (from?.type === 'block_id') shows.push(from.block_id);
        else holds.push(b.id);
      }
      walk(b.children);
    }
  };
  walk(blocks);
  return { holds, shows };
}

/** A page's API parent as the state keeps it: the id it sits in, or 'workspace'. */
export function parentKey(parent: unknown): string {
  const p = (parent ?? {}) as Record<string, unknown>;
  const id = p[p.type as string];
  return typeof id === 'string' && p.type !== 'workspace' ? id : 'workspace';
}

/**
 * The pages and databases a fetched page points at, sorted: relation values, page and database
 * mentions anywhere in its properties and blocks (synced content it shows included),
 * link_to_page targets, and the sub-pages and child databases its content lists.
 */
export function refsOf(unit: Pick<CrawledPage, 'page' | 'blocks'>): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    switch (o.type) {
      case 'mention': {
        const m = o.mention as Record<string, unknown> | undefined;
        const target = m && (m.type === 'page' || m.type === 'database') ? (m[m.type] as { id?: unknown } | undefined)?.id : undefined;
        if (typeof target === 'string') out.add(target);
        break;
      }
      case 'link_to_page': {
        const l = o.link_to_page as Record<string, unknown> | undefined;
        const target = l?.page_id ?? l?.database_id;
        if (typeof target === 'string') out.add(target);
        break;
      }
      case 'child_page':
      case 'child_database':
        if (typeof o.id === 'string' && o.object === 'block') out.add(o.id);
        break;
      case 'relation':
        if (Array.isArray(o.relation)) for (const r of o.relation as Array<{ id?: unknown }>) if (typeof r?.id === 'string') out.add(r.id);
        break;
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'parent' && x !== null && typeof x === 'object') walk(x);
  };
  walk(unit.page.properties);
  walk(unit.blocks);
  out.delete(unit.page.id);
  return [...out].sort();
}

/** What the previous sync's keyed hashes mean in this run (src/publish/run-privacy.ts answers). */
export interface PreviousPrivacy {
  /** Whether any of these hashes is of a page or database kept in this run. */
  revealsAny(hashes: readonly string[]): boolean;
  /** The ids behind the hashes of left-out rows, as listed in this run; null when one of them is kept now. */
  hiddenRows(hashes: readonly string[]): string[] | null;
}

/** Without privacy rules that leave pages out: no keyed hashes to read. */
const noPreviousPrivacy: PreviousPrivacy = { revealsAny: () => false, hiddenRows: () => [] };

/**
 * The previous sync as the crawl sees it, reading fetched pages back from its page cache. A
 * page whose cached bytes do not match its digest is fetched again (and said so once).
 */
export async function previousCrawl(
  outDir: string,
  state: SyncState,
  fs: OutputFs,
  warn: (message: string) => void,
  privacy: PreviousPrivacy = noPreviousPrivacy,
): Promise<PreviousCrawl & { close(): Promise<void> }> {
  const handle: FileHandle = await fs.open(join(outDir, STATE_DIR, state.cache), 'r');
  let warned = false;
  const load = async (id: string): Promise<CrawledPage | null> => {
    const p = state.pages[id];
    if (!p) return null;
    const [offset, length] = p.at;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    const json = buffer.toString('utf8');
    if (bytesRead !== length || sha256Of(json) !== p.checksum) {
      if (!warned) warn(`the page cache in ${join(outDir, STATE_DIR)} is damaged; pages it lost are fetched again`);
      warned = true;
      return null;
    }
    return JSON.parse(json) as CrawledPage;
  };
  return { ...previousFromState(state, load, privacy), close: () => handle.close().catch(() => {}) };
}

/** What pages hold and show of synced blocks, and what they point at (PageState's `holds`, `shows` and `refs`). */
type PageLinks = { holds?: readonly string[]; shows?: readonly string[]; refs?: readonly string[] };

/**
 * For pages with the synced block originals they hold and show (pure): the pages showing each
 * page's originals (`dependents`), and the pages showing an original none of them holds.
 */
export function syncedBlockDependents(pages: Iterable<[string, PageLinks]>): { dependents: Map<string, Set<string>>; unanchored: Set<string> } {
  const list = [...pages];
  const holderOf = new Map<string, string>();
  for (const [id, p] of list) for (const o of p.holds ?? []) holderOf.set(o, id);
  const dependents = new Map<string, Set<string>>();
  const unanchored = new Set<string>();
  for (const [id, p] of list) {
    for (const o of p.shows ?? []) {
      const holder = holderOf.get(o);
      if (holder === undefined) unanchored.add(id);
      else if (holder !== id) {
        let set = dependents.get(holder);
        if (!set) dependents.set(holder, (set = new Set()));
        set.add(id);
      }
    }
  }
  return { dependents, unanchored };
}

/** Who points at each page or database, for pages with what they point at (pure): the reverse of `refs`. */
export function referrersOf(pages: Iterable<[string, PageLinks]>): Map<string, string[]> {
  const referrers = new Map<string, string[]>();
  for (const [id, p] of pages) {
    for (const target of p.refs ?? []) {
      const list = referrers.get(target);
      if (list) list.push(id);
      else referrers.set(target, [id]);
    }
  }
  return referrers;
}

/**
 * The previous sync as the planner sees it (pure), with `load` reading a page back from the cache
 * and `privacy` telling what the state's keyed hashes stand for in this run.
 */
export function previousFromState(state: SyncState, load: PreviousCrawl['load'], privacy: PreviousPrivacy = noPreviousPrivacy): PreviousCrawl {
  const { dependents, unanchored } = syncedBlockDependents(Object.entries(state.pages));
  /** Who points at each page or database: the reverse of `refs`. */
  const referrers = referrersOf(Object.entries(state.pages));
  /** Blocks that are the parent of a page or database of the archive, with the page they sit in. */
  const blockPages = new Map<string, string | null>(Object.entries(state.blocks ?? {}).map(([b, p]) => [b, p === '' ? null : p]));
  for (const p of [...Object.values(state.pages), ...Object.values(state.databases)]) {
    if (p.under && p.parent !== p.under && !state.pages[p.parent] && !state.dataSources[p.parent] && !state.databases[p.parent]) blockPages.set(p.parent, p.under);
  }
  // Notion's clock and ours may differ a little: a minute's margin before the last run's start.
  const changedFrom = new Date(Math.floor(Date.parse(state.startedAt) / 60_000) * 60_000 - 60_000).toISOString();
  return {
    changedFrom,
    page: (id) => {
      const p = state.pages[id];
      // A page whose cache lost a mention of (or link to) something kept again is fetched again.
      const refetch = p?.retry === true || (p?.hid !== undefined && privacy.revealsAny(p.hid));
      return p ? { lastEdited: p.lastEdited, refetch, parent: p.parent, under: p.under ?? null } : undefined;
    },
    pageIds: () => Object.keys(state.pages),
    database: (id) => {
      const d = state.databases[id];
      return d ? { parent: d.parent, under: d.under ?? null, dataSources: d.dataSources } : undefined;
    },
    databaseIds: () => Object.keys(state.databases),
    rowsOf: (id) => {
      const rows = state.dataSources[id];
      const hidden = state.hiddenRows?.[id];
      if (!rows || !hidden || hidden.length === 0) return rows;
      // Left-out rows as this run's listing shows them; a row kept again means querying anew.
      const ids = privacy.hiddenRows(hidden);
      return ids === null ? undefined : [...rows, ...ids];
    },
    syncedDependents: (id) => dependents.get(id) ?? [],
    unanchoredSyncedPages: () => unanchored,
    referrers: (id) => referrers.get(id) ?? [],
    pointedAtWhenLeft: (id) => state.left?.[id] ?? [],
    blockPage: (id) => blockPages.get(id),
    load,
  };
}

/** A render kept in the state: its inputs' hash and the lists of what it looked up. */
const renderedOk = (r: unknown): boolean =>
  isRecord(r) &&
  isRecord(r.inputs) &&
  typeof r.inputs.hash === 'string' &&
  ['ids', 'users', 'files'].every((k) => (r.inputs as Record<string, unknown>)[k] === undefined || Array.isArray((r.inputs as Record<string, unknown>)[k]));

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * What the history needs of the snapshot a state describes (its pages' and databases' titles,
 * paths, parents and fingerprints), from the state alone; null when the state does not know all
 * of it (written by a version that kept no renders): then the snapshot is read.
 */
export function snapshotStateOf(state: SyncState): SnapshotState | null {
  const items = new Map<string, SnapshotItem>();
  for (const [id, p] of Object.entries(state.pages)) {
    if (!p.rendered || !p.summary) return null;
    items.set(id, { kind: 'page', id, title: p.rendered.title ?? p.summary.title, path: p.path, parentId: p.under ?? null, fingerprint: p.digest, files: { markdown: p.path, record: `records/${id}.json` } });
  }
  for (const [id, d] of Object.entries(state.databases)) {
    const r = d.rendered;
    if (!r) return null;
    const files: Record<string, string> = { json: r.entry.path, markdown: r.entry.path.replace(/\.json$/, '.md') };
    for (const s of r.entry.dataSources) files[`csv:${s.id}`] = s.csv;
    items.set(id, { kind: 'database', id, title: r.entry.title, path: r.entry.path, parentId: r.entry.parentId, fingerprint: r.fingerprint, files });
  }
  return { snapshotId: state.snapshotId, items };
}
