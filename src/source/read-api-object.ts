/**
 * The tolerant reading of every object the Notion API returns, applied by the gateway to all
 * it hands out, so the crawl and later stages always see complete objects.
 *
 * Real responses differ from the documentation, and fields come and go between API versions:
 *   - a missing or null optional field gets the safe default from the tables below
 *     (an empty list, null, false, an unknown user);
 *   - an unknown field is kept as it is;
 *   - an unknown block, property or rich text type is kept as it is (the renderer and the
 *     normaliser show and report what they do not know);
 *   - a required field that is missing or of the wrong kind throws a `MalformedObjectError`
 *     (code `malformed_object`) naming the object's kind, id and field, which the crawl
 *     records as the failure of that one page or database.
 */
import type {
  BlockObjectResponse,
  DatabaseObjectResponse,
  DataSourceObjectResponse,
  PageObjectResponse,
  PropertyItemObjectResponse,
  UserObjectResponse,
} from '@notionhq/client';
import { NotionKbError } from '../errors.js';

type Obj = Record<string, unknown>;

/** The kinds of object this layer reads; also the kinds the local server can drift. */
export type ApiObjectKind =
  | 'page'
  | 'database'
  | 'data_source'
  | 'block'
  | 'user'
  | 'property_value'
  | 'property_item'
  | 'property_schema'
  | 'file'
  | 'rich_text';

/** A required field was missing or of the wrong kind: the object cannot be exported. */
export class MalformedObjectError extends NotionKbError {
  override readonly name: string = 'MalformedObjectError';
  constructor(
    readonly kind: string,
    readonly objectId: string | undefined,
    readonly field: string,
    problem: string,
  ) {
    super(
      'malformed_object',
      `Notion returned a malformed ${kind} ${objectId ?? '(without id)'}: field "${field}" ${problem}; this ${kind} cannot be exported`,
      { kind, ...(objectId === undefined ? {} : { id: objectId }), field },
    );
  }
}

/**
 * Where a value sits, for error messages: the top-level object and the path inside it. The
 * path is spelled out only when an error needs it (reading is hot: every object of a sync).
 */
interface Where {
  kind: string;
  id: string | undefined;
  /** The enclosing place and this one's key; none at the top. */
  parent?: Where;
  key?: string;
}

const at = (where: Where, key: string): Where => ({ kind: where.kind, id: where.id, parent: where, key });

function pathOf(where: Where): string {
  const keys: string[] = [];
  for (let w: Where | undefined = where; w?.key !== undefined; w = w.parent) keys.unshift(w.key);
  return keys.join('.');
}

function malformed(where: Where, problem: string): MalformedObjectError {
  return new MalformedObjectError(where.kind, where.id, pathOf(where), problem);
}

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: unknown): string {
  if (v === undefined) return 'is missing';
  if (v === null) return 'is null';
  return `is ${Array.isArray(v) ? 'a list' : `a ${typeof v}`}`;
}

// ------------------------------------------------------------------- field specs

/** How one optional field is read: what it must look like, its default, and how its content is read. */
interface FieldSpec {
  accepts: (v: unknown) => boolean;
  /** Used when the field is missing, null or of the wrong kind; sees the object read so far. */
  fallback: (obj: Obj) => unknown;
  read?: (v: unknown, where: Where) => unknown;
}

/** Optional fields of one object kind → their spec. Keys not listed are kept as they are. */
type DefaultsTable = Record<string, FieldSpec>;

