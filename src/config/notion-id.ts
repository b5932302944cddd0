// Notion ids are 128-bit values written either as 32 hex digits or as a dashed UUID.
// Users paste them in every shape Notion's UI produces (share links, desktop links,
// public notion.site pages, peeks), and content links use the same shapes, so one
// parser serves config roots and link resolution alike.

/** What a Notion URL or id points at: the page/database id, plus the block anchor and view it names. */
export interface NotionUrlTarget {
  /** Dashed lowercase UUID of the page or database the link opens. */
  readonly id: string;
  /** Dashed lowercase UUID of the block named by a `#…` anchor, if any. */
  readonly blockId?: string;
  /** Dashed lowercase UUID of the database view named by `?v=…`, if any. */
  readonly viewId?: string;
}

const HEX32 = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// An id at the end of a path segment, after an optional title slug ("Title-Slug-<id>").
// The slug must end in a dash so that 33+ hex digits never yield a truncated id.
const SEGMENT_ID = /(?:^|-)([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const NOTION_HOSTS = ['notion.so', 'notion.site', 'notion.com'];

/** Turns a bare id (32 hex digits or dashed, any case) into a dashed lowercase UUID, or null. */
export function normaliseNotionId(raw: string): string | null {
  const text = raw.trim();
  if (!HEX32.test(text) && !DASHED.test(text)) return null;
  const hex = text.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Parses a Notion id or URL (notion.so, notion.site, app.notion.com, notion://, or a "/<id>" path) into its target, or null. */
export function parseNotionUrl(input: string): NotionUrlTarget | null {
  const text = input.trim();
  if (text === '') return null;

  const bare = idFromSegment(text);
  if (bare !== null && !text.includes('/')) return { id: bare };

  const url = toUrl(text);
  if (url === null) return null;

  // A peek (`?p=<id>`) opens that page on top of a database; the link means the page.
  const peek = url.searchParams.get('p');
  const peekId = peek === null ? null : normaliseNotionId(peek);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const last = segments.at(-1);
  const pathId = last === undefined ? null : idFromSegment(safeDecode(last));
  const id = peekId ?? pathId;
  if (id === null) return null;

  const view = url.searchParams.get('v');
  const viewId = view === null ? null : normaliseNotionId(view);
  const blockId = url.hash.length > 1 ? normaliseNotionId(url.hash.slice(1)) : null;
  return {
    id,
    ...(blockId !== null && blockId !== id ? { blockId } : {}),
    ...(viewId !== null ? { viewId } : {}),
  };
}

/** Extracts the page or database id from a Notion id or URL as a dashed lowercase UUID, or null if there is none. */
export function parseNotionId(input: string): string | null {
  return parseNotionUrl(input)?.id ?? null;
}

function idFromSegment(segment: string): string | null {
  const match = SEGMENT_ID.exec(segment);
  return match?.[1] === undefined ? null : normaliseNotionId(match[1]);
}

function toUrl(text: string): URL | null {
  // Relative links inside Notion content ("/Title-<id>") are workspace paths.
  if (text.startsWith('/') && !text.startsWith('//')) return safeUrl(`https://www.notion.so${text}`);
  // The desktop app's "notion://www.notion.so/…" carries the same path as the web link.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text.replace(/^notion:\/\//i, 'https://') : `https://${text}`;
  const url = safeUrl(withScheme);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
  const host = url.hostname.toLowerCase();
  return NOTION_HOSTS.some((h) => host === h || host.endsWith(`.${h}`)) ? url : null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
