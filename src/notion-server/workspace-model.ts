/**
 * The data a local Notion server serves: a workspace held as plain objects.
 *
 * Payloads are kept in the shape of the Notion API 2025-09-03 (rich text, block payloads,
 * property values and property schemas), so the server only adds what Notion derives:
 * `object`, `parent` objects, minute-rounded timestamps, `has_children`, urls, property ids,
 * relation truncation at 25 and signed file URLs. What Notion derives is never stored here.
 *
 * Notion-hosted files are stored once in `files` and referenced from payloads by the marker
 * `{ notion_file_id: "<file id>" }` where the API has `{ url, expiry_time }`, that is
 * `{ type: "file", file: { notion_file_id } }`. The server swaps every marker for a fresh
 * signed URL on each response. Custom emoji `url`s hold `{ notion_custom_emoji_id }`, swapped for
 * the emoji's permanent (unsigned) URL on the same server.
 *
 * Derived on every response, never stored: `plain_text` and `href` of page / database / user
 * mentions (from the current title or name), child_page / child_database block payloads
 * (`{ title }`), `has_children`, `url`, property ids of row values (from the data source schema),
 * created_time / created_by / last_edited_time / last_edited_by property values.
 */

/** Dashed lower-case UUID. */
export type Id = string;

/** ISO 8601 timestamp with milliseconds, e.g. 2025-03-01T10:15:42.123Z (the server rounds it down to the minute). */
export type Timestamp = string;

/** Where a page, block or database sits. Rows of a data source have `data_source`. */
export type WsParent =
  | { type: 'workspace' }
  | { type: 'page'; id: Id }
  | { type: 'block'; id: Id }
  | { type: 'data_source'; id: Id };

/** Marker for a Notion-hosted file inside an API-shaped payload. */
export interface NotionFileMarker {
  notion_file_id: Id;
}

/** Rich text item in API shape (text / mention / equation with annotations, plain_text, href). */
export type WsRichText = Record<string, unknown> & { type: 'text' | 'mention' | 'equation'; plain_text: string };

/** Page icon / cover / media file in API shape; Notion-hosted files carry a NotionFileMarker under `file`. */
export type WsFileObject = Record<string, unknown>;

export interface WsTimestamps {
  createdTime: Timestamp;
  lastEditedTime: Timestamp;
  createdBy: Id;
  lastEditedBy: Id;
}

export interface WsPage extends WsTimestamps {
  id: Id;
  parent: WsParent;
  /**
   * Property values keyed by property name, in API shape without `id`
   * (`{ type: "title", title: [...] }`). A page outside a database has one, `title`.
   * created_time / created_by / last_edited_time / last_edited_by values are derived by the server
   * from the page's own timestamps and are not stored.
   */
  properties: Record<string, Record<string, unknown> & { type: string }>;
  icon: WsFileObject | null;
  cover: WsFileObject | null;
  inTrash: boolean;
  isLocked: boolean;
  /** false: not shared with the integration; the page and everything below it answer 404. Default true. */
  shared?: boolean;
  /** Ordered ids of the top-level blocks of the page (child_page / child_database blocks included). */
  children: Id[];
}

export interface WsBlock extends WsTimestamps {
  id: Id;
  /** The page or block the block sits in. */
  parentId: Id;
  type: string;
  /**
   * The type-specific payload in API shape (what sits under `block[type]`).
   * child_page / child_database payloads are derived from the page / database and may be `{}` here.
   * A synced_block reference has `{ synced_from: { type: "block_id", block_id } }`; its children are the original's.
   */
  payload: Record<string, unknown>;
  children: Id[];
  inTrash: boolean;
}

export interface WsDatabase extends WsTimestamps {
  id: Id;
  parent: WsParent;
  title: WsRichText[];
  description: WsRichText[];
  icon: WsFileObject | null;
  cover: WsFileObject | null;
  isInline: boolean;
  isLocked: boolean;
  inTrash: boolean;
  shared?: boolean;
  /** Data sources of the database. A linked view has none (the API answers `data_sources: []`). */
  dataSourceIds: Id[];
}

export interface WsDataSource extends WsTimestamps {
  id: Id;
  databaseId: Id;
  title: WsRichText[];
  description: WsRichText[];
  /** Schema keyed by property name, in API shape *with* `id`, `name`, `type`, `description?` and the type's config. */
  properties: Record<string, Record<string, unknown> & { id: string; name: string; type: string }>;
  /** Ids of the row pages, in creation order. */
  rowIds: Id[];
  inTrash: boolean;
}

export interface WsFile {
  id: Id;
  /** File name as the user uploaded it, e.g. "toolkit-cover.png". */
  name: string;
  contentType: string;
  /** The bytes, base64 encoded (keeps the model JSON-serialisable). */
  base64: string;
}

export interface WsComment {
  id: Id;
  /** The page or block the discussion is attached to. */
  parent: { type: 'page_id'; page_id: Id } | { type: 'block_id'; block_id: Id };
  discussionId: Id;
  richText: WsRichText[];
  createdTime: Timestamp;
  createdBy: Id;
}

export interface WsCustomEmoji {
  id: Id;
  name: string;
  fileId: Id;
}

export interface WorkspaceData {
  /** Name shown in 404 messages ("…shared with your integration \"<name>\"") and in /v1/users/me. */
  integrationName: string;
  workspaceName: string;
  /** The bot user of the integration (answers /v1/users/me). */
  botId: Id;
  /** API-shaped user objects (`{ object: "user", id, type: "person" | "bot", name, avatar_url, person | bot }`), bot included. */
  users: Record<Id, Record<string, unknown> & { id: Id; type: 'person' | 'bot' }>;
  pages: Record<Id, WsPage>;
  blocks: Record<Id, WsBlock>;
  databases: Record<Id, WsDatabase>;
  dataSources: Record<Id, WsDataSource>;
  files: Record<Id, WsFile>;
  comments: WsComment[];
  customEmojis: Record<Id, WsCustomEmoji>;
}

/** An empty workspace with just the integration's bot user. */
export function emptyWorkspace(init: { integrationName: string; workspaceName: string; botId: Id }): WorkspaceData {
  return {
    integrationName: init.integrationName,
    workspaceName: init.workspaceName,
    botId: init.botId,
    users: {
      [init.botId]: {
        object: 'user',
        id: init.botId,
        type: 'bot',
        name: init.integrationName,
        avatar_url: null,
        bot: { owner: { type: 'workspace', workspace: true }, workspace_name: init.workspaceName },
      },
    },
    pages: {},
    blocks: {},
    databases: {},
    dataSources: {},
    files: {},
    comments: [],
    customEmojis: {},
  };
}
