import { createHash } from 'node:crypto';
import type { PageObjectResponse } from '@notionhq/client';
import type { BlockNode } from '../source/block-tree.js';

const MIRRORS_ANOTHER_PAGE = new Set(['child_page', 'child_database']);

/**
 * Removes, in place, what changes while this page's content does not: signed file URLs and
 * their expiry (new at every fetch), and the edit times of child_page / child_database blocks
 * (they are the sub-page's own, bumped by every edit inside it; the sub-page has its own
 * digest). A walk and one plain JSON.stringify cost a third of a stringify with a replacer.
 */
function dropVolatile(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') dropVolatile(item);
    return;
  }
  const o = value as Record<string, unknown>;
  if ('expiry_time' in o) {
    delete o.url;
    delete o.expiry_time;
  }
  if (MIRRORS_ANOTHER_PAGE.has(o.type as string) && o.object === 'block') {
    delete o.last_edited_time;
    delete o.last_edited_by;
  }
  for (const key in o) {
    const v = o[key];
    if (v !== null && typeof v === 'object') dropVolatile(v);
  }
}

/**
 * A digest of what was fetched for a page: the page object (properties completed past Notion's
 * cut at 25) and its whole block tree. Signed file URLs and their expiry times are left out:
 * they change at every fetch while the file stays the same. Nothing of the run goes in, so an
 * unchanged page has the same digest in every sync.
 */
export function pageDigest(page: PageObjectResponse, blocks: BlockNode[]): string {
  return digestOfFetchedJson(fetchedJson(structuredClone({ page, blocks })));
}

/**
 * The fetched page as JSON without what changes at every fetch: what the digest covers, and
 * all a later stage needs (files are looked up by asset key, never by their signed URL).
 * Keys stay in the order the API sent them: Notion's order is fixed per object type. The unit
 * is handed over: its volatile fields are removed in place.
 */
export function fetchedJson(unit: { page: PageObjectResponse; blocks: BlockNode[] }): string {
  const fetched = { page: unit.page, blocks: unit.blocks };
  dropVolatile(fetched);
  return JSON.stringify(fetched);
}

/** The digest of `fetchedJson(unit)`. */
export function digestOfFetchedJson(json: string): string {
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}
