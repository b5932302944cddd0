import type { RichTextItemResponse } from '@notionhq/client';
import { assetKeys } from '../../assets/asset-keys.js';
import { codeSpan, escapeHtml, escapeMarkdownText, markdownLink } from './markdown-syntax.js';
import { EXPIRING_URL_REPLACEMENT, isNotionHostedFileUrl, stripNotionFileUrls } from './notion-file-url.js';
import type { RichTextContext } from './render-types.js';

/**
 * How inline text is written: `block` is Markdown with `\` hard breaks (paragraphs, list items),
 * `line` is Markdown that must stay on one line (headings, table cells: breaks become `<br>`),
 * `html` is inline HTML (inside `<summary>`, where Markdown is not parsed).
 */
export type InlineMode = 'block' | 'line' | 'html';

/** Options for renderRichText. */
export interface RichTextOptions {
  mode?: InlineMode;
  /** Called when part of the text could not be kept (e.g. a link to an expiring Notion file). */
  onIssue?: (reason: string) => void;
}

type Mark = 'strikethrough' | 'bold' | 'italic' | 'underline';
// Opening order; closing is always the reverse, so marks nest properly across segments.
const MARK_ORDER: readonly Mark[] = ['strikethrough', 'bold', 'italic', 'underline'];

/** One run of inline content with its formatting, before syntax is chosen. */
interface Atom {
  marks: readonly Mark[];
  code: boolean;
  /** Link target (already rewritten), or null. */
  link: string | null;
  /** `text` is escaped when written; `raw` is written as is (equations, emoji images). */
  content: { kind: 'text'; text: string } | { kind: 'raw'; markdown: string; html: string };
}

interface Syntax {
  open(mark: Mark): string;
  close(mark: Mark): string;
  text(text: string, atLineStart: boolean): string;
  code(text: string): string;
  link(inner: string, url: string): string;
  lineBreak: string;
}

const MD_MARKS: Record<Mark, [string, string]> = {
  strikethrough: ['~~', '~~'],
  bold: ['**', '**'],
  italic: ['*', '*'],
  underline: ['<u>', '</u>'],
};
const HTML_MARKS: Record<Mark, [string, string]> = {
  strikethrough: ['<s>', '</s>'],
  bold: ['<strong>', '</strong>'],
  italic: ['<em>', '</em>'],
  underline: ['<u>', '</u>'],
};

function syntaxFor(mode: InlineMode): Syntax {
  if (mode === 'html') {
    return {
      open: (m) => HTML_MARKS[m][0],
      close: (m) => HTML_MARKS[m][1],
      text: (t) => escapeHtml(t),
      code: (t) => `<code>${escapeHtml(t)}</code>`,
      link: (inner, url) => `<a href="${escapeHtml(url)}">${inner}</a>`,
      lineBreak: '<br>',
    };
  }
  return {
    open: (m) => MD_MARKS[m][0],
    close: (m) => MD_MARKS[m][1],
    text: (t, atLineStart) => escapeMarkdownText(t, atLineStart),
    code: (t) => codeSpan(t),
    link: (inner, url) => markdownLink(inner, url),
    lineBreak: mode === 'line' ? '<br>' : '\\\n',
  };
}

/** Notion writes links to its own pages as "/<id>"; make them absolute so rewriteUrl can map them. */
function absoluteNotionUrl(url: string): string {
  return url.startsWith('/') && !url.startsWith('//') ? `https://www.notion.so${url}` : url;
}

function formatDate(date: { start: string; end: string | null; time_zone?: string | null }): string {
  const range = date.end ? `${date.start} → ${date.end}` : date.start;
  return date.time_zone ? `${range} (${date.time_zone})` : range;
}

function marksOf(item: RichTextItemResponse): Mark[] {
  return MARK_ORDER.filter((m) => item.annotations[m]);
}

function textAtom(item: RichTextItemResponse, text: string, link: string | null): Atom {
  return { marks: marksOf(item), code: item.annotations.code, link, content: { kind: 'text', text } };
}

/** Turns one rich text item into an atom: resolves mentions and links through the context. */
function toAtom(item: RichTextItemResponse, ctx: RichTextContext, safeLink: (url: string) => string | null): Atom {
  if (item.type === 'equation') {
    const tex = item.equation.expression.trim();
    return { marks: marksOf(item), code: false, link: null, content: { kind: 'raw', markdown: `$${tex}$`, html: escapeHtml(`$${tex}$`) } };
  }
  if (item.type === 'text') {
    const url = item.text.link?.url ?? item.href;
    return textAtom(item, item.text.content, url ? safeLink(url) : null);
  }
  // A rich text type newer than this renderer: its plain text and link.
  if (item.type !== 'mention') {
    const unknown = item as { plain_text?: string; href?: string | null };
    return textAtom(item, unknown.plain_text ?? '', unknown.href ? safeLink(unknown.href) : null);
  }
  // Mentions: unknown future mention types still keep their plain text.
  const mention = item.mention as { type: string } & Record<string, unknown>;
  switch (item.mention.type) {
    case 'user': {
      const user = item.mention.user;
      const name = ctx.userName(user.id) ?? ('name' in user && user.name ? user.name : undefined);
      return textAtom(item, name ? `@${name}` : item.plain_text, null);
    }
    case 'page':
      return textAtom(item, item.plain_text || 'Untitled', ctx.linkTo(item.mention.page.id, 'page'));
    case 'database':
      return textAtom(item, item.plain_text || 'Untitled', ctx.linkTo(item.mention.database.id, 'database'));
    case 'date':
      return textAtom(item, formatDate(item.mention.date), null);
    case 'link_preview': {
      const url = item.mention.link_preview.url;
      return textAtom(item, item.plain_text || url, safeLink(url));
    }
    case 'link_mention': {
      const lm = item.mention.link_mention;
      return textAtom(item, lm.title || item.plain_text || lm.href, safeLink(lm.href));
    }
    case 'template_mention': {
      const tm = item.mention.template_mention;
      const fallback = tm.type === 'template_mention_date' ? `@${tm.template_mention_date}` : `@${tm.template_mention_user}`;
      return textAtom(item, item.plain_text || fallback, null);
    }
    case 'custom_emoji': {
      const emoji = item.mention.custom_emoji;
      const label = `:${emoji.name}:`;
      const asset = ctx.asset(assetKeys.customEmoji(emoji.id));
      if (asset && 'href' in asset) {
        const markdown = `![${escapeMarkdownText(label)}](${asset.href})`;
        const html = `<img src="${escapeHtml(asset.href)}" alt="${escapeHtml(label)}">`;
        return { marks: marksOf(item), code: false, link: null, content: { kind: 'raw', markdown, html } };
      }
      return textAtom(item, label, null);
    }
    default:
      return textAtom(item, item.plain_text || `[${mention.type} mention]`, null);
  }
}

