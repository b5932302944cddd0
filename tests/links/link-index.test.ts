import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkIndex, notionUrlOf, PageLinks, relativeHref } from '../../src/links/link-index.js';
import type { PathPlan } from '../../src/publish/plan-paths.js';

describe('relativeHref', () => {
  it.each([
    ['same folder', 'pages/a.md', 'pages/b.md', './b.md'],
    ['itself', 'pages/a.md', 'pages/a.md', './a.md'],
    ['down into the page folder', 'pages/a.md', 'pages/a/b.md', './a/b.md'],
    ['two levels up', 'pages/x/y/a.md', 'pages/b.md', '../../b.md'],
    ['up and down', 'pages/x/y/a.md', 'pages/z/b.md', '../../z/b.md'],
    ['to an asset', 'pages/x/a.md', 'assets/0f.png', '../../assets/0f.png'],
    ['Cyrillic', 'pages/a.md', 'pages/партньори-1a2b3c4d.md', './%D0%BF%D0%B0%D1%80%D1%82%D0%BD%D1%8C%D0%BE%D1%80%D0%B8-1a2b3c4d.md'],
    ['parentheses (they end a Markdown link)', 'pages/a.md', 'pages/q(draft).md', './q%28draft%29.md'],
    ['a space', 'pages/a.md', 'pages/b c.md', './b%20c.md'],
  ])('%s: %s → %s is %s', (_, from, to, href) => {
    expect(relativeHref(from, to)).toBe(href);
  });

  it.each([
    ['pages/a.md', 'pages/партньори/überblick-(1).md'],
    ['pages/x/y/z.md', 'pages/ünïcödé/日本語-1a2b3c4d.md'],
    ['pages/ж/a.md', 'assets/abc.pdf'],
  ])('%s → %s resolves back to the file with decodeURI', (from, to) => {
    const href = relativeHref(from, to);
    expect(href).not.toMatch(/[()\s]/);
    expect(posix.normalize(posix.join(posix.dirname(from), decodeURI(href)))).toBe(to);
    // Markdown readers must see one href token: nothing that ends the link early.
    expect(href).toMatch(/^[\x21-\x7e]+$/);
  });
});

// ------------------------------------------------------------------ PageLinks over a hand-made plan

const HOME = '11111111-1111-4111-8111-111111111111';
const SIBLING = '22222222-2222-4222-8222-222222222222';
const DEEP = '33333333-3333-4333-8333-333333333333';
const DB = '44444444-4444-4444-8444-444444444444';
const ROW = '55555555-5555-4555-8555-555555555555';
const BLOCK_IN_SIBLING = '66666666-6666-4666-8666-666666666666';
const BLOCK_IN_HOME = '77777777-7777-4777-8777-777777777777';
const OUTSIDE = '99999999-9999-4999-8999-999999999999';
const VIEW = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const hex = (id: string) => id.replaceAll('-', '');

function plan(): PathPlan & { pageOfBlock: Map<string, string> } {
  const page = (markdown: string, parentId: string | null, databaseId: string | null = null) => ({
    markdown,
    record: 'records/x.json',
    parentId,
    databaseId,
  });
  return {
    pages: new Map([
      [HOME, page('pages/home-11111111.md', null)],
      [SIBLING, page('pages/home-11111111/sibling-22222222.md', HOME)],
      [DEEP, page('pages/home-11111111/sibling-22222222/tief-überblick-33333333.md', SIBLING)],
      [ROW, page('pages/home-11111111/partners-44444444/singa-55555555.md', DB, DB)],
    ]),
    databases: new Map([[DB, { markdown: 'pages/home-11111111/partners-44444444.md', json: 'pages/home-11111111/partners-44444444.json', csv: [], parentId: HOME }]]),
    pageOfBlock: new Map([
      [BLOCK_IN_SIBLING, SIBLING],
      [BLOCK_IN_HOME, HOME],
      // child_page blocks carry the child page's id; the page itself must win.
      [SIBLING, HOME],
    ]),
  };
}

const FROM = 'pages/home-11111111/sibling-22222222.md';
const links = () => new PageLinks(new LinkIndex(plan()), SIBLING, FROM);

