import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNotionUrl } from '../../src/config/notion-id.js';
import { buildDemo, buildDemoWorkspace, type DemoIds } from '../../src/notion-server/demo-workspace.js';
import type { Id, WorkspaceData, WsRichText } from '../../src/notion-server/workspace-model.js';

// The block and property types come from the installed SDK, so a new type in an SDK upgrade fails this test.
const sdkDir = join(dirname(createRequire(import.meta.url).resolve('@notionhq/client')), 'api-endpoints');
const blocksDts = readFileSync(join(sdkDir, 'blocks.d.ts'), 'utf8');
const commonDts = readFileSync(join(sdkDir, 'common.d.ts'), 'utf8');

/** The `type: "…"` literals of the members of a union type alias in a .d.ts file. */
function unionTypeLiterals(dts: string, alias: string): string[] {
  const union = new RegExp(`type ${alias} = ([^;]+);`).exec(dts)?.[1];
  if (!union) throw new Error(`no union ${alias} in the SDK types`);
  return union.split('|').map((member) => {
    const name = member.trim();
    const literal = new RegExp(`type ${name} = \\{\\s*type: "(\\w+)"`).exec(dts)?.[1];
    if (!literal) throw new Error(`no type literal for ${name}`);
    return literal;
  });
}

const SDK_BLOCK_TYPES = unionTypeLiterals(blocksDts, 'BlockObjectResponse');
const SDK_PROPERTY_TYPES = [
  ...unionTypeLiterals(commonDts, 'SimplePropertyValueResponse'),
  ...unionTypeLiterals(commonDts, 'ArrayBasedPropertyValueResponse'),
  'rollup',
];
// Derived by the server from the row's own timestamps, never stored as values.
const DERIVED = new Set(['created_time', 'created_by', 'last_edited_time', 'last_edited_by']);

const plain = (rt: unknown) => (rt as WsRichText[]).map((r) => r.plain_text).join('');
const titleOf = (ws: WorkspaceData, id: Id) => {
  const t = Object.values(ws.pages[id]!.properties).find((v) => v.type === 'title');
  return plain(t!.title);
};

