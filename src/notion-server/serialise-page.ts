import type { Id, WsPage } from './workspace-model.js';
import {
  materialise,
  minuteTimestamp,
  notionUrl,
  pageTitle,
  userInValue,
  userRef,
  type SerialiseContext,
} from './serialise-context.js';
import { blockParent } from './serialise-block.js';
import { isTrashed } from './visibility.js';

/** Notion returns at most this many relation / people references per property on a page. */
export const PAGE_REFERENCE_LIMIT = 25;

type StoredValue = Record<string, unknown> & { type: string };
type SchemaEntry = Record<string, unknown> & { id: string; name: string; type: string };

/** The property schema a page's values follow: its data source's, or `{ title }` for a plain page. */
export function schemaOf(ctx: SerialiseContext, page: WsPage): Record<string, SchemaEntry> {
  if (page.parent.type === 'data_source') {
    const ds = ctx.ws.dataSources[page.parent.id];
    if (ds) return ds.properties;
  }
  const out: Record<string, SchemaEntry> = {};
  for (const [name, v] of Object.entries(page.properties)) {
    out[name] = { id: v.type === 'title' ? 'title' : encodeURIComponent(name), name, type: v.type };
  }
  return out;
}

/** The page's parent object as 2025-09-03 gives it. */
export function pageParent(ctx: SerialiseContext, page: WsPage): Record<string, unknown> {
  switch (page.parent.type) {
    case 'workspace':
      return { type: 'workspace', workspace: true };
    case 'data_source':
      return {
        type: 'data_source_id',
        data_source_id: page.parent.id,
        database_id: ctx.ws.dataSources[page.parent.id]?.databaseId ?? null,
      };
    case 'page':
    case 'block':
      return blockParent(ctx, page.parent.id);
  }
}

/** A page object (GET /v1/pages/:id, query and search results), key order as recorded. */
export function serialisePage(ctx: SerialiseContext, page: WsPage, onlyProperties?: ReadonlySet<string>): Record<string, unknown> {
  const trashed = isTrashed(ctx.ws, { kind: 'page', id: page.id });
  const properties: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemaOf(ctx, page))) {
    if (onlyProperties && !onlyProperties.has(decodeURIComponent(schema.id)) && !onlyProperties.has(name)) continue;
    properties[name] = { id: schema.id, ...propertyValue(ctx, page, schema, PAGE_REFERENCE_LIMIT) };
  }
  return {
    object: 'page',
    id: page.id,
    created_time: minuteTimestamp(page.createdTime),
    last_edited_time: minuteTimestamp(page.lastEditedTime),
    created_by: userRef(page.createdBy),
    last_edited_by: userRef(page.lastEditedBy),
    cover: materialise(ctx, page.cover),
    icon: materialise(ctx, page.icon),
    parent: pageParent(ctx, page),
    in_trash: trashed,
    is_archived: false,
    is_locked: page.isLocked,
    properties,
    url: notionUrl(page.id, pageTitle(ctx.ws, page.id)),
    public_url: null,
    archived: trashed,
  };
}

/**
 * One property value `{ type, <type>: … }` (without `id`). `limit` cuts relation and people
 * lists the way GET /v1/pages does; Infinity gives the full list (for the property item endpoint).
 */
export function propertyValue(ctx: SerialiseContext, page: WsPage, schema: SchemaEntry, limit: number): StoredValue {
  const type = schema.type;
  const stored = page.properties[schema.name] as StoredValue | undefined;
  switch (type) {
    case 'created_time':
      return { type, created_time: minuteTimestamp(page.createdTime) };
    case 'last_edited_time':
      return { type, last_edited_time: minuteTimestamp(page.lastEditedTime) };
    case 'created_by':
      return { type, created_by: userInValue(ctx.ws, page.createdBy) };
    case 'last_edited_by':
      return { type, last_edited_by: userInValue(ctx.ws, page.lastEditedBy) };
    case 'relation': {
      // A page in the trash is no longer listed by the relations pointing at it (it comes back on restore).
      const all = ((stored?.relation ?? []) as Array<{ id: Id }>)
        .filter((r) => !ctx.ws.pages[r.id] || !isTrashed(ctx.ws, { kind: 'page', id: r.id }))
        .map((r) => ({ id: r.id }));
      return { type, relation: all.slice(0, limit), has_more: all.length > limit };
    }
    case 'people': {
      const all = (stored?.people ?? []) as Array<{ id: Id }>;
      return { type, people: all.slice(0, limit).map((u) => userInValue(ctx.ws, u.id)) };
    }
    case 'rollup': {
      const value = stored && stored.type === type ? materialise(ctx, stored) : emptyValue(type);
      // Notion computes the rollups of a page object over the first 25 related pages only; the
      // property item endpoint gives the value over all of them.
      const relationName = (schema.rollup as { relation_property_name?: string } | undefined)?.relation_property_name;
      const related = relationName ? ((page.properties[relationName]?.relation as unknown[] | undefined) ?? []).length : 0;
      return related > limit ? { type, rollup: cutRollup(value.rollup as Record<string, unknown>, limit) } : value;
    }
    case 'status': {
      const value = stored?.status ?? null;
      // A status always has a value in Notion: unset means the default option (first of the first group).
      return { type, status: value ?? defaultStatus(schema) };
    }
    default:
      if (stored && stored.type === type) return materialise(ctx, stored);
      return emptyValue(type);
  }
}

/** A rollup as a page object shows it when the relation holds more than `limit` pages. */
function cutRollup(rollup: Record<string, unknown>, limit: number): Record<string, unknown> {
  if (rollup.type === 'array') return { ...rollup, array: (rollup.array as unknown[]).slice(0, limit) };
  if (rollup.type === 'number' && rollup.function === 'count') return { ...rollup, number: limit };
  // Other calculations cannot be redone here; Notion's would differ too, which is why the
  // exporter re-reads every rollup of a page whose relations were cut.
  return rollup;
}

function defaultStatus(schema: SchemaEntry): Record<string, unknown> | null {
  const config = (schema.status ?? {}) as { options?: Array<{ id: string; name: string; color: string }>; groups?: Array<{ option_ids: string[] }> };
  const firstId = config.groups?.[0]?.option_ids[0];
  const option = config.options?.find((o) => o.id === firstId) ?? config.options?.[0];
  return option ? { id: option.id, name: option.name, color: option.color } : null;
}

/** The value Notion shows for a property a page has never had set. */
export function emptyValue(type: string): StoredValue {
  switch (type) {
    case 'title':
    case 'rich_text':
    case 'multi_select':
    case 'people':
    case 'files':
      return { type, [type]: [] };
    case 'checkbox':
      return { type, checkbox: false };
    case 'relation':
      return { type, relation: [], has_more: false };
    case 'formula':
      return { type, formula: { type: 'string', string: null } };
    case 'rollup':
      return { type, rollup: { type: 'number', number: null, function: 'count' } };
    case 'button':
      return { type, button: {} };
    case 'verification':
      return { type, verification: { state: 'unverified', verified_by: null, date: null } };
    default:
      return { type, [type]: null };
  }
}