const bool = (value = false): FieldSpec => ({ accepts: (v) => typeof v === 'boolean', fallback: () => value });
const str = (fallback: string | ((obj: Obj) => string)): FieldSpec => ({
  accepts: (v) => typeof v === 'string',
  fallback: typeof fallback === 'string' ? () => fallback : fallback,
});
const num = (value: number): FieldSpec => ({ accepts: (v) => typeof v === 'number' && Number.isFinite(v), fallback: () => value });
const nullableStr = (): FieldSpec => ({ accepts: (v) => typeof v === 'string' || v === null, fallback: () => null });
/** An object or null; default null. */
const nullableObj = (read?: (v: Obj, where: Where) => unknown): FieldSpec => ({
  accepts: (v) => isObject(v) || v === null,
  fallback: () => null,
  ...(read ? { read: (v: unknown, where: Where) => (v === null ? null : read(v as Obj, where)) } : {}),
});
const obj = (fallback: () => Obj, read?: (v: Obj, where: Where) => unknown): FieldSpec => ({
  accepts: isObject,
  fallback,
  ...(read ? { read: (v: unknown, where: Where) => read(v as Obj, where) } : {}),
});
/** A list; items that are not objects are dropped when `readItem` is given. */
const list = (readItem?: (v: Obj, where: Where) => unknown): FieldSpec => ({
  accepts: Array.isArray,
  fallback: () => [],
  ...(readItem
    ? { read: (v: unknown, where: Where) => (v as unknown[]).filter(isObject).map((item, i) => readItem(item, at(where, String(i)))) }
    : {}),
});
const constant = (value: string): FieldSpec => str(value);

/** Applies a defaults table to a copy of `raw`: defaults where needed, nested reads where present. */
const tableEntries = new WeakMap<DefaultsTable, Array<[string, DefaultsTable[string]]>>();

function applyDefaults(raw: Obj, table: DefaultsTable, where: Where): Obj {
  const out: Obj = { ...raw };
  let entries = tableEntries.get(table);
  if (!entries) tableEntries.set(table, (entries = Object.entries(table)));
  for (const [key, spec] of entries) {
    const value = out[key];
    if (!spec.accepts(value)) {
      out[key] = spec.fallback(out);
      continue;
    }
    if (spec.read) out[key] = spec.read(value, at(where, key));
  }
  return out;
}

/** Checks required fields; returns nothing, throws on the first that is missing or of the wrong kind. */
function requireFields(raw: Obj, required: Record<string, (v: unknown) => boolean>, where: Where): void {
  for (const [key, ok] of Object.entries(required)) {
    if (!ok(raw[key])) throw malformed(at(where, key), kindOf(raw[key]) === 'is missing' ? 'is missing' : `${kindOf(raw[key])}, not what Notion documents`);
  }
}

const isString = (v: unknown): boolean => typeof v === 'string' && v !== '';
const isTimestamp = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));

// ------------------------------------------------------------------- shared parts

/** The user of `created_by` / `last_edited_by` when Notion does not say: a nil id, shown as an unknown person. */
export const UNKNOWN_USER_ID = '00000000-0000-0000-0000-000000000000';
const WORKSPACE_PARENT = (): Obj => ({ type: 'workspace', workspace: true });
const notionUrl = (o: Obj): string => `https://www.notion.so/${String(o.id).replaceAll('-', '')}`;

const DEFAULT_ANNOTATIONS = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };
const ANNOTATIONS: DefaultsTable = {
  bold: bool(),
  italic: bool(),
  strikethrough: bool(),
  underline: bool(),
  code: bool(),
  color: str('default'),
};

/** Rich text item. Its `type` is inferred from its content when missing; unknown types are kept. */
const RICH_TEXT: DefaultsTable = {
  plain_text: str((o) => {
    if (isObject(o.text) && typeof o.text.content === 'string') return o.text.content;
    if (isObject(o.equation) && typeof o.equation.expression === 'string') return o.equation.expression;
    return '';
  }),
  href: nullableStr(),
  annotations: obj(() => ({ ...DEFAULT_ANNOTATIONS }), (v, where) => applyDefaults(v, ANNOTATIONS, where)),
};

const RICH_TEXT_BY_TYPE: Record<string, DefaultsTable> = {
  text: { text: obj(() => ({}), (v, where) => applyDefaults(v, { link: nullableObj() }, where)) },
  equation: { equation: obj(() => ({})) },
  mention: { mention: obj(() => ({})) },
};

