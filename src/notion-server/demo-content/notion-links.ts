import type { Id } from '../workspace-model.js';

/**
 * The shapes of Notion links people paste into pages. The exporter must resolve all of them
 * to the same page, so the demo uses every one.
 */

const hex = (id: Id) => id.replaceAll('-', '');

/** Notion's URL slug of a title: words joined by dashes, punctuation dropped. */
export function titleSlug(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const notionLink = {
  /** https://www.notion.so/Title-Slug-<32 hex>, what "Copy link" gives. */
  slug: (title: string, id: Id) => `https://www.notion.so/${titleSlug(title) ? `${titleSlug(title)}-` : ''}${hex(id)}`,
  /** https://www.notion.so/<32 hex>. */
  bare: (id: Id) => `https://www.notion.so/${hex(id)}`,
  /** https://www.notion.so/<dashed uuid>. */
  dashed: (id: Id) => `https://www.notion.so/${id}`,
  /** A link to one block: …#<block id without dashes>. */
  anchor: (title: string, id: Id, blockId: Id) => `${notionLink.slug(title, id)}#${hex(blockId)}`,
  /** A page published to the web. */
  site: (title: string, id: Id) => `https://magnet-network.notion.site/${titleSlug(title)}-${hex(id)}`,
};

/** A Notion page in someone else's workspace: linked from the demo, never part of it. */
export const OUTSIDE_PAGE_ID: Id = '0f6c2d3e-8a41-4b7e-9c55-2e1d4a6b7f80';
