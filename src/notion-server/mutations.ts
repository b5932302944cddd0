import { randomUUID } from 'node:crypto';
import type { Id, WorkspaceData, WsBlock, WsDataSource, WsPage, WsParent } from './workspace-model.js';
import { richText, type BlockInput, type RichTextInput } from './builder.js';
import { nearestPage } from './visibility.js';

/**
 * What moves last_edited_time where Notion's documentation is silent: whether a parent is bumped
 * when its list of sub-pages changes, or a page when a page it relates to is trashed.
 * - `all` (the default): a structural change (a sub-page or child database created, moved,
 *   trashed or restored) also bumps the page whose list of blocks changed, and trashing or
 *   restoring a page bumps every page whose relation property points at it (or at a page below it).
 * - `documented`: only what Notion documents: an edit bumps the object edited, and a block edit
 *   the page the block sits in. No parent and no related page is bumped, and a moved page or row
 *   keeps its own edit time. A sub-page moved within its parent reorders that page's blocks, an
 *   edit of its content: it bumps the parent under both (nothing else would show the new order).
 * Under both, a relation to a page in the trash is not returned (page objects, property items).
 */
export type BumpPolicy = 'all' | 'documented';

export const BUMP_POLICIES: readonly BumpPolicy[] = ['all', 'documented'];

/**
 * Edits to a served workspace, for tests of incremental sync. Each one bumps last_edited_time
 * (to the server clock) the way Notion does: a block edit bumps the block and the page it sits in,
 * not that page's parent page; what else moves depends on the `BumpPolicy`.
 */
export interface Mutations {
  /** Renames a page (its title property; also the child_page block showing it). */
  editTitle(pageId: Id, title: RichTextInput): void;
  /** Replaces the rich text of a text block (paragraph, heading, list item, to_do, quote, callout, toggle, code…). */
  editBlockText(blockId: Id, text: RichTextInput): void;
  /** Appends a block (with its subtree) to a page or block; returns the new block's id. */
  appendBlock(parentId: Id, block: BlockInput): Id;
  /** Moves a page, block, database or data source to the trash. */
  trash(id: Id): void;
  /** Takes it out of the trash again. */
  restore(id: Id): void;
  /**
   * Shares a page or database with the integration again, or stops sharing it (false): it and
   * everything below it then answer 404 and leave search. Nothing is bumped: sharing is not an edit.
   */
  setShared(id: Id, shared: boolean): void;
  /** Sets one property value of a page or database row (API shape, e.g. `{ type: 'number', number: 3 }`), by property name. */
  editProperty(pageId: Id, name: string, value: Record<string, unknown> & { type: string }): void;
  /**
   * Moves a page under another page or block (or the workspace), to the end of its children;
   * `newParentId` may be its current parent (a move within one parent). A data source id as the
   * new parent makes the page a row (it keeps its title), a row moved to a page or block becomes
   * a plain page (it keeps its title), and a row moved to another data source keeps the values
   * whose property exists there with the same type.
   */
  movePage(pageId: Id, newParentId: Id | 'workspace'): void;
  /** Moves a database (with its child_database block) under another page or block, to the end of its children. */
  moveDatabase(databaseId: Id, newParentId: Id): void;
  /**
   * Creates a database with one data source under a page or block. `properties` is the schema in
   * API shape by name (`{ Score: { type: 'number', number: { format: 'number' } } }`); a title
   * property "Name" is added when there is none. Returns the ids.
   */
  createDatabase(init: { parent: Id; title: RichTextInput; properties?: Record<string, Record<string, unknown> & { type: string }> }): { id: Id; dataSourceId: Id };
  /**
   * Gives a formula or rollup property of a page a new value (API shape, e.g. `{ type: 'rollup',
   * rollup: { … } }`) the way Notion recomputes one when what it is computed from changes
   * elsewhere (a related page's value, `now()`): the page is not bumped. The server computes no
   * formula or rollup itself; a test that edits a related page says what the new value is.
   */
  recompute(pageId: Id, name: string, value: Record<string, unknown> & { type: 'formula' | 'rollup' }): void;
  /**
   * Starts a discussion on a page or block with one comment by the integration's bot; returns the
   * comment's id. Notion does not document whether a comment changes the page's
   * last_edited_time: by default nothing is bumped, `bump: true` bumps the page it sits on.
   */
  addComment(parentId: Id, text: RichTextInput, opts?: { bump?: boolean }): Id;
  /**
   * Creates a page under a page, a block or the workspace, or a row in a data source
   * (`parent` = data source id; `properties` in API shape by name, title from `title`). Returns its id.
   */
  createPage(init: {
    parent: Id | 'workspace';
    title: RichTextInput;
    children?: BlockInput[];
    properties?: Record<string, Record<string, unknown> & { type: string }>;
  }): Id;
}

