import { createHash } from 'node:crypto';
import type { PageObjectResponse } from '@notionhq/client';
import type { BlockNode } from '../source/block-tree.js';

/** Leaves out what changes at every fetch while the file stays the same: signed URLs and their expiry. */
function withoutSignedUrls(this: unknown, key: string, value: unknown): unknown {
  if ((key === 'url' || key === 'expiry_time') && this !== null && typeof this === 'object' && 'expiry_time' in this) return undefined;
  return value;
}

/**
 * A digest of what was fetched for a page: the page object (properties completed past Notion's
 * cut at 25) and its whole block tree. Signed file URLs and their expiry times are left out:
 * they change at every fetch while the file stays the same. Nothing of the run goes in, so an
 * unchanged page has the same digest in every sync.
 */
export function pageDigest(page: PageObjectResponse, blocks: BlockNode[]): string {
  // Keys in the order the API sent them: Notion's order is fixed per object type.
  const content = JSON.stringify({ page, blocks }, withoutSignedUrls);
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}
