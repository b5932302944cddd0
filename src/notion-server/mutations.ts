import { randomUUID } from 'node:crypto';
import type { Id, WorkspaceData, WsBlock, WsParent } from './workspace-model.js';
import { richText, type BlockInput, type RichTextInput } from './builder.js';
import { nearestPage } from './visibility.js';

/**
 * Edits to a served workspace, for tests of incremental sync. Each one bumps last_edited_time
 * (to the server clock) the way Notion does: a block edit bumps the block and the page it sits in,
 * not that page's parent page; structural changes (a child page added, moved or trashed) also bump
 * the page whose content changed, because its list of blocks changed.
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
  /** Moves a page under another page or block (or the workspace). */
  movePage(pageId: Id, newParentId: Id | 'workspace'): void;
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
export function createMutations(ws: WorkspaceData, clock: () => number): Mutations {
  const now = () => new Date(clock()).toISOString();
  const actor = ws.botId;

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
      if (parent.type === 'page' || parent.type === 'block') bumpPage(pageOfContainer(parent.id));
      return;
    }
    if (ws.databases[id]) {
      const db = ws.databases[id]!;
      Object.assign(db, { inTrash: value, lastEditedTime: now(), lastEditedBy: actor });
      if (ws.blocks[id]) ws.blocks[id]!.inTrash = value;
      if (db.parent.type === 'page' || db.parent.type === 'block') bumpPage(pageOfContainer(db.parent.id));
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
      if (old.type === 'page' || old.type === 'block') {
        const list = childList(old.id);
        const i = list.indexOf(pageId);
        if (i >= 0) list.splice(i, 1);
        bumpPage(pageOfContainer(old.id));
      }
      page.parent = parentOf(newParentId);
      if (newParentId === 'workspace') {
        delete ws.blocks[pageId];
      } else {
        const block = ws.blocks[pageId];
        if (block) Object.assign(block, { parentId: newParentId });
        else ws.blocks[pageId] = { id: pageId, parentId: newParentId, type: 'child_page', payload: {}, children: [], inTrash: page.inTrash, ...stamps() };
        childList(newParentId).push(pageId);
        bumpPage(pageOfContainer(newParentId));
      }
      bumpPage(pageId);
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
      if (parent.type === 'page' || parent.type === 'block') {
        ws.blocks[id] = { id, parentId: parent.id, type: 'child_page', payload: {}, children: [], inTrash: false, ...stamps() };
        childList(parent.id).push(id);
        if (parent.type === 'block') bumpBlock(parent.id);
        bumpPage(pageOfContainer(parent.id));
      }
      for (const c of init.children ?? []) insertBlock(id, c);
      return id;
    },
  };
}
