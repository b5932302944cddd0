import { join } from 'node:path';
import { NotionKbError } from '../errors.js';
import { IndexSchema, type Index } from '../normalise/schemas.js';
import { nodeOutputFs, type OutputFs } from './output-fs.js';
import { databaseFingerprint, type SnapshotItem, type SnapshotState } from '../history/diff-snapshots.js';

/**
 * Reads what the history needs of a snapshot directory (published or staging): index.json,
 * every page record's digest and every database record. Records are read a few at a time and
 * only their fingerprints kept.
 */
export async function readSnapshotState(dir: string, fs: OutputFs = nodeOutputFs, opts: { trusted?: boolean } = {}): Promise<SnapshotState> {
  const index = await readIndex(dir, fs, opts.trusted ?? false);
  const items = new Map<string, SnapshotItem>();
  const readRecord = async (path: string): Promise<Record<string, unknown> | null> => {
    try {
      return JSON.parse(await fs.readFile(join(dir, path), 'utf8')) as Record<string, unknown>;
    } catch {
      // A missing or broken record: the item is still compared by path and title (verify reports the damage).
      return null;
    }
  };
  for (const p of index.pages) {
    items.set(p.id, { kind: 'page', id: p.id, title: p.title, path: p.path, parentId: p.parentId, fingerprint: null, files: { markdown: p.path, record: p.record } });
  }
  for (const d of index.databases) {
    const files: Record<string, string> = { json: d.path, markdown: d.path.replace(/\.json$/, '.md') };
    for (const s of d.dataSources) files[`csv:${s.id}`] = s.csv;
    items.set(d.id, { kind: 'database', id: d.id, title: d.title, path: d.path, parentId: d.parentId, fingerprint: null, files });
  }
  const work: Array<() => Promise<void>> = [
    ...index.pages.map((p) => async () => {
      items.get(p.id)!.fingerprint = await readDigest(p.record);
    }),
    ...index.databases.map((d) => async () => {
      const record = await readRecord(d.path);
      items.get(d.id)!.fingerprint = record === null ? null : databaseFingerprint(record);
    }),
  ];
  // Only the digest of a page record is needed: found as the key's text, without parsing the record.
  const readDigest = async (path: string): Promise<string | null> => {
    let text: string;
    try {
      text = await fs.readFile(join(dir, path), 'utf8');
    } catch {
      return null;
    }
    // Inside a JSON string every quote is escaped, so this text can only be the key itself.
    const at = text.lastIndexOf('"digest": "');
    const found = at === -1 ? null : /^"digest": "(sha256:[0-9a-f]{64})"/.exec(text.slice(at, at + 90));
    if (found) return found[1]!;
    try {
      const digest = (JSON.parse(text) as Record<string, unknown>).digest;
      return typeof digest === 'string' ? digest : null;
    } catch {
      return null;
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, work.length) }, async () => {
      while (next < work.length) await work[next++]!();
    }),
  );
  return { snapshotId: index.snapshotId, items };
}

/**
 * index.json, checked against its schema; a `trusted` one (the staging directory this run just
 * wrote) is only parsed: checking tens of thousands of entries again costs time and a second
 * copy of the index in memory at the run's peak.
 */
async function readIndex(dir: string, fs: OutputFs, trusted: boolean): Promise<Index> {
  const file = join(dir, 'index.json');
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotionKbError('usage', `${dir} is not a snapshot (it has no index.json)`);
    throw err;
  }
  let parsed: ReturnType<typeof IndexSchema.safeParse>;
  try {
    if (trusted) return JSON.parse(raw) as Index;
    parsed = IndexSchema.safeParse(JSON.parse(raw));
  } catch {
    throw new NotionKbError('usage', `${file} is not valid JSON`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NotionKbError('usage', `${file} is not a valid index: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}
