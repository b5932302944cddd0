/** Dashed lower-case form of a Notion id given with or without dashes; null when it is not one. */
export function dashedId(id: string): string | null {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The page / database id a Notion link points at (`/1a2b…`, `https://www.notion.so/Title-1a2b…`,
 * `https://x.notion.site/…`); null for any other link. A `#block` fragment is ignored.
 */
export function notionIdFromHref(href: string): string | null {
  let pathname: string;
  if (href.startsWith('/')) {
    pathname = href.split(/[?#]/)[0]!;
  } else {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return null;
    }
    if (!/(^|\.)notion\.(so|site)$/.test(url.hostname)) return null;
    pathname = url.pathname;
  }
  const m = /([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(pathname);
  return m ? dashedId(m[1]!) : null;
}
