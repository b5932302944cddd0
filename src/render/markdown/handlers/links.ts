import type { BlockNode } from '../../../source/block-tree.js';
import { escapeMarkdownText, joinBlocks, markdownLink } from '../markdown-syntax.js';
import { isNotionHostedFileUrl } from '../notion-file-url.js';
import type { RenderState } from '../render-state.js';
import type { BlockHandler } from './handler-types.js';
import { withCaptionAndChildren } from './media.js';

/** A link to an arbitrary URL found in a block; expiring Notion file URLs are refused and reported. */
function urlLink(url: string, node: BlockNode, state: RenderState): string {
  if (url === '') return state.placeholder(node, `Empty ${node.type} (no URL)`, `${node.type} has no URL`);
  if (isNotionHostedFileUrl(url)) {
    return state.placeholder(node, `Link not exported: it pointed to an expiring Notion file`, 'link to an expiring Notion file URL removed');
  }
  return markdownLink(escapeMarkdownText(url), state.ctx.rewriteUrl(url));
}

/** bookmark: the URL as a link, caption below. */
export const bookmark: BlockHandler<'bookmark'> = (node, state) =>
  withCaptionAndChildren(urlLink(node.bookmark.url, node, state), node.bookmark.caption, node, state);

/** embed: the embedded URL as a link, caption below (notion-to-md drops embed captions). */
export const embed: BlockHandler<'embed'> = (node, state) =>
  withCaptionAndChildren(urlLink(node.embed.url, node, state), node.embed.caption, node, state);

/** link_preview: the previewed URL as a link. */
export const link_preview: BlockHandler<'link_preview'> = async (node, state) =>
  joinBlocks([urlLink(node.link_preview.url, node, state), await state.blocks(node.children)]);

/** child_page: a link to the sub-page's own file, titled (the page itself is a separate record). */
export const child_page: BlockHandler<'child_page'> = (node, state) =>
  markdownLink(escapeMarkdownText(node.child_page.title || 'Untitled'), state.ctx.linkTo(node.id, 'page'));

/** child_database: a link to the database's file (notion-to-md writes the bare title). */
export const child_database: BlockHandler<'child_database'> = (node, state) =>
  markdownLink(escapeMarkdownText(node.child_database.title || 'Untitled database'), state.ctx.linkTo(node.id, 'database'));

/** link_to_page: a relative link to a page or database; a link to a comment cannot be followed in an archive. */
export const link_to_page: BlockHandler<'link_to_page'> = (node, state) => {
  const target = node.link_to_page;
  switch (target.type) {
    case 'page_id':
      return markdownLink(escapeMarkdownText(state.ctx.titleOf?.(target.page_id, 'page') || 'Linked page'), state.ctx.linkTo(target.page_id, 'page'));
    case 'database_id':
      return markdownLink(
        escapeMarkdownText(state.ctx.titleOf?.(target.database_id, 'database') || 'Linked database'),
        state.ctx.linkTo(target.database_id, 'database'),
      );
    case 'comment_id':
      return state.placeholder(node, `Link to comment ${target.comment_id} not exported (comments are not part of the page body)`, 'link_to_page points to a comment');
    default:
      return state.placeholder(node, `Link of unknown kind not exported`, `link_to_page of unknown type ${(target as { type: string }).type}`);
  }
};
