import { fencedCode, joinBlocks } from '../markdown-syntax.js';
import { n2mLine } from '../notion-to-md-lines.js';
import type { BlockHandler } from './handler-types.js';

/** Notion's language names as Markdown info strings ("plain text" → "text", "visual basic" → "visual-basic"). */
export function infoString(language: string): string {
  if (language === 'plain text') return 'text';
  return language.toLowerCase().replace(/\s+/g, '-').replace(/`/g, '');
}

/** code: a fence longer than any backtick run inside, the language, and the caption below (notion-to-md drops it, and trims the code). */
export const code: BlockHandler<'code'> = async (node, state) => {
  // Segments are concatenated verbatim: notion-to-md joins them with "\n", which splits lines
  // wherever the code had formatting.
  const source = node.code.rich_text.map((t) => t.plain_text).join('');
  return joinBlocks([
    fencedCode(source, infoString(node.code.language)),
    state.inline(node, node.code.caption),
    await state.blocks(node.children),
  ]);
};

/** equation: `$$ … $$` (notion-to-md). */
export const equation: BlockHandler<'equation'> = async (node, state) =>
  joinBlocks([await n2mLine(state.n2m, 'equation', '', { expression: node.equation.expression }), await state.blocks(node.children)]);
