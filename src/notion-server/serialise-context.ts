import { createHash } from 'node:crypto';
import type { FileSigner } from './file-signing.js';
import type { Id, Timestamp, WorkspaceData, WsRichText } from './workspace-model.js';
import { isVisible } from './visibility.js';

/** What every serialiser needs: the data, where the server lives, and the file signer. */
export interface SerialiseContext {
  ws: WorkspaceData;
  baseUrl: string;
  signer: FileSigner;
  /** Rows one data source query returns in all before Notion stops it as incomplete (10,000 in Notion). */
  queryResultLimit?: number;
  /** The integration's capabilities; without "Read comments" the comments endpoint answers 403. */
  capabilities?: { readComments?: boolean };
}

/** Pages, blocks and data sources: rounded down to the minute, `Z` (as recorded). */
export function minuteTimestamp(ts: Timestamp): string {
  const ms = Date.parse(ts);
  return new Date(ms - (((ms % 60_000) + 60_000) % 60_000)).toISOString();
}

/**
 * Databases: every recorded GET /v1/databases answer carries milliseconds and a `+00:00` offset
 * (e.g. "2026-06-27T05:50:57.891+00:00"), unlike pages and blocks. We follow the recordings.
 */
export function databaseTimestamp(ts: Timestamp): string {
  return new Date(Date.parse(ts)).toISOString().replace('Z', '+00:00');
}

/** `https://www.notion.so/<Title-Slug>-<32hex>`, or just the hex when the title has no slug. */
export function notionUrl(id: Id, title = ''): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const hex = id.replaceAll('-', '');
  return `https://www.notion.so/${slug ? `${slug}-` : ''}${hex}`;
}

/** Concatenated plain text of a rich text array. */
export function plainText(rt: readonly WsRichText[] | undefined): string {
  return (rt ?? []).map((r) => r.plain_text).join('');
}

/** A page's title: the plain text of its title-typed property. */
export function pageTitle(ws: WorkspaceData, id: Id): string {
  const page = ws.pages[id];
  if (!page) return '';
  const prop = Object.values(page.properties).find((p) => p.type === 'title');
  return plainText(prop?.title as WsRichText[] | undefined);
}

export function databaseTitle(ws: WorkspaceData, id: Id): string {
  return plainText(ws.databases[id]?.title);
}

/** `{ object: "user", id }`, as on created_by / last_edited_by of objects. */
export function userRef(id: Id): { object: 'user'; id: Id } {
  return { object: 'user', id };
}

/**
 * A user as it appears inside values (people, created_by properties, user mentions):
 * persons in full, bots with an empty `bot` (as recorded), unknown ids as a bare reference.
 */
export function userInValue(ws: WorkspaceData, id: Id): Record<string, unknown> {
  const u = ws.users[id];
  if (!u) return userRef(id);
  if (u.type === 'bot') return { object: 'user', id, name: u.name ?? null, avatar_url: u.avatar_url ?? null, type: 'bot', bot: {} };
  return { object: 'user', id, name: u.name ?? null, avatar_url: u.avatar_url ?? null, type: 'person', person: u.person ?? {} };
}

/** The integration's own bot as /v1/users/me shows it (workspace id and limits filled in when absent). */
export function botUser(ws: WorkspaceData): Record<string, unknown> {
  const u = ws.users[ws.botId] ?? { object: 'user', id: ws.botId, type: 'bot', name: ws.integrationName, avatar_url: null, bot: {} };
  const bot = (u.bot ?? {}) as Record<string, unknown>;
  return {
    object: 'user',
    id: ws.botId,
    name: u.name ?? ws.integrationName,
    avatar_url: u.avatar_url ?? null,
    type: 'bot',
    bot: {
      owner: bot.owner ?? { type: 'workspace', workspace: true },
      workspace_name: bot.workspace_name ?? ws.workspaceName,
      workspace_id: bot.workspace_id ?? derivedUuid(`workspace:${ws.workspaceName}`),
      workspace_limits: bot.workspace_limits ?? { max_file_upload_size_in_bytes: 5_242_880 },
    },
  };
}

/** A user as /v1/users and /v1/users/:id list it. */
export function userObject(ws: WorkspaceData, id: Id): Record<string, unknown> {
  if (id === ws.botId) return botUser(ws);
  const u = ws.users[id]!;
  const { object: _o, id: _i, type, name, avatar_url, ...rest } = u;
  return { object: 'user', id, name: name ?? null, avatar_url: avatar_url ?? null, type, ...rest };
}

function derivedUuid(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Deep-copies an API-shaped stored value, replacing what Notion derives on every response:
 * `{ notion_file_id }` markers become fresh signed `{ url, expiry_time }`, `{ notion_custom_emoji_id }`
 * markers become the emoji's permanent URL, and page / database / user mentions get their current
 * `plain_text`, `href` and user object.
 */
export function materialise<T>(ctx: SerialiseContext, value: T): T {
  return walk(ctx, value) as T;
}

function walk(ctx: SerialiseContext, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(ctx, v));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (typeof obj.notion_file_id === 'string') {
    const file = ctx.ws.files[obj.notion_file_id];
    return ctx.signer.sign(obj.notion_file_id, file?.name ?? 'file');
  }
  if (typeof obj.notion_custom_emoji_id === 'string') return customEmojiUrl(ctx, obj.notion_custom_emoji_id);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = walk(ctx, v);
  if (out.type === 'mention' && out.mention && typeof out.plain_text === 'string') resolveMention(ctx, out);
  return out;
}

/** The permanent URL of a custom emoji's image on this server. */
export function customEmojiUrl(ctx: SerialiseContext, emojiId: Id): string {
  const emoji = ctx.ws.customEmojis[emojiId];
  const name = emoji ? (ctx.ws.files[emoji.fileId]?.name ?? `${emoji.name}.png`) : 'emoji.png';
  return `${ctx.baseUrl}/emoji/${emojiId}/${encodeURIComponent(name)}`;
}

function resolveMention(ctx: SerialiseContext, rt: Record<string, unknown>): void {
  const m = rt.mention as Record<string, unknown>;
  const { ws } = ctx;
  if (m.type === 'page') {
    const id = (m.page as { id: Id }).id;
    const known = isVisible(ws, { kind: 'page', id });
    rt.plain_text = known ? pageTitle(ws, id) || 'Untitled' : 'Untitled';
    rt.href = notionUrl(id);
  } else if (m.type === 'database') {
    const id = (m.database as { id: Id }).id;
    const known = isVisible(ws, { kind: 'database', id });
    rt.plain_text = known ? databaseTitle(ws, id) || 'Untitled' : 'Untitled';
    rt.href = notionUrl(id);
  } else if (m.type === 'user') {
    const id = (m.user as { id: Id }).id;
    const user = ws.users[id];
    m.user = userInValue(ws, id);
    rt.plain_text = user ? `@${String(user.name ?? 'Unknown')}` : '@Anonymous';
    rt.href = null;
  }
}
