import type { RichTextItemResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { richTextToPlain } from '../../src/normalise/rich-text-plain.js';
import { loadFixture } from './helpers.js';

describe('richTextToPlain', () => {
  it('is the concatenated plain_text, links and marks dropped', () => {
    const body = loadFixture('blocks-children-rich-text-annotations.json') as { results: Array<Record<string, any>> };
    const paragraphs: RichTextItemResponse[][] = body.results.filter((b) => b.type === 'paragraph').map((b) => b.paragraph.rich_text);
    expect(richTextToPlain(paragraphs[10]!)).toBe('Half a link for two destinations');
    expect(richTextToPlain(paragraphs[2]!)).toBe('here is a test sentence with many different styles.');
  });

  it('keeps mentions as displayed and equations as their source, with no Markdown escaping', () => {
    const items = [
      { type: 'text', text: { content: 'a*b ', link: null }, plain_text: 'a*b ', href: null },
      { type: 'mention', mention: { type: 'user', user: { object: 'user', id: 'u' } }, plain_text: '@Ada', href: null },
      { type: 'equation', equation: { expression: 'x_1' }, plain_text: 'x_1', href: null },
    ] as unknown as RichTextItemResponse[];
    expect(richTextToPlain(items)).toBe('a*b @Adax_1');
    expect(richTextToPlain([])).toBe('');
  });
});
