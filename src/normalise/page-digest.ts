import { createHash } from 'node:crypto';
import type { PageObjectResponse } from '@notionhq/client';
import type { BlockNode } from '../source/block-tree.js';

const MIRRORS_ANOTHER_PAGE = new Set(['child_page', 'child_database']);

/**
 * Leaves out what changes while this page's content does not: signed file URLs and their
 * expiry (new at every fetch), and the edit times of child_page / child_database blocks (they
 * are the sub-page's own, bumped by every edit inside it; the sub-page has its own digest).
 */
function volatile(this: unknown, key: string, value: unknown): unknown {
  if (this === null || typeof this !== 'object') return value;
  if ((key === 'url' || key === 'expiry_time') && 'expiry_time' in this) return undefined;
  if ((key === 'last_edited_time' || key === 'last_edited_by') && MIRRORS_ANOTHER_PAGE.has((this as { type?: string }).type ?? '')) return undefined;
  return value;
}

/**
 * A digest of what was fetched for a page: the page object (properties completed past Notion's
 * cut at 25) and its whole block tree. Signed file URLs and their expiry times are left out:
 * they change at every fetch while the file stays the same. Nothing of the run goes in, so an
 * unchanged page has the same digest in every sync.
 */
export function pageDigest(page: PageObjectResponse, blocks: BlockNode[]): string {
  return digestOfFetchedJson(fetchedJson({ page, blocks }));
}

/**
 * The fetched page as JSON without what changes at every fetch: what the digest covers, and
 * all a later stage needs (files are looked up by asset key, never by their signed URL).
 * Keys stay in the order the API sent them: Notion's order is fixed per object type.
 */
export function fetchedJson(unit: { page: PageObjectResponse; blocks: BlockNode[] }): string {
  return JSON.stringify({ page: unit.page, blocks: unit.blocks }, volatile);
}

/** The digest of `fetchedJson(unit)`. */
export function digestOfFetchedJson(json: string): string {
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}