/** Every object nested anywhere in a value, with the path for error messages. */
function* walk(value: unknown, path: string): Generator<[Record<string, unknown>, string]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walk(value[i], `${path}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    yield [value as Record<string, unknown>, path];
    for (const [k, v] of Object.entries(value)) yield* walk(v, `${path}.${k}`);
  }
}

/** Every payload, property value, title and comment of the workspace, labelled by owner. */
function allContent(ws: WorkspaceData): Array<[unknown, string]> {
  return [
    ...Object.values(ws.blocks).map((b): [unknown, string] => [b.payload, `block ${b.id} (${b.type})`]),
    ...Object.values(ws.pages).flatMap((p): Array<[unknown, string]> => [
      [p.properties, `page ${p.id} properties`],
      [p.icon, `page ${p.id} icon`],
      [p.cover, `page ${p.id} cover`],
    ]),
    ...Object.values(ws.databases).flatMap((d): Array<[unknown, string]> => [
      [d.title, `database ${d.id} title`],
      [d.description, `database ${d.id} description`],
      [d.icon, `database ${d.id} icon`],
      [d.cover, `database ${d.id} cover`],
    ]),
    ...ws.comments.map((c): [unknown, string] => [c.richText, `comment ${c.id}`]),
  ];
}

/** The page a block sits on (walking up through parent blocks). */
function pageOfBlock(ws: WorkspaceData, blockId: Id): Id {
  let id = blockId;
  for (let i = 0; i < 100; i++) {
    if (ws.pages[id] && id !== blockId) return id;
    const blk = ws.blocks[id];
    if (!blk) throw new Error(`block ${id} has no parent chain`);
    id = blk.parentId;
  }
  throw new Error(`parent cycle at ${blockId}`);
}

let ws: WorkspaceData;
let ids: DemoIds;
beforeAll(() => {
  ({ workspace: ws, ids } = buildDemo());
});

describe('demo workspace: size and shape', () => {
  it('has at least 40 pages that are not database rows', () => {
    const pages = Object.values(ws.pages).filter((p) => p.parent.type !== 'data_source' && !p.inTrash && p.shared !== false);
    expect(pages.length).toBeGreaterThanOrEqual(40);
  });

  it('nests pages at least 5 levels below the root', () => {
    const depth = (id: Id): number => {
      const parent = ws.pages[id]!.parent;
      if (parent.type === 'workspace') return 0;
      if (parent.type === 'page') return 1 + depth(parent.id);
      if (parent.type === 'block') return 1 + depth(pageOfBlock(ws, parent.id));
      return 1 + depth(ws.databases[ws.dataSources[parent.id]!.databaseId]!.parent.type === 'page' ? (ws.databases[ws.dataSources[parent.id]!.databaseId]!.parent as { id: Id }).id : id);
    };
    const nonRow = Object.values(ws.pages).filter((p) => p.parent.type !== 'data_source');
    expect(Math.max(...nonRow.map((p) => depth(p.id)))).toBeGreaterThanOrEqual(5);
    expect(depth(ids.pages.breakoutScripts)).toBe(6);
  });

  it('has an Academy Sessions database with more than 100 live rows', () => {
    const ds = ws.dataSources[ids.academy.dataSourceId]!;
    const live = ds.rowIds.filter((r) => !ws.pages[r]!.inTrash);
    expect(live.length).toBeGreaterThan(100);
    expect(new Set(live.map((r) => titleOf(ws, r))).size).toBeGreaterThan(50);
  });

  it('has the Partners (full page), Events (inline), two-source Newsletter databases and a linked view', () => {
    expect(ws.databases[ids.partners.id]!.isInline).toBe(false);
    expect(ws.databases[ids.events.id]!.isInline).toBe(true);
    expect(ws.databases[ids.newsletter.id]!.dataSourceIds).toHaveLength(2);
    expect(ws.databases[ids.partnersLinkedView]!.dataSourceIds).toEqual([]);
    expect(plain(ws.databases[ids.academy.id]!.title)).toBe('Academy Sessions');
  });
});

describe('demo workspace: every block type of the SDK', () => {
  it('reads a non-trivial list from the SDK', () => {
    expect(SDK_BLOCK_TYPES).toEqual(expect.arrayContaining(['paragraph', 'heading_4', 'tab', 'meeting_notes', 'transcription', 'unsupported']));
    expect(SDK_BLOCK_TYPES.length).toBeGreaterThan(30);
  });

  it.each(SDK_BLOCK_TYPES)('has a %s block', (type) => {
    expect(Object.values(ws.blocks).some((b) => b.type === type)).toBe(true);
  });

  it.each([
    ['toggleable heading with children', (b: WorkspaceData['blocks'][string]) => b.type.startsWith('heading_') && b.payload.is_toggleable === true && b.children.length > 0],
    ['checked to_do', (b: WorkspaceData['blocks'][string]) => b.type === 'to_do' && b.payload.checked === true],
    ['unchecked to_do', (b: WorkspaceData['blocks'][string]) => b.type === 'to_do' && b.payload.checked === false],
    ['callout with emoji icon', (b: WorkspaceData['blocks'][string]) => b.type === 'callout' && (b.payload.icon as { type: string }).type === 'emoji'],
    ['callout with custom emoji icon', (b: WorkspaceData['blocks'][string]) => b.type === 'callout' && (b.payload.icon as { type: string }).type === 'custom_emoji'],
    ['code with caption', (b: WorkspaceData['blocks'][string]) => b.type === 'code' && (b.payload.caption as unknown[]).length > 0],
    ['bookmark with caption', (b: WorkspaceData['blocks'][string]) => b.type === 'bookmark' && (b.payload.caption as unknown[]).length > 0],
    ['table with row header', (b: WorkspaceData['blocks'][string]) => b.type === 'table' && b.payload.has_row_header === true],
    ['table with column header', (b: WorkspaceData['blocks'][string]) => b.type === 'table' && b.payload.has_column_header === true],
    ['table cell containing |', (b: WorkspaceData['blocks'][string]) => b.type === 'table_row' && (b.payload.cells as unknown[][]).some((c) => plain(c).includes('|'))],
    ['link_to_page to a page', (b: WorkspaceData['blocks'][string]) => b.type === 'link_to_page' && b.payload.type === 'page_id'],
    ['link_to_page to a database', (b: WorkspaceData['blocks'][string]) => b.type === 'link_to_page' && b.payload.type === 'database_id'],
    ['unsupported button', (b: WorkspaceData['blocks'][string]) => b.type === 'unsupported' && b.payload.block_type === 'button'],
    ['unsupported ai_block', (b: WorkspaceData['blocks'][string]) => b.type === 'unsupported' && b.payload.block_type === 'ai_block'],
  ])('has a %s', (_name, matches) => {
    expect(Object.values(ws.blocks).some(matches)).toBe(true);
  });

  it.each(['image', 'video', 'pdf', 'file', 'audio'])('has %s blocks both Notion-hosted and external', (type) => {
    const kinds = new Set(Object.values(ws.blocks).filter((b) => b.type === type).map((b) => b.payload.type));
    expect([...kinds].sort()).toEqual(['external', 'file']);
  });

  it('uses at least four code languages', () => {
    const langs = new Set(Object.values(ws.blocks).filter((b) => b.type === 'code').map((b) => b.payload.language));
    expect(langs.size).toBeGreaterThanOrEqual(4);
  });

  it.each(['bulleted_list_item', 'numbered_list_item'])('nests %s three levels deep', (type) => {
    const level = (id: Id): number => {
      const b = ws.blocks[id]!;
      const parent = ws.blocks[b.parentId];
      return parent?.type === type ? 1 + level(parent.id) : 1;
    };
    const deepest = Math.max(...Object.values(ws.blocks).filter((b) => b.type === type).map((b) => level(b.id)));
    expect(deepest).toBeGreaterThanOrEqual(3);
  });

  it('has a column list whose every column has content, one of them an image', () => {
    const lists = Object.values(ws.blocks).filter((b) => b.type === 'column_list');
    const good = lists.filter((l) => l.children.every((c) => ws.blocks[c]!.type === 'column' && ws.blocks[c]!.children.length > 0));
    expect(good.some((l) => l.children.some((c) => ws.blocks[c]!.children.some((g) => ws.blocks[g]!.type === 'image')))).toBe(true);
  });

  it('has meeting notes whose summary, notes and transcript blocks are its children', () => {
    for (const type of ['meeting_notes', 'transcription']) {
      const b = Object.values(ws.blocks).find((x) => x.type === type)!;
      const parts = b.payload.children as Record<string, Id>;
      expect(Object.values(parts)).toHaveLength(3);
      for (const id of Object.values(parts)) expect(b.children).toContain(id);
    }
  });
});

describe('demo workspace: every property type', () => {
  const schemas = () => Object.values(ws.dataSources).flatMap((ds) => Object.values(ds.properties).map((p) => ({ ds, p })));
  const values = () =>
    Object.values(ws.pages)
      .filter((p) => p.parent.type === 'data_source')
      .flatMap((p) => Object.values(p.properties));
  const hasValue = (v: Record<string, unknown> & { type: string }) => {
    const x = v[v.type];
    return x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0) && x !== '';
  };

  it('reads a non-trivial list from the SDK', () => {
    expect(SDK_PROPERTY_TYPES).toEqual(expect.arrayContaining(['title', 'verification', 'place', 'button', 'unique_id', 'relation']));
  });

  it.each(SDK_PROPERTY_TYPES)('has a %s property in a schema and a value in a row', (type) => {
    const inSchema = schemas().filter(({ p }) => p.type === type);
    expect(inSchema.length).toBeGreaterThan(0);
    if (DERIVED.has(type)) {
      expect(inSchema.some(({ ds }) => ds.rowIds.length > 0)).toBe(true);
    } else {
      expect(values().some((v) => v.type === type && hasValue(v))).toBe(true);
    }
  });

  it.each([
    ['string'],
    ['number'],
    ['boolean'],
    ['date'],
  ])('has a %s formula value', (kind) => {
    expect(values().some((v) => v.type === 'formula' && (v.formula as { type: string }).type === kind && hasValue(v.formula as never))).toBe(true);
  });

  it.each([['number'], ['date'], ['array']])('has a %s rollup value', (kind) => {
    expect(values().some((v) => v.type === 'rollup' && (v.rollup as { type: string }).type === kind)).toBe(true);
  });

  it('has several number formats, a unique_id prefix ACAD and files of both kinds', () => {
    const formats = new Set(schemas().filter(({ p }) => p.type === 'number').map(({ p }) => (p.number as { format: string }).format));
    expect(formats.size).toBeGreaterThanOrEqual(3);
    expect(schemas().some(({ p }) => p.type === 'unique_id' && (p.unique_id as { prefix: string }).prefix === 'ACAD')).toBe(true);
    const fileKinds = new Set(values().filter((v) => v.type === 'files').flatMap((v) => (v.files as Array<{ type: string }>).map((f) => f.type)));
    expect([...fileKinds].sort()).toEqual(['external', 'file']);
  });

  it.each([
    ['date-only', (d: { start: string }) => /^\d{4}-\d\d-\d\d$/.test(d.start)],
    ['date-time with time zone', (d: { start: string; time_zone: string | null }) => d.start.includes('T') && d.time_zone !== null],
    ['range', (d: { end: string | null }) => d.end !== null],
  ])('has a %s date value', (_name, matches) => {
    const dates = values().filter((v) => v.type === 'date' && v.date).map((v) => v.date as never);
    expect(dates.some(matches)).toBe(true);
  });

  it('relates Academy Sessions and Partners both ways, with one row over 25 relations', () => {
    const hosts = ws.dataSources[ids.academy.dataSourceId]!.properties['Host partners']!;
    const all = ws.dataSources[ids.partners.dataSourceId]!.properties['All sessions']!;
    expect((hosts.relation as { data_source_id: Id }).data_source_id).toBe(ids.partners.dataSourceId);
    expect((all.relation as { dual_property: { synced_property_name: string } }).dual_property.synced_property_name).toBe('Host partners');
    const related = (ws.pages[ids.manyRelationsRow]!.properties['All sessions']!.relation as Array<{ id: Id }>).map((r) => r.id);
    expect(related.length).toBeGreaterThan(25);
    // The two sides agree: every session listed on the partner names the partner as host.
    for (const s of related) {
      expect((ws.pages[s]!.properties['Host partners']!.relation as Array<{ id: Id }>).map((r) => r.id)).toContain(ids.manyRelationsRow);
    }
  });
});

describe('demo workspace: awkward cases', () => {
  it.each([
    ['duplicate sibling 1', () => ids.hostileTitles.duplicateSiblings[0], 'Partner meeting – Sofia'],
    ['duplicate sibling 2', () => ids.hostileTitles.duplicateSiblings[1], 'Partner meeting – Sofia'],
    ['slash and colon', () => ids.hostileTitles.slashAndColon, 'Q&A: Funding / Grants'],
    ['dot-dot path', () => ids.hostileTitles.dotDot, '../../etc/passwd'],
    ['colon', () => ids.hostileTitles.colon, 'Lessons learnt: what worked'],
    ['Bulgarian', () => ids.hostileTitles.bulgarian, 'Наръчник за предприемачи'],
    ['German', () => ids.hostileTitles.german, 'Über uns – Förderung für Gründerinnen'],
    ['empty', () => ids.hostileTitles.empty, ''],
  ])('has the %s title', (_name, id, title) => {
    expect(titleOf(ws, id())).toBe(title);
  });

  it('has the duplicate titles as siblings and a 250-character title', () => {
    const [a, b] = ids.hostileTitles.duplicateSiblings;
    expect(a).not.toBe(b);
    expect(ws.pages[a]!.parent).toEqual(ws.pages[b]!.parent);
    expect([...titleOf(ws, ids.hostileTitles.long)]).toHaveLength(250);
  });

  it('has a trashed page and trashed rows', () => {
    expect(ws.pages[ids.trashedPage]!.inTrash).toBe(true);
    expect(ws.pages[ids.academy.trashedRow]!.inTrash).toBe(true);
    expect(ws.pages[ids.events.trashedRow]!.inTrash).toBe(true);
    expect(Object.values(ws.pages).filter((p) => p.inTrash)).toHaveLength(3);
  });

  it('has an unshared page that shared pages link to', () => {
    expect(ws.pages[ids.unsharedPage]!.shared).toBe(false);
    const linkers = allContent(ws).filter(([v, owner]) =>
      [...walk(v, owner)].some(
        ([o]) =>
          ((o.type === 'page' && (o.page as { id: Id } | undefined)?.id === ids.unsharedPage) ||
            (typeof o.url === 'string' && parseNotionUrl(o.url)?.id === ids.unsharedPage)) &&
          !owner.includes(ids.unsharedPage),
      ),
    );
    expect(linkers.length).toBeGreaterThanOrEqual(2); // a page mention and a text link
  });

  it('uses one synced original on two other pages', () => {
    const original = ws.blocks[ids.syncedOriginal]!;
    expect(original.payload.synced_from).toBeNull();
    expect(original.children.length).toBeGreaterThan(0);
    const pages = new Set(ids.syncedReferences.map((r) => pageOfBlock(ws, r)));
    expect(pages.size).toBe(2);
    expect(pages.has(pageOfBlock(ws, original.id))).toBe(false);
    for (const r of ids.syncedReferences) expect(ws.blocks[r]!.children).toEqual([]);
  });

  it('has two byte-identical files used by two different blocks', () => {
    const [a, b] = ids.duplicateFiles;
    expect(a).not.toBe(b);
    expect(ws.files[a]!.base64).toBe(ws.files[b]!.base64);
    const users = (fileId: Id) => Object.values(ws.blocks).filter((blk) => (blk.payload.file as { notion_file_id?: Id } | undefined)?.notion_file_id === fileId);
    expect(users(a)).toHaveLength(1);
    expect(users(b)).toHaveLength(1);
    expect(users(a)[0]!.id).not.toBe(users(b)[0]!.id);
  });

  it.each(['emoji', 'file', 'external', 'custom_emoji', 'icon'])('has a page with a %s icon', (type) => {
    expect(Object.values(ws.pages).some((p) => (p.icon as { type?: string } | null)?.type === type)).toBe(true);
  });

  it.each(['file', 'external'])('has a page with a %s cover', (type) => {
    expect(Object.values(ws.pages).some((p) => (p.cover as { type?: string } | null)?.type === type)).toBe(true);
  });

  it.each(['page', 'database', 'user', 'date', 'link_preview', 'custom_emoji'])('has a %s mention', (type) => {
    const found = allContent(ws).some(([v, o]) => [...walk(v, o)].some(([x]) => x.type === 'mention' && (x.mention as { type: string }).type === type));
    expect(found).toBe(true);
  });

  it.each([
    ['title slug', /^https:\/\/www\.notion\.so\/[A-Za-z][\w-]*-[0-9a-f]{32}$/],
    ['bare 32 hex', /^https:\/\/www\.notion\.so\/[0-9a-f]{32}$/],
    ['dashed id', /^https:\/\/www\.notion\.so\/[0-9a-f]{8}-[0-9a-f]{4}-/],
    ['block anchor', /^https:\/\/www\.notion\.so\/.*#[0-9a-f]{32}$/],
    ['notion.site', /^https:\/\/[\w-]+\.notion\.site\//],
  ])('has a text link in the %s form', (_name, pattern) => {
    const urls = allContent(ws).flatMap(([v, o]) => [...walk(v, o)].map(([x]) => (x.link as { url?: string } | null | undefined)?.url).filter(Boolean));
    expect(urls.some((u) => pattern.test(u!))).toBe(true);
  });

  it('has users (people and the bot) and comments on pages and blocks', () => {
    const users = Object.values(ws.users);
    expect(users.filter((u) => u.type === 'person').length).toBeGreaterThanOrEqual(5);
    expect(users.filter((u) => u.type === 'bot').map((u) => u.id)).toEqual([ws.botId]);
    expect(ws.comments.some((c) => c.parent.type === 'page_id')).toBe(true);
    expect(ws.comments.some((c) => c.parent.type === 'block_id')).toBe(true);
  });
});

describe('demo workspace: referential integrity', () => {
  it('links every child to its parent both ways', () => {
    const problems: string[] = [];
    const checkChildren = (ownerId: Id, children: Id[]) => {
      for (const c of children) {
        const blk = ws.blocks[c];
        if (!blk) problems.push(`${ownerId} → missing child block ${c}`);
        else if (blk.parentId !== ownerId) problems.push(`${ownerId} → child ${c} has parentId ${blk.parentId}`);
      }
    };
    for (const p of Object.values(ws.pages)) checkChildren(p.id, p.children);
    for (const b of Object.values(ws.blocks)) {
      checkChildren(b.id, b.children);
      const owner = ws.pages[b.parentId] ?? ws.blocks[b.parentId];
      if (!owner?.children.includes(b.id)) problems.push(`block ${b.id} not listed by its parent ${b.parentId}`);
      if (b.type === 'child_page') {
        const page = ws.pages[b.id];
        if (!page || !('id' in page.parent) || page.parent.id !== b.parentId) problems.push(`child_page ${b.id} does not match a page under ${b.parentId}`);
      }
      if (b.type === 'child_database') {
        const db = ws.databases[b.id];
        if (!db || !('id' in db.parent) || db.parent.id !== b.parentId) problems.push(`child_database ${b.id} does not match a database under ${b.parentId}`);
      }
    }
    for (const p of Object.values(ws.pages)) {
      if (p.parent.type === 'data_source' && !ws.dataSources[p.parent.id]?.rowIds.includes(p.id)) problems.push(`row ${p.id} not in its data source`);
      if ((p.parent.type === 'page' || p.parent.type === 'block') && !ws.blocks[p.id]) problems.push(`page ${p.id} has no child_page block`);
    }
    for (const d of Object.values(ws.databases)) {
      if (!ws.blocks[d.id]) problems.push(`database ${d.id} has no child_database block`);
      for (const ds of d.dataSourceIds) if (ws.dataSources[ds]?.databaseId !== d.id) problems.push(`database ${d.id} → data source ${ds}`);
    }
    expect(problems).toEqual([]);
  });

  it('points every reference at an object that exists (except the deliberate outside link)', () => {
    const problems: string[] = [];
    const need = (ok: boolean, what: string) => {
      if (!ok) problems.push(what);
    };
    for (const [value, owner] of allContent(ws)) {
      for (const [o, path] of walk(value, owner)) {
        if (typeof o.notion_file_id === 'string') need(Boolean(ws.files[o.notion_file_id]), `${path}: file ${o.notion_file_id}`);
        if (typeof o.notion_custom_emoji_id === 'string') need(Boolean(ws.customEmojis[o.notion_custom_emoji_id]), `${path}: custom emoji`);
        if (o.type === 'mention') {
          const m = o.mention as Record<string, { id: Id }> & { type: string };
          if (m.type === 'page') need(Boolean(ws.pages[m.page!.id]), `${path}: mentioned page ${m.page!.id}`);
          if (m.type === 'database') need(Boolean(ws.databases[m.database!.id]), `${path}: mentioned database`);
          if (m.type === 'user') need(Boolean(ws.users[m.user!.id]), `${path}: mentioned user`);
          if (m.type === 'custom_emoji') need(Boolean(ws.customEmojis[m.custom_emoji!.id]), `${path}: custom emoji mention`);
        }
        if (o.type === 'custom_emoji' && o.custom_emoji) need(Boolean(ws.customEmojis[(o.custom_emoji as { id: Id }).id]), `${path}: custom emoji icon`);
        const url = (o.link as { url?: string } | null | undefined)?.url;
        const target = url ? parseNotionUrl(url) : null;
        if (url && /notion\.(so|site)/.test(url)) {
          need(target !== null, `${path}: unparseable Notion link ${url}`);
          if (target && target.id !== ids.outsidePage) {
            need(Boolean(ws.pages[target.id] ?? ws.databases[target.id]), `${path}: link to missing ${target.id}`);
            if (target.blockId) need(ws.blocks[target.blockId] !== undefined && pageOfBlock(ws, target.blockId) === target.id, `${path}: anchor ${target.blockId} not on ${target.id}`);
          }
        }
      }
    }
    for (const b of Object.values(ws.blocks)) {
      const p = b.payload as Record<string, unknown>;
      if (b.type === 'link_to_page') need(p.type === 'page_id' ? Boolean(ws.pages[p.page_id as Id]) : Boolean(ws.databases[p.database_id as Id]), `link_to_page ${b.id}`);
      const from = p.synced_from as { block_id: Id } | null | undefined;
      if (b.type === 'synced_block' && from) need(ws.blocks[from.block_id]?.payload.synced_from === null, `synced_block ${b.id} → ${from.block_id}`);
      if (b.type === 'meeting_notes' || b.type === 'transcription') {
        for (const id of Object.values(p.children as Record<string, Id>)) need(Boolean(ws.blocks[id]), `${b.type} ${b.id} → ${id}`);
        for (const id of (p.calendar_event as { attendees: Id[] }).attendees) need(Boolean(ws.users[id]), `${b.type} attendee ${id}`);
      }
    }
    for (const ds of Object.values(ws.dataSources)) {
      for (const rowId of ds.rowIds) {
        for (const [name, v] of Object.entries(ws.pages[rowId]!.properties)) {
          const where = `row ${rowId} "${name}"`;
          if (v.type === 'relation') {
            const target = (ds.properties[name]!.relation as { data_source_id: Id }).data_source_id;
            for (const r of v.relation as Array<{ id: Id }>) need(ws.pages[r.id]?.parent.type === 'data_source' && (ws.pages[r.id]!.parent as { id: Id }).id === target, `${where} → ${r.id}`);
          }
          if (v.type === 'people') for (const u of v.people as Array<{ id: Id }>) need(Boolean(ws.users[u.id]), `${where} → user ${u.id}`);
          if (!ds.properties[name] || ds.properties[name]!.type !== v.type) problems.push(`${where}: not in schema as ${v.type}`);
        }
      }
    }
    for (const c of ws.comments) {
      need(c.parent.type === 'page_id' ? Boolean(ws.pages[c.parent.page_id]) : Boolean(ws.blocks[c.parent.block_id]), `comment ${c.id}`);
      need(Boolean(ws.users[c.createdBy]), `comment ${c.id} author`);
    }
    expect(problems).toEqual([]);
  });

  it('links outside the workspace only to the one deliberate outside page', () => {
    const outside = allContent(ws).flatMap(([v, o]) =>
      [...walk(v, o)]
        .map(([x]) => (x.link as { url?: string } | null | undefined)?.url)
        .filter((u): u is string => Boolean(u && /notion\.(so|site)/.test(u)))
        .map((u) => parseNotionUrl(u)!.id)
        .filter((id) => !ws.pages[id] && !ws.databases[id]),
    );
    expect(outside).toEqual([ids.outsidePage]);
  });

  it('stores real files: PNG, PDF, WAV and MP4 signatures match their content types', () => {
    const magic: Record<string, [number, string]> = { 'image/png': [1, 'PNG'], 'application/pdf': [0, '%PDF-'], 'audio/wav': [8, 'WAVE'], 'video/mp4': [4, 'ftyp'] };
    const seen = new Set<string>();
    for (const f of Object.values(ws.files)) {
      const [offset, signature] = magic[f.contentType] ?? [0, ''];
      const bytes = Buffer.from(f.base64, 'base64');
      expect(bytes.subarray(offset, offset + signature.length).toString('latin1'), f.name).toBe(signature);
      seen.add(f.contentType);
    }
    expect([...seen]).toEqual(expect.arrayContaining(Object.keys(magic)));
  });
});

describe('demo workspace: determinism', () => {
  it('builds the same workspace twice', () => {
    expect(JSON.stringify(buildDemoWorkspace())).toBe(JSON.stringify(ws));
  });

  it('returns WorkspaceData from buildDemoWorkspace', () => {
    const built = buildDemoWorkspace();
    expect(Object.keys(built).sort()).toEqual(Object.keys(ws).sort());
    expect(built.pages[ids.root]).toBeDefined();
  });
});
