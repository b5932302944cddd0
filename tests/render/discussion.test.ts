import { describe, expect, it } from 'vitest';
import type { Discussion } from '../../src/normalise/schemas.js';
import { discussionSection } from '../../src/render/markdown/discussion.js';

const comment = (id: string, name: string | null, text: string, createdTime = '2024-01-12T04:49:00.000Z') => ({
  id,
  author: { id: '00000000-0000-4000-8000-0000000000a1', name, type: 'person' as const },
  displayName: 'Shown Name',
  createdTime,
  lastEditedTime: createdTime,
  text: { text, markdown: text },
  attachments: [] as Array<{ category: string; name: string }>,
});

const HEADING = '11111111-1111-4111-8111-111111111111';
const PARA = '22222222-2222-4222-8222-222222222222';
const ctx = {
  markdownOf: (id: string) => (id === 'c2' ? 'line one\nline two' : `text of ${id}`),
  heading: (blockId: string) => (blockId === HEADING ? { anchor: 'what-ends', text: 'What *ends*' } : null),
};

describe('discussionSection', () => {
  it('is empty without discussions', () => {
    expect(discussionSection([], ctx)).toBe('');
  });

  it('writes each thread as one quote, comments with author and UTC date, the place of block threads', () => {
    const discussions: Discussion[] = [
      { id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', parent: { type: 'page', id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' }, comments: [comment('c1', 'Ada *L*', ''), comment('c2', null, '', '2024-01-13T10:05:00.000Z')] },
      { id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', parent: { type: 'block', id: HEADING }, comments: [comment('c3', 'Bo', '')] },
      { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', parent: { type: 'block', id: PARA }, comments: [{ ...comment('c4', 'Cy', ''), attachments: [{ category: 'image', name: 'photo.png' }] }] },
    ];
    expect(discussionSection(discussions, ctx)).toBe(
      [
        '## Discussion',
        '**On the page**',
        [
          '> **Ada \\*L\\*** · 2024-01-12 04:49 UTC',
          '>',
          '> text of c1',
          '>',
          '> **Shown Name** · 2024-01-13 10:05 UTC',
          '>',
          '> line one',
          '> line two',
        ].join('\n'),
        '**On the heading [What \\*ends\\*](#what-ends)**',
        '> **Bo** · 2024-01-12 04:49 UTC\n>\n> text of c3',
        '**On a block**',
        '> **Cy** · 2024-01-12 04:49 UTC\n>\n> text of c4\n>\n> (attached: photo.png)',
      ].join('\n\n'),
    );
  });
});
