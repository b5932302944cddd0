import type { WsPage } from './workspace-model.js';
import { validationError } from './api-error.js';
import { minuteTimestamp, plainText, type SerialiseContext } from './serialise-context.js';
import { propertyValue, schemaOf } from './serialise-page.js';

/**
 * The part of Notion's data source query language an exporter needs: and/or groups, timestamp
 * filters (incremental sync), and the common property conditions; sorts by timestamp or property.
 * Anything else is refused with a 400 naming it, rather than silently ignored.
 */

type Json = Record<string, unknown>;
type SchemaEntry = Json & { id: string; name: string; type: string };

/** Compiles a filter into a predicate over row pages. */
export function compileFilter(ctx: SerialiseContext, filter: unknown): (page: WsPage) => boolean {
  if (filter === undefined || filter === null) return () => true;
  if (typeof filter !== 'object') throw validationError('body failed validation: body.filter should be an object.');
  const f = filter as Json;
  if (Array.isArray(f.and)) {
    const parts = f.and.map((x) => compileFilter(ctx, x));
    return (p) => parts.every((t) => t(p));
  }
  if (Array.isArray(f.or)) {
    const parts = f.or.map((x) => compileFilter(ctx, x));
    return (p) => parts.some((t) => t(p));
  }
  if (f.timestamp === 'created_time' || f.timestamp === 'last_edited_time') {
    const key = f.timestamp;
    const cond = (f[key] ?? {}) as Json;
    return (p) => dateMatches(minuteTimestamp(key === 'created_time' ? p.createdTime : p.lastEditedTime), cond);
  }
  if (typeof f.property === 'string') {
    const name = f.property;
    return (p) => {
      const schema = findSchema(ctx, p, name);
      if (!schema) throw validationError(`Could not find property with name or id: ${name}`);
      const value = propertyValue(ctx, p, schema, Infinity);
      return propertyMatches(value, f);
    };
  }
  throw validationError(`body failed validation: body.filter is not a filter the local Notion server supports: ${JSON.stringify(filter)}`);
}

function findSchema(ctx: SerialiseContext, page: WsPage, nameOrId: string): SchemaEntry | undefined {
  const schema = schemaOf(ctx, page);
  return schema[nameOrId] ?? Object.values(schema).find((s) => decodeURIComponent(s.id) === decodeURIComponent(nameOrId));
}

function propertyMatches(value: Json & { type: string }, f: Json): boolean {
  const condKey = Object.keys(f).find((k) => k !== 'property' && k !== 'type')!;
  const cond = (f[condKey] ?? {}) as Json;
  const v = value[value.type];
  switch (condKey) {
    case 'title':
    case 'rich_text':
    case 'url':
    case 'email':
    case 'phone_number':
      return textMatches(typeof v === 'string' || v === null ? ((v as string | null) ?? '') : plainText(v as never), cond);
    case 'number':
      return numberMatches(v as number | null, cond);
    case 'checkbox':
      if ('equals' in cond) return v === cond.equals;
      if ('does_not_equal' in cond) return v !== cond.does_not_equal;
      break;
    case 'select':
    case 'status': {
      const n = (v as { name?: string } | null)?.name ?? null;
      if ('equals' in cond) return n === cond.equals;
      if ('does_not_equal' in cond) return n !== cond.does_not_equal;
      if (cond.is_empty) return n === null;
      if (cond.is_not_empty) return n !== null;
      break;
    }
    case 'multi_select':
    case 'relation':
    case 'people': {
      const list = (v as Array<{ name?: string; id?: string }>) ?? [];
      const keyOf = (x: { name?: string; id?: string }) => (condKey === 'multi_select' ? x.name : x.id);
      if ('contains' in cond) return list.some((x) => keyOf(x) === cond.contains);
      if ('does_not_contain' in cond) return !list.some((x) => keyOf(x) === cond.does_not_contain);
      if (cond.is_empty) return list.length === 0;
      if (cond.is_not_empty) return list.length > 0;
      break;
    }
    case 'date':
    case 'created_time':
    case 'last_edited_time': {
      const start = typeof v === 'string' ? v : ((v as { start?: string } | null)?.start ?? null);
      return dateMatches(start, cond);
    }
  }
  throw validationError(`body failed validation: the filter condition ${JSON.stringify({ [condKey]: cond })} is not supported by the local Notion server.`);
}

