import { createHash } from 'node:crypto';
import {
  emptyWorkspace,
  type Id,
  type Timestamp,
  type WorkspaceData,
  type WsFileObject,
  type WsParent,
  type WsRichText,
} from './workspace-model.js';

/**
 * A small, deterministic builder for workspaces: readable data in, WorkspaceData out.
 * Ids come from a seeded hash, timestamps from a clock that advances a little on every
 * object, so the same builder script always gives the same workspace.
 */

// ---------------------------------------------------------------- rich text

export type Annotations = Partial<{
  bold: boolean;
  italic: boolean;
  strikethrough: boolean;
  underline: boolean;
  code: boolean;
  color: string;
}>;

/** A piece of rich text as builders write it; strings are plain text. */
export type RichTextInput = string | WsRichText | Array<string | WsRichText>;

const plainAnnotations = {
  bold: false,
  italic: false,
  strikethrough: false,
  underline: false,
  code: false,
  color: 'default',
};

/** Plain or annotated text, optionally linked. */
export function text(content: string, annotations: Annotations = {}, url?: string): WsRichText {
  return {
    type: 'text',
    text: { content, link: url ? { url } : null },
    annotations: { ...plainAnnotations, ...annotations },
    plain_text: content,
    href: url ?? null,
  };
}

export const bold = (content: string) => text(content, { bold: true });
export const italic = (content: string) => text(content, { italic: true });
export const code = (content: string) => text(content, { code: true });
export const link = (content: string, url: string) => text(content, {}, url);

/** Inline equation. */
export function inlineEquation(expression: string): WsRichText {
  return { type: 'equation', equation: { expression }, annotations: { ...plainAnnotations }, plain_text: expression, href: null };
}

/**
 * A mention. For page, database and user mentions the server fills in `plain_text` and `href`
 * from the current title / name on every response, as Notion does.
 */
export const mention = {
  page: (id: Id): WsRichText => mentionOf({ type: 'page', page: { id } }, 'Untitled'),
  database: (id: Id): WsRichText => mentionOf({ type: 'database', database: { id } }, 'Untitled'),
  user: (id: Id): WsRichText => mentionOf({ type: 'user', user: { object: 'user', id } }, '@Unknown'),
  date: (start: string, end: string | null = null): WsRichText =>
    mentionOf({ type: 'date', date: { start, end, time_zone: null } }, end ? `${start} → ${end}` : start),
  linkPreview: (url: string): WsRichText => mentionOf({ type: 'link_preview', link_preview: { url } }, url, url),
  customEmoji: (id: Id, name: string): WsRichText =>
    mentionOf({ type: 'custom_emoji', custom_emoji: { id, name, url: { notion_custom_emoji_id: id } } }, `:${name}:`),
};

function mentionOf(m: Record<string, unknown>, plain: string, href: string | null = null): WsRichText {
  return { type: 'mention', mention: m, annotations: { ...plainAnnotations }, plain_text: plain, href };
}

/** Normalises builder input to an API-shaped rich text array. */
export function richText(input: RichTextInput | undefined): WsRichText[] {
  if (input === undefined) return [];
  const parts = Array.isArray(input) ? input : [input];
  return parts.map((p) => (typeof p === 'string' ? text(p) : p));
}

// ---------------------------------------------------------------- files and icons

/** A reference to a file: Notion-hosted (by file id, see WorkspaceBuilder.file) or external. */
export type FileInput = { fileId: Id; name?: string } | { url: string; name?: string };

function fileObject(input: FileInput, extra: Record<string, unknown> = {}): WsFileObject {
  if ('fileId' in input) return { type: 'file', file: { notion_file_id: input.fileId }, ...extra };
  return { type: 'external', external: { url: input.url }, ...extra };
}

export const icon = {
  emoji: (emoji: string): WsFileObject => ({ type: 'emoji', emoji }),
  file: (fileId: Id): WsFileObject => ({ type: 'file', file: { notion_file_id: fileId } }),
  external: (url: string): WsFileObject => ({ type: 'external', external: { url } }),
  customEmoji: (id: Id, name: string): WsFileObject => ({
    type: 'custom_emoji',
    custom_emoji: { id, name, url: { notion_custom_emoji_id: id } },
  }),
  native: (name: string, color = 'gray'): WsFileObject => ({ type: 'icon', icon: { name, color } }),
};

// ---------------------------------------------------------------- blocks

