import type { WsPage } from './workspace-model.js';
import type { SerialiseContext } from './serialise-context.js';
import { propertyValue } from './serialise-page.js';
import { paginate, type CursorCodec, type PageRequest } from './pagination.js';

/** Splits array-valued rollup elements (`{ type: 'title', title: [a, b] }`) into one element per item. */
function flatten(values: Array<Record<string, unknown> & { type: string }>): unknown[] {
  return values.flatMap((v) => {
    const inner = v[v.type];
    return Array.isArray(inner) ? inner.map((x) => ({ type: v.type, [v.type]: x })) : [v];
  });
}

type SchemaEntry = Record<string, unknown> & { id: string; name: string; type: string };

/** Property types GET /v1/pages/:id/properties/:pid answers as a paginated list of property items. */
const LIST_TYPES = new Set(['title', 'rich_text', 'people', 'relation', 'rollup']);

/**
 * GET /v1/pages/:id/properties/:property_id: a single `property_item`, or for title, rich_text,
 * people, relation and rollup a paginated list of them with `property_item: { id, next_url, type, … }`.
 * This is where values past the 25-reference cut of GET /v1/pages are complete.
 */
export function serialisePropertyItem(
  ctx: SerialiseContext,
  page: WsPage,
  schema: SchemaEntry,
  req: PageRequest,
  codec: CursorCodec,
): Record<string, unknown> {
  const full = propertyValue(ctx, page, schema, Infinity);
  const { type } = full;
  if (!LIST_TYPES.has(type)) return { object: 'property_item', type, id: schema.id, [type]: full[type] };

  let elements: unknown[];
  let summary: Record<string, unknown> = {};
  if (type === 'rollup') {
    const rollup = full.rollup as Record<string, unknown> & { type: string };
    // "Show original" rollups come back flattened as items (one per rich text element, person or
    // relation of each related value); calculated ones only in `property_item.rollup`.
    elements = rollup.type === 'array' ? flatten(rollup.array as Array<Record<string, unknown> & { type: string }>) : [];
    summary = rollup;
  } else {
    elements = full[type] as unknown[];
  }
  const items = elements.map((el) => {
    if (type === 'rollup') {
      const e = el as Record<string, unknown> & { type: string };
      return { object: 'property_item', type: e.type, id: schema.id, [e.type]: e[e.type] };
    }
    return { object: 'property_item', type, id: schema.id, [type]: el };
  });
  const scope = `property:${page.id}:${decodeURIComponent(schema.id)}`;
  const page_ = paginate(items, req, codec, scope, (item) => {
    const v = (item as Record<string, unknown>)[type] as { id?: string } | undefined;
    return type === 'relation' || type === 'people' ? (v?.id ?? null) : null;
  });
  const nextUrl = page_.nextCursor
    ? `${ctx.baseUrl}/v1/pages/${page.id}/properties/${schema.id}?start_cursor=${encodeURIComponent(page_.nextCursor)}`
    : null;
  return {
    object: 'list',
    results: page_.results,
    next_cursor: page_.nextCursor,
    has_more: page_.hasMore,
    type: 'property_item',
    property_item: { id: schema.id, next_url: nextUrl, type, [type]: type === 'rollup' ? summary : {} },
  };
}