export function readRichText(raw: Obj, where: Where = { kind: 'rich text', id: undefined }): Obj {
  let out: Obj = { ...raw };
  if (typeof out.type !== 'string') out.type = ['text', 'mention', 'equation'].find((t) => isObject(out[t])) ?? 'text';
  out = applyDefaults(out, RICH_TEXT, where);
  const byType = RICH_TEXT_BY_TYPE[out.type as string];
  if (byType) out = applyDefaults(out, byType, where);
  if (out.type === 'text') {
    const text = out.text as Obj;
    if (typeof text.content !== 'string') out.text = { ...text, content: out.plain_text };
  } else if (out.type === 'equation') {
    const eq = out.equation as Obj;
    if (typeof eq.expression !== 'string') out.equation = { ...eq, expression: out.plain_text };
  } else if (out.type === 'mention') {
    const m = out.mention as Obj;
    if (m.type === 'user') out.mention = { ...m, user: readUserRef(m.user, at(where, 'mention.user')) };
  }
  return out;
}

const richTextList = (): FieldSpec => list(readRichText);

/** A file object (icons, covers, media blocks, files properties). `url` is never invented. */
const FILE_BY_TYPE: Record<string, DefaultsTable> = {
  file: { file: obj(() => ({}), (v, where) => applyDefaults(v, { expiry_time: nullableStr() }, where)) },
  external: { external: obj(() => ({})) },
  file_upload: { file_upload: obj(() => ({})) },
  custom_emoji: { custom_emoji: obj(() => ({})) },
};

export function readFile(raw: Obj, where: Where = { kind: 'file', id: undefined }): Obj {
  const out: Obj = { ...raw };
  if (typeof out.type !== 'string') {
    const inferred = ['file', 'external', 'file_upload', 'emoji', 'custom_emoji', 'icon'].find((t) => out[t] !== undefined && out[t] !== null);
    if (inferred === undefined) return out;
    out.type = inferred;
  }
  const byType = FILE_BY_TYPE[out.type as string];
  return byType ? applyDefaults(out, byType, where) : out;
}

/** The last segment of a file URL's path, as a name for a file Notion gave none. */
function nameFromUrl(o: Obj): string {
  const inner = isObject(o[o.type as string]) ? (o[o.type as string] as Obj) : {};
  try {
    const segment = new URL(String(inner.url)).pathname.split('/').filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : 'file';
  } catch {
    return 'file';
  }
}

/** A file object that carries a name (files property entries, file blocks). */
function readNamedFile(raw: Obj, where: Where): Obj {
  return applyDefaults(readFile(raw, where), { name: str(nameFromUrl) }, where);
}

const USER: DefaultsTable = {
  object: constant('user'),
  name: nullableStr(),
  avatar_url: nullableStr(),
};

const USER_BY_TYPE: Record<string, DefaultsTable> = {
  person: { person: obj(() => ({})) },
  bot: { bot: obj(() => ({})) },
};

function fillUser(raw: Obj, where: Where, whole = false): Obj {
  let out: Obj = { ...raw };
  if (typeof out.type !== 'string' && (isObject(out.person) || isObject(out.bot))) out.type = isObject(out.bot) ? 'bot' : 'person';
  // Inside other objects a reference `{ object, id }` stays a reference; a user with more than
  // that, or one listed on its own, gets every field.
  if (whole || Object.keys(out).some((k) => k !== 'object' && k !== 'id')) {
    out = applyDefaults(out, USER, where);
    if (typeof out.type !== 'string') out.type = 'person';
    const byType = USER_BY_TYPE[out.type as string];
    if (byType) out = applyDefaults(out, byType, where);
  } else {
    out.object = 'user';
  }
  return out;
}

/** A user inside another object (created_by, people, mentions): never fails, an unknown user at worst. */
export function readUserRef(raw: unknown, where: Where): Obj {
  if (!isObject(raw) || !isString(raw.id)) return { object: 'user', id: UNKNOWN_USER_ID };
  return fillUser(raw, where);
}

const userRef = (): FieldSpec => ({ accepts: isObject, fallback: () => ({ object: 'user', id: UNKNOWN_USER_ID }), read: readUserRef });

// ------------------------------------------------------------------- property values

