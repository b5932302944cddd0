import type { RichTextItemResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { renderRichText } from '../../src/render/markdown/render-blocks.js';
import { fakeRenderContext } from './fake-render-context.js';
import { inlineEquation, mention, text } from './make-block.js';
import { loadFixture } from './fixture-trees.js';

const ctx = fakeRenderContext({
  exported: { '00000000-0000-4000-8000-000000000003': '../Markdown-Text-Test.md', 'db-9': '../DB/index.md' },
  users: { 'user-1': 'Ada Lovelace' },
  assets: { 'custom-emoji:emoji-1': { href: '../assets/partyparrot.gif' } },
});

const SIGNED = 'https://prod-files-secure.s3.us-west-2.amazonaws.com/ws/f/report.pdf?X-Amz-Signature=REDACTED';

describe('renderRichText', () => {
  it.each<[string, RichTextItemResponse[], string]>([
    ['plain text', [text('hello world')], 'hello world'],
    ['Markdown specials are escaped', [text('a*b_c [x] `y` <div> ~z~ $5 \\ &amp;')], 'a\\*b\\_c \\[x\\] \\`y\\` \\<div> \\~z\\~ \\$5 \\\\ &amp;amp;'],
    ['a heading marker at the start is escaped', [text('# not a heading')], '\\# not a heading'],
    ['a list marker at the start is escaped', [text('- not a list')], '\\- not a list'],
    ['an ordered-list marker at the start is escaped', [text('1. not a list')], '1\\. not a list'],
    ['block markers after a line break are escaped too', [text('a\n> b')], 'a\\\n\\> b'],
    ['# in the middle stays', [text('issue #12')], 'issue #12'],
    ['bold, italic, strikethrough, underline, code', [text('b', { bold: true }), text(' '), text('i', { italic: true }), text(' '), text('s', { strikethrough: true }), text(' '), text('u', { underline: true }), text(' '), text('c', { code: true })], '**b** *i* ~~s~~ <u>u</u> `c`'],
    ['whitespace stays outside the markers', [text('bold ', { bold: true }), text('plain')], '**bold** plain'],
    ['marks nest across segments instead of touching', [text('equa-', { bold: true, strikethrough: true }), text('tion', { bold: true, italic: true, strikethrough: true })], '~~**equa-*tion***~~'],
    ['a code span survives backticks', [text('a `b` c', { code: true })], '``a `b` c``'],
    ['a code span starting with a backtick is padded', [text('`x', { code: true })], '`` `x ``'],
    ['code text is not escaped', [text('*x*', { code: true })], '`*x*`'],
    ['line breaks become hard breaks', [text('one\ntwo')], 'one\\\ntwo'],
    ['trailing and leading breaks are dropped', [text('\none\n')], 'one'],
    ['a link keeps its formatting inside', [text('li', {}, 'https://ex.org/'), text('n', { bold: true }, 'https://ex.org/'), text('k', {}, 'https://ex.org/')], '[li**n**k](https://ex.org/)'],
    ['link text is escaped, destination with spaces bracketed', [text('a [b]', {}, 'https://ex.org/a b')], '[a \\[b\\]](<https://ex.org/a b>)'],
    ['a Notion link into the export becomes relative', [text('see', {}, 'https://www.notion.so/Markdown-Text-Test-00000000000040008000000000000003')], '[see](../Markdown-Text-Test.md)'],
    ['a Notion "/id" link is treated as a Notion URL', [text('see', {}, '/00000000000040008000000000000003')], '[see](../Markdown-Text-Test.md)'],
    ['inline equation', [text('so '), inlineEquation('E=mc^2')], 'so $E=mc^2$'],
    ['user mention uses the context name', [mention({ type: 'user', user: { object: 'user', id: 'user-1' } }, '@Ada')], '@Ada Lovelace'],
    ['user mention falls back to the name in the payload', [mention({ type: 'user', user: { object: 'user', id: 'user-2', name: 'Bob' } }, '@Bob')], '@Bob'],
    ['page mention links relatively', [mention({ type: 'page', page: { id: '00000000-0000-4000-8000-000000000003' } }, 'Markdown Text Test', 'https://www.notion.so/00000000000040008000000000000003')], '[Markdown Text Test](../Markdown-Text-Test.md)'],
    ['database mention links relatively', [mention({ type: 'database', database: { id: 'db-9' } }, 'Partners')], '[Partners](../DB/index.md)'],
    ['date mention with range and time zone', [mention({ type: 'date', date: { start: '2025-01-01', end: '2025-01-03', time_zone: 'Europe/Berlin' } }, '')], '2025-01-01 → 2025-01-03 (Europe/Berlin)'],
    ['link_preview mention', [mention({ type: 'link_preview', link_preview: { url: 'https://github.com/o/r/issues/1' } }, 'https://github.com/o/r/issues/1')], '[https://github.com/o/r/issues/1](https://github.com/o/r/issues/1)'],
    ['link_mention uses the title', [mention({ type: 'link_mention', link_mention: { href: 'https://ex.org/post', title: 'A post' } }, 'https://ex.org/post')], '[A post](https://ex.org/post)'],
    ['template mention keeps its text', [mention({ type: 'template_mention', template_mention: { type: 'template_mention_date', template_mention_date: 'today' } }, '')], '@today'],
    ['custom emoji uses the downloaded image', [mention({ type: 'custom_emoji', custom_emoji: { id: 'emoji-1', name: 'partyparrot', url: 'https://x/e.gif' } }, ':partyparrot:')], '![:partyparrot:](../assets/partyparrot.gif)'],
    ['custom emoji without a download is its name', [mention({ type: 'custom_emoji', custom_emoji: { id: 'emoji-2', name: 'shrug', url: 'https://x/s.gif' } }, ':shrug:')], ':shrug:'],
    ['an unknown mention type keeps its plain text', [mention({ type: 'hologram', hologram: {} }, 'Holo')], 'Holo'],
  ])('%s', (_name, richText, expected) => {
    expect(renderRichText(richText, ctx)).toBe(expected);
  });

  it.each<[string, RichTextItemResponse[], 'line' | 'html', string]>([
    ['line mode breaks with <br>', [text('a\nb')], 'line', 'a<br>b'],
    ['html mode escapes and uses tags', [text('<b> & ', { bold: true }), text('x', { code: true }), text(' y', {}, 'https://ex.org/?a=1&b=2')], 'html', '<strong>&lt;b&gt; &amp;</strong> <code>x</code> <a href="https://ex.org/?a=1&amp;b=2">y</a>'],
  ])('%s', (_name, richText, mode, expected) => {
    expect(renderRichText(richText, ctx, { mode })).toBe(expected);
  });

  it('drops a link to an expiring Notion file and reports it, keeping the text', () => {
    const issues: string[] = [];
    const out = renderRichText([text('the report', {}, SIGNED)], ctx, { onIssue: (r) => issues.push(r) });
    expect(out).toBe('the report');
    expect(issues).toEqual([expect.stringContaining('expiring Notion file URL')]);
  });

  it('renders the recorded annotations fixture without adjacent markers running together', () => {
    const body = loadFixture<{ results: Array<{ paragraph: { rich_text: RichTextItemResponse[] } }> }>('blocks-children-rich-text-annotations.json');
    for (const block of body.results) {
      const md = renderRichText(block.paragraph.rich_text, ctx);
      // "~~~~" or "****" would mean one span closed and the next opened with the same marker.
      expect(md).not.toMatch(/~~~~|\*\*\*\*/);
      expect(md.replace(/[*~\\]|<\/?u>/g, '')).not.toBe('');
    }
  });
});

describe('link text', () => {
  it('keeps a child page title with line breaks on one line', async () => {
    const { markdownLink } = await import('../../src/render/markdown/markdown-syntax.js');
    expect(markdownLink('a"b: c\n---\nx: 1', './p.md')).toBe('[a"b: c --- x: 1](./p.md)');
  });
});
