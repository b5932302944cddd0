import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { Report } from '../../src/normalise/schemas.js';
import type { DriftKind, DriftRule, DriftTransform } from '../../src/notion-server/drift.js';
import { startNotionServer } from '../../src/notion-server/server.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { runSync } from '../../src/run-sync.js';
import { latestSnapshot, readJson, tempDir } from '../support/cli.js';
import { driftWorkspace } from '../support/drift-workspace.js';

/**
 * Whole syncs (in-process, over real HTTP) against a local server that serves drifted objects:
 * optional keys left out or null at every object kind, unknown keys, unknown types, and
 * malformed required fields, which must fail only their own page or database.
 */

const TOKEN = ['secret', 'drift', 'token', '0123456789abcdefghijkl'].join('_');
type Obj = Record<string, unknown>;

interface Index {
  pages: Array<{ id: string; path: string; record: string }>;
  databases: Array<{ id: string; path: string }>;
}

interface SyncResult {
  exitCode: number;
  report: Report;
  index: Index;
  snapshotDir: string;
  /** Every file but those naming the run (report, manifest, index): path → text. */
  content: Map<string, string>;
}

const { workspace, ids } = driftWorkspace();
const blockOfType = (ws: WorkspaceData, type: string): string => Object.values(ws.blocks).find((b) => b.type === type && b.parentId === ids.root)!.id;

let tmp: Awaited<ReturnType<typeof tempDir>>;
let runs = 0;

async function sync(drift?: DriftTransform | DriftRule[], roots: string[] = []): Promise<SyncResult> {
  const server = await startNotionServer({ workspace: structuredClone(workspace), token: TOKEN, rateLimit: false, ...(drift ? { drift } : {}) });
  try {
    const out = join(tmp.dir, `run-${++runs}`);
    const resolved = resolveConfig({ fileValue: {}, env: { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl }, flags: { out, rate: 1000, root: roots } });
    if (!resolved.ok) throw new Error(resolved.issues.join('\n'));
    const outcome = await runSync({ config: resolved.config });
    const snapshotDir = await latestSnapshot(out);
    const content = new Map<string, string>();
    for (const f of await listFiles(snapshotDir)) {
      if (f === 'report.json' || f === 'manifest.json' || f === 'index.json' || f === 'changes.json' || f === 'CHANGELOG.md' || f === 'feed.json') continue;
      content.set(f, await readFile(join(snapshotDir, f), 'utf8'));
    }
    return { exitCode: outcome.exitCode, report: outcome.report, index: await readJson<Index>(join(snapshotDir, 'index.json')), snapshotDir, content };
  } finally {
    await server.close();
  }
}

const pageIds = (r: SyncResult) => r.index.pages.map((p) => p.id).sort();
const databaseIds = (r: SyncResult) => r.index.databases.map((d) => d.id).sort();
const failureSummary = (r: SyncResult) => r.report.failures.map((f) => ({ code: f.code, pageId: f.pageId, databaseId: f.databaseId }));

/**
 * The optional keys of each object kind (from the SDK's response types), as paths: `$type`
 * is the key named by the object's `type` (a block's payload, a property's value or config).
 */
const OPTIONAL_KEYS: Record<string, { kind: DriftKind; keys: string[] }> = {
  page: { kind: 'page', keys: ['icon', 'cover', 'created_by', 'last_edited_by', 'public_url', 'in_trash', 'archived', 'is_archived', 'is_locked', 'url', 'parent'] },
  database: {
    kind: 'database',
    keys: ['title', 'description', 'icon', 'cover', 'is_inline', 'public_url', 'in_trash', 'archived', 'is_locked', 'url', 'parent'],
  },
  'data source': {
    kind: 'data_source',
    keys: [
      'title',
      'description',
      'icon',
      'cover',
      'is_inline',
      'public_url',
      'in_trash',
      'archived',
      'created_by',
      'last_edited_by',
      'created_time',
      'last_edited_time',
      'database_parent',
      'url',
    ],
  },
  block: { kind: 'block', keys: ['created_by', 'last_edited_by', 'created_time', 'last_edited_time', 'has_children', 'in_trash', 'archived', 'parent'] },
  'block payload': {
    kind: 'block',
    keys: [
      '$type.caption',
      '$type.color',
      '$type.icon',
      '$type.is_toggleable',
      '$type.checked',
      '$type.language',
      '$type.name',
      '$type.table_width',
      '$type.has_column_header',
      '$type.has_row_header',
      '$type.title',
      '$type.expression',
      '$type.url',
    ],
  },
  user: { kind: 'user', keys: ['name', 'avatar_url', 'person', 'type'] },
  'property value': { kind: 'property_value', keys: ['id', '$type', 'has_more'] },
  'property item': { kind: 'property_item', keys: ['$type', 'has_more'] },
  'property schema': { kind: 'property_schema', keys: ['id', 'name', 'description', '$type', '$type.options', '$type.groups', '$type.format'] },
  'file object': { kind: 'file', keys: ['name', 'file.expiry_time', 'caption'] },
  'rich text': { kind: 'rich_text', keys: ['annotations', 'href', 'plain_text', 'type', 'text.link', 'annotations.color', 'annotations.bold'] },
};

