import { z } from 'zod';
import { ChangesSchema, DatabaseRecordSchema, FeedSchema, IndexSchema, LatestPointerSchema, ManifestSchema, PageRecordSchema, RedirectsSchema, ReportSchema } from './schemas.js';

/** The JSON Schema dialect of every shipped schema file. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The contract version every shipped schema states as `x-schema-version`, equal to the
 * `schemaVersion` of index.json and changes.json: additive changes keep it, a breaking one bumps it.
 */
export const SCHEMA_VERSION = 1;

const FILES = {
  'index.schema.json': { schema: IndexSchema, title: 'notion-kb index.json', description: 'What a notion-kb snapshot contains: pages, databases and backlinks.' },
  'page-record.schema.json': { schema: PageRecordSchema, title: 'notion-kb page record', description: 'The JSON record of one exported Notion page.' },
  'database-record.schema.json': { schema: DatabaseRecordSchema, title: 'notion-kb database record', description: 'The JSON record of one exported Notion database with its data sources, schemas and rows.' },
  'manifest.schema.json': { schema: ManifestSchema, title: 'notion-kb manifest.json', description: 'Every file of a snapshot with its SHA-256 and size.' },
  'report.schema.json': { schema: ReportSchema, title: 'notion-kb report.json', description: 'What an export run did and everything that did not survive it.' },
  'latest.schema.json': { schema: LatestPointerSchema, title: 'notion-kb latest.json', description: 'Pointer to the newest complete snapshot.' },
  'changes.schema.json': { schema: ChangesSchema, title: 'notion-kb changes.json', description: 'What changed since the previous snapshot: pages and databases added, updated, moved, renamed and removed.' },
  'feed.schema.json': { schema: FeedSchema, title: 'notion-kb feed.json', description: 'JSON Feed 1.1 of the pages added or updated in the snapshot.' },
  'redirects.schema.json': { schema: RedirectsSchema, title: 'notion-kb redirects.json', description: 'Old path to new path of every file of a moved or renamed page or database.' },
} as const;

/** Name of a shipped JSON Schema file. */
export type JsonSchemaFileName = keyof typeof FILES;

/**
 * The JSON Schema (draft 2020-12) files shipped in every snapshot, by file name, generated from
 * the zod schemas. `$id` is the file name, so a schema resolves relative to where it is stored;
 * `x-schema-version` is the contract version (SCHEMA_VERSION).
 * Checks zod cannot express in JSON Schema (a non-external file must have `url: null`) are stated
 * in the field descriptions; `notion-kb verify` validates with the zod schemas themselves.
 * Deterministic: the same notion-kb version always gives the same bytes.
 */
export function buildJsonSchemas(): Record<JsonSchemaFileName, Record<string, unknown>> {
  const out = {} as Record<JsonSchemaFileName, Record<string, unknown>>;
  for (const [file, { schema, title, description }] of Object.entries(FILES) as Array<[JsonSchemaFileName, (typeof FILES)[JsonSchemaFileName]]>) {
    out[file] = hoistRoot(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'throw' }), file, title, description);
  }
  return out;
}

/** zod puts a root with a registry id under `$defs` and `$ref`s it; consumers read better with the root inline. */
function hoistRoot(generated: Record<string, unknown>, id: string, title: string, description: string): Record<string, unknown> {
  const { $schema: _dialect, $ref, $defs, ...rest } = generated as { $schema?: string; $ref?: string; $defs?: Record<string, unknown> } & Record<string, unknown>;
  const defs = { ...($defs ?? {}) };
  let root: Record<string, unknown> = rest;
  const rootRef = typeof $ref === 'string' && $ref.startsWith('#/$defs/') ? $ref : null;
  if (rootRef !== null && Object.keys(rest).length === 0) {
    const name = rootRef.slice('#/$defs/'.length);
    root = defs[name] as Record<string, unknown>;
    delete defs[name];
  }
  const result: Record<string, unknown> = { $schema: JSON_SCHEMA_DIALECT, $id: id, 'x-schema-version': SCHEMA_VERSION, title, ...root, description };
  if (Object.keys(defs).length > 0) result.$defs = defs;
  return rootRef === null ? result : (retarget(result, rootRef) as Record<string, unknown>);
}

function retarget(node: unknown, rootRef: string): unknown {
  if (Array.isArray(node)) return node.map((n) => retarget(n, rootRef));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && v === rootRef ? '#' : retarget(v, rootRef)]));
}
