/**
 * The one rich-text renderer: page bodies and the `markdown` of text values in records both come
 * from renderRichText; only the base their links are relative to differs.
 */
import { posix } from 'node:path';
import type { RichTextItemResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { assetKeys } from '../../src/assets/asset-keys.js';
import { LinkIndex, PageLinks, relativeHref } from '../../src/links/link-index.js';
import type { NormaliseContext } from '../../src/normalise/normalise-context.js';
import { normaliseProperty, type PagePropertyValue } from '../../src/normalise/normalise-property.js';
import { renderBlocks, renderRichText, type RenderContext } from '../../src/render/markdown/render-blocks.js';
import type { PathPlan } from '../../src/publish/plan-paths.js';
import { fakeRenderContext } from './fake-render-context.js';
import { inlineEquation, makeBlock, mention, text } from './make-block.js';
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

  it('removes an expiring Notion file URL typed as text and reports it', () => {
    const issues: string[] = [];
    const out = renderRichText([text(`see ${SIGNED} now`, { bold: true })], ctx, { onIssue: (r) => issues.push(r) });
    expect(out).toBe('**see (expiring Notion file URL removed) now**');
    expect(issues).toEqual(['1 expiring Notion file URL(s) found in text were removed']);
  });

  it.each<[string, RichTextItemResponse[], string]>([
    ['escapes every inline special, and & only before an entity', [text('a *b* [c](d) `e` <f> \\ snake_case ~g~ $1 & &copy;')], 'a \\*b\\* \\[c\\](d) \\`e\\` \\<f> \\\\ snake\\_case \\~g\\~ \\$1 & &amp;copy;'],
    ['pads a code span whose content has a space at both ends', [text('a'), text('` x `', { code: true })], 'a`` ` x ` ``'],
    ['keeps spaces outside emphasis markers', [text('a'), text(' bold ', { bold: true }), text('b')], 'a **bold** b'],
    ['leaves whitespace-only emphasis alone', [text('a'), text('  ', { italic: true }), text('b')], 'a  b'],
    ['merges neighbours with the same marks', [text('ab', { bold: true }), text('cd', { bold: true })], '**abcd**'],
    ['keeps external links', [text('docs', {}, 'https://example.org/a?b=c')], '[docs](https://example.org/a?b=c)'],
    ['trims an inline equation', [inlineEquation(' a^2 ')], '$a^2$'],
    ['empty rich text is empty', [], ''],
  ])('%s', (_name, richText, expected) => {
    expect(renderRichText(richText, ctx)).toBe(expected);
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

describe('renderRichText on recorded rich text', () => {
  const recorded = loadFixture<{ results: Array<{ type: string; paragraph: { rich_text: RichTextItemResponse[] } }> }>('blocks-children-rich-text-annotations.json')
    .results.filter((b) => b.type === 'paragraph')
    .map((b) => b.paragraph.rich_text);
  const root = fakeRenderContext({ exported: { '00000000-0000-4000-8000-000000000003': 'pages/markdown-text-test.md' } });

  it.each<[number, string]>([
    [0, 'here is something **very** *simpel* and <u>underlined</u> as well as `code`'],
    [1, '**here is a sentence that was bolded *then* typed.**'],
    [2, 'here is a test sentence with ~~many **different *styles*.**~~'],
    [4, 'here is one more with a *strange **style*** **combination**'],
    [6, 'and here is one with ~~***person*** *mention @Adam Dangoor*~~ and **page mention** [**Markdown Text Test**](pages/markdown-text-test.md)'],
    [7, 'here is one **stretching over *many\\\n~~many~~*\\\n~~lines~~**'],
    [8, 'This is code, e.g. **`python` code\\\nnow stretching `over`\\\n`many lines`**'],
    [9, 'This is a [li**n**k](https://google.de/) and a ~~first~~ an~~d <u>second</u> stroke~~ through <u>word.</u>'],
    [10, 'Half a [lin](https://google.de/)[k](https://amazon.com/) for two destinations'],
  ])('paragraph %i', (index, expected) => {
    expect(renderRichText(recorded[index]!, root)).toBe(expected);
  });

  it('keeps mentions of pages outside the export as links to Notion, and dates and users as text', () => {
    const exchanges = loadFixture<Array<{ response: { body: { results?: any[] } } }>>('blocks-rich-text-mentions.exchanges.json');
    const withMentions = exchanges.flatMap((e) => e.response.body.results ?? []).find((b) => b.type === 'paragraph' && b.paragraph.rich_text.some((r: any) => r.type === 'mention'));
    const outside = fakeRenderContext();
    expect(renderRichText(withMentions.paragraph.rich_text, outside)).toBe(
      '@Adam Dangoor : [Markdown Text Test](https://www.notion.so/00000000000040008000000000000003) : [All Properties DB](https://www.notion.so/00000000000040008000000000000009) : 2022-01-01T00:00:00.000+00:00',
    );
    expect(outside.unresolved).toEqual(['00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000009']);
  });
});

// ------------------------------------------------------------- link bases, over the real PageLinks

const HOME = '11111111-1111-4111-8111-111111111111';
const PLAN_PAGE = '1a2b3c4d-0000-4000-8000-00000000abcd';
const OUTSIDE = 'ebf08c95-83bb-4a10-8cad-8ec991a78033';
const PAGE_FILE = 'pages/home-11111111/notes-22222222.md';
const PAGE_ID = '22222222-2222-4222-8222-222222222222';
const EMOJI = assetKeys.customEmoji('emoji-1');

function plan(): PathPlan {
  const page = (markdown: string) => ({ markdown, record: 'records/x.json', parentId: null, databaseId: null });
  return {
    pages: new Map([
      [HOME, page('pages/home-11111111.md')],
      [PAGE_ID, page(PAGE_FILE)],
      [PLAN_PAGE, page('pages/home-11111111/work plan (draft).md')],
    ]),
    databases: new Map(),
    pageOfBlock: new Map(),
  };
}

/** A context over PageLinks as the snapshot builder makes it: every href relative to the links' base. */
function contextOver(links: PageLinks): RenderContext {
  return {
    pageId: links.pageId,
    linkTo: (id) => links.linkTo(id),
    rewriteUrl: (url) => links.rewriteUrl(url),
    asset: (key) => (key === EMOJI ? { href: relativeHref(links.fromFile, 'assets/parrot.gif') } : undefined),
    userName: (id) => (id === 'user-1' ? 'Ada Lovelace' : undefined),
  };
}

describe('link bases', () => {
  const links = () => new PageLinks(new LinkIndex(plan()), PAGE_ID, PAGE_FILE);

  it.each<[string, RichTextItemResponse[], string, string]>([
    ['a notion.so link into the export', [text('plan', {}, `https://www.notion.so/acme/Work-plan-${PLAN_PAGE.replaceAll('-', '')}`)], '[plan](pages/home-11111111/work%20plan%20%28draft%29.md)', '[plan](./work%20plan%20%28draft%29.md)'],
    ['a workspace-relative "/id#block" link into the export', [text('home', {}, `/${HOME.replaceAll('-', '')}#abc`)], '[home](pages/home-11111111.md)', '[home](../home-11111111.md)'],
    ['a page mention', [mention({ type: 'page', page: { id: HOME } }, 'Home')], '[Home](pages/home-11111111.md)', '[Home](../home-11111111.md)'],
    ['a custom emoji', [mention({ type: 'custom_emoji', custom_emoji: { id: 'emoji-1', name: 'parrot', url: 'https://x/p.gif' } }, ':parrot:')], '![:parrot:](assets/parrot.gif)', '![:parrot:](../../assets/parrot.gif)'],
    ['a "/id" link outside the export: the full Notion URL, never a dead "/id" path', [text('budget', {}, `/${OUTSIDE.replaceAll('-', '')}`)], `[budget](https://www.notion.so/${OUTSIDE.replaceAll('-', '')})`, `[budget](https://www.notion.so/${OUTSIDE.replaceAll('-', '')})`],
  ])('%s', (_name, richText, fromRoot, fromPage) => {
    const l = links();
    expect(renderRichText(richText, contextOver(l.withBase(null)))).toBe(fromRoot);
    expect(renderRichText(richText, contextOver(l))).toBe(fromPage);
  });

  it('records links made from either base on the page', () => {
    const l = links();
    renderRichText([mention({ type: 'page', page: { id: HOME } }, 'Home'), text(' and '), mention({ type: 'page', page: { id: OUTSIDE } }, 'Budget')], contextOver(l.withBase(null)));
    expect([...l.targets]).toEqual([HOME]);
    expect(l.unresolved.map((u) => u.target)).toEqual([OUTSIDE]);
  });
});

describe('a record and its page', () => {
  // Everything the renderer treats specially, in one rich text.
  const richText: RichTextItemResponse[] = [
    text('# 1. a*b_c [x] `y` <div> ~z~ $5 \\ &amp; '),
    text('bold ', { bold: true }),
    text('both', { bold: true, italic: true }),
    text(' under', { underline: true }),
    text(' code`', { code: true }),
    text('\n- line two '),
    inlineEquation('E=mc^2'),
    text(' see '),
    mention({ type: 'page', page: { id: HOME } }, 'Home'),
    text(', '),
    text('the plan', { italic: true }, `https://www.notion.so/Work-plan-${PLAN_PAGE.replaceAll('-', '')}`),
    text(', '),
    mention({ type: 'page', page: { id: OUTSIDE } }, 'Budget'),
    text(', '),
    mention({ type: 'user', user: { object: 'user', id: 'user-1' } }, '@Ada'),
    text(' on '),
    mention({ type: 'date', date: { start: '2025-01-01', end: '2025-01-03', time_zone: null } }, '2025-01-01'),
    text(' '),
    mention({ type: 'custom_emoji', custom_emoji: { id: 'emoji-1', name: 'parrot', url: 'https://x/p.gif' } }, ':parrot:'),
    text(' the '),
    text('report', {}, SIGNED),
  ];

  /** Markdown link and image destinations that are paths (not URLs), rebased from the snapshot root onto the page's file. */
  const rebaseOntoPage = (markdown: string) =>
    markdown.replace(/\]\(([^)\s]+)\)/g, (whole, href: string) =>
      /^[a-z]+:/i.test(href) ? whole : `](${relativeHref(PAGE_FILE, posix.normalize(decodeURI(href)))})`,
    );

  it("renders a record's text property like the same rich text in the page body, apart from link bases", async () => {
    const links = new PageLinks(new LinkIndex(plan()), PAGE_ID, PAGE_FILE);
    const warnings: string[] = [];
    // Wired like the snapshot builder wires it: the page's links, from the snapshot root.
    const recordText = contextOver(links.withBase(null));
    const ctx: NormaliseContext = {
      pageId: PAGE_ID,
      user: () => undefined,
      pathOf: (id) => links.pathOf(id),
      richTextMarkdown: (items, onIssue) => renderRichText(items, recordText, { onIssue }),
      file: () => {
        throw new Error('no files here');
      },
      warn: (code, message) => warnings.push(`${code}: ${message}`),
    };
    const value = normaliseProperty({ id: 'p1', type: 'rich_text', rich_text: richText } as PagePropertyValue, ctx, 'Notes');
    if ('unknown' in value || 'redacted' in value || value.type !== 'rich_text') throw new Error('expected a rich_text value');
    const record = value.value.markdown;

    const body = await renderBlocks([makeBlock('paragraph', { rich_text: richText, color: 'default' })], contextOver(links));
    const page = body.markdown.trimEnd();

    // The links really differ by base (the comparison below is not trivial) …
    expect(record).toContain('[Home](pages/home-11111111.md)');
    expect(page).toContain('[Home](../home-11111111.md)');
    expect(record).toContain('![:parrot:](assets/parrot.gif)');
    expect(record).not.toBe(page);
    // … and apart from them, the record's Markdown is the page's, byte for byte.
    expect(rebaseOntoPage(record)).toBe(page);
    expect(page).toBe(
      '\\# 1. a\\*b\\_c \\[x\\] \\`y\\` \\<div> \\~z\\~ \\$5 \\\\ &amp;amp; **bold *both*** <u>under</u> `` code` ``\\\n\\- line two $E=mc^2$ see [Home](../home-11111111.md), [*the plan*](./work%20plan%20%28draft%29.md), ' +
        `[Budget](https://www.notion.so/${OUTSIDE.replaceAll('-', '')}), @Ada Lovelace on 2025-01-01 → 2025-01-03 ![:parrot:](../../assets/parrot.gif) the report`,
    );
    // The dropped link to an expiring file is reported on both sides.
    expect(warnings).toEqual([expect.stringMatching(/^expiring_url_dropped: page .* → property "Notes" \(rich_text\): link to an expiring Notion file URL removed/)]);
    expect(body.unrendered.map((u) => u.reason)).toEqual([expect.stringContaining('link to an expiring Notion file URL removed')]);
  });
});

describe('link text', () => {
  it('keeps a child page title with line breaks on one line', async () => {
    const { markdownLink } = await import('../../src/render/markdown/markdown-syntax.js');
    expect(markdownLink('a"b: c\n---\nx: 1', './p.md')).toBe('[a"b: c --- x: 1](./p.md)');
  });
});
