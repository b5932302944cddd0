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
  markdown: string;
  /** Segment is already literal Markdown (code span, equation): never wrap in emphasis markers piecewise. */
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
    const inner = emphasise(mergeRuns(segments.slice(i, j)));
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
      link = resolver.pathOf(id) ?? item.href;
    } else {
      link = item.href;
    }
  } else {
    link = resolveHref(item.text.link?.url ?? item.href, resolver);
  }
  const text = item.type === 'text' ? item.text.content : item.plain_text;
  const markdown = a.code ? codeSpan(text) : escapeMarkdown(text);
  return { ...base, markdown, link };
}

function resolveHref(href: string | null, resolver: RichTextLinkResolver): string | null {
  if (href === null) return null;
  const id = notionIdFromHref(href);
  return (id !== null && resolver.pathOf(id)) || href;
}

/** Joins neighbours with the same emphasis so `**a****b**` never happens. */
function mergeRuns(segments: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const s of segments) {
    const last = merged.at(-1);
    if (last && last.bold === s.bold && last.italic === s.italic && last.strikethrough === s.strikethrough) {
      last.markdown += s.markdown;
    } else {
      merged.push({ ...s });
    }
  }
  return merged;
}

function emphasise(segments: Segment[]): string {
  return segments
    .map((s) => {
      let open = '';
      if (s.strikethrough) open += '~~';
      if (s.bold) open += '**';
      if (s.italic) open += '*';
      if (open === '') return s.markdown;
      // Emphasis markers must touch non-space characters, or CommonMark ignores them.
      const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(s.markdown)!;
      const core = m[2]!;
      if (core === '') return s.markdown;
      const close = [...open.matchAll(/~~|\*\*|\*/g)].map((x) => x[0]).reverse().join('');
      return `${m[1]}${open}${core}${close}${m[3]}`;
    })
    .join('');
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