/** A block as builders write it. `id` may be given to refer to it later (synced blocks). */
export interface BlockInput {
  type: string;
  payload: Record<string, unknown>;
  children?: BlockInput[];
  id?: Id;
}

const rt = (t: RichTextInput) => ({ rich_text: richText(t), color: 'default' });

/** Block constructors, one per block type of the 2025-09-03 API. */
export const block = {
  paragraph: (t: RichTextInput, children?: BlockInput[]): BlockInput => ({ type: 'paragraph', payload: rt(t), children }),
  heading: (level: 1 | 2 | 3 | 4, t: RichTextInput, children?: BlockInput[]): BlockInput => ({
    type: `heading_${level}`,
    payload: { ...rt(t), is_toggleable: Boolean(children?.length) },
    children,
  }),
  bullet: (t: RichTextInput, children?: BlockInput[]): BlockInput => ({ type: 'bulleted_list_item', payload: rt(t), children }),
  numbered: (t: RichTextInput, children?: BlockInput[]): BlockInput => ({ type: 'numbered_list_item', payload: rt(t), children }),
  todo: (t: RichTextInput, checked: boolean, children?: BlockInput[]): BlockInput => ({
    type: 'to_do',
    payload: { ...rt(t), checked },
    children,
  }),
  toggle: (t: RichTextInput, children: BlockInput[]): BlockInput => ({ type: 'toggle', payload: rt(t), children }),
  quote: (t: RichTextInput, children?: BlockInput[]): BlockInput => ({ type: 'quote', payload: rt(t), children }),
  callout: (t: RichTextInput, calloutIcon: WsFileObject | null = icon.emoji('💡'), children?: BlockInput[]): BlockInput => ({
    type: 'callout',
    payload: { ...rt(t), icon: calloutIcon },
    children,
  }),
  code: (source: string, language = 'plain text', caption?: RichTextInput): BlockInput => ({
    type: 'code',
    payload: { rich_text: richText(source), caption: richText(caption), language },
  }),
  equation: (expression: string): BlockInput => ({ type: 'equation', payload: { expression } }),
  divider: (): BlockInput => ({ type: 'divider', payload: {} }),
  breadcrumb: (): BlockInput => ({ type: 'breadcrumb', payload: {} }),
  tableOfContents: (): BlockInput => ({ type: 'table_of_contents', payload: { color: 'default' } }),
  columns: (columns: BlockInput[][]): BlockInput => ({
    type: 'column_list',
    payload: {},
    children: columns.map((children) => ({ type: 'column', payload: { width_ratio: 1 / columns.length }, children })),
  }),
  /** A table; the first row is the header when `columnHeader` is set. */
  table: (rows: RichTextInput[][], opts: { columnHeader?: boolean; rowHeader?: boolean } = {}): BlockInput => ({
    type: 'table',
    payload: {
      table_width: Math.max(...rows.map((r) => r.length)),
      has_column_header: opts.columnHeader ?? true,
      has_row_header: opts.rowHeader ?? false,
    },
    children: rows.map((cells) => ({ type: 'table_row', payload: { cells: cells.map((c) => richText(c)) } })),
  }),
  image: (f: FileInput, caption?: RichTextInput): BlockInput => ({ type: 'image', payload: fileObject(f, { caption: richText(caption) }) }),
  video: (f: FileInput, caption?: RichTextInput): BlockInput => ({ type: 'video', payload: fileObject(f, { caption: richText(caption) }) }),
  pdf: (f: FileInput, caption?: RichTextInput): BlockInput => ({ type: 'pdf', payload: fileObject(f, { caption: richText(caption) }) }),
  audio: (f: FileInput, caption?: RichTextInput): BlockInput => ({ type: 'audio', payload: fileObject(f, { caption: richText(caption) }) }),
  file: (f: FileInput, name: string, caption?: RichTextInput): BlockInput => ({
    type: 'file',
    payload: fileObject(f, { caption: richText(caption), name }),
  }),
  embed: (url: string, caption?: RichTextInput): BlockInput => ({ type: 'embed', payload: { url, caption: richText(caption) } }),
  bookmark: (url: string, caption?: RichTextInput): BlockInput => ({ type: 'bookmark', payload: { url, caption: richText(caption) } }),
  linkPreview: (url: string): BlockInput => ({ type: 'link_preview', payload: { url } }),
  linkToPage: (id: Id): BlockInput => ({ type: 'link_to_page', payload: { type: 'page_id', page_id: id } }),
  linkToDatabase: (id: Id): BlockInput => ({ type: 'link_to_page', payload: { type: 'database_id', database_id: id } }),
  /** The original of a synced block; give it an id to reference it elsewhere. */
  syncedOriginal: (id: Id, children: BlockInput[]): BlockInput => ({ type: 'synced_block', payload: { synced_from: null }, children, id }),
  /** A synced block showing the original `originalId` (its children are the original's). */
  syncedReference: (originalId: Id): BlockInput => ({
    type: 'synced_block',
    payload: { synced_from: { type: 'block_id', block_id: originalId } },
  }),
  template: (t: RichTextInput, children: BlockInput[]): BlockInput => ({ type: 'template', payload: { rich_text: richText(t) }, children }),
  /** A block type the API cannot represent (Notion sends `unsupported` with the real type). */
  unsupported: (blockType: string): BlockInput => ({ type: 'unsupported', payload: { block_type: blockType } }),
  /** Any other type, payload as the API would give it (tab, meeting_notes, transcription, …). */
  raw: (type: string, payload: Record<string, unknown>, children?: BlockInput[]): BlockInput => ({ type, payload, children }),
};

