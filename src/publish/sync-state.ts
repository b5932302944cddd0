import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetOutcome } from '../assets/asset-collector.js';
import { sha256Of } from '../normalise/page-digest.js';
import type { BlockNode } from '../source/block-tree.js';
import type { CrawledPage, PreviousCrawl } from '../source/crawl-types.js';
import type { OutputFs } from './output-fs.js';
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
  /** The page cache: a file name in the state directory. */
  cache: string;
  pages: Record<string, PageState>;
  /** Data source id → row ids in query order. */
  dataSources: Record<string, string[]>;
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
}

export interface AssetState {
  /** The file's location without the signature of its URL (Notion's signed URLs change at every fetch). */
  identity: string;
  outcome: AssetOutcome;
}

const FORMAT = 'notion-kb/sync-state';
const VERSION = 1;
export const STATE_DIR = 'state';
const STATE_FILE = 'sync-state.json';

/** The sync state file of an output directory. */
export const syncStatePath = (outDir: string) => join(outDir, STATE_DIR, STATE_FILE);

export { fileIdentity } from '../assets/asset-collector.js';

/** The settings that decide what a sync fetches and keeps. */
export function configKey(c: { roots: string[]; baseUrl: string; external: string; maxBytes: number; privacy?: unknown }): string {
  // The privacy rules count only when set, so that a state written before they existed stays usable.
  const text = JSON.stringify({ roots: [...c.roots].sort(), baseUrl: c.baseUrl, external: c.external, maxBytes: c.maxBytes, ...(c.privacy ? { privacy: c.privacy } : {}) });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export type StateRead = { state: SyncState } | { reason: string };

/** Reads the sync state; any problem is a reason for a full crawl, never an error. */
export async function readSyncState(outDir: string, fs: OutputFs, expect: { snapshotId: string | null; configKey: string }): Promise<StateRead> {
  let raw: string;
  try {
    raw = await fs.readFile(join(outDir, STATE_DIR, STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { reason: 'there is no sync state yet' };
    return { reason: `the sync state could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  let state: SyncState;
  try {
    state = JSON.parse(raw) as SyncState;
  } catch {
    return { reason: `the sync state ${join(outDir, STATE_DIR, STATE_FILE)} is not valid JSON` };
  }
  if (state === null || typeof state !== 'object' || state.format !== FORMAT) return { reason: 'the sync state is not one notion-kb wrote' };
  if (state.version !== VERSION) return { reason: `the sync state is from another version of notion-kb (format ${String(state.version)}, this one reads ${VERSION})` };
  const shapeOk =
    typeof state.snapshotId === 'string' &&
    typeof state.startedAt === 'string' &&
    !Number.isNaN(Date.parse(state.startedAt)) &&
    typeof state.cache === 'string' &&
    /^[\w.-]+$/.test(state.cache) &&
    isRecord(state.pages) &&
    isRecord(state.dataSources) &&
    isRecord(state.assets) &&
    Object.values(state.pages).every(
      (p) => isRecord(p) && typeof p.lastEdited === 'string' && typeof p.checksum === 'string' && Array.isArray(p.at) && Array.isArray(p.assets),
    ) &&
    Object.values(state.dataSources).every((rows) => Array.isArray(rows));
  if (!shapeOk) return { reason: 'the sync state is damaged' };
  if (state.configKey !== expect.configKey) return { reason: 'the roots, the file settings or the API origin changed since the last sync' };
  if (state.snapshotId !== expect.snapshotId) {
    return { reason: `the sync state describes snapshot ${state.snapshotId}, but latest.json points at ${expect.snapshotId ?? 'nothing'}` };
  }
  try {
    await fs.stat(join(outDir, STATE_DIR, state.cache));
  } catch {
    return { reason: 'the page cache of the sync state is missing' };
  }
  return { state };
}

/** Writes the state through a temporary file and a rename, then removes page caches it no longer names. */
export async function writeSyncState(outDir: string, state: SyncState, fs: OutputFs): Promise<void> {
  const dir = join(outDir, STATE_DIR);
  await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${STATE_FILE}.${process.pid}.tmp`);
  // Internal, read back only by notion-kb: plain JSON (canonical key order would copy every entry at the run's end).
  await writeStreamed(tmp, stateJson(state), fs);
  await fs.rename(tmp, join(dir, STATE_FILE));
  for (const name of await fs.readdir(dir)) {
    if (name !== STATE_FILE && name !== state.cache && name.endsWith('.spool')) await fs.rm(join(dir, name), { force: true });
  }
}

/** Records of the state with an entry per page, data source or file: written an entry at a time. */
const PER_ITEM = new Set(['pages', 'dataSources', 'assets']);

/** JSON.stringify(state)'s text in pieces: a state of 10,000 pages is a string of several MB. */
export function* stateJson(state: SyncState): Generator<string> {
  let before = '{';
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    yield `${before}${JSON.stringify(key)}:`;
    before = ',';
    if (!PER_ITEM.has(key)) {
      yield JSON.stringify(value);
      continue;
    }
    let inner = '{';
    const record = value as Record<string, unknown>;
    for (const id in record) {
      if (record[id] === undefined) continue;
      yield `${inner}${JSON.stringify(id)}:${JSON.stringify(record[id])}`;
      inner = ',';
    }
    yield inner === '{' ? '{}' : '}';
  }
  yield before === '{' ? '{}' : '}';
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

/**
 * The previous sync as the crawl sees it, reading fetched pages back from its page cache. A
 * page whose cached bytes do not match its digest is fetched again (and said so once).
 */
export async function previousCrawl(outDir: string, state: SyncState, fs: OutputFs, warn: (message: string) => void): Promise<PreviousCrawl & { close(): Promise<void> }> {
  const handle: FileHandle = await fs.open(join(outDir, STATE_DIR, state.cache), 'r');
  const holderOf = new Map<string, string>();
  for (const [id, p] of Object.entries(state.pages)) for (const o of p.holds ?? []) holderOf.set(o, id);
  const dependents = new Map<string, Set<string>>();
  const unanchored = new Set<string>();
  for (const [id, p] of Object.entries(state.pages)) {
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
  // Notion's clock and ours may differ a little: a minute's margin before the last run's start.
  const changedFrom = new Date(Math.floor(Date.parse(state.startedAt) / 60_000) * 60_000 - 60_000).toISOString();
  let warned = false;
  return {
    changedFrom,
    page: (id) => {
      const p = state.pages[id];
      return p ? { lastEdited: p.lastEdited, refetch: p.retry === true } : undefined;
    },
    pageIds: () => Object.keys(state.pages),
    rowsOf: (id) => state.dataSources[id],
    syncedDependents: (id) => dependents.get(id) ?? [],
    unanchoredSyncedPages: () => unanchored,
    async load(id): Promise<CrawledPage | null> {
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
    },
    close: () => handle.close().catch(() => {}),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
