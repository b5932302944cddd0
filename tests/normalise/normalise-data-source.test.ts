import type { DataSourceObjectResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { normaliseDataSourceSchema } from '../../src/normalise/normalise-data-source.js';
import { DataSourceSchemaRecordSchema } from '../../src/normalise/schemas.js';
import { loadFixture, objectsOf } from './helpers.js';

const FIXTURES = ['data-source-all-property-types.json', 'data-source-all-props-db.json', 'data-source-retrieve.exchanges.json', 'search-filter-data-source.json'];

function dataSources(fixture: string) {
  return objectsOf<DataSourceObjectResponse>(loadFixture(fixture), 'data_source', (o) => typeof o.properties === 'object');
}

function normalised(fixture: string, id?: string) {
  const ds = id ? dataSources(fixture).find((d) => d.id === id)! : dataSources(fixture)[0]!;
  const warnings: string[] = [];
  return { ds, warnings, record: normaliseDataSourceSchema(ds, { warn: (code, message) => warnings.push(`${code}: ${message}`) }) };
}

describe('normaliseDataSourceSchema over the recorded fixtures', () => {
  it.each(FIXTURES)('%s: every data source normalises, all properties known, schema-valid, no warnings', (fixture) => {
    const all = dataSources(fixture);
    expect(all.length).toBeGreaterThan(0);
    for (const ds of all) {
      const warnings: string[] = [];
      const record = normaliseDataSourceSchema(ds, { warn: (code) => warnings.push(code) });
      expect(DataSourceSchemaRecordSchema.safeParse(record).success).toBe(true);
      expect(Object.keys(record.properties).sort()).toEqual(Object.keys(ds.properties).sort());
      for (const [name, p] of Object.entries(record.properties)) {
        expect('unknown' in p, `${ds.id} ${name}`).toBe(false);
        expect(p.type).toBe(ds.properties[name]!.type);
        expect(p.id).toBe(ds.properties[name]!.id);
      }
      expect(warnings).toEqual([]);
    }
  });

  it('reads the configuration of every creatable property type', () => {
    const { record } = normalised('data-source-all-property-types.json');
    const p = record.properties;
    expect(record.id).toBe('be2a87ac-f5d4-4dbb-a4f1-49dcde865ba5');
    expect(Object.keys(p)[0]).toBe('Title');
    expect(p['Number']).toEqual({ id: '%7Cn%3BE', type: 'number', description: null, format: 'dollar' });
    expect(p['Select']).toEqual({
      id: 'XlKn',
      type: 'select',
      description: null,
      options: [
        { name: 'Option1', color: 'default', description: null },
        { name: 'Option2', color: 'red', description: null },
      ],
    });
    expect(p['Formula']).toMatchObject({ type: 'formula', expression: 'prop("Number") * 2' });
    expect(p['Formula']).toHaveProperty('rawExpression', expect.stringContaining('{{notion:block_property:%7Cn%3BE:'));
    expect(p['Relation']).toEqual({
      id: 'fVtf',
      type: 'relation',
      description: null,
      dataSourceId: '1315484a-cf2b-4960-ac11-5e61f700378c',
      databaseId: 'f9d6bfb6-6e68-4607-9b9f-35ba2dd9c00d',
      kind: 'single',
      syncedPropertyName: null,
      syncedPropertyId: null,
    });
    expect(p['Relation two-way']).toMatchObject({ kind: 'dual', syncedPropertyName: 'Related to Schema B (Relation two-way)', syncedPropertyId: 'kMFy' });
    expect(p['Rollup']).toEqual({
      id: '%3Ath~',
      type: 'rollup',
      description: null,
      function: 'count',
      relationPropertyName: 'Relation',
      relationPropertyId: 'fVtf',
      rollupPropertyName: 'Name',
      rollupPropertyId: 'title',
    });
    expect(p['ID']).toEqual({ id: 'rw%60g', type: 'unique_id', description: null, prefix: 'ALLCOLS634' });
    expect(p['Checkbox']).toEqual({ id: 'e%3C%5BX', type: 'checkbox', description: null });
  });

  it('names status group members by option name and uses the encoded id of the rollup relation', () => {
    const { record } = normalised('data-source-all-props-db.json');
    const status = record.properties['Status'];
    if (!status || 'unknown' in status || status.type !== 'status') throw new Error('expected a status property');
    expect(status.options.map((o) => o.name)).toEqual(['Not started', 'In progress', 'Done']);
    expect(status.groups[0]).toEqual({ name: 'To-do', color: 'gray', options: ['Not started'] });
    expect(status.groups.flatMap((g) => g.options).sort()).toEqual(['Done', 'In progress', 'Not started']);
    // The API reports the rollup's relation as "v_]<" while the property's own id is "v_%5D%3C".
    expect(record.properties['Rollup']).toMatchObject({ relationPropertyName: 'Relation', relationPropertyId: 'v_%5D%3C' });
    expect(record.properties['Place']).toEqual({ id: 'rulX', type: 'place', description: null });
  });

  it('reads verification and button properties of wiki data sources', () => {
    const all = dataSources('search-filter-data-source.json');
    const wiki = all.find((d) => Object.values(d.properties).some((p) => p.type === ('verification' as string)))!;
    const record = normaliseDataSourceSchema(wiki);
    expect(record.properties['Verification']).toEqual({ id: 'verification', type: 'verification', description: null });
  });

  it('keeps a configuration it does not know verbatim, with a warning', () => {
    const { ds } = normalised('data-source-all-props-db.json');
    const patched = {
      ...ds,
      properties: { ...ds.properties, Hologram: { id: 'h%40', name: 'Hologram', description: 'future', type: 'hologram', hologram: { depth: 2 } } },
    } as unknown as DataSourceObjectResponse;
    const warnings: Array<[string, string]> = [];
    const record = normaliseDataSourceSchema(patched, { warn: (code, message) => warnings.push([code, message]) });
    expect(record.properties['Hologram']).toEqual({ id: 'h%40', type: 'hologram', description: 'future', unknown: true, raw: { hologram: { depth: 2 } } });
    expect(warnings).toEqual([['unknown_property_schema', expect.stringContaining('→ property "Hologram" (hologram)')]]);
    expect(DataSourceSchemaRecordSchema.safeParse(record).success).toBe(true);
  });
});
