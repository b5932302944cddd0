import type { RichTextItemResponse } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { richTextToMarkdown, richTextToPlain } from '../../src/normalise/rich-text-to-markdown.js';
import { notionIdFromHref } from '../../src/normalise/notion-id.js';
import { loadFixture } from './helpers.js';

const EXPORTED: Record<string, string> = {
  '00000000-0000-4000-8000-000000000003': 'pages/markdown-text-test.md',
  '1a2b3c4d-0000-4000-8000-00000000abcd': 'pages/work plan (draft).md',
};
const resolver = { pathOf: (id: string) => EXPORTED[id] ?? null };

function paragraphs(fixture: string): RichTextItemResponse[][] {
  const body = loadFixture(fixture) as { results: Array<Record<string, any>> };
  return body.results.filter((b) => b.type === 'paragraph').map((b) => b.paragraph.rich_text);
}

type Ann = Partial<{ bold: boolean; italic: boolean; strikethrough: boolean; code: boolean }>;
function t(content: string, ann: Ann = {}, link: string | null = null): RichTextItemResponse {
  return {
    type: 'text',
    text: { content, link: link === null ? null : { url: link } },
    annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default', ...ann },
    plain_text: content,
    href: link,
  } as RichTextItemResponse;
}

describe('richTextToMarkdown on recorded rich text', () => {
  const recorded = paragraphs('blocks-children-rich-text-annotations.json');

  it.each<[number, string]>([
    [0, 'here is something **very** *simpel* and underlined as well as `code`'],
    [1, '**here is a sentence that was bolded *then* typed.**'],
    [2, 'here is a test sentence with ~~many **different *styles*.**~~'],
    [4, 'here is one more with a *strange* ***style*** **combination**'],
    [8, 'This is code, e.g. **`python` code\nnow stretching `over\nmany lines`**'],
    [9, 'This is a [li**n**k](https://google.de/) and a ~~first~~ an~~d second stroke~~ through word.'],
    [10, 'Half a [lin](https://google.de/)[k](https://amazon.com/) for two destinations'],
  ])('paragraph %i', (index, expected) => {
    expect(richTextToMarkdown(recorded[index]!, resolver)).toBe(expected);
  });

  it('links a page mention to the exported Markdown file', () => {
    expect(richTextToMarkdown(recorded[6]!, resolver)).toContain('[**Markdown Text Test**](pages/markdown-text-test.md)');
  });

  it('keeps mentions of pages outside the export as links to Notion, and dates and users as text', () => {
    const exchanges = loadFixture('blocks-rich-text-mentions.exchanges.json') as Array<{ response: { body: any } }>;
    const withMentions = exchanges.flatMap((e) => e.response.body.results ?? []).find((b: any) => b.type === 'paragraph' && b.paragraph.rich_text.some((r: any) => r.type === 'mention'));
    expect(richTextToMarkdown(withMentions.paragraph.rich_text, { pathOf: () => null })).toBe(
      '@Adam Dangoor : [Markdown Text Test](https://www.notion.so/00000000000040008000000000000003) : [All Properties DB](https://www.notion.so/00000000000040008000000000000009) : 2022-01-01T00:00:00.000+00:00',
    );
  });

  it('richTextToPlain is the concatenated plain_text', () => {
    expect(richTextToPlain(recorded[10]!)).toBe('Half a link for two destinations');
  });
});

describe('richTextToMarkdown on hand-made rich text', () => {
  it.each<[string, RichTextItemResponse[], string]>([
    ['escapes Markdown syntax in text', [t('a *b* [c](d) `e` <f> \\ snake_case ~g~')], 'a \\*b\\* \\[c\\](d) \\`e\\` \\<f\\> \\\\ snake\\_case \\~g\\~'],
    ['keeps Markdown syntax inside code verbatim', [t('a*b_c', { code: true })], '`a*b_c`'],
    ['fences code containing backticks', [t('x `y` z', { code: true })], '``x `y` z``'],
    ['pads code that starts with a backtick', [t('`tick', { code: true })], '`` `tick ``'],
    ['keeps spaces outside emphasis markers', [t('a'), t(' bold ', { bold: true }), t('b')], 'a **bold** b'],
    ['leaves whitespace-only emphasis alone', [t('a'), t('  ', { italic: true }), t('b')], 'a  b'],
    ['merges neighbours with the same marks', [t('ab', { bold: true }), t('cd', { bold: true })], '**abcd**'],
    ['links a notion.so URL to an exported page', [t('plan', {}, 'https://www.notion.so/acme/Work-plan-1a2b3c4d000040008000' + '00000000abcd')], '[plan](<pages/work plan (draft).md>)'],
    ['links an internal /id link to an exported page', [t('intro', {}, '/00000000000040008000000000000003#abc')], '[intro](pages/markdown-text-test.md)'],
    ['keeps a Notion link outside the export', [t('x', {}, 'https://www.notion.so/ffffffffffff4fff8fffffffffffffff')], '[x](https://www.notion.so/ffffffffffff4fff8fffffffffffffff)'],
    ['keeps external links', [t('docs', {}, 'https://example.org/a?b=c')], '[docs](https://example.org/a?b=c)'],
    [
      'writes inline equations as $…$',
      [{ type: 'equation', equation: { expression: 'a^2' }, annotations: t('').annotations, plain_text: 'a^2', href: null } as RichTextItemResponse],
      '$a^2$',
    ],
    ['empty rich text is empty', [], ''],
  ])('%s', (_name, items, expected) => {
    expect(richTextToMarkdown(items, resolver)).toBe(expected);
  });
});

describe('notionIdFromHref', () => {
  it.each<[string, string | null]>([
    ['/00000000000040008000000000000003', '00000000-0000-4000-8000-000000000003'],
    ['/00000000000040008000000000000003?pvs=4#block', '00000000-0000-4000-8000-000000000003'],
    ['https://www.notion.so/Title-38c9ce7b60a481a7af53e2ed822a1d7f', '38c9ce7b-60a4-81a7-af53-e2ed822a1d7f'],
    ['https://acme.notion.site/38C9CE7B60A481A7AF53E2ED822A1D7F', '38c9ce7b-60a4-81a7-af53-e2ed822a1d7f'],
    ['https://example.org/38c9ce7b60a481a7af53e2ed822a1d7f', null],
    ['https://www.notion.so/about', null],
    ['not a url', null],
  ])('%s → %s', (href, id) => {
    expect(notionIdFromHref(href)).toBe(id);
  });
});

describe('links outside the export', () => {
  it('turn a workspace-relative Notion link into the full Notion URL, never a dead "/id" path', () => {
    const item = {
      type: 'text',
      text: { content: 'budget', link: { url: '/ebf08c9583bb4a108cad8ec991a78033' } },
      annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' },
      plain_text: 'budget',
      href: '/ebf08c9583bb4a108cad8ec991a78033',
    } as never;
    expect(richTextToMarkdown([item], { pathOf: () => null })).toBe('[budget](https://www.notion.so/ebf08c9583bb4a108cad8ec991a78033)');
  });
});
