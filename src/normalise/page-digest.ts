import { createHash } from 'node:crypto';
import type { PageObjectResponse } from '@notionhq/client';
import type { BlockNode } from '../source/block-tree.js';
import { withoutExpiringUrls } from './normalise-property.js';

/** JSON with object keys sorted at every level, so equal content gives equal text whatever order the API used. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}

/**
 * A digest of what was fetched for a page: the page object (properties completed past Notion's
 * cut at 25) and its whole block tree. Signed file URLs and their expiry times are left out:
 * they change at every fetch while the file stays the same. Nothing of the run goes in, so an
 * unchanged page has the same digest in every sync.
 */
export function pageDigest(page: PageObjectResponse, blocks: BlockNode[]): string {
  const content = stableJson(withoutExpiringUrls({ page, blocks }));
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}
