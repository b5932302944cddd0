import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildJsonSchemas, JSON_SCHEMA_DIALECT, SCHEMA_VERSION, type JsonSchemaFileName } from '../../src/normalise/json-schema.js';
import { ChangesSchema, DatabaseRecordSchema, FeedSchema, IndexSchema, LatestPointerSchema, ManifestSchema, PageRecordSchema, RedirectsSchema, ReportSchema } from '../../src/normalise/schemas.js';
import { unsupportedKeywords, validate, walkSchemas } from './mini-json-schema.js';
import { sampleRecords } from './sample-records.js';

const ZOD: Record<JsonSchemaFileName, z.ZodType> = {
  'index.schema.json': IndexSchema,
  'page-record.schema.json': PageRecordSchema,
  'database-record.schema.json': DatabaseRecordSchema,
  'manifest.schema.json': ManifestSchema,
  'report.schema.json': ReportSchema,
  'latest.schema.json': LatestPointerSchema,
  'changes.schema.json': ChangesSchema,
  'redirects.schema.json': RedirectsSchema,
  'feed.schema.json': FeedSchema,
};
const FILES = Object.keys(ZOD) as JsonSchemaFileName[];
const schemas = buildJsonSchemas();
const samples = sampleRecords();

/** Deep copy with `edit` applied, for negative cases. */
function mutate<T>(value: T, edit: (copy: any) => void): unknown {
  const copy = structuredClone(value);
  edit(copy);
  return copy;
}

describe('buildJsonSchemas', () => {
  it('builds exactly the shipped files', () => {
    expect(Object.keys(schemas).sort()).toEqual([...FILES].sort());
  });

  it.each(FILES)('%s is a draft 2020-12 schema with $id, x-schema-version, title and resolvable refs', (file) => {
    const s = schemas[file];
    expect(s.$schema).toBe(JSON_SCHEMA_DIALECT);
    expect(s.$id).toBe(file);
    expect(s['x-schema-version']).toBe(SCHEMA_VERSION);
    expect(typeof s.title).toBe('string');
    expect(s.type).toBe('object');
    expect(unsupportedKeywords(s as never)).toEqual([]);
    const defs = (s.$defs ?? {}) as Record<string, unknown>;
    walkSchemas(s as never, (sub) => {
      if (typeof sub.$ref === 'string') expect(sub.$ref === '#' || sub.$ref.slice('#/$defs/'.length) in defs, sub.$ref).toBe(true);
      if (typeof sub.pattern === 'string') expect(() => new RegExp(sub.pattern as string, 'u')).not.toThrow();
    });
    // Survives a JSON round trip unchanged (no functions, undefined or cycles in the output).
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildJsonSchemas())).toBe(JSON.stringify(schemas));
  });

  it('documents fields with descriptions', () => {
    const text = JSON.stringify(schemas['page-record.schema.json']);
    expect(text).toContain('Never a Notion-hosted (expiring) URL');
    expect(text).toContain('Markdown file of the related page');
  });
});

describe('zod schemas and JSON Schema agree', () => {
  it.each(FILES)('%s: the sample is valid for both', (file) => {
    const sample = samples[file];
    expect(ZOD[file].safeParse(sample).error).toBeUndefined();
    expect(validate(schemas[file] as never, sample)).toEqual([]);
  });

  const negatives: Array<[JsonSchemaFileName, string, (copy: any) => void]> = [
    ['page-record.schema.json', 'an extra top-level key', (r) => (r.inTrash = false)],
    ['page-record.schema.json', 'a path escaping the snapshot', (r) => (r.path = '../etc/passwd')],
    ['page-record.schema.json', 'an absolute path', (r) => (r.record = '/tmp/x.json')],
    ['page-record.schema.json', 'an undashed id', (r) => (r.id = '38c9ce7b60a481a7af53e2ed822a1d7f')],
    ['page-record.schema.json', 'a number property holding a string', (r) => (r.properties.Number.value = '42')],
    ['page-record.schema.json', 'a select value with its Notion option id', (r) => (r.properties.Select.value.id = 'afc3853e')],
    ['page-record.schema.json', 'an unknown fallback without its marker', (r) => (r.properties.X = { type: 'hologram', raw: {} })],
    ['page-record.schema.json', 'a rollup array item that is not a property value', (r) => (r.properties.Rollup = { type: 'rollup', value: { type: 'array', function: 'show_original', value: [{ type: 'number' }] } })],
    ['page-record.schema.json', 'an icon of unknown kind', (r) => (r.icon = { type: 'sticker', sticker: 'x' })],
    ['page-record.schema.json', 'a non-timestamp edit time', (r) => (r.lastEditedTime = 'yesterday')],
    ['database-record.schema.json', 'a relation config without its target', (r) => delete r.dataSources[0].schema.Relation.dataSourceId],
    ['database-record.schema.json', 'a row without properties', (r) => delete r.dataSources[0].rows[0].properties],
    ['index.schema.json', 'another schema version', (r) => (r.schemaVersion = 2)],
    ['index.schema.json', 'backlinks keyed by something other than an id', (r) => (r.backlinks['not-an-id'] = [])],
    ['manifest.schema.json', 'a short hash', (r) => (r.files[0].sha256 = 'abc')],
    ['manifest.schema.json', 'negative bytes', (r) => (r.files[0].bytes = -1)],
    ['report.schema.json', 'a fractional duration', (r) => (r.durationMs = 1.5)],
    ['report.schema.json', 'a failure without message', (r) => delete r.failures[0].message],
    ['latest.schema.json', 'a missing path', (r) => delete r.path],
    ['report.schema.json', 'a change count that is not an integer', (r) => (r.changes.moved = 0.5)],
    ['changes.schema.json', 'a change of unknown kind', (r) => (r.moved[0].kind = 'block')],
    ['changes.schema.json', 'missing counts', (r) => delete r.counts],
    ['redirects.schema.json', 'a redirect to a path escaping the snapshot', (r) => (r['pages/old-title.md'] = '../x.md')],
  ];

  it.each(negatives)('%s: %s is rejected by both', (file, _name, edit) => {
    const bad = mutate(samples[file], edit);
    expect(ZOD[file].safeParse(bad).success).toBe(false);
    expect(validate(schemas[file] as never, bad)).not.toEqual([]);
  });

  it('the one rule JSON Schema cannot express: a Notion-hosted file must not carry a URL (zod only)', () => {
    const bad = mutate(samples['page-record.schema.json'], (r) => {
      r.properties.Files.value = [{ name: 'a.pdf', source: 'notion', path: null, url: 'https://prod-files-secure.s3.amazonaws.com/a.pdf', error: 'x' }];
    });
    expect(PageRecordSchema.safeParse(bad).success).toBe(false);
    expect(validate(schemas['page-record.schema.json'] as never, bad)).toEqual([]);
  });
});
