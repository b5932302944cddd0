import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPaginatedAPI } from '@notionhq/client';
import { addSample, compareShape, emptyShape, type Shape } from './shape.js';
import { api, startSample, type SampleIds } from './sample-workspace.js';
import type { NotionServer } from '../../src/notion-server/server.js';
import { NOTION_FIXTURES } from '../support/fixtures.js';

/**
 * Fidelity: the server's answers have the structure of the real API's, kind by kind.
 * Expected shapes are the union of everything recorded in tests/fixtures/notion-api (2025-09-03
 * response bodies only; legacy/ is an older API shape). Where the recordings lack a variant,
 * an exemplar written from the SDK's type definitions is added, each with its reason.
 */

type Json = Record<string, any>;

/** Every 2025-09-03 response body in the fixtures (successful and error). */
function recordedBodies(): Array<{ file: string; status: number; body: Json }> {
  const out: Array<{ file: string; status: number; body: Json }> = [];
  for (const file of readdirSync(NOTION_FIXTURES).filter((f) => f.endsWith('.json'))) {
    const data = JSON.parse(readFileSync(new URL(file, NOTION_FIXTURES), 'utf8'));
    if (file.endsWith('.exchanges.json')) for (const x of data) out.push({ file, status: x.response.status, body: x.response.body });
    else out.push({ file, status: 200, body: data });
  }
  return out;
}

/** Sorts samples into kinds: block:<type>, page, property:<type>, property_item:<type>, list:<type>, … */
class Kinds {
  readonly shapes = new Map<string, Shape>();
  add(kind: string, value: unknown): void {
    const s = this.shapes.get(kind) ?? emptyShape();
    addSample(s, value);
    this.shapes.set(kind, s);
  }

  /** Walks one response body and files every object it contains under its kind. */
  collect(body: unknown, top = true): void {
    if (Array.isArray(body)) return body.forEach((x) => this.collect(x, false));
    if (!body || typeof body !== 'object') return;
    const o = body as Json;
    const strip = (keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k) && (top || k !== 'request_id')));
    switch (o.object) {
      case 'block':
        if ('id' in o && 'parent' in o) this.add(`block:${o.type}`, strip(['request_id']));
        break;
      case 'page':
        this.add('page', strip(['properties', 'request_id']));
        for (const v of Object.values(o.properties ?? {})) this.add(`property:${(v as Json).type}`, v);
        break;
      case 'database':
        this.add('database', strip(['request_id']));
        break;
      case 'data_source':
        this.add('data_source', strip(['properties', 'request_id']));
        for (const v of Object.values(o.properties ?? {})) this.add(`schema:${(v as Json).type}`, v);
        break;
      case 'list':
        this.add(o.type === 'property_item' ? `list:property_item:${o.property_item.type}` : `list:${o.type}`, { ...strip(['request_id']), results: [] });
        for (const r of o.results) {
          if (r.object === 'property_item') this.add(`property_item_in_list:${r.type}`, r);
          else this.collect(r, false);
        }
        return;
      case 'property_item':
        this.add(`property_item:${o.type}`, strip(['request_id']));
        break;
      case 'user':
        if ('type' in o) this.add(`user:${o.type}`, strip(['request_id']));
        break;
      case 'comment':
        this.add('comment', strip(['request_id']));
        break;
      case 'error':
        this.add(`error:${o.code}`, o);
        return;
    }
    for (const v of Object.values(o)) this.collectRichText(v);
  }

  /** Files the API-wide unions: every rich text item, parent, icon/cover, user and date value anywhere. */
  collectUnions(v: unknown, key: string | null = null): void {
    if (Array.isArray(v)) return v.forEach((x) => this.collectUnions(x, null));
    if (!v || typeof v !== 'object') return;
    const o = v as Json;
    const kind = unionKind(key, o);
    if (kind) this.add(kind, o);
    for (const [k, x] of Object.entries(o)) this.collectUnions(x, k);
  }

  private collectRichText(v: unknown): void {
    if (Array.isArray(v)) return v.forEach((x) => this.collectRichText(x));
    if (!v || typeof v !== 'object') return;
    const o = v as Json;
    if ((o.type === 'text' || o.type === 'mention' || o.type === 'equation') && 'plain_text' in o) {
      this.add(o.type === 'mention' ? `rich_text:mention:${o.mention.type}` : `rich_text:${o.type}`, o);
    }
    if (o.object) return; // nested objects are filed by collect()
    for (const x of Object.values(o)) this.collectRichText(x);
  }
}

