import type { WsDatabase, WsDataSource } from './workspace-model.js';
import {
  databaseTimestamp,
  materialise,
  minuteTimestamp,
  notionUrl,
  plainText,
  userRef,
  type SerialiseContext,
} from './serialise-context.js';
import { blockParent } from './serialise-block.js';
import { isTrashed } from './visibility.js';

function databaseParent(ctx: SerialiseContext, db: WsDatabase): Record<string, unknown> {
  switch (db.parent.type) {
    case 'workspace':
      return { type: 'workspace', workspace: true };
    case 'data_source':
      return { type: 'data_source_id', data_source_id: db.parent.id, database_id: ctx.ws.dataSources[db.parent.id]?.databaseId ?? null };
    default:
      return blockParent(ctx, db.parent.id);
  }
}

/** A database object (GET /v1/databases/:id): data_sources, no properties; key order as recorded. */
export function serialiseDatabase(ctx: SerialiseContext, db: WsDatabase): Record<string, unknown> {
  const trashed = isTrashed(ctx.ws, { kind: 'database', id: db.id });
  return {
    object: 'database',
    id: db.id,
    title: materialise(ctx, db.title),
    description: materialise(ctx, db.description),
    parent: databaseParent(ctx, db),
    is_inline: db.isInline,
    in_trash: trashed,
    is_locked: db.isLocked,
    created_time: databaseTimestamp(db.createdTime),
    last_edited_time: databaseTimestamp(db.lastEditedTime),
    data_sources: db.dataSourceIds
      .filter((id) => ctx.ws.dataSources[id])
      .map((id) => ({ id, name: plainText(ctx.ws.dataSources[id]!.title) })),
    icon: materialise(ctx, db.icon),
    cover: materialise(ctx, db.cover),
    url: notionUrl(db.id),
    public_url: null,
    archived: trashed,
  };
}

/** A data source object (GET /v1/data_sources/:id and search results); key order as recorded. */
export function serialiseDataSource(ctx: SerialiseContext, ds: WsDataSource): Record<string, unknown> {
  const db = ctx.ws.databases[ds.databaseId];
  const trashed = isTrashed(ctx.ws, { kind: 'data_source', id: ds.id });
  return {
    object: 'data_source',
    id: ds.id,
    cover: db ? materialise(ctx, db.cover) : null,
    icon: db ? materialise(ctx, db.icon) : null,
    created_time: minuteTimestamp(ds.createdTime),
    created_by: userRef(ds.createdBy),
    last_edited_by: userRef(ds.lastEditedBy),
    last_edited_time: minuteTimestamp(ds.lastEditedTime),
    title: materialise(ctx, ds.title),
    description: materialise(ctx, ds.description),
    is_inline: db?.isInline ?? false,
    properties: materialise(ctx, ds.properties),
    parent: { type: 'database_id', database_id: ds.databaseId },
    database_parent: db ? databaseParent(ctx, db) : { type: 'workspace', workspace: true },
    url: notionUrl(ds.databaseId),
    public_url: null,
    in_trash: trashed,
    archived: trashed,
  };
}