/** Mutations over `ws`, stamping with `clock` (epoch ms) and acting as the integration's bot. */
export function createMutations(ws: WorkspaceData, clock: () => number, opts: { bumps?: BumpPolicy } = {}): Mutations {
  const now = () => new Date(clock()).toISOString();
  const actor = ws.botId;
  const structural = (opts.bumps ?? 'all') === 'all';

  const bumpPage = (id: Id | null) => {
    if (!id) return;
    const p = ws.pages[id];
    if (p) Object.assign(p, { lastEditedTime: now(), lastEditedBy: actor });
    // The child_page block that shows the page is the same object in Notion.
    const b = ws.blocks[id];
    if (b) Object.assign(b, { lastEditedTime: now(), lastEditedBy: actor });
  };
  const bumpBlock = (id: Id) => {
    const b = ws.blocks[id];
    if (b) Object.assign(b, { lastEditedTime: now(), lastEditedBy: actor });
  };
  /** The page whose content lists `containerId` (a page itself, or the page a block sits in). */
  const pageOfContainer = (containerId: Id) =>
    ws.pages[containerId] ? containerId : nearestPage(ws, { kind: 'block', id: containerId });
  /** A structural change under `containerId`: bumps the page listing it, under the `all` policy only. */
  const bumpContainer = (containerId: Id) => {
    if (!structural) return;
    if (ws.blocks[containerId] && !ws.pages[containerId]) bumpBlock(containerId);
    bumpPage(pageOfContainer(containerId));
  };
  /** Pages at or below `id` (sub-pages, and the rows of databases below it). */
  const pagesBelow = (id: Id, out = new Set<Id>()): Set<Id> => {
    const visit = (nodeId: Id) => {
      if (ws.pages[nodeId]) out.add(nodeId);
      const db = ws.databases[nodeId];
      if (db) for (const dsId of db.dataSourceIds) for (const row of ws.dataSources[dsId]?.rowIds ?? []) visit(row);
      const node = ws.pages[nodeId] ?? ws.blocks[nodeId];
      for (const c of node?.children ?? []) visit(c);
    };
    visit(id);
    return out;
  };
  /** Trash or restore changed what relations to these pages return: under `all`, the pages relating to them are bumped. */
  const bumpRelating = (targets: Set<Id>) => {
    if (!structural || targets.size === 0) return;
    for (const page of Object.values(ws.pages)) {
      if (targets.has(page.id)) continue;
      const relates = Object.values(page.properties).some(
        (v) => v.type === 'relation' && ((v.relation as Array<{ id: Id }> | undefined) ?? []).some((r) => targets.has(r.id)),
      );
      if (relates) bumpPage(page.id);
    }
  };
  const childList = (parentId: Id): Id[] => {
    const owner = ws.pages[parentId] ?? ws.blocks[parentId];
    if (!owner) throw new Error(`mutate: unknown parent ${parentId}`);
    return owner.children;
  };
  const parentOf = (id: Id | 'workspace'): WsParent => {
    if (id === 'workspace') return { type: 'workspace' };
    if (ws.pages[id]) return { type: 'page', id };
    if (ws.blocks[id]) return { type: 'block', id };
    if (ws.dataSources[id]) return { type: 'data_source', id };
    throw new Error(`mutate: unknown parent ${id}`);
  };
  const stamps = () => ({ createdTime: now(), lastEditedTime: now(), createdBy: actor, lastEditedBy: actor });
  const insertBlock = (parentId: Id, b: BlockInput): Id => {
    const id = b.id ?? randomUUID();
    const block: WsBlock = { id, parentId, type: b.type, payload: structuredClone(b.payload), children: [], inTrash: false, ...stamps() };
    ws.blocks[id] = block;
    childList(parentId).push(id);
    for (const c of b.children ?? []) insertBlock(id, c);
    return id;
  };
  const setTrash = (id: Id, value: boolean) => {
    if (ws.pages[id]) {
      ws.pages[id]!.inTrash = value;
      if (ws.blocks[id]) ws.blocks[id]!.inTrash = value;
      bumpPage(id);
      const parent = ws.pages[id]!.parent;
      if (parent.type === 'page' || parent.type === 'block') bumpContainer(parent.id);
      bumpRelating(pagesBelow(id));
      return;
    }
    if (ws.databases[id]) {
      const db = ws.databases[id]!;
      Object.assign(db, { inTrash: value, lastEditedTime: now(), lastEditedBy: actor });
      if (ws.blocks[id]) ws.blocks[id]!.inTrash = value;
      if (db.parent.type === 'page' || db.parent.type === 'block') bumpContainer(db.parent.id);
      bumpRelating(pagesBelow(id));
      return;
    }
    if (ws.dataSources[id]) {
      Object.assign(ws.dataSources[id]!, { inTrash: value, lastEditedTime: now(), lastEditedBy: actor });
      return;
    }
    const b = ws.blocks[id];
    if (!b) throw new Error(`mutate: unknown object ${id}`);
    b.inTrash = value;
    bumpBlock(id);
    bumpPage(pageOfContainer(b.parentId));
  };
  /** Takes a page or database out of its parent's list (of blocks or of rows). */
  const detach = (id: Id, parent: WsParent) => {
    if (parent.type === 'page' || parent.type === 'block') {
      const list = childList(parent.id);
      const i = list.indexOf(id);
      if (i >= 0) list.splice(i, 1);
      bumpContainer(parent.id);
    } else if (parent.type === 'data_source') {
      const rows = ws.dataSources[parent.id]?.rowIds ?? [];
      const i = rows.indexOf(id);
      if (i >= 0) rows.splice(i, 1);
    }
  };
  /** Puts a page or database at the end of a page's or block's children, as a child_page / child_database block. */
  const attachBlock = (id: Id, parentId: Id, type: 'child_page' | 'child_database', inTrash: boolean) => {
    const block = ws.blocks[id];
    if (block) Object.assign(block, { parentId });
    else ws.blocks[id] = { id, parentId, type, payload: {}, children: [], inTrash, ...stamps() };
    childList(parentId).push(id);
    bumpContainer(parentId);
  };
  const titleName = (dsId: Id) => Object.values(ws.dataSources[dsId]!.properties).find((p) => p.type === 'title')?.name ?? 'Name';

  return {
    editTitle(pageId, title) {
      const page = ws.pages[pageId];
      if (!page) throw new Error(`mutate: unknown page ${pageId}`);
      const name = Object.keys(page.properties).find((k) => page.properties[k]!.type === 'title') ?? 'title';
      page.properties[name] = { type: 'title', title: richText(title) };
      bumpPage(pageId);
    },
    editBlockText(blockId, text) {
      const b = ws.blocks[blockId];
      if (!b) throw new Error(`mutate: unknown block ${blockId}`);
      if (!('rich_text' in b.payload)) throw new Error(`mutate: block ${blockId} (${b.type}) has no rich_text`);
      b.payload = { ...b.payload, rich_text: richText(text) };
      bumpBlock(blockId);
      bumpPage(pageOfContainer(b.parentId));
    },
    appendBlock(parentId, input) {
      const id = insertBlock(parentId, input);
      if (ws.blocks[parentId] && !ws.pages[parentId]) bumpBlock(parentId);
      bumpPage(pageOfContainer(parentId));
      return id;
    },
    trash: (id) => setTrash(id, true),
    setShared(id, shared) {
      const target = ws.pages[id] ?? ws.databases[id];
      if (!target) throw new Error(`mutate: unknown page or database ${id}`);
      target.shared = shared;
    },
    editProperty(pageId, name, value) {
      const page = ws.pages[pageId];
      if (!page) throw new Error(`mutate: unknown page ${pageId}`);
      page.properties[name] = structuredClone(value);
      bumpPage(pageId);
    },
    restore: (id) => setTrash(id, false),
    addComment(parentId, text, opts = {}) {
      const onPage = Boolean(ws.pages[parentId]);
      if (!onPage && !ws.blocks[parentId]) throw new Error(`mutate: unknown page or block ${parentId}`);
      const id = randomUUID();
      ws.comments.push({
        id,
        parent: onPage ? { type: 'page_id', page_id: parentId } : { type: 'block_id', block_id: parentId },
        discussionId: randomUUID(),
        richText: richText(text),
        createdTime: now(),
        createdBy: actor,
      });
      if (opts.bump) bumpPage(pageOfContainer(parentId));
      return id;
    },
    recompute(pageId, name, value) {
      const page = ws.pages[pageId];
      if (!page) throw new Error(`mutate: unknown page ${pageId}`);
      if (page.properties[name]?.type !== value.type) throw new Error(`mutate: ${name} of page ${pageId} is not a ${value.type} property`);
      page.properties[name] = structuredClone(value);
    },
    movePage(pageId, newParentId) {
      const page = ws.pages[pageId];
      if (!page) throw new Error(`mutate: unknown page ${pageId}`);
      const old = page.parent;
      const parent = parentOf(newParentId);
      detach(pageId, old);
      const title = Object.values(page.properties).find((v) => v.type === 'title') ?? { type: 'title', title: [] };
      if (parent.type === 'data_source') {
        const ds = ws.dataSources[parent.id]!;
        const kept: WsPage['properties'] = {};
        for (const [name, v] of Object.entries(page.properties)) if (v.type !== 'title' && ds.properties[name]?.type === v.type) kept[name] = v;
        page.properties = { ...kept, [titleName(parent.id)]: title };
        ds.rowIds.push(pageId);
        delete ws.blocks[pageId];
      } else if (old.type === 'data_source') {
        page.properties = { title };
      }
      page.parent = parent;
      if (parent.type === 'page' || parent.type === 'block') {
        attachBlock(pageId, parent.id, 'child_page', page.inTrash);
        // Within one parent, a move reorders that page's blocks: an edit of its content, bumped under both policies.
        if ((old.type === 'page' || old.type === 'block') && old.id === parent.id) bumpPage(pageOfContainer(parent.id));
      } else if (parent.type === 'workspace') delete ws.blocks[pageId];
      // The page's own parent changed: Notion documents no bump for that.
      if (structural) bumpPage(pageId);
    },
    moveDatabase(databaseId, newParentId) {
      const db = ws.databases[databaseId];
      if (!db) throw new Error(`mutate: unknown database ${databaseId}`);
      const parent = parentOf(newParentId);
      if (parent.type !== 'page' && parent.type !== 'block') throw new Error(`mutate: a database moves under a page or block, not ${parent.type}`);
      detach(databaseId, db.parent);
      db.parent = parent;
      attachBlock(databaseId, parent.id, 'child_database', db.inTrash);
    },
    createDatabase(init) {
      const parent = parentOf(init.parent);
      if (parent.type !== 'page' && parent.type !== 'block') throw new Error(`mutate: a database is created under a page or block, not ${parent.type}`);
      const id = randomUUID();
      const dataSourceId = randomUUID();
      const properties: WsDataSource['properties'] = {};
      for (const [name, p] of Object.entries(init.properties ?? {})) {
        properties[name] = { ...structuredClone(p), id: p.type === 'title' ? 'title' : randomUUID().slice(0, 8), name, type: p.type };
      }
      if (!Object.values(properties).some((p) => p.type === 'title')) properties.Name = { id: 'title', name: 'Name', type: 'title', title: {} };
      ws.dataSources[dataSourceId] = { id: dataSourceId, databaseId: id, title: richText(init.title), description: [], properties, rowIds: [], inTrash: false, ...stamps() };
      ws.databases[id] = {
        id,
        parent,
        title: richText(init.title),
        description: [],
        icon: null,
        cover: null,
        isInline: false,
        isLocked: false,
        inTrash: false,
        dataSourceIds: [dataSourceId],
        ...stamps(),
      };
      attachBlock(id, parent.id, 'child_database', false);
      return { id, dataSourceId };
    },
    createPage(init) {
      const id = randomUUID();
      const parent = parentOf(init.parent);
      let properties: Record<string, Record<string, unknown> & { type: string }> = { title: { type: 'title', title: richText(init.title) } };
      if (parent.type === 'data_source') {
        const ds = ws.dataSources[parent.id]!;
        const titleName = Object.values(ds.properties).find((p) => p.type === 'title')?.name ?? 'Name';
        properties = { ...(init.properties ?? {}), [titleName]: { type: 'title', title: richText(init.title) } };
        ds.rowIds.push(id);
      }
      ws.pages[id] = { id, parent, properties, icon: null, cover: null, inTrash: false, isLocked: false, children: [], ...stamps() };
      if (parent.type === 'page' || parent.type === 'block') attachBlock(id, parent.id, 'child_page', false);
      for (const c of init.children ?? []) insertBlock(id, c);
      return id;
    },
  };
}