describe('PageLinks.linkTo', () => {
  it.each([
    ['a parent page', HOME, '../home-11111111.md', HOME],
    ['a child page', DEEP, './sibling-22222222/tief-%C3%BCberblick-33333333.md', DEEP],
    ['a database', DB, './partners-44444444.md', DB],
    ['a database row', ROW, './partners-44444444/singa-55555555.md', ROW],
    ['a block on another page (→ that page)', BLOCK_IN_HOME, '../home-11111111.md', HOME],
  ])('%s', (_, id, href, target) => {
    const l = links();
    expect(l.linkTo(id)).toBe(href);
    expect([...l.targets]).toEqual([target]);
    expect(l.unresolved).toEqual([]);
  });

  it('links to itself (page or own block) without listing itself as a target', () => {
    const l = links();
    expect(l.linkTo(SIBLING)).toBe('./sibling-22222222.md');
    expect(l.linkTo(BLOCK_IN_SIBLING)).toBe('./sibling-22222222.md');
    expect(l.targets.size).toBe(0);
    expect(l.unresolved).toEqual([]);
  });

  it('keeps a Notion URL for an id outside the export and records it once per call', () => {
    const l = links();
    expect(l.linkTo(OUTSIDE)).toBe(`https://www.notion.so/${hex(OUTSIDE)}`);
    expect(l.unresolved).toEqual([{ pageId: SIBLING, target: OUTSIDE, url: notionUrlOf(OUTSIDE) }]);
    l.linkTo(OUTSIDE);
    expect(l.unresolved).toHaveLength(2);
    expect(l.targets.size).toBe(0);
  });
});

describe('PageLinks.rewriteUrl', () => {
  it.each([
    ['slug URL', `https://www.notion.so/Home-${hex(HOME)}`, '../home-11111111.md', HOME],
    ['slug URL without www', `https://notion.so/Home-${hex(HOME)}`, '../home-11111111.md', HOME],
    ['bare 32 hex', `https://www.notion.so/${hex(DEEP)}`, './sibling-22222222/tief-%C3%BCberblick-33333333.md', DEEP],
    ['dashed id', `https://www.notion.so/${DEEP}`, './sibling-22222222/tief-%C3%BCberblick-33333333.md', DEEP],
    ['upper-case hex', `https://www.notion.so/${hex(HOME).toUpperCase()}`, '../home-11111111.md', HOME],
    ['workspace path', `https://www.notion.so/acme/Home-${hex(HOME)}`, '../home-11111111.md', HOME],
    ['#block anchor on another page', `https://www.notion.so/Home-${hex(HOME)}#${hex(BLOCK_IN_HOME)}`, '../home-11111111.md', HOME],
    ['public notion.site page', `https://acme.notion.site/Home-${hex(HOME)}`, '../home-11111111.md', HOME],
    ['app.notion.com', `https://app.notion.com/p/${hex(HOME)}`, '../home-11111111.md', HOME],
    ['database view ?v=', `https://www.notion.so/${hex(DB)}?v=${hex(VIEW)}`, './partners-44444444.md', DB],
    ['row peek ?p=', `https://www.notion.so/${hex(DB)}?v=${hex(VIEW)}&p=${hex(ROW)}&pm=s`, './partners-44444444/singa-55555555.md', ROW],
    ['query and anchor together', `https://www.notion.so/Deep-${hex(DEEP)}?pvs=4#${hex(BLOCK_IN_SIBLING)}`, './sibling-22222222/tief-%C3%BCberblick-33333333.md', DEEP],
  ])('%s', (_, url, href, target) => {
    const l = links();
    expect(l.rewriteUrl(url)).toBe(href);
    expect([...l.targets]).toEqual([target]);
    expect(l.unresolved).toEqual([]);
  });

  it('rewrites a link to its own page without listing it as a target', () => {
    const l = links();
    expect(l.rewriteUrl(`https://www.notion.so/Sibling-${hex(SIBLING)}#${hex(BLOCK_IN_SIBLING)}`)).toBe('./sibling-22222222.md');
    expect(l.targets.size).toBe(0);
  });

  it.each([
    'https://example.org/Home-11111111111141118111111111111111',
    `https://notion.so.evil.example/${hex(HOME)}`,
    `https://evilnotion.so/${hex(HOME)}`,
    'https://www.notion.so/help/guides',
    'https://www.notion.so/',
    'mailto:office@example.org',
    'tel:+359000000',
    './already-relative.md',
    '#heading',
    'not a url at all',
  ])('leaves %s untouched and records nothing', (url) => {
    const l = links();
    expect(l.rewriteUrl(url)).toBe(url);
    expect(l.targets.size).toBe(0);
    expect(l.unresolved).toEqual([]);
  });

  it('keeps a Notion URL to a page outside the export as it was and records it, once per call', () => {
    const l = links();
    const url = `https://www.notion.so/Private-${hex(OUTSIDE)}?pvs=21`;
    expect(l.rewriteUrl(url)).toBe(url);
    expect(l.unresolved).toEqual([{ pageId: SIBLING, target: OUTSIDE, url }]);
    expect(l.rewriteUrl(url)).toBe(url);
    expect(l.unresolved).toHaveLength(2);
  });
});

describe('PageLinks.pathOf', () => {
  it('answers snapshot-relative paths (for JSON records) and records the targets', () => {
    const l = links();
    expect(l.pathOf(ROW)).toBe('pages/home-11111111/partners-44444444/singa-55555555.md');
    expect(l.pathOf(DB)).toBe('pages/home-11111111/partners-44444444.md');
    expect(l.pathOf(BLOCK_IN_HOME)).toBe('pages/home-11111111.md');
    expect(l.pathOf(SIBLING)).toBe(FROM);
    expect([...l.targets].sort()).toEqual([HOME, DB, ROW].sort());
  });

  it('answers null outside the export and records the link', () => {
    const l = links();
    expect(l.pathOf(OUTSIDE)).toBeNull();
    expect(l.unresolved).toEqual([{ pageId: SIBLING, target: OUTSIDE, url: notionUrlOf(OUTSIDE) }]);
  });
});

