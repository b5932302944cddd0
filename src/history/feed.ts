// Pure: feed.json (JSON Feed 1.1) of a snapshot, from its changes and the records of the pages
// it added or updated.
import type { Changes, Feed, FeedItem } from '../normalise/schemas.js';

/** Characters of page text a feed item's summary keeps. */
export const FEED_SUMMARY_CHARS = 200;

/** What the feed needs of one added or updated page's record. */
export interface FeedPage {
  id: string;
  title: string;
  path: string;
  createdTime: string;
  lastEditedTime: string;
  plainText: string;
  digest: string;
}

/** The first words of a page's text: whitespace collapsed, cut at a word within FEED_SUMMARY_CHARS, with "…" when cut. */
export function feedSummary(plainText: string): string {
  const text = plainText.replace(/\s+/g, ' ').trim();
  if (text.length <= FEED_SUMMARY_CHARS) return text;
  const cut = text.slice(0, FEED_SUMMARY_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > FEED_SUMMARY_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * feed.json: one item per page (database rows included) that `changes` lists as added or
 * updated, newest edit first. `pages` holds those pages' records by id; a page without one
 * (its record could not be read) is left out. `title` names the archive (its top page).
 */
export function renderFeed(changes: Changes, pages: ReadonlyMap<string, FeedPage>, title: string): Feed {
  const items: FeedItem[] = [];
  for (const change of ['added', 'updated'] as const) {
    for (const c of changes[change]) {
      const page = c.kind === 'page' ? pages.get(c.id) : undefined;
      if (!page) continue;
      const summary = feedSummary(page.plainText);
      items.push({
        id: `${page.id}@${page.digest}`,
        url: page.path,
        title: page.title,
        summary,
        content_text: summary,
        date_published: page.createdTime,
        date_modified: page.lastEditedTime,
        _notion_kb: { pageId: page.id, change },
      });
    }
  }
  items.sort((a, b) => b.date_modified.localeCompare(a.date_modified) || a.url.localeCompare(b.url));
  const n = [...changes.added, ...changes.updated].filter((c) => c.kind === 'page').length;
  const listed = items.length < n ? ` (the newest ${items.length} listed; changes.json lists all)` : '';
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title,
    description: `${n} page${n === 1 ? '' : 's'} added or updated in snapshot ${changes.to}${changes.from ? ` since ${changes.from}` : ''}${listed}.`,
    items,
    _notion_kb: { schemaVersion: 1, snapshotId: changes.to, from: changes.from },
  };
}
