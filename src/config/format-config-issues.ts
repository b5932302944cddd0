// Zod issues → `path: problem` lines a consortium member can act on without
// knowing zod: dotted paths, the offending value, a hint for near-miss keys.
import { z } from 'zod';
import { closestMatch } from './closest-match.js';
import { ConfigSchema } from './config-schema.js';

/** Where an overridden value came from, by dotted config path (e.g. "requests.rate" → "--rate"). */
export type OverrideSources = ReadonlyMap<string, string>;

/** Formats a config path as `notion.roots[1]`; the empty path is "(top level)". */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** Describes a config value for an error line: strings quoted, mappings and lists named, long text cut. */
export function formatConfigValue(value: unknown): string {
  if (value === null) return 'null (empty)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return String(value);
}

/** Turns zod issues for the config schema into one `path: problem` line each (one per unknown key). */
export function formatConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  sources: OverrideSources = new Map(),
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatConfigPath([...issue.path, key])}: ${unknownKeyProblem(issue.path, key)}`);
      continue;
    }
    const path = formatConfigPath(issue.path);
    const source = overrideSourceOf(sources, issue.path);
    const label = source === undefined ? path : `${path} (from ${source})`;
    // Custom checks put the value into their message themselves, in the form that reads best.
    const got = issue.code === 'custom' ? '' : ` (got ${formatConfigValue(valueAt(input, issue.path))})`;
    lines.push(`${label}: ${issue.message}${got}`);
  }
  return lines;
}

/** The override (flag or env var) a config path, or the list or section holding it, came from. */
export function overrideSourceOf(sources: OverrideSources, path: readonly PropertyKey[]): string | undefined {
  // notion.roots[2] came from --root when notion.roots did.
  for (let n = path.length; n > 0; n--) {
    const source = sources.get(formatConfigPath(path.slice(0, n)));
    if (source !== undefined) return source;
  }
  return undefined;
}

function unknownKeyProblem(parent: readonly PropertyKey[], key: string): string {
  if (/token|secret/i.test(key)) {
    return 'unknown key; the Notion token is read only from the NOTION_TOKEN environment variable, never from a file';
  }
  const known = knownKeys(parent);
  const near = closestMatch(key, known);
  const hint = near === undefined ? `known keys: ${known.join(', ')}` : `did you mean "${near}"?`;
  return known.length === 0 ? 'unknown key' : `unknown key (${hint})`;
}

/** The keys the schema allows at a path (read from the schema: optional keys have no default to show them). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = ConfigSchema;
  for (const key of path) {
    const object = unwrapSchema(node);
    node = object instanceof z.ZodObject ? (object.shape as Record<string, z.ZodType>)[String(key)] : undefined;
    if (node === undefined) return [];
  }
  const object = unwrapSchema(node);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

function unwrapSchema(schema: z.ZodType): z.ZodType {
  let node = schema;
  while (node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
  return node;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