/** The value of each property type when Notion leaves it out; types not listed default to null. */
const PROPERTY_VALUE_BY_TYPE: Record<string, DefaultsTable> = {
  title: { title: richTextList() },
  rich_text: { rich_text: richTextList() },
  multi_select: { multi_select: list() },
  people: { people: list((v, where) => readUserRef(v, where)) },
  files: { files: list(readNamedFile) },
  relation: { relation: list(), has_more: bool(false) },
  checkbox: { checkbox: bool(false) },
  created_by: { created_by: userRef() },
  last_edited_by: { last_edited_by: userRef() },
  formula: { formula: obj(() => ({ type: 'string', string: null })) },
  rollup: {
    rollup: obj(
      () => ({ type: 'array', array: [], function: 'show_original' }),
      (v, where) => (v.type === 'array' ? applyDefaults(v, { array: list((item, w) => readValueBody(item, w)) }, where) : v),
    ),
  },
  button: { button: obj(() => ({})) },
  verification: { verification: obj(() => ({ state: 'unverified', verified_by: null, date: null })) },
};
const NULLABLE_VALUE_TYPES = [
  'number',
  'select',
  'status',
  'date',
  'url',
  'email',
  'phone_number',
  'unique_id',
  'created_time',
  'last_edited_time',
  'place',
];
for (const type of NULLABLE_VALUE_TYPES) PROPERTY_VALUE_BY_TYPE[type] = { [type]: nullableObjOrScalar() };

/** A value that may be an object, a scalar or null (numbers, urls, selects …); default null. */
function nullableObjOrScalar(): FieldSpec {
  return { accepts: (v) => v !== undefined, fallback: () => null };
}

/**
 * Items of GET /v1/pages/:id/properties/:pid hold one element of a paginated list each (one rich
 * text, one user, one relation); other types look like page values.
 */
const PROPERTY_ITEM_BY_TYPE: Record<string, DefaultsTable> = {
  ...PROPERTY_VALUE_BY_TYPE,
  title: { title: obj(() => readRichText({ type: 'text', text: { content: '' } }), readRichText) },
  rich_text: { rich_text: obj(() => readRichText({ type: 'text', text: { content: '' } }), readRichText) },
  people: { people: userRef() },
  relation: { relation: obj(() => ({})) },
};

/** `{ type, [type]: value }`: its value defaulted by type; unknown types are kept as they are. */
function readValueBody(raw: Obj, where: Where, tables = PROPERTY_VALUE_BY_TYPE): Obj {
  if (typeof raw.type !== 'string' || raw.type === '') return raw;
  const byType = tables[raw.type];
  return byType ? applyDefaults(raw, byType, where) : raw;
}

/** One property value of a page; a value without a type makes the page malformed. */
function readPropertyValue(name: string, raw: unknown, where: Where): Obj {
  if (!isObject(raw)) throw malformed(where, `${kindOf(raw)}, not a property value`);
  if (!isString(raw.type)) throw malformed(at(where, 'type'), raw.type === undefined ? 'is missing' : `${kindOf(raw.type)}, not a type name`);
  return readValueBody(applyDefaults(raw, { id: str(() => name) }, where), where);
}

// ------------------------------------------------------------------- property schemas (data sources)

const options = (): FieldSpec =>
  list((v, where) => applyDefaults(v, { color: str('default'), description: nullableStr() }, where));

/** The configuration of each property type when Notion leaves it out; other types get `{}`. */
const PROPERTY_CONFIG_BY_TYPE: Record<string, DefaultsTable> = {
  select: { options: options() },
  multi_select: { options: options() },
  status: { options: options(), groups: list((v, where) => applyDefaults(v, { option_ids: list(), color: str('default') }, where)) },
  number: { format: str('number') },
  formula: { expression: str('') },
};

function readPropertySchema(name: string, raw: unknown, where: Where): Obj {
  if (!isObject(raw)) throw malformed(where, `${kindOf(raw)}, not a property configuration`);
  if (!isString(raw.type)) throw malformed(at(where, 'type'), raw.type === undefined ? 'is missing' : `${kindOf(raw.type)}, not a type name`);
  const type = raw.type as string;
  const out = applyDefaults(raw, { id: str(() => name), name: str(() => name), description: nullableStr(), [type]: obj(() => ({})) }, where);
  const byType = PROPERTY_CONFIG_BY_TYPE[type];
  if (byType) out[type] = applyDefaults(out[type] as Obj, byType, at(where, type));
  return out;
}