/** Writes a run of atoms, opening and closing marks minimally and keeping whitespace outside markers. */
function writeAtoms(atoms: readonly Atom[], syntax: Syntax, raw: 'markdown' | 'html'): { lead: string; body: string; trail: string } {
  let out = '';
  let lead = '';
  let pending = '';
  let atLineStart = true;
  const stack: Mark[] = [];

  const flush = (): void => {
    if (out === '') lead += pending;
    else out += pending;
    pending = '';
  };
  const whitespace = (ws: string): void => {
    for (const ch of ws) {
      if (ch === '\n') {
        pending += syntax.lineBreak;
        atLineStart = true;
      } else {
        pending += ch;
      }
    }
  };
  const setMarks = (wanted: readonly Mark[]): void => {
    // Close from the top until what remains is wanted; closers go before pending whitespace.
    while (stack.length > 0 && !stack.every((m) => wanted.includes(m))) {
      out += syntax.close(stack.pop()!);
    }
    flush();
    for (const m of wanted) {
      if (!stack.includes(m)) {
        out += syntax.open(m);
        stack.push(m);
      }
    }
  };

  for (const atom of atoms) {
    if (atom.content.kind === 'raw') {
      setMarks(atom.marks);
      out += atom.content[raw];
      atLineStart = false;
      continue;
    }
    const [, head = '', core = '', tail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(atom.content.text) ?? [];
    whitespace(head);
    if (core === '') continue;
    setMarks(atom.marks);
    core.split('\n').forEach((line, i) => {
      if (i > 0) {
        out += syntax.lineBreak;
        atLineStart = true;
      }
      if (line === '') return;
      out += atom.code ? syntax.code(line) : syntax.text(line, atLineStart);
      atLineStart = false;
    });
    whitespace(tail);
  }
  while (stack.length > 0) out += syntax.close(stack.pop()!);
  return { lead, body: out, trail: pending };
}

/**
 * Renders Notion rich text to inline Markdown (or HTML): annotations, links, mentions and inline
 * equations. The one rich-text renderer of the export: page bodies and the `markdown` of text
 * property values in records both come from here, so the same text reads the same in both.
 * Where links point is the context's business: relative to the page's file for a page body,
 * relative to the snapshot root for a record.
 */
export function renderRichText(richText: readonly RichTextItemResponse[], ctx: RichTextContext, options: RichTextOptions = {}): string {
  const mode = options.mode ?? 'block';
  const syntax = syntaxFor(mode);
  const safeLink = (url: string): string | null => {
    const absolute = absoluteNotionUrl(url);
    if (isNotionHostedFileUrl(absolute)) {
      options.onIssue?.('link to an expiring Notion file URL removed (the file is not part of the export)');
      return null;
    }
    return ctx.rewriteUrl(absolute);
  };
  // An expiring file URL typed or pasted as text is as dead as a link to one: it never leaves here.
  let removedUrls = 0;
  const atoms = richText.map((item) => {
    const atom = toAtom(item, ctx, safeLink);
    if (atom.content.kind !== 'text') return atom;
    const { text, removed } = stripNotionFileUrls(atom.content.text, EXPIRING_URL_REPLACEMENT);
    removedUrls += removed;
    return removed === 0 ? atom : { ...atom, content: { kind: 'text' as const, text } };
  });
  if (removedUrls > 0) options.onIssue?.(`${removedUrls} expiring Notion file URL(s) found in text were removed`);

  // Consecutive atoms with the same link become one link, so "li**n**k" stays one link.
  const groups: Array<{ lead: string; main: string; trail: string }> = [];
  for (let i = 0; i < atoms.length; ) {
    let j = i + 1;
    while (j < atoms.length && atoms[j]!.link === atoms[i]!.link) j += 1;
    const link = atoms[i]!.link;
    const { lead, body, trail } = writeAtoms(atoms.slice(i, j), syntax, mode === 'html' ? 'html' : 'markdown');
    const main = body === '' ? '' : link ? syntax.link(body, link) : body;
    groups.push({ lead, main, trail });
    i = j;
  }
  // Whitespace before the first and after the last content means nothing in Markdown, and a
  // trailing hard break would come out as a literal backslash: drop it.
  const first = groups.findIndex((g) => g.main !== '');
  if (first < 0) return '';
  const last = groups.length - 1 - [...groups].reverse().findIndex((g) => g.main !== '');
  let result = '';
  for (let k = first; k <= last; k += 1) {
    const g = groups[k]!;
    result += (k > first ? g.lead : '') + g.main + (k < last ? g.trail : '');
  }
  return result;
}
