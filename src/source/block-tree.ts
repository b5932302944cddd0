import type { BlockObjectResponse } from '@notionhq/client';

/**
 * A block with its whole subtree, as the crawl fetched it. `children` holds every child
 * (all pages of `GET /v1/blocks/:id/children`, recursively) and is empty when
 * `has_children` is false. For a synced_block reference the children are the original's;
 * for child_page and child_database blocks they are always empty (those are separate records).
 */
export type BlockNode = BlockObjectResponse & { children: BlockNode[] };
