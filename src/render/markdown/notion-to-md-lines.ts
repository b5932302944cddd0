import { NotionToMarkdown } from 'notion-to-md';
import type { BlockTreeClient } from './block-tree-client.js';
import { asNotionClient } from './block-tree-client.js';

/** Block types whose one-line syntax notion-to-md writes for us. */
export type N2mLineType = 'heading_1' | 'heading_2' | 'heading_3' | 'bulleted_list_item' | 'numbered_list_item' | 'to_do' | 'divider' | 'equation';

/** notion-to-md, wired to the in-memory block tree and never allowed to fetch. */
export function createNotionToMarkdown(client: BlockTreeClient): NotionToMarkdown {
  return new NotionToMarkdown({
    notionClient: asNotionClient(client),
    // Child pages are separate records in notion-kb; never embed them (its default would fetch and inline them).
    config: { parseChildPages: false, separateChildPage: false, convertImagesToBase64: false },
  });
}

const PLAIN = { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' } as const;

/**
 * The line notion-to-md writes for a text block (`# `, `- `, `1. `, `- [x] `, `---`, `$$`),
 * given inline Markdown we rendered ourselves. Its own rich text conversion is bypassed: it
 * writes page mentions as notion.so links, does not escape, and nests annotations badly.
 */
export async function n2mLine(
  n2m: NotionToMarkdown,
  type: N2mLineType,
  inline: string,
  extra: { checked?: boolean; number?: number; expression?: string } = {},
): Promise<string> {
  const richText = [{ type: 'text', text: { content: inline, link: null }, annotations: PLAIN, plain_text: inline, href: null }];
  const payload =
    type === 'equation'
      ? { expression: extra.expression ?? '' }
      : type === 'divider'
        ? {}
        : { rich_text: richText, checked: extra.checked ?? false, number: extra.number };
  // A synthetic block: only `type` and its payload are read by blockToMarkdown for these types.
  const block = { object: 'block', id: 'synthetic', type, [type]: payload };
  return n2m.blockToMarkdown(block as unknown as Parameters<NotionToMarkdown['blockToMarkdown']>[0]);
}
