import type { CommentObjectResponse, UserObjectResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { normaliseDiscussions } from '../../src/normalise/normalise-comments.js';
import { DiscussionSchema } from '../../src/normalise/schemas.js';
import { readNotionFixture } from '../support/fixtures.js';

const recorded = readNotionFixture<{ results: CommentObjectResponse[] }>('comments-list.json').results;
const PAGE = '00000000-0000-4000-8000-000000000007';

const ctx = (users: ReadonlyMap<string, UserObjectResponse> = new Map(), warnings: string[] = []) => ({
  pageId: PAGE,
  users,
  richTextMarkdown: (items: readonly { plain_text: string }[]) => items.map((i) => `*${i.plain_text}*`).join(''),
  warn: (code: string, message: string) => warnings.push(`${code}: ${message}`),
});

describe('normaliseDiscussions', () => {
  it('groups recorded comments of one discussion into one thread, in the order listed', () => {
    const threads = normaliseDiscussions(recorded, ctx());
    expect(threads).toHaveLength(1);
    const [t] = threads;
    expect(t!.id).toBe('38a9ce7b-60a4-8164-964b-001c67be98e6');
    expect(t!.parent).toEqual({ type: 'page', id: PAGE });
    expect(t!.comments.map((c) => c.text.text)).toEqual(['Comment 1', 'Comment 2', 'Comment 3', 'Comment 4', 'Another comment']);
    expect(t!.comments[0]).toEqual({
      id: '38a9ce7b-60a4-8182-ad3f-001d94237784',
      // The author is not a user the integration listed: known by id, named by display_name.
      author: { id: '00000000-0000-4000-8000-0000000000f1', name: null, type: null },
      displayName: 'Ultimate Notion Tests',
      createdTime: '2026-06-25T11:47:00.000Z',
      lastEditedTime: '2026-06-25T11:47:00.000Z',
      text: { text: 'Comment 1', markdown: '*Comment 1*' },
      attachments: [],
    });
    for (const thread of threads) expect(DiscussionSchema.safeParse(thread).success).toBe(true);
  });

  it('keeps threads apart, page and block parents, and names users and attachments', () => {
    const users = new Map([['00000000-0000-4000-8000-0000000000f1', { object: 'user', id: '00000000-0000-4000-8000-0000000000f1', type: 'person', name: 'Ada', avatar_url: null, person: { email: 'ada@example.org' } } as UserObjectResponse]]);
    const block = '11111111-1111-4111-8111-111111111111';
    const onBlock: CommentObjectResponse = {
      ...recorded[0]!,
      id: '22222222-2222-4222-8222-222222222222',
      discussion_id: '33333333-3333-4333-8333-333333333333',
      parent: { type: 'block_id', block_id: block },
      created_time: '2026-06-25T11:48:00+00:00',
      attachments: [{ category: 'pdf', file: { url: 'https://files.example/a/minutes%20v2.pdf?X-Amz-Signature=1', expiry_time: '2026-06-25T12:48:00.000Z' } }],
    };
    const threads = normaliseDiscussions([recorded[0]!, onBlock, recorded[1]!], ctx(users));
    expect(threads.map((t) => [t.parent, t.comments.length])).toEqual([
      [{ type: 'page', id: PAGE }, 2],
      [{ type: 'block', id: block }, 1],
    ]);
    const c = threads[1]!.comments[0]!;
    expect(c.author).toEqual({ id: '00000000-0000-4000-8000-0000000000f1', name: 'Ada', type: 'person', email: 'ada@example.org' });
    expect(c.createdTime).toBe('2026-06-25T11:48:00.000Z');
    expect(c.attachments).toEqual([{ category: 'pdf', name: 'minutes v2.pdf' }]);
    for (const thread of threads) expect(DiscussionSchema.safeParse(thread).success).toBe(true);
  });

  it('gives no threads for no comments', () => {
    expect(normaliseDiscussions([], ctx())).toEqual([]);
  });
});
