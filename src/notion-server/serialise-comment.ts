import type { WsComment } from './workspace-model.js';
import { materialise, minuteTimestamp, userRef, type SerialiseContext } from './serialise-context.js';

/** A comment object (GET /v1/comments), key order as recorded. */
export function serialiseComment(ctx: SerialiseContext, c: WsComment): Record<string, unknown> {
  const author = ctx.ws.users[c.createdBy];
  return {
    object: 'comment',
    id: c.id,
    parent: c.parent,
    discussion_id: c.discussionId,
    created_time: minuteTimestamp(c.createdTime),
    last_edited_time: minuteTimestamp(c.createdTime),
    created_by: userRef(c.createdBy),
    rich_text: materialise(ctx, c.richText),
    display_name: {
      type: author?.type === 'bot' ? 'integration' : 'user',
      resolved_name: String(author?.name ?? 'Unknown'),
    },
  };
}