// ---------------------------------------------------------------- property schemas and values

/** Property schema as builders write it: `{ type }` plus the type's config in simple form. */
export type PropertySchemaInput =
  | { type: 'select' | 'multi_select'; options: string[] }
  | { type: 'status'; options: string[]; groups?: Record<string, string[]> }
  | { type: 'number'; format?: string }
  | { type: 'formula'; expression: string }
  | { type: 'relation'; dataSourceId: Id; databaseId: Id; dual?: boolean }
  | { type: 'rollup'; relation: string; property: string; function: string }
  | { type: 'unique_id'; prefix?: string | null }
  | { type: string; [config: string]: unknown };

const optionColors = ['blue', 'green', 'orange', 'purple', 'pink', 'yellow', 'red', 'brown', 'gray', 'default'];

// ---------------------------------------------------------------- the builder

export interface BuilderOptions {
  seed: string;
  integrationName: string;
  workspaceName: string;
  /** Time of the first object; each new object is a little later. */
  start?: Timestamp;
}

export class WorkspaceBuilder {
  readonly data: WorkspaceData;
  private counter = 0;
  private clockMs: number;
  private readonly seed: string;
  private defaultUser: Id;
  private uniqueIds = new Map<Id, number>();

  constructor(opts: BuilderOptions) {
    this.seed = opts.seed;
    this.clockMs = Date.parse(opts.start ?? '2024-01-15T09:00:00.000Z');
    const botId = this.id();
    this.data = emptyWorkspace({ integrationName: opts.integrationName, workspaceName: opts.workspaceName, botId });
    this.defaultUser = botId;
  }