describe('PageLinks.withBase(null): links as records write them', () => {
  it('gives snapshot-relative hrefs, URL-encoded like those in page files', () => {
    const root = links().withBase(null);
    expect(root.linkTo(DEEP)).toBe('pages/home-11111111/sibling-22222222/tief-%C3%BCberblick-33333333.md');
    expect(root.rewriteUrl(`https://www.notion.so/Home-${hex(HOME)}`)).toBe('pages/home-11111111.md');
    expect(root.linkTo(OUTSIDE)).toBe(`https://www.notion.so/${hex(OUTSIDE)}`);
    expect(relativeHref(null, 'pages/q (draft).md')).toBe('pages/q%20%28draft%29.md');
  });

  it('records its lookups on the page it was made from', () => {
    const l = links();
    const root = l.withBase(null);
    root.linkTo(HOME);
    root.rewriteUrl(`https://www.notion.so/${hex(OUTSIDE)}`);
    l.linkTo(DB);
    expect([...l.targets]).toEqual([HOME, DB]);
    expect(l.unresolved).toEqual([{ pageId: SIBLING, target: OUTSIDE, url: `https://www.notion.so/${hex(OUTSIDE)}` }]);
    expect(root.targets).toBe(l.targets);
  });
});

describe('LinkIndex', () => {
  it('prefers the page itself over the page holding its child_page block', () => {
    const index = new LinkIndex(plan());
    expect(index.targetOf(SIBLING)).toBe(SIBLING);
    expect(index.pathOf(SIBLING)).toBe(FROM);
    expect(index.targetOf(OUTSIDE)).toBeNull();
    expect(index.pathOf(OUTSIDE)).toBeNull();
  });
});

// ------------------------------------------------------------------ links to heading blocks

describe('links to a heading block keep its anchor', () => {
  const HEADING_IN_HOME = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
  const HEADING_IN_DEEP = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
  const withHeadings = () => {
    const p = plan();
    p.pageOfBlock.set(HEADING_IN_HOME, HOME);
    p.pageOfBlock.set(HEADING_IN_DEEP, DEEP);
    const anchors = new Map([
      [HEADING_IN_HOME, 'formulas-1'],
      [HEADING_IN_DEEP, 'überblick'],
    ]);
    return new PageLinks(new LinkIndex(p, anchors), SIBLING, FROM);
  };

  it.each([
    ['a Notion URL with #<heading id>', `https://www.notion.so/Home-${hex(HOME)}#${hex(HEADING_IN_HOME)}`, '../home-11111111.md#formulas-1', HOME],
    ['a URL with a query and #<heading id>', `https://www.notion.so/${hex(DEEP)}?pvs=4#${hex(HEADING_IN_DEEP)}`, './sibling-22222222/tief-%C3%BCberblick-33333333.md#%C3%BCberblick', DEEP],
    ['a URL naming the heading block itself', `https://www.notion.so/${hex(HEADING_IN_HOME)}`, '../home-11111111.md#formulas-1', HOME],
    ['#<id of a block that is not a heading> (→ the page)', `https://www.notion.so/Home-${hex(HOME)}#${hex(BLOCK_IN_HOME)}`, '../home-11111111.md', HOME],
    ['#<heading of another page> (→ the page linked)', `https://www.notion.so/Home-${hex(HOME)}#${hex(HEADING_IN_DEEP)}`, '../home-11111111.md', HOME],
  ])('rewriteUrl: %s', (_, url, href, target) => {
    const l = withHeadings();
    expect(l.rewriteUrl(url)).toBe(href);
    expect([...l.targets]).toEqual([target]);
    expect(l.unresolved).toEqual([]);
  });

  it('linkTo a heading block id (a block mention) gives its page and anchor; any other block its page', () => {
    const l = withHeadings();
    expect(l.linkTo(HEADING_IN_HOME)).toBe('../home-11111111.md#formulas-1');
    expect(l.linkTo(BLOCK_IN_HOME)).toBe('../home-11111111.md');
    expect(l.linkTo(HOME)).toBe('../home-11111111.md');
  });

  it('without heading anchors every block link opens its page', () => {
    const p = plan();
    p.pageOfBlock.set(HEADING_IN_HOME, HOME);
    const l = new PageLinks(new LinkIndex(p), SIBLING, FROM);
    expect(l.rewriteUrl(`https://www.notion.so/Home-${hex(HOME)}#${hex(HEADING_IN_HOME)}`)).toBe('../home-11111111.md');
  });
});
