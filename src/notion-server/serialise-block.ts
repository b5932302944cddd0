import type { Id, WsBlock } from './workspace-model.js';
import { databaseTitle, materialise, minuteTimestamp, pageTitle, userRef, type SerialiseContext } from './serialise-context.js';
import { ownTrash, isTrashed } from './visibility.js';

/**
 * The children a block or page shows through the API: not trashed, and for a synced_block
 * reference the original's children (Notion serves the original's content under the reference).
 */
export function visibleChildIds(ctx: SerialiseContext, id: Id): Id[] {
  const { ws } = ctx;
  const block = ws.blocks[id];
  const source = block ? syncedSourceOf(ctx, block) : null;
  const owner = source ?? ws.pages[id] ?? block;
  if (!owner) return [];
  // A child_page block and its page share an id; the page holds the content.
  const children = ws.pages[owner.id] ? ws.pages[owner.id]!.children : owner.children;
  return children.filter((c) => ws.blocks[c] && !ownTrash(ws, { kind: 'block', id: c }));
}

function syncedSourceOf(ctx: SerialiseContext, block: WsBlock): WsBlock | null {
  if (block.type !== 'synced_block') return null;
  const from = (block.payload.synced_from ?? null) as { block_id?: Id } | null;
  return from?.block_id ? (ctx.ws.blocks[from.block_id] ?? null) : null;
}

/** The parent object of a block: `page_id` when it sits directly in a page, else `block_id`. */
export function blockParent(ctx: SerialiseContext, parentId: Id): Record<string, unknown> {
  if (ctx.ws.pages[parentId]) return { type: 'page_id', page_id: parentId };
  return { type: 'block_id', block_id: parentId };
}

/** A block object as GET /v1/blocks/:id and children lists return it (key order as recorded). */
export function serialiseBlock(ctx: SerialiseContext, block: WsBlock): Record<string, unknown> {
  const trashed = isTrashed(ctx.ws, { kind: 'block', id: block.id });
  return {
    object: 'block',
    id: block.id,
    parent: blockParent(ctx, block.parentId),
    created_time: minuteTimestamp(block.createdTime),
    last_edited_time: minuteTimestamp(block.lastEditedTime),
    created_by: userRef(block.createdBy),
    last_edited_by: userRef(block.lastEditedBy),
    has_children: hasChildren(ctx, block),
    in_trash: trashed,
    type: block.type,
    [block.type]: blockPayload(ctx, block),
    archived: trashed,
  };
}

function hasChildren(ctx: SerialiseContext, block: WsBlock): boolean {
  // child_database content lives in data sources, never in block children.
  if (block.type === 'child_database') return false;
  return visibleChildIds(ctx, block.id).length > 0;
}

function blockPayload(ctx: SerialiseContext, block: WsBlock): Record<string, unknown> {
  switch (block.type) {
    case 'child_page':
      return { title: pageTitle(ctx.ws, block.id) };
    case 'child_database':
      return { title: databaseTitle(ctx.ws, block.id) };
    case 'paragraph': {
      // Every recorded 2025-09-03 paragraph carries `icon` (null unless set).
      const { rich_text, color, ...rest } = materialise(ctx, block.payload);
      return { rich_text: rich_text ?? [], icon: null, color: color ?? 'default', ...rest };
    }
    default:
      return materialise(ctx, block.payload);
  }
}

/** A page seen as a block (GET /v1/blocks/:pageId on a workspace-level page that has no child_page block). */
export function pageAsBlock(ctx: SerialiseContext, pageId: Id): Record<string, unknown> {
  const page = ctx.ws.pages[pageId]!;
  const trashed = isTrashed(ctx.ws, { kind: 'page', id: pageId });
  const parent =
    page.parent.type === 'workspace'
      ? { type: 'workspace', workspace: true }
      : page.parent.type === 'data_source'
        ? { type: 'data_source_id', data_source_id: page.parent.id, database_id: ctx.ws.dataSources[page.parent.id]?.databaseId }
        : blockParent(ctx, page.parent.id);
  return {
    object: 'block',
    id: page.id,
    parent,
    created_time: minuteTimestamp(page.createdTime),
    last_edited_time: minuteTimestamp(page.lastEditedTime),
    created_by: userRef(page.createdBy),
    last_edited_by: userRef(page.lastEditedBy),
    has_children: visibleChildIds(ctx, page.id).length > 0,
    in_trash: trashed,
    type: 'child_page',
    child_page: { title: pageTitle(ctx.ws, page.id) },
    archived: trashed,
  };
}