/** Leaves out (or sets to null) the value at `path`; `$type` stands for the object's own type. */
function change(o: Obj, path: string, mode: 'omit' | 'null'): Obj {
  const [head, ...rest] = path.split('.');
  const key = head === '$type' ? String(o.type) : head!;
  if (!(key in o)) return o;
  if (rest.length === 0) {
    const out = { ...o };
    if (mode === 'omit') delete out[key];
    else out[key] = null;
    return out;
  }
  const inner = o[key];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return o;
  return { ...o, [key]: change(inner as Obj, rest.join('.'), mode) };
}

/** Drift that changes every listed key of every object of `kind`. */
function without(kind: DriftKind, keys: string[], mode: 'omit' | 'null'): DriftTransform {
  return (k, o) => (k === kind ? keys.reduce((acc, key) => change(acc, key, mode), o) : o);
}

describe('sync with API drift', () => {
  let clean: SyncResult;

  beforeAll(async () => {
    tmp = await tempDir('notion-kb-drift-');
    clean = await sync();
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('the clean run exports everything (the baseline)', () => {
    expect(clean.exitCode, JSON.stringify(clean.report.failures)).toBe(0);
    expect(pageIds(clean)).toEqual([ids.root!, ids.child!, ids.row1!, ids.row2!].sort());
    expect(databaseIds(clean)).toEqual([ids.database!]);
  });

  it('the real case: a database object without `description` is exported, with an empty description', async () => {
    const run = await sync([{ kind: 'database', omit: ['description'] }]);
    expect(run.exitCode, JSON.stringify(run.report.failures)).toBe(0);
    expect(pageIds(run)).toEqual(pageIds(clean));
    const record = await readJson<{ description: string; title: string }>(join(run.snapshotDir, run.index.databases[0]!.path));
    expect(record.description).toBe('');
    expect(record.title).toBe('Partners');
  });

  const cases = Object.entries(OPTIONAL_KEYS).flatMap(([label, { kind, keys }]) =>
    (['omit', 'null'] as const).map((mode) => ({ label, kind, keys, mode })),
  );
  it.each(cases)('$label: every optional key $mode → complete run, every page exported', async ({ kind, keys, mode }) => {
    let seen = 0;
    const drift = without(kind, keys, mode);
    const run = await sync((k, o) => {
      if (k === kind) seen++;
      return drift(k, o);
    });
    // The drift really reached objects of this kind.
    expect(seen).toBeGreaterThan(0);
    expect(run.exitCode, JSON.stringify(run.report.failures)).toBe(0);
    expect(run.report.failures).toEqual([]);
    expect(pageIds(run)).toEqual(pageIds(clean));
    expect(databaseIds(run)).toEqual(databaseIds(clean));
    // No block was lost to a renderer that tripped over a missing field (a bookmark without
    // URL is reported as such, which is right).
    expect(run.report.unrendered.filter((u) => u.reason.startsWith('renderer failed'))).toEqual([]);
    expect(run.report.unrendered.every((u) => /has no URL/.test(u.reason))).toBe(true);
    // Nothing was given up on either (such as the list of users, for names).
    expect(run.report.warnings).toEqual(clean.report.warnings);
  });

  it('unknown keys at every object kind are ignored: the snapshot is the clean one', async () => {
    const kinds: DriftKind[] = ['page', 'database', 'data_source', 'block', 'user', 'property_value', 'property_item', 'property_schema', 'file', 'rich_text'];
    const run = await sync(kinds.map((kind) => ({ kind, add: { future_field: { nested: [1, 2] }, another_new_flag: true } })));
    expect(run.exitCode, JSON.stringify(run.report.failures)).toBe(0);
    // Byte for byte, but for the digests: they cover what was fetched, and new keys were fetched.
    const withoutDigests = (c: Map<string, string>) => new Map([...c].map(([f, text]) => [f, text.replace(/"digest": "sha256:[0-9a-f]{64}"/, '"digest": "…"')]));
    expect(withoutDigests(run.content)).toEqual(withoutDigests(clean.content));
    const digestsChanged = [...run.content].filter(([f, text]) => f.startsWith('records/') && text !== clean.content.get(f));
    expect(digestsChanged.length).toBeGreaterThan(0);
  });

  describe('unknown types', () => {
    let run: SyncResult;
    const callout = blockOfType(workspace, 'callout');
    beforeAll(async () => {
      run = await sync([
        { kind: 'block', where: (o) => o.id === callout, setType: 'future_widget' },
        { kind: 'property_value', where: (o) => o.type === 'number', setType: 'future_number' },
        { kind: 'property_item', where: (o) => o.type === 'number', setType: 'future_number' },
        { kind: 'property_schema', where: (o) => o.type === 'url', setType: 'future_link' },
        { kind: 'rich_text', where: (o) => o.type === 'equation', setType: 'future_rich_text' },
        { kind: 'file', where: (o) => o.type === 'file', setType: 'future_file' },
        { kind: 'user', where: (o) => o.type === 'person', setType: 'future_person' },
      ]);
    });

    it('the run completes and every page is exported', () => {
      expect(run.exitCode, JSON.stringify(run.report.failures)).toBe(0);
      expect(pageIds(run)).toEqual(pageIds(clean));
      expect(databaseIds(run)).toEqual(databaseIds(clean));
    });

    it('an unknown block type shows a placeholder, is kept raw in the page record and listed in report.json', async () => {
      const root = run.index.pages.find((p) => p.id === ids.root)!;
      const markdown = await readFile(join(run.snapshotDir, root.path), 'utf8');
      expect(markdown).toContain('unknown block type "future\\_widget"');
      expect(markdown).toContain('Welcome to the');
      const record = await readJson<{ unrendered: Array<{ blockId: string; type: string; raw: Obj }> }>(join(run.snapshotDir, root.record));
      const kept = record.unrendered.find((u) => u.blockId === callout)!;
      expect(kept.type).toBe('future_widget');
      expect((kept.raw.future_widget as { rich_text: Array<{ plain_text: string }> }).rich_text[0]!.plain_text).toBe('Remember this');
      expect(run.report.unrendered).toContainEqual(expect.objectContaining({ pageId: ids.root, blockId: callout, type: 'future_widget' }));
    });

    it('an unknown property type is kept raw in the row record', async () => {
      const row = run.index.pages.find((p) => p.id === ids.row1)!;
      const record = await readJson<{ properties: Record<string, Obj> }>(join(run.snapshotDir, row.record));
      expect(record.properties.Size).toMatchObject({ type: 'future_number', unknown: true, raw: { future_number: 12 } });
    });

    it('a file object of unknown type is not downloaded: its block says so, nothing fails', () => {
      const image = blockOfType(workspace, 'image');
      expect(run.report.unrendered).toContainEqual(expect.objectContaining({ blockId: image, type: 'image', reason: expect.stringContaining('not available') }));
      expect(run.report.failures).toEqual([]);
    });

    it('an unknown rich text type keeps its plain text', async () => {
      const root = run.index.pages.find((p) => p.id === ids.root)!;
      expect(await readFile(join(run.snapshotDir, root.path), 'utf8')).toContain('E = mc^2');
    });
  });

  describe('a malformed required field fails only its page or database (exit 3)', () => {
    const cases: Array<{ name: string; drift: DriftRule[]; failed: { pageId?: string; databaseId?: string }; lost?: string[]; field: string }> = [
      { name: 'a page without id', drift: [{ kind: 'page', where: (o) => o.id === ids.child, omit: ['id'] }], failed: { pageId: ids.child! }, field: 'id' },
      {
        name: 'a page whose properties are not an object',
        drift: [{ kind: 'page', where: (o) => o.id === ids.child, add: { properties: 'oops' } }],
        failed: { pageId: ids.child! },
        field: 'properties',
      },
      {
        name: 'a database row whose properties are not an object (in the query result too)',
        drift: [{ kind: 'page', where: (o) => o.id === ids.row2, add: { properties: ['oops'] } }],
        failed: { pageId: ids.row2! },
        field: 'properties',
      },
      {
        name: 'a property value without type',
        drift: [{ kind: 'property_value', where: (o) => o.type === 'select' && (o.select as { name?: string } | null)?.name === 'DE', omit: ['type'] }],
        failed: { pageId: ids.row1! },
        field: 'properties.Country.type',
      },
      {
        name: 'a block without type',
        drift: [{ kind: 'block', where: (o) => o.id === blockOfType(workspace, 'quote'), omit: ['type'] }],
        failed: { pageId: ids.root! },
        field: 'type',
      },
      { name: 'a data source without properties', drift: [{ kind: 'data_source', omit: ['properties'] }], failed: { databaseId: ids.database! }, field: 'properties' },
      {
        name: 'a data source property without type',
        drift: [{ kind: 'property_schema', where: (o) => o.name === 'Site', omit: ['type'] }],
        failed: { databaseId: ids.database! },
        field: 'properties.Site.type',
      },
      { name: 'a database without data_sources', drift: [{ kind: 'database', omit: ['data_sources'] }], failed: { databaseId: ids.database! }, field: 'data_sources' },
      {
        name: 'a row without id in the query result (the row cannot be named: its database fails, the other row is exported)',
        drift: [{ kind: 'page', where: (o) => o.id === ids.row2, omit: ['id'] }],
        failed: { databaseId: ids.database! },
        lost: [ids.row2!],
        field: 'id',
      },
    ];

    it.each(cases)('$name', async ({ drift, failed, lost = [], field }) => {
      const run = await sync(drift);
      expect(run.exitCode).toBe(3);
      expect(failureSummary(run)).toEqual([{ code: 'malformed_object', pageId: failed.pageId, databaseId: failed.databaseId }]);
      const message = run.report.failures[0]!.message;
      expect(message).toContain(field);
      if (failed.pageId) expect(message).toContain(failed.pageId);
      // Everything else is exported (a failed page whose content could not be read keeps its record).
      const expected = pageIds(clean).filter((id) => !lost.includes(id) && (id !== failed.pageId || failed.pageId === ids.root));
      expect(pageIds(run)).toEqual(expected);
      if (!failed.databaseId) expect(databaseIds(run)).toEqual(databaseIds(clean));
    });
  });

  it('a malformed root (given in the config) fails alone, by id', async () => {
    const run = await sync(
      [
        { kind: 'page', where: (o) => o.id === ids.child, add: { created_time: 'not a time' } },
        { kind: 'database', omit: ['data_sources'] },
      ],
      [ids.child!, ids.database!, ids.row1!],
    );
    expect(run.exitCode).toBe(3);
    // The two roots are read side by side: their order in the report is not fixed.
    expect(failureSummary(run)).toHaveLength(2);
    expect(failureSummary(run)).toEqual(
      expect.arrayContaining([
        { code: 'malformed_object', pageId: ids.child, databaseId: undefined },
        { code: 'malformed_object', pageId: undefined, databaseId: ids.database },
      ]),
    );
    expect(run.report.failures.find((f) => f.pageId === ids.child)!.message).toContain('created_time');
    expect(run.report.failures.find((f) => f.databaseId === ids.database)!.message).toContain('data_sources');
    expect(pageIds(run)).toEqual([ids.row1!]);
  });

  it('a listed user without id is skipped: names of the others remain, the run is complete', async () => {
    const run = await sync([{ kind: 'user', where: (o) => o.type === 'bot', omit: ['id'] }]);
    expect(run.exitCode, JSON.stringify(run.report.failures)).toBe(0);
    expect(pageIds(run)).toEqual(pageIds(clean));
  });
});
