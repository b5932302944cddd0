import type { BlockObjectResponse, DatabaseObjectResponse, PageObjectResponse } from '@notionhq/client';
import { assetKeys } from '../assets/asset-keys.js';

/** A file found in a Notion object, with what is needed to download it (again). */
export interface FileRef {
  /** Stable key (src/assets/asset-keys.ts) under which the downloaded copy is found. */
  key: string;
  source: 'notion' | 'external' | 'custom_emoji';
  url: string;
  /** The file name Notion gives, or the last path segment of the URL. */
  name: string;
  /** Page the file belongs to (for reports); the database id for database icons and covers. */
  pageId: string;
  blockId?: string;
  /** True for images (decides whether an external file is downloaded under `assets.external: images`). */
  isImage: boolean;
  /** Where to find the file object again in a freshly retrieved owner, to get a new signed URL. */
  refetch:
    | { kind: 'block'; blockId: string }
    | { kind: 'page'; pageId: string; field: 'icon' | 'cover' }
    | { kind: 'database'; databaseId: string; field: 'icon' | 'cover' }
    | { kind: 'property'; pageId: string; propertyName: string; index: number }
    | { kind: 'none' };
}

type AnyFile = { type?: string; file?: { url?: string }; external?: { url?: string }; name?: string; custom_emoji?: { id: string; name: string; url: string } };

const mediaTypes = new Set(['image', 'video', 'pdf', 'file', 'audio']);

/** Returns the URL and kind of a file object, or null for emoji / native icons / file uploads without URL. */
export function fileUrlOf(f: AnyFile | null | undefined): { url: string; source: FileRef['source'] } | null {
  if (!f || typeof f !== 'object') return null;
  if (f.type === 'file' && f.file?.url) return { url: f.file.url, source: 'notion' };
  if (f.type === 'external' && f.external?.url) return { url: f.external.url, source: 'external' };
  if (f.type === 'custom_emoji' && f.custom_emoji?.url) return { url: f.custom_emoji.url, source: 'custom_emoji' };
  return null;
}

/** The last path segment of a URL, decoded (`file` when there is none). */
export function nameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : 'file';
  } catch {
    return 'file';
  }
}

function ref(
  f: AnyFile | null | undefined,
  base: Omit<FileRef, 'url' | 'source' | 'name' | 'key'> & { key: string; name?: string },
): FileRef | null {
  const u = fileUrlOf(f);
  if (!u) return null;
  const key = u.source === 'custom_emoji' ? assetKeys.customEmoji(f!.custom_emoji!.id) : base.key;
  return { ...base, key, url: u.url, source: u.source, name: base.name ?? f?.name ?? nameFromUrl(u.url) };
}

/** Files of a page object: icon, cover and `files` property values. */
export function pageFileRefs(page: PageObjectResponse): FileRef[] {
  const out: Array<FileRef | null> = [
    ref(page.icon as AnyFile, { key: assetKeys.icon(page.id), pageId: page.id, isImage: true, refetch: { kind: 'page', pageId: page.id, field: 'icon' } }),
    ref(page.cover as AnyFile, { key: assetKeys.cover(page.id), pageId: page.id, isImage: true, refetch: { kind: 'page', pageId: page.id, field: 'cover' } }),
  ];
  for (const [name, value] of Object.entries(page.properties)) {
    // Files of one property are numbered in order, across the items of a rollup array too
    // (the normaliser looks them up under the same keys).
    const files: AnyFile[] =
      value.type === 'files'
        ? ((value.files as AnyFile[] | undefined) ?? [])
        : value.type === 'rollup' && value.rollup?.type === 'array'
          ? (value.rollup.array as Array<{ type: string; files?: AnyFile[] }>).flatMap((item) => (item.type === 'files' ? (item.files ?? []) : []))
          : [];
    files.forEach((f, index) => {
      out.push(
        ref(f, {
          key: assetKeys.property(page.id, value.id, index),
          pageId: page.id,
          isImage: looksLikeImage(f.name),
          // A rollup's files belong to other pages; a fresh URL comes with the page's own rollup again.
          refetch: value.type === 'files' ? { kind: 'property', pageId: page.id, propertyName: name, index } : { kind: 'none' },
        }),
      );
    });
  }
  out.push(...customEmojiRefs(page.properties, page.id));
  return out.filter((r): r is FileRef => r !== null);
}

/** Files of a database object: icon and cover. */
export function databaseFileRefs(db: DatabaseObjectResponse): FileRef[] {
  return [
    ref(db.icon as AnyFile, { key: assetKeys.icon(db.id), pageId: db.id, isImage: true, refetch: { kind: 'database', databaseId: db.id, field: 'icon' } }),
    ref(db.cover as AnyFile, { key: assetKeys.cover(db.id), pageId: db.id, isImage: true, refetch: { kind: 'database', databaseId: db.id, field: 'cover' } }),
    ...customEmojiRefs(db.title, db.id),
  ].filter((r): r is FileRef => r !== null);
}

/** Files of one block (not its children): media files, callout icons, custom emojis in its text. */
export function blockFileRefs(block: BlockObjectResponse, pageId: string): FileRef[] {
  const out: Array<FileRef | null> = [];
  const payload = (block as unknown as Record<string, AnyFile & { icon?: AnyFile }>)[block.type];
  if (mediaTypes.has(block.type)) {
    out.push(
      ref(payload, {
        key: assetKeys.block(block.id),
        pageId,
        blockId: block.id,
        isImage: block.type === 'image',
        refetch: { kind: 'block', blockId: block.id },
      }),
    );
  }
  if (block.type === 'callout' && payload?.icon) {
    out.push(ref(payload.icon, { key: assetKeys.icon(block.id), pageId, blockId: block.id, isImage: true, refetch: { kind: 'block', blockId: block.id } }));
  }
  out.push(...customEmojiRefs(payload, pageId, block.id));
  return out.filter((r): r is FileRef => r !== null);
}

/** Custom emoji mentions anywhere inside a value (rich text). Their URLs do not expire. */
function customEmojiRefs(value: unknown, pageId: string, blockId?: string): FileRef[] {
  const found: FileRef[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'mention' && (o.mention as AnyFile | undefined)?.type === 'custom_emoji') {
      const r = ref(o.mention as AnyFile, { key: '', pageId, blockId, isImage: true, refetch: { kind: 'none' } });
      if (r) found.push(r);
      return;
    }
    for (const child of Object.values(o)) walk(child);
  };
  walk(value);
  return found;
}

const imageExtensions = /\.(png|jpe?g|gif|webp|svg|avif|bmp|ico|tiff?)$/i;

function looksLikeImage(name: string | undefined): boolean {
  return Boolean(name && imageExtensions.test(name));
}

/** Finds the file object a FileRef points at inside a freshly retrieved owner object. */
export function locateFile(fresh: unknown, r: FileRef): AnyFile | null {
  const o = fresh as Record<string, unknown>;
  switch (r.refetch.kind) {
    case 'block': {
      const b = fresh as BlockObjectResponse;
      const payload = (o[b.type] ?? null) as (AnyFile & { icon?: AnyFile }) | null;
      return r.key.startsWith('icon:') ? (payload?.icon ?? null) : payload;
    }
    case 'page':
    case 'database':
      return (o[r.refetch.field] ?? null) as AnyFile | null;
    case 'property': {
      const props = (fresh as PageObjectResponse).properties;
      const v = props[r.refetch.propertyName];
      return v?.type === 'files' ? ((v.files[r.refetch.index] as AnyFile | undefined) ?? null) : null;
    }
    default:
      return null;
  }
}