function textMatches(s: string, cond: Json): boolean {
  if ('equals' in cond) return s === cond.equals;
  if ('does_not_equal' in cond) return s !== cond.does_not_equal;
  if ('contains' in cond) return s.includes(String(cond.contains));
  if ('does_not_contain' in cond) return !s.includes(String(cond.does_not_contain));
  if ('starts_with' in cond) return s.startsWith(String(cond.starts_with));
  if ('ends_with' in cond) return s.endsWith(String(cond.ends_with));
  if (cond.is_empty) return s === '';
  if (cond.is_not_empty) return s !== '';
  throw validationError(`body failed validation: text condition ${JSON.stringify(cond)} is not supported.`);
}

function numberMatches(n: number | null, cond: Json): boolean {
  if (cond.is_empty) return n === null;
  if (cond.is_not_empty) return n !== null;
  if (n === null) return false;
  if ('equals' in cond) return n === cond.equals;
  if ('does_not_equal' in cond) return n !== cond.does_not_equal;
  if ('greater_than' in cond) return n > Number(cond.greater_than);
  if ('less_than' in cond) return n < Number(cond.less_than);
  if ('greater_than_or_equal_to' in cond) return n >= Number(cond.greater_than_or_equal_to);
  if ('less_than_or_equal_to' in cond) return n <= Number(cond.less_than_or_equal_to);
  throw validationError(`body failed validation: number condition ${JSON.stringify(cond)} is not supported.`);
}

function dateMatches(value: string | null, cond: Json): boolean {
  if (cond.is_empty) return value === null;
  if (cond.is_not_empty) return value !== null;
  if (value === null) return false;
  const t = Date.parse(value);
  const at = (k: string) => Date.parse(String(cond[k]));
  if ('equals' in cond) return t === at('equals');
  if ('before' in cond) return t < at('before');
  if ('after' in cond) return t > at('after');
  if ('on_or_before' in cond) return t <= at('on_or_before');
  if ('on_or_after' in cond) return t >= at('on_or_after');
  throw validationError(`body failed validation: date condition ${JSON.stringify(cond)} is not supported.`);
}

/** Compiles `sorts` into a comparator (stable sort keeps creation order for ties). */
export function compileSorts(ctx: SerialiseContext, sorts: unknown): ((a: WsPage, b: WsPage) => number) | null {
  if (sorts === undefined || sorts === null) return null;
  if (!Array.isArray(sorts)) throw validationError('body failed validation: body.sorts should be an array.');
  const keys = sorts.map((s: Json) => {
    const dir = s.direction === 'descending' ? -1 : 1;
    if (s.timestamp === 'created_time' || s.timestamp === 'last_edited_time') {
      const ts = s.timestamp;
      return { dir, key: (p: WsPage) => minuteTimestamp(ts === 'created_time' ? p.createdTime : p.lastEditedTime) as unknown };
    }
    if (typeof s.property === 'string') {
      const name = s.property;
      return {
        dir,
        key: (p: WsPage) => {
          const schema = findSchema(ctx, p, name);
          if (!schema) throw validationError(`Could not find sort property with name or id: ${name}`);
          return sortKey(propertyValue(ctx, p, schema, Infinity));
        },
      };
    }
    throw validationError(`body failed validation: unsupported sort ${JSON.stringify(s)}.`);
  });
  return (a, b) => {
    for (const { dir, key } of keys) {
      const x = key(a);
      const y = key(b);
      if (x === y) continue;
      // Empty values sort last in both directions, as in Notion.
      if (x === null) return 1;
      if (y === null) return -1;
      return (x! < y! ? -1 : 1) * dir;
    }
    return 0;
  };
}

function sortKey(value: Json & { type: string }): string | number | boolean | null {
  const v = value[value.type];
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.length ? plainText(v as never) || JSON.stringify(v) : null;
  if (typeof v === 'object') {
    const o = v as Json;
    return (o.name as string | undefined) ?? (o.start as string | undefined) ?? (o.number as number | undefined) ?? JSON.stringify(o);
  }
  return v as string | number | boolean;
}
