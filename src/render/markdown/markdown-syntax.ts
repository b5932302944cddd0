/**
 * Small pure helpers that produce CommonMark / GFM syntax. Every place that writes a
 * Markdown construct goes through here, so escaping rules live in one file.
 */

/** Characters that change meaning anywhere in inline text. `|` is left to tables (see escapeTableCell). */
const INLINE_SPECIAL = /[\\`*_[\]<~$]/g;

/** Escapes plain text for inline Markdown; `atLineStart` also escapes block markers (`# `, `- `, `1. `, `>`). */
export function escapeMarkdownText(text: string, atLineStart = false): string {
  let out = text.replace(INLINE_SPECIAL, '\\$&').replace(/&(?=#?\w+;)/g, '&amp;');
  if (atLineStart) {
    // Headings, quotes, bullets, setext underlines and thematic breaks start with one of these;
    // an ordered-list marker is escaped on its punctuation ("1\.").
    if (/^[#>+=-]/.test(out)) out = `\\${out}`;
    else out = out.replace(/^(\d+)([.)])/, '$1\\$2');
  }
  return out;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Longest run of `char` in `text`. */
function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/** An inline code span that survives backticks and edge spaces in `text`. */
export function codeSpan(text: string): string {
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  // CommonMark strips one space on each side when both are present, so pad when the content
  // would otherwise lose or merge with its own edge characters.
  const pad = text.startsWith('`') || text.endsWith('`') || (/^ .*[^ ].* $/s.test(text)) ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A fenced code block whose fence is longer than any backtick run inside the code. */
export function fencedCode(code: string, language: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(code, '`') + 1));
  return `${fence}${language}\n${code}\n${fence}`;
}

/** A link destination, in angle brackets when it holds characters a bare destination cannot. */
export function linkDestination(url: string): string {
  const cleaned = url.replace(/\\/g, '%5C').replace(/\n/g, '%0A').replace(/\r/g, '%0D');
  if (cleaned === '' || /[\s()<>]/.test(cleaned)) {
    return `<${cleaned.replace(/</g, '%3C').replace(/>/g, '%3E')}>`;
  }
  return cleaned;
}

/** `[text](url)` where `text` is already inline Markdown. */
export function markdownLink(text: string, url: string): string {
  // A line break inside link text can turn the line before it into a heading (`---`) or end
  // the paragraph; titles with line breaks read fine on one line.
  return `[${text.replace(/\s*[\r\n]+\s*/g, ' ')}](${linkDestination(url)})`;
}

/** Indents every non-empty line by `width` spaces (list item continuation). */
export function indentLines(text: string, width: number): string {
  const pad = ' '.repeat(width);
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : pad + line))
    .join('\n');
}

/** Prefixes every line with `> ` (a bare `>` on empty lines) to put `text` inside a blockquote. */
export function blockquote(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

/** A visible warning note, used wherever content could not be exported. */
export function warningNote(message: string): string {
  return blockquote(`⚠️ ${message}`);
}

/** Escapes pipes for a GFM table cell; GFM unescapes `\|` before inline parsing, even in code spans. */
export function escapeTableCell(inlineMarkdown: string): string {
  return inlineMarkdown.replace(/\|/g, '\\|');
}

/** Joins rendered blocks with blank lines, dropping empty ones. */
export function joinBlocks(parts: ReadonlyArray<string>): string {
  return parts.filter((p) => p !== '').join('\n\n');
}
