import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import { NotionKbError } from '../errors.js';
import type { DatabaseEntry, DatabaseRecord, Index, PageEntry, PageRecord } from '../normalise/schemas.js';
import { ShippedSchemas } from './shipped-schema.js';

/** The `schemaVersion`s this reader understands (see the README's compatibility policy). */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];

export interface OpenSnapshotOptions {
  /**
   * Validate index.json and every record read against the JSON Schema shipped in the snapshot
   * (default true). Off, files are only parsed: faster for a snapshot already verified.
   */
  validate?: boolean;
}

/** One published snapshot, read lazily: records and Markdown are read when asked for. */
export interface Snapshot {
  /** Absolute path of the snapshot directory. */
  readonly dir: string;
  readonly snapshotId: string;
  readonly schemaVersion: number;
  /** index.json: every page and database entry, and the backlinks. */
  readonly index: Index;
  /** Every page record (database rows included), in index order, read one at a time. */
  pages(): AsyncIterable<PageRecord>;
  /** The index entry of a page, or undefined when the snapshot has no such page. */
  page(id: string): PageEntry | undefined;
  /** A page's JSON record. Throws when the snapshot has no such page. */
  record(id: string): Promise<PageRecord>;
  /** A page's Markdown file, or a database's overview page. */
  markdown(id: string): Promise<string>;
  /** Every database record with its data sources, schemas and typed rows, one at a time. */
  databases(): AsyncIterable<DatabaseRecord>;
  /** A database's record. Throws when the snapshot has no such database. */
  database(id: string): Promise<DatabaseRecord>;
  /** The index entries of the pages that link to `id` (a page or a database). */
  backlinks(id: string): PageEntry[];
  /** The absolute file of a snapshot-relative path (an asset, a Markdown file…); refuses paths leaving the snapshot. */
  assetPath(path: string): string;
}

/**
 * Opens a snapshot directory (`<out>/snapshots/<id>`). Checks its `schemaVersion` first (a
 * snapshot of a version this reader does not know is refused with a clear error), then validates
 * index.json against the snapshot's own `schema/index.schema.json`.
 */
export async function openSnapshot(dir: string, opts: OpenSnapshotOptions = {}): Promise<Snapshot> {
  const root = resolve(dir);
  if (!(await stat(root).catch(() => null))?.isDirectory()) {
    throw new NotionKbError('usage', `${root} is not a directory: name a snapshot directory (<out>/snapshots/<id>) or open the output directory with openArchive`);
  }
  const schemas = opts.validate === false ? null : new ShippedSchemas(root);
  const raw = (await readJson(root, 'index.json')) as { schemaVersion?: unknown };
  if (raw === null || typeof raw !== 'object' || !('schemaVersion' in raw)) {
    throw new NotionKbError('usage', `${join(root, 'index.json')} has no schemaVersion: it is not a notion-kb snapshot index`);
  }
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(raw.schemaVersion as number)) {
    throw new NotionKbError(
      'usage',
      `${join(root, 'index.json')} has schemaVersion ${JSON.stringify(raw.schemaVersion)}; this reader reads schemaVersion ${SUPPORTED_SCHEMA_VERSIONS.join(' and ')}: install a notion-kb package that reads it`,
    );
  }
  await schemas?.check('index.schema.json', raw, 'index.json');
  const index = raw as Index;
  const pagesById = new Map(index.pages.map((p) => [p.id, p]));
  const databasesById = new Map(index.databases.map((d) => [d.id, d]));

  const pageEntry = (id: string): PageEntry => {
    const entry = pagesById.get(id);
    if (!entry) throw new NotionKbError('not_found', `snapshot ${index.snapshotId} has no page ${id}${databasesById.has(id) ? ' (it is a database: use database(id))' : ''}`);
    return entry;
  };
  const databaseEntry = (id: string): DatabaseEntry => {
    const entry = databasesById.get(id);
    if (!entry) throw new NotionKbError('not_found', `snapshot ${index.snapshotId} has no database ${id}${pagesById.has(id) ? ' (it is a page: use record(id))' : ''}`);
    return entry;
  };
  const readRecord = async (entry: PageEntry): Promise<PageRecord> => {
    const value = await readJson(root, entry.record);
    await schemas?.check('page-record.schema.json', value, entry.record);
    return value as PageRecord;
  };
  const readDatabase = async (entry: DatabaseEntry): Promise<DatabaseRecord> => {
    const value = await readJson(root, entry.path);
    await schemas?.check('database-record.schema.json', value, entry.path);
    return value as DatabaseRecord;
  };
  const assetPath = (path: string): string => {
    const normal = posix.normalize(path);
    const file = resolve(root, normal);
    if (isAbsolute(path) || normal.startsWith('..') || !file.startsWith(root + sep)) {
      throw new NotionKbError('usage', `${path} is not a path inside the snapshot (paths in a snapshot are relative to its root)`);
    }
    return file;
  };

  return {
    dir: root,
    snapshotId: index.snapshotId,
    schemaVersion: index.schemaVersion,
    index,
    async *pages() {
      for (const entry of index.pages) yield await readRecord(entry);
    },
    page: (id) => pagesById.get(id),
    record: async (id) => readRecord(pageEntry(id)),
    async markdown(id) {
      const db = databasesById.get(id);
      const path = db ? db.path.replace(/\.json$/, '.md') : pageEntry(id).path;
      return readFile(assetPath(path), 'utf8');
    },
    async *databases() {
      for (const entry of index.databases) yield await readDatabase(entry);
    },
    database: async (id) => readDatabase(databaseEntry(id)),
    backlinks: (id) => (index.backlinks[id] ?? []).flatMap((from) => pagesById.get(from) ?? []),
    assetPath,
  };
}

async function readJson(dir: string, path: string): Promise<unknown> {
  const file = join(dir, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new NotionKbError('usage', missing ? `${file} is missing (is ${dir} a notion-kb snapshot? "notion-kb verify" checks one)` : `${file} cannot be read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new NotionKbError('usage', `${file} is not valid JSON (${(err as Error).message}): the snapshot is damaged, run "notion-kb verify" on it`);
  }
}
