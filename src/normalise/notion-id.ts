import { normaliseNotionId, parseNotionUrl } from '../config/notion-id.js';

/** Dashed lower-case form of a Notion id given with or without dashes; null when it is not one. */
export const dashedId = normaliseNotionId;

/**
 * The page / database id a Notion link points at (`/1a2b…`, `https://www.notion.so/Title-1a2b…`,
 * `https://x.notion.site/…`); null for any other link. A `#block` fragment is ignored.
 */
export function notionIdFromHref(href: string): string | null {
  if (!href.startsWith('/')) {
    let host: string;
    try {
      host = new URL(href).hostname;
    } catch {
      return null;
    }
    if (!/(^|\.)notion\.(so|site|com)$/.test(host)) return null;
  }
  return parseNotionUrl(href)?.id ?? null;
}