/** Which API-wide union a value belongs to, if any. */
function unionKind(key: string | null, o: Json): string | null {
  if ((o.type === 'text' || o.type === 'mention' || o.type === 'equation') && 'plain_text' in o) return 'any:rich_text';
  if (key === 'parent' && typeof o.type === 'string') return 'any:parent';
  if ((key === 'icon' || key === 'cover') && typeof o.type === 'string') return 'any:icon';
  if (o.object === 'user' && key !== null && key !== 'results') return 'any:user';
  if (key === 'date' && 'start' in o) return 'any:date';
  return null;
}

const recorded = new Kinds();
for (const { status, body } of recordedBodies()) {
  recorded.collect(body);
  if (status === 200) recorded.collectUnions(body);
}

// ---------------------------------------------------------------- exemplars from the SDK types
// Variants the recordings lack, written from node_modules/@notionhq/client/build/src/api-endpoints/*.d.ts.
const hostedFile = { url: 'u', expiry_time: 't' }; // InternalFileResponse
const ANN = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };
const blockEnvelope = (type: string, payload: Json) => ({
  object: 'block', id: 'i', parent: { type: 'page_id', page_id: 'p' }, created_time: 't', last_edited_time: 't',
  created_by: { object: 'user', id: 'u' }, last_edited_by: { object: 'user', id: 'u' }, has_children: false, in_trash: false,
  type, [type]: payload, archived: false,
});
const SDK_EXEMPLARS: Array<[kind: string, reason: string, exemplar: Json]> = [
  ['block:heading_4', 'not recorded; Heading4BlockObjectResponse (HeaderContentWithRichTextAndColorResponse)', blockEnvelope('heading_4', { rich_text: [], is_toggleable: false, color: 'default' })],
  ['block:template', 'not recorded; TemplateBlockObjectResponse', blockEnvelope('template', { rich_text: [] })],
  ['block:tab', 'not recorded; TabBlockObjectResponse (EmptyObject)', blockEnvelope('tab', {})],
  ['block:link_preview', 'not recordable (read-only type); LinkPreviewBlockObjectResponse', blockEnvelope('link_preview', { url: 'u' })],
  ['block:pdf', 'Notion-hosted pdf not recorded; FileMediaContentWithFileAndCaptionResponse', blockEnvelope('pdf', { caption: [], type: 'file', file: hostedFile })],
  ['block:video', 'Notion-hosted video not recorded; FileMediaContentWithFileAndCaptionResponse', blockEnvelope('video', { caption: [], type: 'file', file: hostedFile })],
  ['block:audio', 'Notion-hosted audio not recorded; FileMediaContentWithFileAndCaptionResponse', blockEnvelope('audio', { caption: [], type: 'file', file: hostedFile })],
  ['block:file', 'Notion-hosted file not recorded; FileMediaContentWithFileNameAndCaptionResponse', blockEnvelope('file', { caption: [], type: 'file', file: hostedFile, name: 'n' })],
  ['block:column', 'width_ratio is optional in ColumnResponse; recorded columns had equal widths and no ratio', blockEnvelope('column', { width_ratio: 0.5 })],
  ['block:unsupported', 'only block_type values button/ai_block recorded; same shape', blockEnvelope('unsupported', { block_type: 'x' })],
  ['page', 'page icon/cover of type file not recorded at 2025-09-03; FilePageIconResponse / FilePageCoverResponse', { icon: { type: 'file', file: hostedFile }, cover: { type: 'file', file: hostedFile } }],
  ['property:files', 'Notion-hosted files value not recorded; InternalOrExternalFileWithNameResponse', { id: 'i', type: 'files', files: [{ name: 'n', type: 'file', file: hostedFile }] }],
  ['property:verification', 'not recorded as a value; VerificationPropertyResponse', { id: 'i', type: 'verification', verification: { state: 'verified', verified_by: { object: 'user', id: 'u' }, date: { start: 's', end: null, time_zone: null } } }],
  ['property:rollup', 'array rollup items not recorded with values; RollupPropertyItemObjectResponse array of property values', { id: 'i', type: 'rollup', rollup: { type: 'array', array: [{ type: 'title', title: [] }], function: 'show_original' } }],
  ['property:verification', 'unverified variant; VerificationPropertyUnverifiedResponse', { id: 'i', type: 'verification', verification: { state: 'unverified', verified_by: null, date: null } }],
  ['property:date', 'recorded dates all lack an end; DateResponse end: string | null', { id: 'i', type: 'date', date: { start: 's', end: 'e', time_zone: null } }],
  ['list:property_item:rollup', 'array rollup summary; RollupPropertyItemObjectResponse rollup: array', { object: 'list', next_cursor: null, has_more: false, type: 'property_item', property_item: { id: 'i', next_url: null, type: 'rollup', rollup: { type: 'array', array: [], function: 'show_original' } }, results: [] }],
  ['property_item_in_list:people', 'people property items not recorded with values; PeoplePropertyItemObjectResponse', { object: 'property_item', id: 'i', type: 'people', people: { object: 'user', id: 'u', name: 'n', avatar_url: null, type: 'person', person: { email: 'e' } } }],
  ['property_item_in_list:title', 'show_original rollup items are title property items', { object: 'property_item', id: 'i', type: 'title', title: { type: 'text', text: { content: 'c', link: null }, annotations: ANN, plain_text: 'c', href: null } }],
  ['schema:verification', 'present in search-filter-data-source.json only in wiki data sources; VerificationPropertyConfigurationResponse', { id: 'i', name: 'n', description: null, type: 'verification', verification: {} }],
  ['schema:place', 'PlacePropertyConfigurationResponse (EmptyObject)', { id: 'i', name: 'n', description: null, type: 'place', place: {} }],
  ['schema:button', 'ButtonPropertyConfigurationResponse (EmptyObject)', { id: 'i', name: 'n', description: null, type: 'button', button: {} }],
  ['schema:status', 'status option descriptions: StatusPropertyConfigurationResponse options carry description like select options', { id: 'i', name: 'n', description: null, type: 'status', status: { options: [{ id: 'i', name: 'n', color: 'c', description: null }], groups: [{ id: 'i', name: 'n', color: 'c', option_ids: [] }] } }],
  ['rich_text:mention:custom_emoji', 'recorded once; same shape from the SDK', { type: 'mention', mention: { type: 'custom_emoji', custom_emoji: { id: 'i', name: 'n', url: 'u' } }, annotations: ANN, plain_text: 'p', href: null }],
  ['block:meeting_notes', 'not recorded; MeetingNotesBlockObjectResponse (TranscriptionBlockResponse)', blockEnvelope('meeting_notes', { title: [], status: 'notes_ready', children: { summary_block_id: 'i', notes_block_id: 'i', transcript_block_id: 'i' }, calendar_event: { start_time: 's', end_time: 'e', attendees: ['i'] }, recording: { start_time: 's', end_time: 'e' } })],
  ['block:transcription', 'not recorded; TranscriptionBlockObjectResponse (deprecated name of meeting_notes)', blockEnvelope('transcription', { title: [], status: 'notes_ready', children: { summary_block_id: 'i', notes_block_id: 'i', transcript_block_id: 'i' }, calendar_event: { start_time: 's', end_time: 'e', attendees: ['i'] }, recording: { start_time: 's', end_time: 'e' } })],
  ['rich_text:mention:link_preview', 'not recorded; LinkPreviewMentionResponse', { type: 'mention', mention: { type: 'link_preview', link_preview: { url: 'u' } }, annotations: ANN, plain_text: 'p', href: 'u' }],
  ['block:link_to_page', 'only page_id recorded; link_to_page may also be { type: "database_id", database_id }', blockEnvelope('link_to_page', { type: 'database_id', database_id: 'i' })],
  ['property:rollup', 'show_original rollups of select values; RollupPropertyItemObjectResponse array of property values', { id: 'i', type: 'rollup', rollup: { type: 'array', array: [{ type: 'select', select: { id: 'i', name: 'n', color: 'c' } }], function: 'show_original' } }],
  ['list:property_item:rollup', 'date rollup summary (earliest_date) recorded only on pages; DateRollup', { object: 'list', next_cursor: null, has_more: false, type: 'property_item', property_item: { id: 'i', next_url: null, type: 'rollup', rollup: { type: 'date', date: null, function: 'earliest_date' } }, results: [] }],
  ['property_item_in_list:select', 'flattened show_original rollup of select values; SelectPropertyItemObjectResponse', { object: 'property_item', id: 'i', type: 'select', select: { id: 'i', name: 'n', color: 'c' } }],
  ['property:place', 'only null recorded; PlacePropertyValueResponse', { id: 'i', type: 'place', place: { lat: 1, lon: 1, name: 'n', address: 'a', aws_place_id: null, google_place_id: null } }],
  ['property:number', 'only set numbers recorded; NumberPropertyItemObjectResponse number: number | null', { id: 'i', type: 'number', number: null }],
  ['property:formula', 'NumberFormulaPropertyResponse number: number | null', { id: 'i', type: 'formula', formula: { type: 'number', number: null } }],
  ['database', 'database icon/cover recorded only as null; PageIconResponse / PageCoverResponse', { icon: { type: 'emoji', emoji: 'e' }, cover: { type: 'external', external: { url: 'u' } } }],
  ['data_source', 'data source icon/cover recorded only as null; PageIconResponse / PageCoverResponse', { icon: { type: 'emoji', emoji: 'e' }, cover: { type: 'external', external: { url: 'u' } } }],
  ['rich_text:mention:date', 'recorded date mention lacks `end`; DateResponse has end', { type: 'mention', mention: { type: 'date', date: { start: 's', end: null, time_zone: null } }, annotations: ANN, plain_text: 'p', href: null }],
];
function mergeShape(into: Shape, from: Shape): void {
  for (const t of from.types) into.types.add(t);
  into.objectSamples += from.objectSamples;
  for (const [k, v] of from.keys) {
    const slot = into.keys.get(k) ?? { shape: emptyShape(), present: 0 };
    slot.present += v.present;
    mergeShape(slot.shape, v.shape);
    into.keys.set(k, slot);
  }
  if (from.items) mergeShape((into.items ??= emptyShape()), from.items);
}

