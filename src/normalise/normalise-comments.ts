import type { CommentObjectResponse, UserObjectResponse } from '@notionhq/client';
import { userRef } from './normalise-page.js';
import type { NormaliseContext } from './normalise-context.js';
import { richTextToPlain } from './rich-text-plain.js';
import type { Comment, Discussion } from './schemas.js';
import { isoTimestamp } from './timestamp.js';

export interface CommentsContext {
  pageId: string;
  users: ReadonlyMap<string, UserObjectResponse>;
  richTextMarkdown: NormaliseContext['richTextMarkdown'];
  warn(code: string, message: string): void;
}

/**
 * An attachment's file name: the one the crawl noted (`name`, from the signed URL, which the spool
 * drops), else the URL's last path segment.
 */
function attachmentName(file: { url?: string; name?: string } | undefined): string {
  if (file?.name) return file.name;
  try {
    const last = new URL(file?.url ?? '').pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : 'file';
  } catch {
    return 'file';
  }
}

/**
 * A page's comments (as listed: the page's own, then each block's) → discussion threads, in the
 * order their first comment was listed, each with its comments in the order Notion lists them
 * (oldest first).
 */
export function normaliseDiscussions(comments: readonly CommentObjectResponse[], ctx: CommentsContext): Discussion[] {
  const threads = new Map<string, Discussion>();
  for (const c of comments) {
    const parent: Discussion['parent'] =
      c.parent.type === 'block_id' ? { type: 'block', id: c.parent.block_id } : { type: 'page', id: c.parent.page_id };
    let thread = threads.get(c.discussion_id);
    if (!thread) threads.set(c.discussion_id, (thread = { id: c.discussion_id, parent, comments: [] }));
    const markdown = ctx.richTextMarkdown(c.rich_text, (reason) => ctx.warn('expiring_url_dropped', `page ${ctx.pageId} → comment ${c.id}: ${reason}`));
    const comment: Comment = {
      id: c.id,
      author: userRef(c.created_by.id, ctx.users),
      displayName: c.display_name?.resolved_name ?? null,
      createdTime: isoTimestamp(c.created_time),
      lastEditedTime: isoTimestamp(c.last_edited_time ?? c.created_time),
      text: { text: richTextToPlain(c.rich_text), markdown },
      attachments: (c.attachments ?? []).map((a) => ({ category: a.category, name: attachmentName(a.file as { url?: string; name?: string } | undefined) })),
    };
    thread.comments.push(comment);
  }
  return [...threads.values()];
}
