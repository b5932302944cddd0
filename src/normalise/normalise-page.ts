import type { CommentObjectResponse, DatabaseObjectResponse, PageObjectResponse, UserObjectResponse } from '@notionhq/client';
import { assetKeys } from '../assets/asset-keys.js';
import type { BlockNode } from '../source/block-tree.js';
import { blockFileRefs, pageFileRefs } from '../source/file-refs.js';
import type { NormaliseContext } from './normalise-context.js';
import { normaliseProperties } from './normalise-property.js';
import { pageDigest } from './page-digest.js';
import { richTextToPlain } from './rich-text-plain.js';
import type { AssetRef, Cover, FileValue, Icon, PageEntry, PageRecord, PropertyValue, UserRef } from './schemas.js';
import { isoTimestamp } from './timestamp.js';
import { pageTitle } from './titles.js';

/** What became of one file, as the normaliser sees it (the asset collector's outcomes fit). */
export type AssetLookup = (
  key: string,
) =>
  | { kind: 'stored'; ref: { name: string }; asset: AssetRef }
  | { kind: 'link'; ref: { name: string }; url: string; reason?: string }
  | { kind: 'missing'; ref: { name: string }; reason: string }
  | undefined;

/** Where a page's files go, decided by the path plan. */
export interface PageLocation {
  markdown: string;
  record: string;
  parentId: string | null;
  databaseId: string | null;
}

export interface PageNormaliseContext {
  location: PageLocation;
  users: ReadonlyMap<string, UserObjectResponse>;
  assets: AssetLookup;
  /** Snapshot-relative path of an exported page or database (null outside the export); records the link. */
  pathOf(id: string): string | null;
  /** Markdown of rich text in a record, with links from the snapshot root (the one renderer, handed in). */
  richTextMarkdown: NormaliseContext['richTextMarkdown'];
  warn(code: string, message: string): void;
}

/** A page record before rendering: everything but what the renderer finds (links, unrendered blocks). */
export interface NormalisedPage extends Omit<PageRecord, keyof PageEntry | 'links' | 'unrendered' | 'discussions'> {
  entry: PageEntry;
}

function walk(blocks: BlockNode[], visit: (b: BlockNode) => void): void {
  for (const b of blocks) {
    visit(b);
    walk(b.children, visit);
  }
}

/** Number of blocks in a tree, nested ones included. */
export function countBlocks(blocks: BlockNode[]): number {
  let n = 0;
  walk(blocks, () => n++);
  return n;
}

/** Plain text of a block tree, one line per block, for search indexes. */
export function plainTextOf(blocks: BlockNode[]): string {
  const lines: string[] = [];
  walk(blocks, (b) => {
    const payload = (b as unknown as Record<string, Record<string, unknown>>)[b.type] ?? {};
    const parts: string[] = [];
    if (Array.isArray(payload.rich_text)) parts.push(richTextToPlain(payload.rich_text as never));
    if (Array.isArray(payload.cells)) parts.push((payload.cells as unknown[][]).map((c) => richTextToPlain(c as never)).join(' | '));
    if (typeof payload.title === 'string') parts.push(payload.title);
    if (typeof payload.expression === 'string') parts.push(payload.expression);
    if (Array.isArray(payload.caption)) parts.push(richTextToPlain(payload.caption as never));
    const line = parts.filter(Boolean).join(' ');
    if (line) lines.push(line);
  });
  return lines.join('\n');
}

/** A user as records show it: name, type and e-mail when the integration may see them. */
export function userRef(id: string, users: ReadonlyMap<string, UserObjectResponse>): UserRef {
  const u = users.get(id);
  if (!u) return { id, name: null, type: null };
  const email = u.type === 'person' ? (u.person?.email ?? null) : undefined;
  return { id, name: u.name ?? null, type: u.type, ...(email !== undefined ? { email } : {}) };
}

function fileValue(assets: AssetLookup, key: string, file: { name: string; type: string; external?: { url: string } }): FileValue {
  const o = assets(key);
  const source: FileValue['source'] = file.type === 'external' ? 'external' : file.type === 'file_upload' ? 'file_upload' : 'notion';
  const url = source === 'external' ? (file.external?.url ?? null) : null;
  if (o?.kind === 'stored') return { name: file.name, source, path: o.asset.path, url, sha256: o.asset.sha256, bytes: o.asset.bytes, mimeType: o.asset.mimeType };
  if (o?.kind === 'link') return { name: file.name, source, path: null, url, ...(o.reason ? { error: o.reason } : {}) };
  return { name: file.name, source, path: null, url, error: o?.kind === 'missing' ? o.reason : 'not downloaded' };
}

function storedAsset(assets: AssetLookup, key: string): AssetRef | null {
  const o = assets(key);
  return o?.kind === 'stored' ? { ...o.asset } : null;
}

