import type { Id, WsPage } from './workspace-model.js';
import { ApiError, notFound, quoteValue, restrictedResource, userNotFound, validationError } from './api-error.js';
import { parsePathId } from './path-id.js';
import { listEnvelope, paginate, readPageRequest, type CursorCodec } from './pagination.js';
import { plainText, pageTitle, userObject, botUser, customEmojiUrl, type SerialiseContext } from './serialise-context.js';
import { pageAsBlock, serialiseBlock, visibleChildIds } from './serialise-block.js';
import { schemaOf, serialisePage } from './serialise-page.js';
import { serialisePropertyItem } from './serialise-property-item.js';
import { serialiseDatabase, serialiseDataSource } from './serialise-database.js';
import { serialiseComment } from './serialise-comment.js';
import { compileFilter, compileSorts } from './query-filter.js';
import { isTrashed, isVisible } from './visibility.js';

/** What a route handler gets: the serialising context, the cursor codec and the parsed request. */
export interface HandlerInput {
  ctx: SerialiseContext;
  codec: CursorCodec;
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export interface Route {
  method: 'GET' | 'POST';
  /** The pattern as stats and fault scripts name it, e.g. 'GET /v1/blocks/:id/children'. */
  key: string;
  regex: RegExp;
  handle(input: HandlerInput): Record<string, unknown>;
}

const SEG = '([^/]+)';

function route(method: 'GET' | 'POST', pattern: string, handle: Route['handle']): Route {
  const regex = new RegExp(`^${pattern.replace(/:[a-z_]+/g, SEG)}/?$`);
  return { method, key: `${method} ${pattern}`, regex, handle };
}

/** The API routes, most specific first. */
export const ROUTES: Route[] = [
  route('POST', '/v1/search', search),
  route('GET', '/v1/pages/:id/properties/:property_id', retrievePropertyItem),
  route('GET', '/v1/pages/:id', ({ ctx, params, query }) => {
    const page = visiblePage(ctx, params[0]!, 'path.page_id');
    const only = query.getAll('filter_properties');
    return serialisePage(ctx, page, only.length ? new Set(only) : undefined);
  }),
  route('GET', '/v1/blocks/:id/children', listChildren),
  route('GET', '/v1/blocks/:id', ({ ctx, params }) => {
    const id = parsePathId(params[0]!, 'path.block_id');
    const block = ctx.ws.blocks[id];
    if (block && isVisible(ctx.ws, { kind: 'block', id })) return serialiseBlock(ctx, block);
    if (ctx.ws.pages[id] && isVisible(ctx.ws, { kind: 'page', id })) return pageAsBlock(ctx, id);
    throw notFound('block', id, ctx.ws.integrationName, ctx.ws.botId);
  }),
  route('GET', '/v1/databases/:id', ({ ctx, params }) => {
    const id = parsePathId(params[0]!, 'path.database_id');
    const db = ctx.ws.databases[id];
    if (!db || !isVisible(ctx.ws, { kind: 'database', id })) throw notFound('database', id, ctx.ws.integrationName, ctx.ws.botId);
    return serialiseDatabase(ctx, db);
  }),
  route('GET', '/v1/data_sources/:id', ({ ctx, params }) => serialiseDataSource(ctx, visibleDataSource(ctx, params[0]!))),
  route('POST', '/v1/data_sources/:id/query', queryDataSource),
  route('GET', '/v1/users/me', ({ ctx }) => botUser(ctx.ws)),
  route('GET', '/v1/users/:id', ({ ctx, params }) => {
    const id = parsePathId(params[0]!, 'path.user_id');
    if (!ctx.ws.users[id]) throw userNotFound(id, ctx.ws.botId);
    return userObject(ctx.ws, id);
  }),
  route('GET', '/v1/users', ({ ctx, codec, query }) => {
    const req = readPageRequest('query', query.get('page_size') ?? undefined, query.get('start_cursor'));
    const ids = Object.keys(ctx.ws.users);
    const page = paginate(ids, req, codec, 'users', (id) => id);
    return listEnvelope('user', { ...page, results: page.results.map((id) => userObject(ctx.ws, id)) });
  }),
  route('GET', '/v1/comments', listComments),
  route('GET', '/v1/custom_emojis', ({ ctx, codec, query }) => {
    const req = readPageRequest('query', query.get('page_size') ?? undefined, query.get('start_cursor'));
    const name = query.get('name');
    const emojis = Object.values(ctx.ws.customEmojis).filter((e) => name === null || e.name === name);
    const page = paginate(emojis, req, codec, `emojis:${name ?? ''}`, (e) => e.id);
    const results = page.results.map((e) => ({ id: e.id, name: e.name, url: customEmojiUrl(ctx, e.id) }));
    // The recorded list has no `custom_emoji: {}` member, unlike every other list.
    return listEnvelope('custom_emoji', { ...page, results }, false);
  }),
];

/** Finds the route for a method and path; `pathMatched` tells a wrong method from an unknown path. */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | null {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.regex.exec(path);
    if (m) return { route: r, params: m.slice(1).map((s) => safeDecode(s)) };
  }
  return null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function visiblePage(ctx: SerialiseContext, raw: string, where: string): WsPage {
  const id = parsePathId(raw, where);
  const page = ctx.ws.pages[id];
  if (!page || !isVisible(ctx.ws, { kind: 'page', id })) throw notFound('page', id, ctx.ws.integrationName, ctx.ws.botId);
  return page;
}

function visibleDataSource(ctx: SerialiseContext, raw: string) {
  const id = parsePathId(raw, 'path.data_source_id');
  const ds = ctx.ws.dataSources[id];
  if (!ds || !isVisible(ctx.ws, { kind: 'data_source', id })) throw notFound('data_source', id, ctx.ws.integrationName, ctx.ws.botId);
  return ds;
}

function retrievePropertyItem({ ctx, codec, params, query }: HandlerInput) {
  const page = visiblePage(ctx, params[0]!, 'path.page_id');
  const wanted = params[1]!;
  const schema = schemaOf(ctx, page);
  const entry = Object.values(schema).find((s) => decodeURIComponent(s.id) === wanted) ?? schema[wanted];
  if (!entry) throw new ApiError(404, 'object_not_found', `Could not find property with name or id: ${wanted}`);
  const req = readPageRequest('query', query.get('page_size') ?? undefined, query.get('start_cursor'));
  return serialisePropertyItem(ctx, page, entry, req, codec);
}

function listChildren({ ctx, codec, params, query }: HandlerInput) {
  const id = parsePathId(params[0]!, 'path.block_id');
  const visible =
    (ctx.ws.blocks[id] && isVisible(ctx.ws, { kind: 'block', id })) || (ctx.ws.pages[id] && isVisible(ctx.ws, { kind: 'page', id }));
  if (!visible) throw notFound('block', id, ctx.ws.integrationName, ctx.ws.botId);
  const req = readPageRequest('query', query.get('page_size') ?? undefined, query.get('start_cursor'));
  const ids = visibleChildIds(ctx, id);
  const page = paginate(ids, req, codec, `children:${id}`, (c) => c);
  return listEnvelope('block', { ...page, results: page.results.map((c) => serialiseBlock(ctx, ctx.ws.blocks[c]!)) });
}

function listComments({ ctx, codec, query }: HandlerInput) {
  // The capability is checked before the request itself, as Notion answers any call of it.
  if (ctx.capabilities?.readComments === false) throw restrictedResource();
  const raw = query.get('block_id');
  if (raw === null) {
    throw validationError(`query failed validation: query.block_id should be defined, instead was ${quoteValue(undefined)}.`);
  }
  const id = parsePathId(raw, 'query.block_id');
  const visible =
    (ctx.ws.pages[id] && isVisible(ctx.ws, { kind: 'page', id })) || (ctx.ws.blocks[id] && isVisible(ctx.ws, { kind: 'block', id }));
  if (!visible) throw notFound('block', id, ctx.ws.integrationName, ctx.ws.botId);
  const req = readPageRequest('query', query.get('page_size') ?? undefined, query.get('start_cursor'));
  const comments = ctx.ws.comments.filter((c) => (c.parent.type === 'page_id' ? c.parent.page_id : c.parent.block_id) === id);
  const page = paginate(comments, req, codec, `comments:${id}`, (c) => c.id);
  return listEnvelope('comment', { ...page, results: page.results.map((c) => serialiseComment(ctx, c)) });
}

function search({ ctx, codec, body }: HandlerInput) {
  const req = readPageRequest('body', body.page_size, body.start_cursor);
  const filter = (body.filter ?? null) as { property?: string; value?: string; in_trash?: boolean } | null;
  if (filter !== null && filter.property !== undefined) {
    if (filter.property !== 'object' || (filter.value !== 'page' && filter.value !== 'data_source')) {
      throw validationError(
        `body failed validation: body.filter.value should be \`"page"\` or \`"data_source"\`, instead was ${quoteValue(filter.value)}.`,
      );
    }
  }
  const sort = (body.sort ?? null) as { timestamp?: string; direction?: string } | null;
  const query = typeof body.query === 'string' ? body.query.trim().toLowerCase() : '';
  const words = query.split(/\s+/).filter(Boolean);
  const includeTrash = filter?.in_trash === true;
  const matches = (title: string) => words.every((w) => title.toLowerCase().includes(w));

  type Hit = { kind: 'page' | 'data_source'; id: Id; edited: string };
  const hits: Hit[] = [];
  if (filter?.value !== 'data_source') {
    for (const p of Object.values(ctx.ws.pages)) {
      if (!isVisible(ctx.ws, { kind: 'page', id: p.id })) continue;
      if (!includeTrash && isTrashed(ctx.ws, { kind: 'page', id: p.id })) continue;
      if (matches(pageTitle(ctx.ws, p.id))) hits.push({ kind: 'page', id: p.id, edited: p.lastEditedTime });
    }
  }
  if (filter?.value !== 'page') {
    for (const ds of Object.values(ctx.ws.dataSources)) {
      if (!isVisible(ctx.ws, { kind: 'data_source', id: ds.id })) continue;
      if (!includeTrash && isTrashed(ctx.ws, { kind: 'data_source', id: ds.id })) continue;
      if (matches(plainText(ds.title))) hits.push({ kind: 'data_source', id: ds.id, edited: ds.lastEditedTime });
    }
  }
  // Notion promises no order; we use last edited, newest first (or as asked), then id, so runs are repeatable.
  const dir = sort?.direction === 'ascending' ? 1 : -1;
  hits.sort((a, b) => (a.edited === b.edited ? (a.id < b.id ? -1 : 1) : (a.edited < b.edited ? -1 : 1) * dir));
  const page = paginate(hits, req, codec, `search:${JSON.stringify([query, filter, sort])}`, (h) => h.id);
  const results = page.results.map((h) =>
    h.kind === 'page' ? serialisePage(ctx, ctx.ws.pages[h.id]!) : serialiseDataSource(ctx, ctx.ws.dataSources[h.id]!),
  );
  return listEnvelope('page_or_data_source', { ...page, results });
}

function queryDataSource({ ctx, codec, params, query, body }: HandlerInput) {
  const ds = visibleDataSource(ctx, params[0]!);
  const req = readPageRequest('body', body.page_size, body.start_cursor);
  const inTrash = body.in_trash === true || body.archived === true;
  const resultType = body.result_type;
  if (resultType !== undefined && resultType !== 'page' && resultType !== 'data_source') {
    throw validationError(`body failed validation: body.result_type should be \`"page"\` or \`"data_source"\`, instead was ${quoteValue(resultType)}.`);
  }
  const predicate = compileFilter(ctx, body.filter);
  const comparator = compileSorts(ctx, body.sorts);
  let rows = ds.rowIds
    .map((id) => ctx.ws.pages[id])
    .filter((p): p is WsPage => Boolean(p))
    // in_trash: true adds the trashed rows; without it they are left out.
    .filter((p) => inTrash || !isTrashed(ctx.ws, { kind: 'page', id: p.id }));
  if (resultType === 'data_source') rows = [];
  rows = rows.filter(predicate);
  if (comparator) rows = [...rows].sort(comparator);
  const only = query.getAll('filter_properties');
  const scope = `query:${ds.id}:${JSON.stringify([body.filter ?? null, body.sorts ?? null, inTrash])}`;
  // Past the result limit Notion ends the query early and says so in request_status.
  const limit = ctx.queryResultLimit ?? Number.POSITIVE_INFINITY;
  const truncated = rows.length > limit;
  const page = paginate(truncated ? rows.slice(0, limit) : rows, req, codec, scope, (p) => p.id);
  const results = page.results.map((p) => serialisePage(ctx, p, only.length ? new Set(only) : undefined));
  const envelope = listEnvelope('page_or_data_source', { ...page, results });
  if (truncated && !page.hasMore) envelope.request_status = { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' };
  return envelope;
}
