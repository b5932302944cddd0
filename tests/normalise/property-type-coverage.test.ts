import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseProperty, type PagePropertyValue } from '../../src/normalise/normalise-property.js';
import { KnownPropertySchemaSchema, PROPERTY_TYPES, PropertyValueSchema } from '../../src/normalise/schemas.js';
import { testContext } from './helpers.js';

/** Property value types of `PagePropertyValueWithIdResponse`, read from the installed SDK's .d.ts. */
function sdkPropertyValueTypes(): string[] {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@notionhq/client');
  const dts = readFileSync(path.join(path.dirname(entry), 'api-endpoints', 'common.d.ts'), 'utf8');
  const union = (name: string) => {
    const m = new RegExp(`type ${name} = ([^;]+);`).exec(dts);
    if (!m) throw new Error(`${name} not found in the SDK typings`);
    return m[1]!.split('|').map((s) => s.trim());
  };
  const root = union('PagePropertyValueWithIdResponse');
  expect(root[0]).toMatch(/^IdObjectResponse & \(SimpleOrArrayPropertyValueResponse$/);
  const members = [...union('SimplePropertyValueResponse'), ...union('ArrayBasedPropertyValueResponse'), 'PartialRollupPropertyResponse'];
  return members.map((member) => {
    const m = new RegExp(`type ${member} = \\{\\s*type: "([a-z_]+)";`).exec(dts);
    if (!m) throw new Error(`cannot read the type literal of ${member}`);
    return m[1]!;
  });
}

/** A minimal API value for every property type; a type missing here fails the coverage test. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  title: { title: [] },
  rich_text: { rich_text: [] },
  number: { number: 1.5 },
  select: { select: { id: 'x', name: 'A', color: 'red' } },
  multi_select: { multi_select: [] },
  status: { status: null },
  date: { date: { start: '2025-01-01', end: null, time_zone: null } },
  people: { people: [] },
  files: { files: [] },
  checkbox: { checkbox: false },
  url: { url: null },
  email: { email: 'a@example.org' },
  phone_number: { phone_number: null },
  formula: { formula: { type: 'boolean', boolean: true } },
  relation: { relation: [], has_more: false },
  rollup: { rollup: { type: 'number', number: 3, function: 'sum' } },
  created_time: { created_time: '2025-01-01T00:00:00.000Z' },
  created_by: { created_by: { object: 'user', id: '00000000-0000-4000-8000-0000000000f1' } },
  last_edited_time: { last_edited_time: '2025-01-01T00:00:00.000Z' },
  last_edited_by: { last_edited_by: { object: 'user', id: '00000000-0000-4000-8000-0000000000f1' } },
  unique_id: { unique_id: { prefix: 'MAG', number: 12 } },
  verification: { verification: null },
  button: { button: {} },
  place: { place: null },
};

describe('property type coverage', () => {
  const sdkTypes = sdkPropertyValueTypes();

  it('reads a plausible list from the SDK typings', () => {
    expect(sdkTypes.length).toBeGreaterThanOrEqual(24);
    expect(new Set(sdkTypes).size).toBe(sdkTypes.length);
  });

  it('PROPERTY_TYPES is exactly the SDK union', () => {
    expect([...PROPERTY_TYPES].sort()).toEqual([...sdkTypes].sort());
  });

  it.each(sdkTypes)('%s normalises to a known, schema-valid value', (type) => {
    const sample = SAMPLES[type];
    expect(sample, `add a sample for the new property type "${type}"`).toBeDefined();
    const ctx = testContext();
    const value = normaliseProperty({ id: 'p', type, ...sample } as unknown as PagePropertyValue, ctx);
    expect('unknown' in value).toBe(false);
    expect(value.type).toBe(type);
    expect(PropertyValueSchema.safeParse(value).success).toBe(true);
    expect(ctx.warnings).toEqual([]);
  });

  it.each(sdkTypes)('%s has a data source schema variant', (type) => {
    const minimal = { id: 'p', type, description: null };
    const configs: Record<string, Record<string, unknown>> = {
      number: { format: 'number' },
      select: { options: [] },
      multi_select: { options: [] },
      status: { options: [], groups: [] },
      formula: { expression: '1', rawExpression: '1' },
      relation: { dataSourceId: '00000000-0000-4000-8000-000000000001', databaseId: '00000000-0000-4000-8000-000000000002', kind: 'single', syncedPropertyName: null, syncedPropertyId: null },
      rollup: { function: 'count', relationPropertyName: 'R', relationPropertyId: 'r', rollupPropertyName: 'T', rollupPropertyId: 'title' },
      unique_id: { prefix: null },
    };
    expect(KnownPropertySchemaSchema.safeParse({ ...minimal, ...configs[type] }).success).toBe(true);
  });
});
