import type { BlockObjectResponse } from '@notionhq/client';
import type { BlockNode } from '../../source/block-tree.js';

/** Everything the renderer needs from the rest of the export, as pure lookups (no I/O). */
export interface RenderContext {
  pageId: string;
  /** href for a reference to a page or database by id: a relative path from the current page's Markdown file when exported, else the Notion URL (the context records it as unresolved). */
  linkTo(id: string, kind: 'page' | 'database'): string;
  /** Any URL found in content (text links, bookmarks, embeds): notion.so / notion.site URLs that point into the export come back relative; others unchanged. */
  rewriteUrl(url: string): string;
  /** The downloaded copy of a file, by asset key (see src/assets/asset-keys.ts); href is relative from the current page's file. */
  asset(key: string): { href: string; name?: string } | { error: string } | undefined;
  /** Display name of a user (for user mentions). */
  userName(id: string): string | undefined;
  /** Optional: title of a page or database, for link_to_page blocks whose payload carries only the id. */
  titleOf?(id: string, kind: 'page' | 'database'): string | undefined;
}

/** A block (or part of one) that did not make it into the Markdown, with the raw block for the report. */
export interface UnrenderedBlock {
  blockId: string;
  type: string;
  reason: string;
  raw: unknown;
}

/** The Markdown body of one page and everything that could not be rendered. */
export interface RenderedBody {
  markdown: string;
  unrendered: UnrenderedBlock[];
}

/** Every block type the SDK knows. */
export type BlockType = BlockObjectResponse['type'];

/** A BlockNode narrowed to one type. */
export type NodeOf<T extends BlockType> = Extract<BlockObjectResponse, { type: T }> & { children: BlockNode[] };
