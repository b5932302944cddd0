import type { RichTextItemResponse } from '@notionhq/client';
import { notionIdFromHref } from './notion-id.js';

/** Concatenated `plain_text` of a rich text array (mentions as displayed, equations as their source). */
export function richTextToPlain(items: readonly RichTextItemResponse[]): string {
  return items.map((item) => item.plain_text).join('');
}

/** What rich-text rendering needs to know about the export. */
export interface RichTextLinkResolver {
  /** Snapshot-relative Markdown path of an exported page or database, null when outside the export. */
  pathOf(id: string): string | null;
}

interface Segment {
  /** The segment's text as Markdown (escaped text, code span or inline equation), without emphasis. */
  markdown: string;
  bold: boolean;
  italic: boolean;
  strikethrough: boolean;
  link: string | null;
}

/**
 * Minimal Markdown for a rich text array: bold, italic, strikethrough, inline code, inline
 * equations and links. Underline and colours have no Markdown form and are dropped on purpose.
 * Links to exported pages (page/database mentions and notion.so links) become snapshot-relative
 * paths; other mentions keep the text Notion displays.
 */
export function richTextToMarkdown(items: readonly RichTextItemResponse[], resolver: RichTextLinkResolver): string {
  const segments = items.map((item) => toSegment(item, resolver));
  let out = '';
  // Notion splits one link into several items when annotations change inside it; rejoin them
  // so the reader gets one link, not several adjacent ones.
  for (let i = 0; i < segments.length; ) {
    const link = segments[i]!.link;
    let j = i;
    while (j < segments.length && segments[j]!.link === link) j++;
    const inner = emphasise(segments.slice(i, j));
    out += link === null ? inner : `[${inner}](${linkDestination(link)})`;
    i = j;
  }
  return out;
}

function toSegment(item: RichTextItemResponse, resolver: RichTextLinkResolver): Segment {
  const a = item.annotations;
  const base = { bold: a.bold, italic: a.italic, strikethrough: a.strikethrough };
  if (item.type === 'equation') {
    return { ...base, markdown: `$${item.equation.expression}$`, link: null };
  }
  let link: string | null = null;
  if (item.type === 'mention') {
    const m = item.mention;
    if (m.type === 'page' || m.type === 'database') {
      const id = m.type === 'page' ? m.page.id : m.database.id;
      link = resolver.pathOf(id) ?? resolveHref(item.href, resolver);
    } else {
      link = item.href;
    }
  } else if (item.type === 'text') {
    link = resolveHref(item.text.link?.url ?? item.href, resolver);
  } else {
    // A rich text type newer than this version: its plain text and link.
    link = resolveHref((item as { href?: string | null }).href ?? null, resolver);
  }
  const text = item.type === 'text' ? item.text.content : item.plain_text;
  const markdown = a.code ? codeSpan(text) : escapeMarkdown(text);
  return { ...base, markdown, link };
}

function resolveHref(href: string | null, resolver: RichTextLinkResolver): string | null {
  if (href === null) return null;
  const id = notionIdFromHref(href);
  if (id === null) return href;
  // Outside the export, a workspace-relative link ("/1a2b…") would be dead in the archive:
  // keep Notion's full URL instead.
  return resolver.pathOf(id) || (href.startsWith('/') ? `https://www.notion.so/${id.replaceAll('-', '')}` : href);
}

type Mark = 'strikethrough' | 'bold' | 'italic';
const MARKS: ReadonlyArray<[Mark, string]> = [
  ['strikethrough', '~~'],
  ['bold', '**'],
  ['italic', '*'],
];

/**
 * Wraps maximal runs of segments sharing a mark, so marks nest (`~~a **b *c*.**~~`) instead of
 * touching (`~~a~~~~b~~` and `**a****b**` do not parse as intended). The mark covering the most
 * text goes outermost, which keeps touching delimiters rare.
 */
function emphasise(segments: Segment[], marks: ReadonlyArray<[Mark, string]> = MARKS): string {
  if (marks.length === 0) return segments.map((s) => s.markdown).join('');
  const covered = (mark: Mark) => segments.reduce((n, s) => n + (s[mark] ? s.markdown.length : 0), 0);
  const outer = marks.reduce((best, m) => (covered(m[0]) > covered(best[0]) ? m : best));
  const [mark, delimiter] = outer;
  const inner = marks.filter((m) => m !== outer);
  let out = '';
  for (let i = 0; i < segments.length; ) {
    const on = segments[i]![mark];
    let j = i;
    while (j < segments.length && segments[j]![mark] === on) j++;
    const content = emphasise(segments.slice(i, j), inner);
    out += on ? wrap(content, delimiter) : content;
    i = j;
  }
  return out;
}

/** Emphasis markers must touch non-space characters, or CommonMark ignores them. */
function wrap(markdown: string, delimiter: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(markdown)!;
  return m[2] === '' ? markdown : `${m[1]}${delimiter}${m[2]}${delimiter}${m[3]}`;
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Escapes the characters that would start inline Markdown constructs. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>~]/g, '\\$&');
}

function linkDestination(url: string): string {
  return /[\s()<>]/.test(url) ? `<${url.replace(/[<>\n]/g, encodeURIComponent)}>` : url;
}