for (const [kind, , exemplar] of SDK_EXEMPLARS) {
  const existing = recorded.shapes.get(kind);
  // A partial exemplar (page icon/cover) only widens the recorded shape; it must not make keys optional.
  if ((kind === 'page' || kind === 'database' || kind === 'data_source') && existing) {
    addSample(existing.keys.get('icon')!.shape, exemplar.icon);
    addSample(existing.keys.get('cover')!.shape, exemplar.cover);
  } else recorded.add(kind, exemplar);
}

// The SDK gives a property item the same value type as the page property value of that type
// (PropertyItemObjectResponse vs PagePropertyValue): widen each item kind by the recorded values.
for (const [kind, shape] of [...recorded.shapes]) {
  if (!kind.startsWith('property:')) continue;
  const type = kind.slice('property:'.length);
  if (['title', 'rich_text', 'people', 'relation', 'rollup'].includes(type)) continue; // paginated lists
  // Kinds never recorded as items get the envelope every recorded property item has.
  if (!recorded.shapes.has(`property_item:${type}`)) recorded.add(`property_item:${type}`, { object: 'property_item', type, id: 'i' });
  const item = recorded.shapes.get(`property_item:${type}`)!;
  const value = shape.keys.get(type);
  if (!value) continue;
  item.types.add('object');
  const slot = item.keys.get(type) ?? { shape: emptyShape(), present: 0 };
  mergeShape(slot.shape, value.shape);
  item.keys.set(type, slot);
  recorded.shapes.set(`property_item:${type}`, item);
}

