import type { Discussion } from '../../normalise/schemas.js';

/** What the Discussion section needs to know of the page besides its discussions. */
export interface DiscussionContext {
  /** A comment's text as Markdown with links relative to the page's file. */
  markdownOf(commentId: string): string;
  /** The anchor (without `#`) and text of a heading block of this page; null for any other block. */
  heading(blockId: string): { anchor: string; text: string } | null;
}

const escapeInline = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/([\\`*_[\]<>#|])/g, '\\$1');

/** `2024-01-09 14:03 UTC` from the records' timestamp form. */
function when(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(ts);
  return m ? `${m[1]} ${m[2]} UTC` : ts;
}

/** Every line of a Markdown text inside a blockquote. */
const quoted = (markdown: string) =>
  markdown
    .trim()
    .split('\n')
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
    .join('\n');

/**
 * The `## Discussion` section at the end of a page's Markdown: one quoted thread per discussion,
 * each comment with its author, date and text; a thread on a block says where it is (a heading's
 * thread links to the heading's anchor). Empty when the page has no discussions.
 */
export function discussionSection(discussions: readonly Discussion[], ctx: DiscussionContext): string {
  if (discussions.length === 0) return '';
  const threads = discussions.map((d) => {
    let where = 'On the page';
    if (d.parent.type === 'block') {
      const heading = ctx.heading(d.parent.id);
      where = heading ? `On the heading [${escapeInline(heading.text)}](#${encodeURIComponent(heading.anchor)})` : 'On a block';
    }
    const comments = d.comments.map((c) => {
      const author = escapeInline(c.author.name ?? c.displayName ?? c.author.id);
      const attachments = c.attachments.length > 0 ? `\n\n(attached: ${c.attachments.map((a) => escapeInline(a.name)).join(', ')})` : '';
      return quoted(`**${author}** · ${when(c.createdTime)}\n\n${ctx.markdownOf(c.id)}${attachments}`);
    });
    return [`**${where}**`, comments.join('\n>\n')].join('\n\n');
  });
  return ['## Discussion', ...threads].join('\n\n');
}
