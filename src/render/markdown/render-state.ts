import type { RichTextItemResponse } from '@notionhq/client';
import type { NotionToMarkdown } from 'notion-to-md';
import type { BlockNode } from '../../source/block-tree.js';
import type { HeadingEntry } from './collect-headings.js';
import { warningNote } from './markdown-syntax.js';
import { scrubNotionFileUrls } from './notion-file-url.js';
import { renderRichText, type InlineMode } from './render-rich-text.js';
import type { RenderContext, UnrenderedBlock } from './render-types.js';

/** Where a block sits among its siblings (only list items care). */
export interface BlockPosition {
  /** The number of a numbered_list_item within its run of siblings. */
  number: number;
}

/** The shared state every handler receives; handlers recurse through it instead of importing each other. */
export interface RenderState {
  readonly ctx: RenderContext;
  readonly n2m: NotionToMarkdown;
  readonly headings: readonly HeadingEntry[];
  readonly unrendered: UnrenderedBlock[];
  /** Renders sibling blocks in order: blank lines between blocks, tight runs of list items. */
  blocks(nodes: readonly BlockNode[]): Promise<string>;
  /** Rich text of `node`; anything dropped from it is recorded against the node. */
  inline(node: BlockNode, richText: readonly RichTextItemResponse[], mode?: InlineMode): string;
  /** Records that (part of) `node` did not make it into the Markdown. */
  report(node: BlockNode, reason: string): void;
  /** Records `node` and returns a visible warning note saying `message`. */
  placeholder(node: BlockNode, message: string, reason?: string): string;
}

/** The raw block for a report: without our `children` key and without expiring file URLs. */
export function rawForReport(node: BlockNode): unknown {
  const { children: _children, ...block } = node;
  return scrubNotionFileUrls(block);
}

/** Builds the state; `renderBlock` is the dispatcher (kept outside so this file has no handler imports). */
export function createRenderState(init: {
  ctx: RenderContext;
  n2m: NotionToMarkdown;
  headings: readonly HeadingEntry[];
  renderSiblings: (state: RenderState, nodes: readonly BlockNode[]) => Promise<string>;
}): RenderState {
  const unrendered: UnrenderedBlock[] = [];
  const state: RenderState = {
    ctx: init.ctx,
    n2m: init.n2m,
    headings: init.headings,
    unrendered,
    blocks: (nodes) => init.renderSiblings(state, nodes),
    inline: (node, richText, mode = 'block') =>
      renderRichText(richText, init.ctx, { mode, onIssue: (reason) => state.report(node, reason) }),
    report(node, reason) {
      if (unrendered.some((u) => u.blockId === node.id && u.reason === reason)) return;
      unrendered.push({ blockId: node.id, type: node.type, reason, raw: rawForReport(node) });
    },
    placeholder(node, message, reason = message) {
      state.report(node, reason);
      return warningNote(message);
    },
  };
  return state;
}