/** Differences we accept, each with its reason (path regexes per kind). */
const EXCEPTIONS: Array<[kind: RegExp, path: RegExp, reason: string]> = [
  [/^block:callout$/, /^\$\.callout\.icon\.(type: missing|custom_emoji.*|file.*)$/, 'callout icons may be custom emoji or files (PageIconResponse); recorded only as emoji'],
  [/^rich_text:mention:user$/, /^\$\.mention\.user\.bot/, 'bot users mentioned: recorded mentions are persons only'],
  [/^list:/, /^\$\.request_status/, 'request_status is optional in the SDK types; never recorded'],
];

// Variants of the API-wide unions the recordings lack, from the SDK types.
const UNION_EXEMPLARS: Array<[kind: string, reason: string, exemplar: Json]> = [
  ['any:icon', 'FilePageIconResponse / FilePageCoverResponse: Notion-hosted icons and covers not recorded at 2025-09-03', { type: 'file', file: hostedFile }],
  ['any:icon', 'ExternalPageIconResponse: external icons not recorded', { type: 'external', external: { url: 'u' } }],
  ['any:rich_text', 'LinkPreviewMentionResponse: link_preview mentions not recorded', { type: 'mention', mention: { type: 'link_preview', link_preview: { url: 'u' } }, annotations: ANN, plain_text: 'p', href: 'u' }],
  ['any:date', 'DateResponse: end and time_zone are string | null; recorded mostly null', { start: 's', end: 'e', time_zone: 'Europe/Berlin' }],
];
for (const [kind, , exemplar] of UNION_EXEMPLARS) recorded.add(kind, exemplar);

