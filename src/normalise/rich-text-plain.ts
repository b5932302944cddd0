import type { RichTextItemResponse } from '@notionhq/client';

/** Concatenated `plain_text` of a rich text array (mentions as displayed, equations as their source). */
export function richTextToPlain(items: readonly RichTextItemResponse[]): string {
  return items.map((item) => item.plain_text).join('');
}