  /** A deterministic dashed UUID (version 4 layout) from the seed and a counter. */
  id(): Id {
    const h = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Advances the clock (default 7 minutes 13 seconds, so timestamps are not minute-aligned) and returns it. */
  tick(ms = 433_000): Timestamp {
    this.clockMs += ms;
    return new Date(this.clockMs).toISOString();
  }

  /** The user new objects are created by (until changed). */
  actAs(userId: Id): void {
    this.defaultUser = userId;
  }

  user(init: { name: string; email?: string; avatarUrl?: string | null }): Id {
    const id = this.id();
    this.data.users[id] = {
      object: 'user',
      id,
      type: 'person',
      name: init.name,
      avatar_url: init.avatarUrl ?? null,
      person: { email: init.email ?? `${init.name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '')}@example.org` },
    };
    return id;
  }

  /** Stores a Notion-hosted file; returns its file id for icons, covers, media blocks and files properties. */
  file(init: { name: string; contentType: string; bytes: Buffer | string }): Id {
    const id = this.id();
    const bytes = typeof init.bytes === 'string' ? Buffer.from(init.bytes) : init.bytes;
    this.data.files[id] = { id, name: init.name, contentType: init.contentType, base64: bytes.toString('base64') };
    return id;
  }

  customEmoji(name: string, fileId: Id): Id {
    const id = this.id();
    this.data.customEmojis[id] = { id, name, fileId };
    return id;
  }

  private stamps() {
    const t = this.tick();
    return { createdTime: t, lastEditedTime: t, createdBy: this.defaultUser, lastEditedBy: this.defaultUser };
  }

  private parentOf(parent: Id | 'workspace'): WsParent {
    if (parent === 'workspace') return { type: 'workspace' };
    if (this.data.pages[parent]) return { type: 'page', id: parent };
    if (this.data.blocks[parent]) return { type: 'block', id: parent };
    throw new Error(`builder: unknown parent ${parent}`);
  }

  /** The children list a new child block goes into (a page's or a block's). */
  private childList(parentId: Id): Id[] {
    const owner = this.data.pages[parentId] ?? this.data.blocks[parentId];
    if (!owner) throw new Error(`builder: unknown parent ${parentId}`);
    return owner.children;
  }

  /** Appends blocks (with their subtrees) to a page or block; returns their ids. */
  append(parentId: Id, blocks: BlockInput[]): Id[] {
    const list = this.childList(parentId);
    return blocks.map((b) => {
      const id = b.id ?? this.id();
      this.data.blocks[id] = { id, parentId, type: b.type, payload: b.payload, children: [], inTrash: false, ...this.stamps() };
      list.push(id);
      if (b.children?.length) this.append(id, b.children);
      return id;
    });
  }

  /**
   * A page under the workspace, a page or a block (column, toggle…). Under a page or block it
   * also becomes a child_page block at the end of the parent's children, as in Notion.
   */
  page(init: {
    parent: Id | 'workspace';
    title: RichTextInput;
    icon?: WsFileObject | null;
    cover?: FileInput | null;
    children?: BlockInput[];
    shared?: boolean;
    isLocked?: boolean;
    id?: Id;
  }): Id {
    const id = init.id ?? this.id();
    const parent = this.parentOf(init.parent);
    this.data.pages[id] = {
      id,
      parent,
      properties: { title: { type: 'title', title: richText(init.title) } },
      icon: init.icon ?? null,
      cover: init.cover ? fileObject(init.cover) : null,
      inTrash: false,
      isLocked: init.isLocked ?? false,
      shared: init.shared,
      children: [],
      ...this.stamps(),
    };
    if (parent.type !== 'workspace') this.linkChildBlock(init.parent as Id, id, 'child_page');
    if (init.children) this.append(id, init.children);
    return id;
  }

  private linkChildBlock(parentId: Id, id: Id, type: 'child_page' | 'child_database'): void {
    this.data.blocks[id] = { id, parentId, type, payload: {}, children: [], inTrash: false, ...this.stamps() };
    this.childList(parentId).push(id);
  }

  /**
   * A database with one or more data sources. `inline` databases sit in the page's content;
   * both kinds appear as child_database blocks of the parent page.
   * A `linkedView` has no data sources through the API.
   */
  database(init: {
    parent: Id;
    title: RichTextInput;
    description?: RichTextInput;
    inline?: boolean;
    icon?: WsFileObject | null;
    cover?: FileInput | null;
    dataSources?: Array<{ name: string; properties: Record<string, PropertySchemaInput> }>;
    linkedView?: boolean;
  }): { id: Id; dataSourceIds: Id[] } {
    const id = this.id();
    const dataSourceIds = (init.linkedView ? [] : (init.dataSources ?? [])).map((ds) => {
      const dsId = this.id();
      this.data.dataSources[dsId] = {
        id: dsId,
        databaseId: id,
        title: richText(ds.name),
        description: [],
        properties: this.schema(ds.properties),
        rowIds: [],
        inTrash: false,
        ...this.stamps(),
      };
      return dsId;
    });
    this.data.databases[id] = {
      id,
      parent: this.parentOf(init.parent),
      title: richText(init.title),
      description: richText(init.description),
      icon: init.icon ?? null,
      cover: init.cover ? fileObject(init.cover) : null,
      isInline: init.inline ?? false,
      isLocked: false,
      inTrash: false,
      dataSourceIds,
      ...this.stamps(),
    };
    this.linkChildBlock(init.parent, id, 'child_database');
    return { id, dataSourceIds };
  }

  /** Adds a property to a data source's schema after creation (for relations between data sources). */
  addProperty(dataSourceId: Id, name: string, input: PropertySchemaInput): void {
    const ds = this.data.dataSources[dataSourceId]!;
    ds.properties = { ...ds.properties, ...this.schema({ [name]: input }) };
  }

  private schema(props: Record<string, PropertySchemaInput>) {
    const out: WorkspaceData['dataSources'][string]['properties'] = {};
    for (const [name, p] of Object.entries(props)) {
      const pid = p.type === 'title' ? 'title' : this.propertyId(name);
      const options = (names: string[]) =>
        names.map((n, i) => ({ id: this.propertyId(`${name}:${n}`), name: n, color: optionColors[i % optionColors.length], description: null }));
      let config: Record<string, unknown>;
      switch (p.type) {
        case 'select':
        case 'multi_select':
          config = { options: options((p as { options: string[] }).options) };
          break;
        case 'status': {
          const s = p as { options: string[]; groups?: Record<string, string[]> };
          const opts = options(s.options);
          const groups = s.groups ?? { 'To-do': s.options.slice(0, 1), 'In progress': s.options.slice(1, -1), Complete: s.options.slice(-1) };
          config = {
            options: opts,
            groups: Object.entries(groups).map(([g, members], i) => ({
              id: this.propertyId(`${name}:group:${g}`),
              name: g,
              color: optionColors[i]!,
              option_ids: opts.filter((o) => members.includes(o.name)).map((o) => o.id),
            })),
          };
          break;
        }
        case 'number':
          config = { format: (p as { format?: string }).format ?? 'number' };
          break;
        case 'formula':
          config = { expression: (p as { expression: string }).expression };
          break;
        case 'relation': {
          const r = p as { dataSourceId: Id; databaseId: Id; dual?: boolean };
          config = {
            database_id: r.databaseId,
            data_source_id: r.dataSourceId,
            ...(r.dual
              ? { type: 'dual_property', dual_property: { synced_property_name: 'Related', synced_property_id: this.propertyId(`${name}:dual`) } }
              : { type: 'single_property', single_property: {} }),
          };
          break;
        }
        case 'rollup': {
          const r = p as { relation: string; property: string; function: string };
          config = {
            relation_property_name: r.relation,
            relation_property_id: this.propertyId(r.relation),
            rollup_property_name: r.property,
            rollup_property_id: this.propertyId(r.property),
            function: r.function,
          };
          break;
        }
        case 'unique_id':
          config = { prefix: (p as { prefix?: string | null }).prefix ?? null };
          break;
        default: {
          const { type: _t, ...rest } = p;
          config = rest;
        }
      }
      out[name] = { id: pid, name, description: null, type: p.type, [p.type]: config };
    }
    return out;
  }

  /** Short property ids like Notion's ("%3Ajxv" style, URL-encoded). */
  private propertyId(name: string): string {
    const h = createHash('sha256').update(`${this.seed}:prop:${name}`).digest('base64').replace(/[^A-Za-z0-9]/g, '');
    return encodeURIComponent(`${h.slice(0, 3)}:`).slice(0, 6);
  }

  /**
   * A row of a data source. Values are given simply and converted by the schema's type:
   * title/rich_text: RichTextInput; number; select/status: option name; multi_select: names;
   * date: "2025-03-01" | { start, end?, time_zone? }; people / relation: ids; files: FileInput[];
   * checkbox; url / email / phone_number: string; formula: { type, value };
   * rollup: the API-shaped rollup object; unique_id: number (default: next number);
   * verification: API-shaped; place: API-shaped or null. created_/last_edited_ values are derived.
   */
  row(
    dataSourceId: Id,
    values: Record<string, unknown>,
    opts: { children?: BlockInput[]; icon?: WsFileObject | null; inTrash?: boolean } = {},
  ): Id {
    const ds = this.data.dataSources[dataSourceId];
    if (!ds) throw new Error(`builder: unknown data source ${dataSourceId}`);
    const id = this.id();
    const properties: Record<string, Record<string, unknown> & { type: string }> = {};
    for (const [name, schema] of Object.entries(ds.properties)) {
      const v = this.propertyValue(dataSourceId, name, schema, values[name]);
      if (v) properties[name] = v;
    }
    for (const name of Object.keys(values)) {
      if (!ds.properties[name]) throw new Error(`builder: data source ${ds.id} has no property "${name}"`);
    }
    this.data.pages[id] = {
      id,
      parent: { type: 'data_source', id: dataSourceId },
      properties,
      icon: opts.icon ?? null,
      cover: null,
      inTrash: opts.inTrash ?? false,
      isLocked: false,
      children: [],
      ...this.stamps(),
    };
    ds.rowIds.push(id);
    if (opts.children) this.append(id, opts.children);
    return id;
  }

  private propertyValue(
    dataSourceId: Id,
    name: string,
    schema: { type: string; [k: string]: unknown },
    v: unknown,
  ): (Record<string, unknown> & { type: string }) | null {
    const type = schema.type;
    const option = (n: unknown) => {
      if (n === null || n === undefined) return null;
      const opts = (schema[type] as { options: Array<{ id: string; name: string; color: string }> }).options;
      const o = opts.find((x) => x.name === n);
      if (!o) throw new Error(`builder: property "${name}" has no option "${String(n)}"`);
      return { id: o.id, name: o.name, color: o.color };
    };
    switch (type) {
      case 'title':
      case 'rich_text':
        return { type, [type]: richText(v as RichTextInput | undefined) };
      case 'number':
        return { type, number: (v as number | undefined) ?? null };
      case 'select':
      case 'status':
        return { type, [type]: option(v) };
      case 'multi_select':
        return { type, multi_select: ((v as string[] | undefined) ?? []).map((n) => option(n)) };
      case 'date': {
        if (v === undefined || v === null) return { type, date: null };
        const d = typeof v === 'string' ? { start: v } : (v as Record<string, unknown>);
        return { type, date: { start: d.start, end: d.end ?? null, time_zone: d.time_zone ?? null } };
      }
      case 'people':
        return { type, people: ((v as Id[] | undefined) ?? []).map((id) => ({ object: 'user', id })) };
      case 'files':
        return {
          type,
          files: ((v as FileInput[] | undefined) ?? []).map((f) => fileObject(f, { name: f.name ?? ('url' in f ? f.url : 'file') })),
        };
      case 'checkbox':
        return { type, checkbox: Boolean(v) };
      case 'url':
      case 'email':
      case 'phone_number':
        return { type, [type]: (v as string | undefined) ?? null };
      case 'relation':
        return { type, relation: ((v as Id[] | undefined) ?? []).map((id) => ({ id })), has_more: false };
      case 'formula': {
        const f = (v as { type: string; value: unknown } | undefined) ?? { type: 'string', value: null };
        return { type, formula: { type: f.type, [f.type]: f.value } };
      }
      case 'rollup':
        return { type, rollup: v ?? { type: 'number', number: null, function: 'count' } };
      case 'unique_id': {
        const next = (this.uniqueIds.get(dataSourceId) ?? 0) + 1;
        const number = (v as number | undefined) ?? next;
        this.uniqueIds.set(dataSourceId, Math.max(next, number));
        return { type, unique_id: { prefix: (schema.unique_id as { prefix: string | null }).prefix, number } };
      }
      case 'verification':
        return { type, verification: v ?? { state: 'unverified', verified_by: null, date: null } };
      case 'button':
        return { type, button: {} };
      case 'place':
        return { type, place: v ?? null };
      case 'created_time':
      case 'created_by':
      case 'last_edited_time':
      case 'last_edited_by':
        return null; // derived by the server from the page's own timestamps
      default:
        return { type, [type]: v ?? null };
    }
  }

  /** Moves a page to the trash (it stays in the data, answers in_trash: true). */
  trash(id: Id): void {
    const page = this.data.pages[id];
    if (!page) throw new Error(`builder: unknown page ${id}`);
    page.inTrash = true;
  }

  comment(parent: Id, textInput: RichTextInput, by: Id = this.defaultUser): Id {
    const id = this.id();
    const onPage = Boolean(this.data.pages[parent]);
    this.data.comments.push({
      id,
      parent: onPage ? { type: 'page_id', page_id: parent } : { type: 'block_id', block_id: parent },
      discussionId: this.id(),
      richText: richText(textInput),
      createdTime: this.tick(),
      createdBy: by,
    });
    return id;
  }

  /** A reply in the discussion of an existing comment (same parent, same discussion_id). */
  reply(to: Id, textInput: RichTextInput, by: Id = this.defaultUser): Id {
    const first = this.data.comments.find((c) => c.id === to);
    if (!first) throw new Error(`builder: unknown comment ${to}`);
    const id = this.id();
    this.data.comments.push({
      id,
      parent: first.parent,
      discussionId: first.discussionId,
      richText: richText(textInput),
      createdTime: this.tick(),
      createdBy: by,
    });
    return id;
  }

  build(): WorkspaceData {
    return this.data;
  }
}