const unionOverride = (key: string | null, value: unknown): Shape | undefined => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const kind = unionKind(key, value as Json);
  return kind ? recorded.shapes.get(kind) : undefined;
};

function problemsFor(kind: string, actual: unknown): string[] {
  const expected = recorded.shapes.get(kind);
  if (!expected) return [`${kind}: no recorded or SDK shape`];
  return compareShape(expected, actual, '$', unionOverride).filter((p) => !EXCEPTIONS.some(([k, path]) => k.test(kind) && path.test(p)));
}

// ---------------------------------------------------------------- the server's answers
let server: NotionServer;
let ids: SampleIds;
const served = new Kinds();
const servedSamples = new Map<string, unknown[]>();

function keep(kind: string, value: unknown) {
  servedSamples.set(kind, [...(servedSamples.get(kind) ?? []), value]);
}

beforeAll(async () => {
  const started = await startSample();
  server = started.server;
  ids = started.ids;
  const { client } = started;
  const bodies: Json[] = [];
  const get = async (path: string, body?: unknown) => {
    const res = await api(server, body === undefined ? 'GET' : 'POST', path, body);
    bodies.push(res.json);
    return res.json;
  };
  // Walk every page's block tree.
  const pages = await collectPaginatedAPI(client.search, { filter: { property: 'object', value: 'page' } });
  for (const p of pages) {
    await get(`/v1/pages/${p.id}`);
    const walk = async (id: string): Promise<void> => {
      const list = await get(`/v1/blocks/${id}/children`);
      for (const b of list.results) if (b.has_children && b.type !== 'child_page') await walk(b.id);
    };
    await walk(p.id);
  }
  await get(`/v1/blocks/${ids.syncedOriginal}`);
  await get(`/v1/databases/${ids.database}`);
  await get(`/v1/databases/${ids.linkedView}`);
  await get(`/v1/data_sources/${ids.dataSource}`);
  await get(`/v1/data_sources/${ids.dataSource}/query`, { page_size: 3 });
  await get('/v1/search', { page_size: 5 });
  await get('/v1/users');
  await get(`/v1/users/${ids.users[0]}`);
  await get('/v1/users/me');
  await get(`/v1/comments?block_id=${ids.commentPage}`);
  await get('/v1/custom_emojis');
  const row = await get(`/v1/pages/${ids.bigRow}`);
  for (const v of Object.values(row.properties) as Json[]) await get(`/v1/pages/${ids.bigRow}/properties/${v.id}`);
  await get('/v1/invalid');
  await get('/v1/pages/12345678-1234-1234-1234-123456789abc');
  await get(`/v1/pages/${ids.unshared}`);
  bodies.push((await api(server, 'GET', '/v1/users', undefined, { authorization: 'Bearer nope' })).json);
  for (const b of bodies) served.collect(b);
  // Keep every served sample per kind, to compare each one (not a union) against the recorded union.
  const keeper = new Kinds();
  keeper.add = (kind, value) => keep(kind, value);
  for (const b of bodies) keeper.collect(b);
}, 60_000);
afterAll(() => server.close());

const RECORDED_BLOCK_TYPES = [...recorded.shapes.keys()].filter((k) => k.startsWith('block:'));

