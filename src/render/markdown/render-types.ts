import type { BlockObjectResponse } from '@notionhq/client';
import type { BlockNode } from '../../source/block-tree.js';

/**
 * What rich text needs from the rest of the export, as pure lookups (no I/O). Every href it
 * hands out is relative to one base: the current page's Markdown file when rendering a page body,
 * the snapshot root when rendering the `markdown` of a property value in a record.
 */
export interface RichTextContext {
  /** href for a reference to a page or database by id: a path relative to the base when exported, else the Notion URL (the context records it as unresolved). */
  linkTo(id: string, kind: 'page' | 'database'): string;
  /** Any URL found in content (text links, bookmarks, embeds): notion.so / notion.site URLs that point into the export come back relative to the base; others unchanged. */
  rewriteUrl(url: string): string;
  /** The downloaded copy of a file, by asset key (see src/assets/asset-keys.ts); href is relative to the base. */
  asset(key: string): { href: string; name?: string } | { error: string } | undefined;
  /** Display name of a user (for user mentions). */
  userName(id: string): string | undefined;
}

/** Everything the block renderer needs from the rest of the export, as pure lookups (no I/O); hrefs are relative to the current page's Markdown file. */
export interface RenderContext extends RichTextContext {
  pageId: string;
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
