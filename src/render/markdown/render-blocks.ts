import type { BlockNode } from '../../source/block-tree.js';
import { createBlockTreeClient } from './block-tree-client.js';
import { collectHeadings } from './collect-headings.js';
import { handlers, unknownBlock } from './handlers/index.js';
import type { BlockHandler } from './handlers/handler-types.js';
import { isListItem } from './handlers/lists.js';
import { warningNote } from './markdown-syntax.js';
import { EXPIRING_URL_REPLACEMENT, stripNotionFileUrls } from './notion-file-url.js';
import { createNotionToMarkdown } from './notion-to-md-lines.js';
import { createRenderState, type BlockPosition, type RenderState } from './render-state.js';
import type { RenderContext, RenderedBody } from './render-types.js';

export type { RenderContext, RenderedBody, RichTextContext, UnrenderedBlock } from './render-types.js';
export { renderRichText, type InlineMode, type RichTextOptions } from './render-rich-text.js';

/** True when a block says it has children but the crawl supplied none (and they are not kept elsewhere). */
function childrenMissing(node: BlockNode): boolean {
  if (!node.has_children || node.children.length > 0) return false;
  // Sub-pages and databases are separate records; a synced reference reports its own missing original.
  if (node.type === 'child_page' || node.type === 'child_database') return false;
  return !(node.type === 'synced_block' && node.synced_block.synced_from);
}

/** Renders one block through its handler; a handler failure becomes a placeholder, not a lost page. */
async function renderBlock(node: BlockNode, state: RenderState, position: BlockPosition): Promise<string> {
  // Own properties only: a future type called "constructor" must not find Object.prototype's.
  const handler = Object.hasOwn(handlers, node.type) ? (handlers as unknown as Record<string, BlockHandler>)[node.type] : undefined;
  let markdown: string;
  try {
    markdown = handler ? await handler(node, state, position) : await unknownBlock(node, state);
  } catch (error) {
    const reason = `renderer failed: ${error instanceof Error ? error.message : String(error)}`;
    return state.placeholder(node, `Block not exported: ${node.type} (block ${node.id}) could not be rendered`, reason);
  }
  if (childrenMissing(node)) {
    state.report(node, 'has_children is true but no children were crawled');
    markdown = [markdown, warningNote(`Nested content of this ${node.type} block was not available (block ${node.id})`)].filter(Boolean).join('\n\n');
  }
  return markdown;
}

/** Renders siblings: numbering runs of numbered items, tight runs of list items, blank lines elsewhere. */
async function renderSiblings(state: RenderState, nodes: readonly BlockNode[]): Promise<string> {
  let out = '';
  let previous: BlockNode | undefined;
  let previousRendered = false;
  let number = 0;
  for (const node of nodes) {
    if (node.type === 'numbered_list_item') {
      number = previous?.type === 'numbered_list_item' ? number + 1 : (node.numbered_list_item.list_start_index ?? 1);
    }
    const markdown = await renderBlock(node, state, { number });
    if (markdown !== '') {
      // Items of one list stay tight; after an item with children (which may end in an HTML
      // block) a blank line is needed so the next item is not swallowed.
      const tight = previousRendered && previous && sameList(previous, node) && previous.children.length === 0;
      out += out === '' ? markdown : (tight ? '\n' : '\n\n') + markdown;
    }
    previousRendered = markdown !== '';
    previous = node;
  }
  return out;
}

function sameList(a: BlockNode, b: BlockNode): boolean {
  if (!isListItem(a) || !isListItem(b)) return false;
  const family = (n: BlockNode): string => (n.type === 'numbered_list_item' ? 'ordered' : 'bullet');
  return family(a) === family(b);
}

/** Renders one page's block tree to Markdown, offline: same input, same bytes. */
export async function renderBlocks(blocks: BlockNode[], ctx: RenderContext): Promise<RenderedBody> {
  const client = createBlockTreeClient(ctx.pageId, blocks);
  const state = createRenderState({
    ctx,
    n2m: createNotionToMarkdown(client),
    // The page title is the file's H1 and takes its anchor before the body's headings.
    headings: collectHeadings(blocks, ctx.titleOf ? ctx.titleOf(ctx.pageId, 'page') || 'Untitled' : undefined),
    renderSiblings,
  });
  const body = await state.blocks(blocks);
  // Last line of defence: an expiring file URL typed or pasted as plain text is still an
  // expiring file URL; it never reaches the archive.
  const { text, removed } = stripNotionFileUrls(body, EXPIRING_URL_REPLACEMENT);
  if (removed > 0) {
    state.unrendered.push({
      blockId: ctx.pageId,
      type: 'page',
      reason: `${removed} expiring Notion file URL(s) found in text were removed`,
      raw: null,
    });
  }
  return { markdown: text === '' ? '' : `${text}\n`, unrendered: state.unrendered };
}
