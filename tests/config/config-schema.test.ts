import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigSchema, configDefaults, configJsonSchema } from '../../src/config/config-schema.js';
import { resolveConfig } from '../../src/config/resolve-config.js';

const CONFIG_DIR = new URL('../../config/', import.meta.url);
const exampleText = readFileSync(new URL('notion-kb.example.yaml', CONFIG_DIR), 'utf8');
const shippedText = readFileSync(new URL('notion-kb.yaml', CONFIG_DIR), 'utf8');

interface SchemaNode {
  path: string;
  schema: z.ZodType;
  isSection: boolean;
}

/** Every key of the schema, sections and options, with dotted paths; walked from the schema itself. */
function schemaKeys(schema: z.ZodType, prefix = ''): SchemaNode[] {
  const nodes: SchemaNode[] = [];
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return nodes;
  for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const isSection = unwrap(child) instanceof z.ZodObject;
    nodes.push({ path, schema: child, isSection }, ...schemaKeys(child, path));
  }
  return nodes;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  while (node instanceof z.ZodDefault || node instanceof z.ZodPrefault) node = node.unwrap() as z.ZodType;
  return node;
}

function valueKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...valueKeys(child, path)];
  });
}

const keys = schemaKeys(ConfigSchema);

describe('ConfigSchema', () => {
  it('has the expected shape (guards the walker below against walking nothing)', () => {
    expect(keys.filter((k) => k.isSection).map((k) => k.path)).toEqual([
      'notion',
      'output',
      'requests',
      'assets',
      'content',
      'retention',
      'privacy',
      'archive',
      'archive.git',
      'archive.git.author',
      'export',
    ]);
    expect(keys.length).toBe(38);
  });

  it.each(keys.map((k) => [k.path, k.schema] as const))('%s has a description', (_path, schema) => {
    expect(schema.description?.length ?? 0).toBeGreaterThan(10);
  });

  it('describes the whole file', () => {
    expect(ConfigSchema.description).toMatch(/notion-kb/);
  });

  it('gives the documented defaults for an empty file', () => {
    expect(configDefaults()).toEqual({
      notion: { baseUrl: 'https://api.notion.com', roots: [] },
      output: { dir: 'output', site: false },
      requests: { rate: 3, concurrency: 3, timeoutMs: 60_000, maxAttempts: 8, giveUpAfterMs: 300_000 },
      assets: { external: 'images', maxBytes: 104_857_600, concurrency: 4, timeoutMs: 120_000 },
      content: { comments: false },
      retention: { keepLast: 7, keepDaily: 30, keepMonthly: 12 },
      privacy: { excludePages: [], excludeWhere: [], redactPropertyTypes: [], redactProperties: [], redactTextPatterns: [] },
      archive: { git: { branch: 'main', author: { name: 'notion-kb', email: 'notion-kb@localhost' } } },
      export: { format: 'zip' },
    });
    expect(configDefaults().archive.git.remote).toBeUndefined();
  });

  it('fills defaults inside a section that is only partly given', () => {
    expect(ConfigSchema.parse({ requests: { rate: 1 } }).requests).toEqual({ ...configDefaults().requests, rate: 1 });
  });

  it('exports a JSON Schema that forbids unknown keys at every level and carries the descriptions', () => {
    interface JsonSchemaNode {
      description?: string;
      additionalProperties?: boolean;
      properties?: Record<string, JsonSchemaNode>;
    }
    const schema = configJsonSchema() as JsonSchemaNode;
    let sections = 0;
    const check = (node: JsonSchemaNode): void => {
      if (node.properties === undefined) return;
      sections++;
      expect(node.additionalProperties).toBe(false);
      for (const child of Object.values(node.properties)) {
        expect(child.description).toBeTruthy();
        check(child);
      }
    };
    check(schema);
    expect(sections).toBe(12);
  });
});

describe('config/notion-kb.example.yaml', () => {
  const example: unknown = parse(exampleText);

  it('is valid', () => {
    const result = resolveConfig({ fileValue: example, env: {} });
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('sets every key of the schema and no other', () => {
    expect(valueKeys(example).sort()).toEqual(keys.map((k) => k.path).sort());
  });

  it('gives every value its schema default, so the documentation cannot drift', () => {
    // An option without a default (archive.git.remote: absent = off) is shown with an empty value.
    const optional = keys.filter((k) => !k.isSection && k.schema instanceof z.ZodOptional).map((k) => k.path);
    expect(optional).toEqual(['archive.git.remote']);
    expect(nullKeys(example)).toEqual(optional);
    expect(withoutNullKeys(example)).toEqual(configDefaults());
  });

  it.each(keys.filter((k) => !k.isSection).map((k) => k.path))('documents %s with a comment just above it', (path) => {
    const key = path.split('.').at(-1)!;
    const lines = exampleText.split('\n');
    const at = lines.findIndex((line, i) => new RegExp(`^\\s+${key}:`).test(line) && sectionOf(lines, i) === path.split('.')[0]);
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toMatch(/^\s+#/);
  });
});

describe('config/notion-kb.yaml (shipped default)', () => {
  it('is valid and equal to the defaults', () => {
    const result = resolveConfig({ fileValue: parse(shippedText), env: {} });
    expect(result.ok && result.config).toEqual(configDefaults());
  });
});

function nullKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return child === null ? [path] : nullKeys(child, path);
  });
}

function withoutNullKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNullKeys(v)]));
}

function sectionOf(lines: string[], index: number): string | undefined {
  for (let i = index; i >= 0; i--) {
    const match = /^([a-zA-Z]+):/.exec(lines[i]!);
    if (match) return match[1];
  }
  return undefined;
}