/** A page or database icon: emoji, Notion icon, custom emoji, or an image (stored or external). */
export function iconOf(icon: unknown, key: string, assets: AssetLookup): Icon {
  const i = icon as { type?: string; emoji?: string; external?: { url: string }; custom_emoji?: { id: string; name: string }; icon?: { name: string; color: string } } | null;
  if (!i?.type) return null;
  if (i.type === 'emoji') return { type: 'emoji', emoji: i.emoji ?? '' };
  if (i.type === 'icon') return { type: 'icon', name: i.icon?.name ?? '', color: i.icon?.color ?? 'default' };
  if (i.type === 'custom_emoji') return { type: 'custom_emoji', name: i.custom_emoji?.name ?? '', path: storedAsset(assets, assetKeys.customEmoji(i.custom_emoji?.id ?? ''))?.path ?? null };
  return imageOf(i, key, assets);
}

/** A cover (or an image icon): the stored copy, or the external URL, or why it is missing. */
export function imageOf(f: { type?: string; external?: { url: string } } | null, key: string, assets: AssetLookup): Cover {
  if (!f?.type) return null;
  const o = assets(key);
  if (f.type === 'external') return { type: 'external', url: f.external?.url ?? '', path: o?.kind === 'stored' ? o.asset.path : null };
  if (o?.kind === 'stored') return { type: 'file', path: o.asset.path, sha256: o.asset.sha256, bytes: o.asset.bytes, mimeType: o.asset.mimeType };
  return { type: 'file', path: null, error: o?.kind === 'missing' ? o.reason : 'not downloaded' };
}

function uniqueByPath(list: AssetRef[]): AssetRef[] {
  const seen = new Map<string, AssetRef>();
  for (const a of list) if (!seen.has(a.path)) seen.set(a.path, a);
  return [...seen.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** The index entry of a page. */
export function pageEntry(page: PageObjectResponse, location: PageLocation): PageEntry {
  return {
    id: page.id,
    title: pageTitle(page),
    path: location.markdown,
    record: location.record,
    parentId: location.parentId,
    databaseId: location.databaseId,
    url: page.url,
    createdTime: isoTimestamp(page.created_time),
    lastEditedTime: isoTimestamp(page.last_edited_time),
  };
}

/**
 * A fetched page → its record (pure): typed properties, icon, cover, the files it uses, plain
 * text, authors, and the digest of what was fetched. Links and unrendered blocks come from the
 * renderer.
 */
export function normalisePage(
  unit: { page: PageObjectResponse; blocks: BlockNode[]; comments?: CommentObjectResponse[]; digest?: string },
  ctx: PageNormaliseContext,
): NormalisedPage {
  const { page, blocks } = unit;
  const id = page.id;
  const properties = normaliseProperties(page.properties, {
    pageId: id,
    user: (uid) => {
      if (!ctx.users.has(uid)) return undefined;
      const { id: _id, ...rest } = userRef(uid, ctx.users);
      return rest;
    },
    pathOf: (target) => ctx.pathOf(target),
    richTextMarkdown: ctx.richTextMarkdown,
    file: (key, file) => fileValue(ctx.assets, key, file),
    warn: (code, message) => ctx.warn(code, `page ${id}: ${message}`),
  });
  const assetKeysOfPage = [...pageFileRefs(page)];
  walk(blocks, (b) => assetKeysOfPage.push(...blockFileRefs(b, id)));
  const assets = uniqueByPath(assetKeysOfPage.map((r) => storedAsset(ctx.assets, r.key)).filter((a): a is AssetRef => a !== null));
  return {
    entry: pageEntry(page, ctx.location),
    icon: iconOf(page.icon, assetKeys.icon(id), ctx.assets),
    cover: imageOf(page.cover as never, assetKeys.cover(id), ctx.assets),
    properties,
    assets,
    plainText: plainTextOf(blocks),
    authors: { createdBy: userRef(page.created_by.id, ctx.users), lastEditedBy: userRef(page.last_edited_by.id, ctx.users) },
    // Computed where the page was serialised already (the spool), else here: the same value.
    digest: unit.digest ?? pageDigest(page, blocks, unit.comments),
  };
}

/** A row of a data source as a database record lists it. */
export interface DatabaseRowInput {
  id: string;
  title: string;
  path: string;
  record: string;
  properties: Record<string, PropertyValue>;
}

/** Everything of a database record but its data sources' rows, which come from the row records. */
export function normaliseDatabase(
  database: DatabaseObjectResponse,
  assets: AssetLookup,
): { description: string; icon: Icon; cover: Cover; createdTime: string; lastEditedTime: string } {
  return {
    description: richTextToPlain(database.description as never),
    icon: iconOf(database.icon, assetKeys.icon(database.id), assets),
    cover: imageOf(database.cover as never, assetKeys.cover(database.id), assets),
    createdTime: isoTimestamp(database.created_time),
    lastEditedTime: isoTimestamp(database.last_edited_time),
  };
}