// ------------------------------------------------------------------- blocks

const richTextBody: DefaultsTable = { rich_text: richTextList(), color: str('default') };
const heading: DefaultsTable = { ...richTextBody, is_toggleable: bool(false) };
const media: DefaultsTable = { caption: richTextList() };

/** The payload `block[block.type]` of each block type; unknown types keep theirs as it is. */
const BLOCK_PAYLOAD_BY_TYPE: Record<string, DefaultsTable> = {
  paragraph: { ...richTextBody, icon: nullableObj(readFile) },
  heading_1: heading,
  heading_2: heading,
  heading_3: heading,
  heading_4: heading,
  bulleted_list_item: richTextBody,
  numbered_list_item: richTextBody,
  quote: richTextBody,
  toggle: richTextBody,
  template: { rich_text: richTextList() },
  to_do: { ...richTextBody, checked: bool(false) },
  callout: { ...richTextBody, icon: nullableObj(readFile) },
  code: { rich_text: richTextList(), caption: richTextList(), language: str('plain text') },
  equation: { expression: str('') },
  image: media,
  video: media,
  pdf: media,
  audio: media,
  file: { ...media, name: str(nameFromUrl) },
  embed: { url: str(''), caption: richTextList() },
  bookmark: { url: str(''), caption: richTextList() },
  link_preview: { url: str('') },
  child_page: { title: str('') },
  child_database: { title: str('') },
  table: { table_width: num(0), has_column_header: bool(false), has_row_header: bool(false) },
  table_row: { cells: list() },
  synced_block: { synced_from: nullableObj() },
  table_of_contents: { color: str('default') },
  unsupported: { block_type: str('unknown') },
};
const FILE_BLOCKS = new Set(['image', 'video', 'pdf', 'audio', 'file']);

const BLOCK: DefaultsTable = {
  object: constant('block'),
  parent: obj(WORKSPACE_PARENT),
  created_time: nullableStr(),
  last_edited_time: nullableStr(),
  created_by: userRef(),
  last_edited_by: userRef(),
  has_children: bool(false),
  in_trash: { ...bool(false), fallback: (o) => o.archived === true },
  archived: { ...bool(false), fallback: (o) => o.in_trash === true },
};

export function readBlock(raw: unknown): BlockObjectResponse {
  const where = start('block', raw);
  requireFields(raw as Obj, { id: isString, type: isString }, where);
  const out = applyDefaults(raw as Obj, BLOCK, where);
  const type = out.type as string;
  const table = BLOCK_PAYLOAD_BY_TYPE[type];
  if (table) {
    let payload = isObject(out[type]) ? (out[type] as Obj) : {};
    if (FILE_BLOCKS.has(type)) payload = readFile(payload, at(where, type));
    out[type] = applyDefaults(payload, table, at(where, type));
    if (type === 'table_row') {
      out[type] = { ...(out[type] as Obj), cells: ((out[type] as Obj).cells as unknown[]).map((c) => (Array.isArray(c) ? c.filter(isObject).map((r) => readRichText(r, where)) : [])) };
    }
  }
  return out as unknown as BlockObjectResponse;
}

// ------------------------------------------------------------------- pages, databases, data sources, users

const TRASH: DefaultsTable = {
  in_trash: { ...bool(false), fallback: (o) => o.archived === true },
  archived: { ...bool(false), fallback: (o) => o.in_trash === true },
};

const PAGE: DefaultsTable = {
  object: constant('page'),
  parent: obj(WORKSPACE_PARENT),
  ...TRASH,
  is_archived: bool(false),
  is_locked: bool(false),
  url: str(notionUrl),
  public_url: nullableStr(),
  icon: nullableObj(readFile),
  cover: nullableObj(readFile),
  created_by: userRef(),
  last_edited_by: userRef(),
};

const DATABASE: DefaultsTable = {
  object: constant('database'),
  title: richTextList(),
  description: richTextList(),
  parent: obj(WORKSPACE_PARENT),
  is_inline: bool(false),
  ...TRASH,
  is_locked: bool(false),
  icon: nullableObj(readFile),
  cover: nullableObj(readFile),
  url: str(notionUrl),
  public_url: nullableStr(),
};

