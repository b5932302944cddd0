// The JSON contract as the README states it (its field reference table and examples) against
// the JSON Schemas shipped in every snapshot, in both directions, and against a real snapshot
// of the demo wiki.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonSchemas, SCHEMA_VERSION, type JsonSchemaFileName } from '../../src/normalise/json-schema.js';
import type { Index } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { readJson, REPO_ROOT, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

type Schema = Record<string, any>;
/** One object of the contract: its fields, `optional` those that may be absent. */
interface ObjectFields {
  fields: Set<string>;
  optional: Set<string>;
}
/** file → object path (`$`, `$.pages[]`, …) → fields. */
type Contract = Map<string, Map<string, ObjectFields>>;

const FILE_SCHEMAS: Record<string, JsonSchemaFileName> = {
  'latest.json': 'latest.schema.json',
  'index.json': 'index.schema.json',
  'page record': 'page-record.schema.json',
  'database record': 'database-record.schema.json',
  'manifest.json': 'manifest.schema.json',
  'report.json': 'report.schema.json',
  'changes.json': 'changes.schema.json',
  'feed.json': 'feed.schema.json',
  'redirects.json': 'redirects.schema.json',
};

function contractSection(readme: string): string {
  const start = readme.indexOf('## The JSON contract');
  const end = readme.indexOf('\n## ', start + 1);
  expect(start, 'README has "## The JSON contract"').toBeGreaterThan(-1);
  return readme.slice(start, end);
}

/** The README's field reference table. */
function readmeContract(section: string): Contract {
  const out: Contract = new Map();
  const rows = section.split('\n').filter((l) => /^\| (`[^`]+`|page record|database record) \| `\$/.test(l));
  for (const row of rows) {
    const [file, objects, fields] = row.split('|').slice(1, 4).map((c) => c.trim());
    const name = file!.replace(/`/g, '');
    const names = [...fields!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    for (const path of [...objects!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)) {
      const byPath = out.get(name) ?? new Map<string, ObjectFields>();
      byPath.set(path, { fields: new Set(names.map((n) => n.replace(/\?$/, ''))), optional: new Set(names.filter((n) => n.endsWith('?')).map((n) => n.slice(0, -1))) });
      out.set(name, byPath);
    }
  }
  return out;
}

const deref = (root: Schema, s: Schema | undefined): Schema | undefined => {
  while (s && typeof s.$ref === 'string') s = s.$ref === '#' ? root : root.$defs?.[s.$ref.slice('#/$defs/'.length)];
  return s;
};
/** The object schema of `s`: itself, or the one object branch of a nullable union; null for maps and unions of objects. */
function objectOf(root: Schema, s: Schema | undefined): Schema | null {
  const d = deref(root, s);
  if (!d) return null;
  if (d.type === 'object' && d.properties) return d;
  const alternatives = ((d.anyOf ?? d.oneOf) as Schema[] | undefined)?.map((x) => deref(root, x)!).filter((x) => x.type !== 'null');
  return alternatives?.length === 1 ? objectOf(root, alternatives[0]) : null;
}
/** Every object of a shipped schema, by path, with its fields. */
function schemaContract(root: Schema): Map<string, ObjectFields> {
  const out = new Map<string, ObjectFields>();
  const walk = (s: Schema | undefined, path: string) => {
    const o = objectOf(root, s);
    if (!o) return;
    const required = new Set<string>(o.required ?? []);
    out.set(path, { fields: new Set(Object.keys(o.properties)), optional: new Set(Object.keys(o.properties).filter((k) => !required.has(k))) });
    for (const [k, v] of Object.entries<Schema>(o.properties)) {
      const d = deref(root, v);
      if (d?.type === 'array') walk(d.items, `${path}.${k}[]`);
      else walk(v, `${path}.${k}`);
    }
  };
  walk(root, '$');
  return out;
}

/** The values at an object path of a JSON value (every element of every array on the way). */
function valuesAt(value: unknown, path: string): Array<Record<string, unknown>> {
  let current: unknown[] = [value];
  for (const step of path.replace(/^\$/, '').split('.').filter(Boolean)) {
    const key = step.replace(/\[\]$/, '');
    current = current.flatMap((v) => (v && typeof v === 'object' ? [(v as Record<string, unknown>)[key]] : [])).filter((v) => v !== undefined && v !== null);
    if (step.endsWith('[]')) current = current.flatMap((v) => (Array.isArray(v) ? v : []));
  }
  return current.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
}

/** Keys of every object in a README JSON example (`"key":`). */
const exampleKeys = (json: string) => new Set([...json.matchAll(/"([A-Za-z_][A-Za-z0-9_]*)"\s*:/g)].map((m) => m[1]!));

describe('the JSON contract: README, shipped JSON Schemas and the demo snapshot agree', () => {
  let readme: string;
  let documented: Contract;
  const schemas = buildJsonSchemas() as Record<JsonSchemaFileName, Schema>;
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let snapshotDir: string;
  const files = new Map<string, unknown[]>();

  beforeAll(async () => {
    readme = contractSection(await readFile(join(REPO_ROOT, 'README.md'), 'utf8'));
    documented = readmeContract(readme);
    server = await startNotionServer({ workspace: buildDemo().workspace, token: 'secret_contract_token_0123456789abcdef', rateLimit: false });
    out = await tempDir();
    const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: 'secret_contract_token_0123456789abcdef', out: out.dir });
    expect(outcome.exitCode).toBe(0);
    snapshotDir = outcome.snapshotDir;
    const index = await readJson<Index>(join(snapshotDir, 'index.json'));
    files.set('latest.json', [await readJson(join(out.dir, 'latest.json'))]);
    for (const f of ['index.json', 'manifest.json', 'report.json', 'changes.json', 'feed.json', 'redirects.json']) files.set(f, [await readJson(join(snapshotDir, f))]);
    files.set('page record', await Promise.all(index.pages.map((p) => readJson(join(snapshotDir, p.record)))));
    files.set('database record', await Promise.all(index.databases.map((d) => readJson(join(snapshotDir, d.path)))));
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await out?.cleanup();
  });

  it('the README documents every file of the contract, and the check sees its table', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(FILE_SCHEMAS).filter((f) => f !== 'redirects.json').sort());
    expect(documented.get('index.json')!.get('$.pages[]')!.fields.has('lastEditedTime')).toBe(true);
    expect(documented.get('report.json')!.get('$.counts')!.optional).toEqual(new Set(['pagesReused', 'filesLinked', 'pagesRendered', 'databasesRendered']));
  });

  it.each(Object.entries(FILE_SCHEMAS))('%s: every object and field of the schema is in the README, and no other', (file, schemaFile) => {
    const fromSchema = schemaContract(schemas[schemaFile]);
    const fromReadme = documented.get(file) ?? new Map<string, ObjectFields>();
    expect([...fromReadme.keys()].sort(), 'objects').toEqual([...fromSchema.keys()].sort());
    for (const [path, { fields, optional }] of fromSchema) {
      expect([...(fromReadme.get(path)?.fields ?? [])].sort(), `${file} ${path}`).toEqual([...fields].sort());
      expect([...(fromReadme.get(path)?.optional ?? [])].sort(), `${file} ${path} optional (?)`).toEqual([...optional].sort());
    }
  });

  it('every shipped schema has an $id and the contract version', () => {
    for (const [file, schema] of Object.entries(schemas)) {
      expect(schema.$id, file).toBe(file);
      expect(schema['x-schema-version'], file).toBe(SCHEMA_VERSION);
    }
    expect(readme).toContain(`## The JSON contract (version ${SCHEMA_VERSION})`);
  });

  it('every documented field is in the demo snapshot (optional ones may be absent), on every object', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const [file, byPath] of documented) {
      for (const [path, { fields, optional }] of byPath) {
        const objects = (files.get(file) ?? []).flatMap((v) => valuesAt(v, path));
        for (const o of objects) {
          checked++;
          for (const f of fields) if (!optional.has(f) && !(f in o)) missing.push(`${file} ${path}.${f}`);
          for (const k of Object.keys(o)) if (!fields.has(k)) missing.push(`${file} ${path}: undocumented ${k}`);
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
    expect(checked).toBeGreaterThan(500);
    // Objects the demo has, so the check above was not vacuous for them.
    for (const [file, path] of [['index.json', '$.databases[].dataSources[]'], ['page record', '$.assets[]'], ['page record', '$.unrendered[]'], ['database record', '$.dataSources[].rows[]'], ['feed.json', '$.items[]._notion_kb'], ['changes.json', '$.added[]']] as const) {
      expect(files.get(file)!.flatMap((v) => valuesAt(v, path)).length, `${file} ${path}`).toBeGreaterThan(0);
    }
  });

  it('the README examples of index.json and changes.json use only documented fields', () => {
    const blocks = [...readme.matchAll(/`(index|changes)\.json`:\n\n```json\n([\s\S]*?)```/g)];
    expect(blocks.map((b) => b[1])).toEqual(['index', 'changes']);
    for (const [, name, json] of blocks) {
      const known = new Set([...documented.get(`${name}.json`)!.values()].flatMap((o) => [...o.fields]));
      expect([...exampleKeys(json!)].filter((k) => !known.has(k)), `${name}.json example`).toEqual([]);
    }
  });
});
