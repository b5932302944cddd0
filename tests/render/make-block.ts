import type { RichTextItemResponse } from '@notionhq/client';
import type { BlockNode } from '../../src/source/block-tree.js';

let counter = 0;

/** A hand-made block for types no recording covers (heading_4, template, tab, meeting_notes, link_preview…). Ids are deterministic per test file. */
export function makeBlock(type: string, payload: unknown, children: BlockNode[] = [], id?: string): BlockNode {
  counter += 1;
  return {
    object: 'block',
    id: id ?? `00000000-0000-4000-a000-${String(counter).padStart(12, '0')}`,
    parent: { type: 'page_id', page_id: '00000000-0000-4000-8000-000000000004' },
    created_time: '2025-01-01T00:00:00.000Z',
    last_edited_time: '2025-01-01T00:00:00.000Z',
    created_by: { object: 'user', id: 'u' },
    last_edited_by: { object: 'user', id: 'u' },
    has_children: children.length > 0,
    in_trash: false,
    archived: false,
    type,
    [type]: payload,
    children,
  } as unknown as BlockNode;
}

const PLAIN = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' as const };
type Annotations = { bold: boolean; italic: boolean; strikethrough: boolean; underline: boolean; code: boolean };

/** A text rich text item; `annotations` and `link` as needed. */
export function text(content: string, annotations: Partial<Annotations> = {}, link?: string): RichTextItemResponse {
  return {
    type: 'text',
    text: { content, link: link ? { url: link } : null },
    annotations: { ...PLAIN, ...annotations },
    plain_text: content,
    href: link ?? null,
  } as RichTextItemResponse;
}

/** A mention rich text item. */
export function mention(mentionValue: Record<string, unknown>, plain: string, href: string | null = null): RichTextItemResponse {
  return { type: 'mention', mention: mentionValue, annotations: { ...PLAIN }, plain_text: plain, href } as unknown as RichTextItemResponse;
}

/** An inline equation rich text item. */
export function inlineEquation(expression: string): RichTextItemResponse {
  return { type: 'equation', equation: { expression }, annotations: { ...PLAIN }, plain_text: expression, href: null } as RichTextItemResponse;
}
