/**
 * Recognises Notion-hosted file URLs. They are signed, expire after an hour and carry
 * credential-like query parameters, so none of them may reach an archived page.
 */

/** True for a Notion-hosted (signed, expiring) file URL: S3 prod-files-secure, legacy secure.notion-static.com, file.notion.so, or a local server's signed `/files/` URL. */
export function isNotionHostedFileUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  if (/^prod-files-secure\.s3[\w.-]*\.amazonaws\.com$/.test(host)) return true;
  if (host.endsWith('.amazonaws.com') && parsed.pathname.includes('secure.notion-static.com')) return true;
  if (host.endsWith('.amazonaws.com') && parsed.searchParams.has('X-Amz-Signature')) return true;
  if (host === 'file.notion.so') return true;
  // The local Notion server signs files as /files/<id>/<name>?expires=…&sig=…
  return /^\/files\/[^/]+\/[^/]+$/.test(parsed.pathname) && parsed.searchParams.has('sig') && parsed.searchParams.has('expires');
}

const URL_TOKEN = /https?:\/\/[^\s<>()[\]"']+/g;

/** What an expiring Notion file URL found in free text is replaced with. */
export const EXPIRING_URL_REPLACEMENT = '(expiring Notion file URL removed)';

/** Replaces every Notion-hosted file URL inside free text; returns the text and how many were removed. */
export function stripNotionFileUrls(text: string, replacement: string): { text: string; removed: number } {
  let removed = 0;
  const out = text.replace(URL_TOKEN, (token) => {
    // Markdown escaping may have added backslashes inside the token; judge the unescaped URL.
    if (!isNotionHostedFileUrl(token.replace(/\\(.)/g, '$1'))) return token;
    removed += 1;
    return replacement;
  });
  return { text: out, removed };
}

/** A deep copy of `value` with Notion-hosted file URLs replaced, for raw blocks that go into reports. */
export function scrubNotionFileUrls<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return isNotionHostedFileUrl(v) ? '[expiring Notion file URL removed]' : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