const DATA_SOURCE: DefaultsTable = {
  object: constant('data_source'),
  title: richTextList(),
  description: richTextList(),
  // No default `parent`: a data source's database cannot be guessed (the crawl reaches data
  // sources through their database anyway).
  database_parent: obj(WORKSPACE_PARENT),
  is_inline: bool(false),
  ...TRASH,
  created_time: nullableStr(),
  last_edited_time: nullableStr(),
  created_by: userRef(),
  last_edited_by: userRef(),
  icon: nullableObj(readFile),
  cover: nullableObj(readFile),
  url: str(notionUrl),
  public_url: nullableStr(),
};

/** Starts reading a top-level object: it must be an object. */
function start(kind: string, raw: unknown): Where {
  const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
  const where: Where = { kind, id };
  if (!isObject(raw)) throw new MalformedObjectError(kind, undefined, '(the object)', `${kindOf(raw)}, not an object`);
  return where;
}

export function readPage(raw: unknown): PageObjectResponse {
  const where = start('page', raw);
  requireFields(raw as Obj, { id: isString, created_time: isTimestamp, last_edited_time: isTimestamp, properties: isObject }, where);
  const out = applyDefaults(raw as Obj, PAGE, where);
  const properties: Obj = {};
  for (const [name, value] of Object.entries(out.properties as Obj)) {
    properties[name] = readPropertyValue(name, value, at(at(where, 'properties'), name));
  }
  out.properties = properties;
  return out as unknown as PageObjectResponse;
}

export function readDatabase(raw: unknown): DatabaseObjectResponse {
  const where = start('database', raw);
  requireFields(raw as Obj, { id: isString, created_time: isTimestamp, last_edited_time: isTimestamp, data_sources: Array.isArray }, where);
  const out = applyDefaults(raw as Obj, DATABASE, where);
  out.data_sources = (out.data_sources as unknown[]).map((ds, i) => {
    const dsWhere = at(at(where, 'data_sources'), String(i));
    if (!isObject(ds)) throw malformed(dsWhere, `${kindOf(ds)}, not a data source reference`);
    requireFields(ds, { id: isString }, dsWhere);
    return applyDefaults(ds, { name: str('') }, dsWhere);
  });
  return out as unknown as DatabaseObjectResponse;
}

export function readDataSource(raw: unknown): DataSourceObjectResponse {
  const where = start('data source', raw);
  requireFields(raw as Obj, { id: isString, properties: isObject }, where);
  const out = applyDefaults(raw as Obj, DATA_SOURCE, where);
  const properties: Obj = {};
  for (const [name, config] of Object.entries(out.properties as Obj)) {
    properties[name] = readPropertySchema(name, config, at(at(where, 'properties'), name));
  }
  out.properties = properties;
  return out as unknown as DataSourceObjectResponse;
}

/** A user listed or retrieved on its own: it needs an id; everything else has a default (a person, unnamed). */
export function readUser(raw: unknown): UserObjectResponse {
  const where = start('user', raw);
  requireFields(raw as Obj, { id: isString }, where);
  return fillUser(raw as Obj, where, true) as unknown as UserObjectResponse;
}

/** One item of GET /v1/pages/:id/properties/:pid. */
export function readPropertyItem(raw: unknown, pageId: string, propertyId: string): PropertyItemObjectResponse {
  const where: Where = at(at({ kind: 'page', id: pageId }, 'properties'), propertyId);
  if (!isObject(raw)) throw malformed(where, `${kindOf(raw)}, not a property item`);
  const out = applyDefaults(raw, { object: constant('property_item'), id: str(() => propertyId) }, where);
  if (!isString(out.type)) throw malformed(at(where, 'type'), 'is missing');
  return readValueBody(out, where, PROPERTY_ITEM_BY_TYPE) as unknown as PropertyItemObjectResponse;
}

/**
 * A response that is only `{ object, id }`: Notion's partial object (no access to the content).
 * Not malformed; the gateway reports it as such.
 */
export function isPartialObject(raw: unknown): boolean {
  return isObject(raw) && typeof raw.id === 'string' && Object.keys(raw).every((k) => k === 'object' || k === 'id');
}