describe('fidelity to the recorded API, kind by kind', () => {
  it('the sample workspace serves every block type the fixtures (and the SDK exemplars) have', () => {
    const missing = RECORDED_BLOCK_TYPES.filter((k) => !servedSamples.has(k));
    expect(missing).toEqual([]);
  });

  it('every served kind has a recorded or SDK-derived shape to compare with', () => {
    const unknown = [...servedSamples.keys()].filter((k) => !recorded.shapes.has(k));
    expect(unknown).toEqual([]);
  });

  it.each([
    ...RECORDED_BLOCK_TYPES,
    'page', 'database', 'data_source', 'comment', 'user:person', 'user:bot',
    'list:block', 'list:page_or_data_source', 'list:user', 'list:comment', 'list:custom_emoji',
    'error:invalid_request_url', 'error:validation_error', 'error:unauthorized', 'error:object_not_found',
    'rich_text:text', 'rich_text:equation', 'rich_text:mention:page', 'rich_text:mention:user', 'rich_text:mention:date', 'rich_text:mention:custom_emoji',
  ])('%s', (kind) => {
    const samples = servedSamples.get(kind) ?? [];
    expect(samples.length, `the server served no ${kind}`).toBeGreaterThan(0);
    const problems = [...new Set(samples.flatMap((s) => problemsFor(kind, s)))];
    expect(problems).toEqual([]);
  });

  const propertyKinds = () => [...servedSamples.keys()].filter((k) => /^(property|property_item|property_item_in_list|list:property_item|schema):/.test(k));
  it('property values, property items and schemas of every type', () => {
    const kinds = propertyKinds();
    expect(kinds.length).toBeGreaterThan(60);
    const problems = kinds.flatMap((kind) => [...new Set((servedSamples.get(kind) ?? []).flatMap((s) => problemsFor(kind, s)))].map((p) => `${kind} ${p}`));
    expect(problems).toEqual([]);
  });

  it('exceptions and SDK exemplars are listed with reasons', () => {
    for (const [, , reason] of EXCEPTIONS) expect(reason.length).toBeGreaterThan(10);
    for (const [, reason] of [...SDK_EXEMPLARS, ...UNION_EXEMPLARS]) expect(reason.length).toBeGreaterThan(10);
  });
});

describe('fidelity of the MAGNET demo workspace answers', () => {
  const demoSamples = new Map<string, unknown[]>();
  let demo: NotionServer;

  beforeAll(async () => {
    const { buildDemo } = await import('../../src/notion-server/demo-workspace.js');
    const { workspace, ids: demoIds } = buildDemo();
    const { startNotionServer } = await import('../../src/notion-server/server.js');
    demo = await startNotionServer({ workspace, token: 'secret_fidelity', rateLimit: false });
    const get = async (path: string, body?: unknown) =>
      (await api(demo, body === undefined ? 'GET' : 'POST', path, body, { authorization: 'Bearer secret_fidelity' })).json;
    const keeper = new Kinds();
    keeper.add = (kind, value) => demoSamples.set(kind, [...(demoSamples.get(kind) ?? []), value]);
    const seen = new Set<string>();
    const walk = async (id: string): Promise<void> => {
      if (seen.has(id)) return;
      seen.add(id);
      let cursor: string | null = null;
      do {
        const list: Json = await get(`/v1/blocks/${id}/children${cursor ? `?start_cursor=${encodeURIComponent(cursor)}` : ''}`);
        keeper.collect(list);
        for (const b of list.results) if (b.has_children) await walk(b.id);
        cursor = list.next_cursor;
      } while (cursor);
    };
    let cursor: string | null = null;
    do {
      const page: Json = await get('/v1/search', cursor ? { start_cursor: cursor } : {});
      keeper.collect(page);
      for (const r of page.results) {
        if (r.object === 'page') await walk(r.id);
        else keeper.collect(await get(`/v1/databases/${r.parent.database_id}`));
      }
      cursor = page.next_cursor;
    } while (cursor);
    const row = await get(`/v1/pages/${demoIds.manyRelationsRow}`);
    for (const v of Object.values(row.properties) as Json[]) keeper.collect(await get(`/v1/pages/${demoIds.manyRelationsRow}/properties/${v.id}`));
    keeper.collect(await get('/v1/users'));
    keeper.collect(await get('/v1/custom_emojis'));
  }, 120_000);
  afterAll(() => demo.close());

  it('every kind the demo serves has the recorded structure', () => {
    expect(demoSamples.size).toBeGreaterThan(40);
    const problems = [...demoSamples].flatMap(([kind, samples]) =>
      [...new Set(samples.flatMap((s) => problemsFor(kind, s)))].map((p) => `${kind} ${p}`),
    );
    expect(problems).toEqual([]);
  });
});
