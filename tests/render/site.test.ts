import { describe, expect, it } from 'vitest';
import type { DatabaseRecord, PropertyValue } from '../../src/normalise/schemas.js';
import {
  buildTree,
  renderDatabasePage,
  renderHomePage,
  renderSitePage,
  rewriteHref,
  safeHtml,
  sitePathOf,
  summaryOf,
  topLevelPages,
  type SitePage,
  type SitePageContext,
} from '../../src/render/site/render-site.js';

const page = (over: Partial<SitePage> = {}): SitePage => ({ id: 'p1', title: 'Guide', markdown: 'pages/wiki/guide.md', parentId: null, kind: 'page', ...over });
const SITE_PAGES = new Set(['pages/wiki/guide.md', 'pages/wiki/guide/child.md', 'pages/wiki.md']);
const ctx = (over: Partial<SitePageContext> = {}): SitePageContext => ({
  siteTitle: 'Wiki',
  trail: [],
  head: { icon: null, cover: null, lastEditedTime: null, lastEditedBy: null },
  titleOf: () => null,
  ...over,
});

describe('offline site: one page', () => {
  it('escapes raw HTML that came from Notion, and drops javascript: links', () => {
    const md = '---\ntitle: x\n---\n\n# Guide\n\n<script>alert(1)</script>\n\nText <img src=x onerror="alert(2)"> and [click](javascript:alert(3)).\n';
    const { html } = renderSitePage(page(), md, SITE_PAGES, ctx());
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    expect(html).not.toMatch(/<script>alert|<img src=x|href="javascript:/);
    // The frontmatter is not shown as text.
    expect(html).not.toContain('title: x');
  });

  it('rewrites links to other pages to their HTML pages, and links to files to the snapshot', () => {
    const md = '# Guide\n\n[Child](guide/child.md#setup) [Top](../wiki.md) [Log](../../CHANGELOG.md) [CSV](guide/db.csv) [Out](https://example.org/a) [Here](#guide)\n\n![Logo](../../assets/abc.png)\n';
    const { html } = renderSitePage(page(), md, SITE_PAGES, ctx());
    expect(html).toContain('href="guide/child.html#setup"');
    expect(html).toContain('href="../wiki.html"');
    expect(html).toContain('href="../../../CHANGELOG.md"');
    expect(html).toContain('href="../../../pages/wiki/guide/db.csv"');
    expect(html).toContain('href="https://example.org/a"');
    expect(html).toContain('href="#guide"');
    expect(html).toContain('<img src="../../../assets/abc.png" alt="Logo">');
  });

  it('shows an external image as a link, so that opening a page loads nothing from the network', () => {
    const { html } = renderSitePage(page(), '# Guide\n\n![Chart <b>](https://img.example.org/c.png)\n', SITE_PAGES, ctx());
    expect(html).not.toContain('<img src="https:');
    expect(html).toContain('<a class="external-image" href="https://img.example.org/c.png">[image: Chart &lt;b&gt;]</a>');
  });

  it('shows to-dos as checkboxes, ticked or not, and no bracket text', () => {
    const md = '# Guide\n\n- [x] Export once a month\n- [ ] Keep two copies, one offline\n- A plain item with [brackets] in it\n';
    const { html } = renderSitePage(page(), md, SITE_PAGES, ctx());
    expect(html).toContain('<li class="task"><input type="checkbox" disabled checked> Export once a month</li>');
    expect(html).toContain('<li class="task"><input type="checkbox" disabled> Keep two copies, one offline</li>');
    expect(html).toContain('<li>A plain item with [brackets] in it</li>');
    expect(html).not.toMatch(/\[[ x]\]/);
  });

  it('shows equations as MathML, read as TeX whole (no Markdown escape takes a backslash), and TeX it cannot read as written', () => {
    const md = '# Guide\n\n$$ \\text{completion} = \\frac{n_c}{n} \\times 100\\,\\% $$\n\nWhere $n_c$ counts completions, at \\$5 each.\n\n$$ \\frac{1}{ $$\n';
    const { html } = renderSitePage(page(), md, SITE_PAGES, ctx());
    expect(html).toMatch(/<div class="math"><math display="block"[^>]*>.*<mfrac>.*<mspace width="0.1667em"><\/mspace><mi>%<\/mi>.*<\/math><\/div>/s);
    expect(html).toMatch(/Where <math[^>]*>.*<msub><mi>n<\/mi><mi>c<\/mi><\/msub>.*<\/math> counts completions, at \$5 each\./s);
    expect(html).toContain('<code class="math">$$ \\frac{1}{ $$</code>');
  });

  it('gives headings the GitHub anchors the Markdown links use', () => {
    const { html } = renderSitePage(page(), '# Guide\n\n## Set up\n\n## Set up\n\n## Guide\n', SITE_PAGES, ctx());
    expect(html).toContain('<h1 id="guide">Guide</h1>');
    expect(html).toContain('<h2 id="set-up">Set up</h2>');
    expect(html).toContain('<h2 id="set-up-1">Set up</h2>');
    expect(html).toContain('<h2 id="guide-1">Guide</h2>');
  });

  it('collects the page text for the search index, and loads only its own relative scripts', () => {
    const r = renderSitePage(page(), '# Guide\n\nMicrocredit for **founders**.\n\n| a | b |\n| --- | --- |\n| cell one | 2 |\n', SITE_PAGES, ctx());
    expect(r.text).toBe('Guide Microcredit for founders . a b cell one 2');
    expect(r.html).toContain('<script src="../../_site/tree.js"></script>');
    expect(r.html).toContain('<link rel="stylesheet" href="../../_site/site.css">');
    expect(r.html).toContain('<div class="table-wrap"><table>');
    expect([...r.html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => /^[a-z]+:/i.test(u!))).toEqual([]);
  });

});

describe('offline site: tree and paths', () => {
  it('puts every page under its parent, rows under their database, children by title', () => {
    const tree = buildTree([
      page({ id: 'root', title: 'Wiki', markdown: 'pages/wiki.md' }),
      page({ id: 'b', title: 'Beta', markdown: 'pages/wiki/beta.md', parentId: 'root' }),
      page({ id: 'a', title: 'alpha', markdown: 'pages/wiki/alpha.md', parentId: 'root' }),
      page({ id: 'db', title: 'Sessions', markdown: 'pages/wiki/sessions.md', parentId: 'a', kind: 'database' }),
      page({ id: 'r1', title: 'Row', markdown: 'pages/wiki/sessions/row.md', parentId: 'db' }),
      page({ id: 'lost', title: 'Orphan', markdown: 'pages/orphan.md', parentId: 'not-exported' }),
    ]);
    expect(tree).toEqual([
      { t: 'Orphan', h: 'pages/orphan.html' },
      {
        t: 'Wiki',
        h: 'pages/wiki.html',
        c: [
          { t: 'alpha', h: 'pages/wiki/alpha.html', c: [{ t: 'Sessions', h: 'pages/wiki/sessions.html', d: 1, c: [{ t: 'Row', h: 'pages/wiki/sessions/row.html' }] }] },
          { t: 'Beta', h: 'pages/wiki/beta.html' },
        ],
      },
    ]);
  });

  it('maps Markdown paths to site paths and keeps links that leave the snapshot as they are', () => {
    expect(sitePathOf('pages/a/b.md')).toBe('site/pages/a/b.html');
    expect(rewriteHref('pages/a.md', '../../outside.md', SITE_PAGES)).toBe('../../outside.md');
    expect(rewriteHref('pages/wiki/guide.md', 'guide/child%20x.md', SITE_PAGES)).toBe('../../../pages/wiki/guide/child%20x.md');
  });

  it('lists the children of a single root on the home page, or every root when there are several', () => {
    const root = page({ id: 'r', title: 'Wiki', markdown: 'pages/wiki.md' });
    const pages = [root, page({ id: 'b', title: 'Beta', markdown: 'pages/wiki/beta.md', parentId: 'r' }), page({ id: 'a', title: 'alpha', markdown: 'pages/wiki/alpha.md', parentId: 'r' }), page({ id: 'c', title: 'Deep', markdown: 'pages/wiki/alpha/deep.md', parentId: 'a' })];
    expect(topLevelPages(pages)).toEqual({ root, top: [pages[2], pages[1]] });
    const lost = page({ id: 'x', title: 'Lost', markdown: 'pages/lost.md', parentId: 'not-exported' });
    expect(topLevelPages([...pages, lost])).toEqual({ root: null, top: [lost, root] });
  });
});

describe('offline site: a page with its header and properties', () => {
  const md = [
    '---',
    'title: Row',
    '---',
    '',
    '# Row <1>',
    '',
    '![Cover](../../assets/cover.png)',
    '',
    '| Property | Value |',
    '| --- | --- |',
    '| Budget | 412500 |',
    '',
    'The body.',
    '',
    '<details>',
    '<summary>A <strong>toggle</strong> &amp; more</summary>',
    '',
    'Inside.',
    '',
    '</details>',
    '',
  ].join('\n');
  const row = page({ id: 'row', title: 'Row <1>', markdown: 'pages/wiki/db/row.md', parentId: 'db' });
  const trail = [page({ id: 'w', title: 'Wiki & Co', markdown: 'pages/wiki.md' }), page({ id: 'db', title: 'Db', markdown: 'pages/wiki/db.md', kind: 'database' })];
  const values: Record<string, PropertyValue> = { Name: { type: 'title', value: { text: 'Row <1>', markdown: 'Row \\<1>' } }, Budget: { type: 'number', value: 412500 } };
  const { html } = renderSitePage(row, md, new Set([...SITE_PAGES, 'pages/wiki/db.md']), {
    siteTitle: 'Wiki & Co',
    trail,
    head: { icon: { type: 'emoji', emoji: '🎓' }, cover: { type: 'file', path: 'assets/cover.png' }, lastEditedTime: '2024-01-08T17:42:00.000Z', lastEditedBy: 'Elena <Marković>' },
    properties: { values, schema: { Budget: { id: 'b', type: 'number', format: 'euro', description: null } } },
    titleOf: () => null,
  });

  it('shows the breadcrumb, the cover as a banner, the icon above the title and who last edited it, all escaped', () => {
    expect(html).toContain('<nav class="breadcrumb" aria-label="Breadcrumb"><ol><li><a href="../../wiki.html">Wiki &amp; Co</a></li><li><a href="../db.html">Db</a></li><li aria-current="page">Row &lt;1&gt;</li></ol></nav>');
    expect(html).toContain('<div class="cover"><img src="../../../../assets/cover.png" alt=""></div>');
    expect(html).toMatch(/<header class="page-head">\n<span class="page-icon" aria-hidden="true">🎓<\/span><h1 id="row-1">Row &lt;1&gt;<\/h1>\n<p class="edited">Last edited <time datetime="2024-01-08T17:42:00.000Z">Jan 8, 2024<\/time> by Elena &lt;Marković&gt;<\/p>/);
    expect(html).toContain('<title>Row &lt;1&gt; · Wiki &amp; Co</title>');
  });

  it("replaces the Markdown's title, cover line and property table by the header and the formatted property list", () => {
    expect(html).toContain('<dl class="properties">\n<dt>Budget</dt><dd>€412,500</dd>\n</dl>');
    expect(html).not.toContain('412500');
    expect(html).not.toContain('![Cover]');
    expect(html.match(/<h1/g)).toHaveLength(1);
    expect(html.match(/cover\.png/g)).toHaveLength(1);
    expect(html).toContain('<p>The body.</p>');
  });

  it('keeps the toggles the Markdown writes as HTML, and nothing else of HTML', () => {
    expect(html).toContain('<details>\n<summary>A <strong>toggle</strong> &amp; more</summary>');
    expect(html).toContain('<p>Inside.</p>\n</details>');
  });
});

describe('offline site: safeHtml', () => {
  const keep = (href: string) => `rewritten/${href}`;
  it('keeps the tags the Markdown renderer writes, rewrites links and local images, and shows every other tag as text', () => {
    expect(safeHtml('<details>\n<summary>A <u>b</u> <em>c</em><br><code>x &lt; y</code></summary>', keep)).toBe('<details>\n<summary>A <u>b</u> <em>c</em><br><code>x &lt; y</code></summary>');
    expect(safeHtml('<a href="guide/child.md">x</a> <img src="../assets/e.png" alt=":magnet:">', keep)).toBe('<a href="rewritten/guide/child.md">x</a> <img src="rewritten/../assets/e.png" alt=":magnet:">');
    expect(safeHtml('<a href="https://example.org/?a=1&amp;b=2">x</a>', (h) => h)).toBe('<a href="https://example.org/?a=1&amp;b=2">x</a>');
    expect(safeHtml('<script>alert(1)</script>', keep)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(safeHtml('<div onclick="x()">a</div>', keep)).toBe('&lt;div onclick=&quot;x()&quot;&gt;a&lt;/div&gt;');
    expect(safeHtml('<u class="x">a</u>', keep)).toBe('&lt;u class=&quot;x&quot;&gt;a</u>');
    expect(safeHtml('<img src="https://tracker.example/p.gif" alt="">', keep)).toBe('&lt;img src=&quot;https://tracker.example/p.gif&quot; alt=&quot;&quot;&gt;');
    expect(safeHtml('<img src=x onerror="alert(2)">', keep)).toBe('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
  });

  it.each(['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', 'vbscript:x', 'java&#10;script:x'.replace('&#10;', '\n')])('never keeps a link to %j', (href) => {
    const html = safeHtml(`<a href="${href}">x</a>`, (h) => h);
    expect(html).not.toMatch(/<a href/);
  });
});

describe('offline site: a database page', () => {
  const record = {
    id: 'db',
    title: 'Partners',
    path: 'pages/wiki/partners.json',
    csv: 'pages/wiki/partners.csv',
    dataSources: [
      {
        id: 'ds',
        name: 'Partners',
        csv: 'pages/wiki/partners.csv',
        schema: {
          Name: { id: 't', type: 'title', description: null },
          Budget: { id: 'b', type: 'number', format: 'euro', description: null },
          Joined: { id: 'j', type: 'date', description: null },
          Sessions: { id: 's', type: 'relation', description: null, dataSourceId: 'x', databaseId: 'x', kind: 'single', syncedPropertyName: null, syncedPropertyId: null },
        },
        rows: [
          {
            id: 'r1',
            title: 'Danubia <U>',
            path: 'pages/wiki/partners/danubia.md',
            record: 'records/r1.json',
            properties: {
              Name: { type: 'title', value: { text: 'Danubia <U>', markdown: 'Danubia \\<U>' } },
              Budget: { type: 'number', value: 412500 },
              Joined: { type: 'date', value: { start: '2024-01-01', end: null, timeZone: null } },
              Sessions: { type: 'relation', value: Array.from({ length: 7 }, (_, i) => ({ id: `s${i}`, path: `pages/wiki/s${i}.md` })) },
            },
          },
        ],
      },
    ],
    rowIds: ['r1'],
    parentId: 'w',
    url: 'https://www.notion.so/db',
    isInline: false,
    linkedView: false,
    description: 'Who we are.',
    icon: null,
    cover: null,
    createdTime: '2024-01-01T00:00:00.000Z',
    lastEditedTime: '2024-01-08T00:00:00.000Z',
  } as unknown as DatabaseRecord;
  const sitePages = new Set(['pages/wiki/partners.md', 'pages/wiki/partners/danubia.md', ...Array.from({ length: 7 }, (_, i) => `pages/wiki/s${i}.md`)]);
  const { html, text } = renderDatabasePage(page({ id: 'db', title: 'Partners', markdown: 'pages/wiki/partners.md', kind: 'database' }), record, sitePages, {
    siteTitle: 'Wiki',
    trail: [],
    titleOf: (id) => `Session ${id}`,
  });

  it('shows the rows as a sortable table: formatted values, exact values to sort by, the title linking to the row', () => {
    expect(html).toContain('<main class="database"');
    expect(html).toContain('<p class="data-files">1 row · <a href="../../../pages/wiki/partners.json">JSON</a> · <a href="../../../pages/wiki/partners.csv">CSV</a></p>');
    expect(html).toContain('<th scope="col">Name</th><th class="num" scope="col">Budget</th>');
    expect(html).toContain('<td class="title"><div class="cell"><a href="partners/danubia.html">Danubia &lt;U&gt;</a></div></td>');
    expect(html).toContain('<td class="num" data-sort="412500"><div class="cell">€412,500</div></td>');
    expect(html).toContain('<td class="date" data-sort="2024-01-01"><div class="cell">Jan 1, 2024</div></td>');
  });

  it('shows a relation of seven pages as three and "+ 4 more", all seven one click away', () => {
    const cell = /<td class="wide"><div class="cell">(.*?)<\/div><\/td>/.exec(html)![1]!;
    expect(cell).toMatch(/^<details class="more"><summary>(<span class="chip"><a href="s\d\.html">Session s\d<\/a><\/span> ){3}<span class="more-count">\+ 4 more<\/span><\/summary>/);
    expect(cell.match(/<a href/g)).toHaveLength(7);
    expect(text).toContain('Partners Who we are. Danubia <U> 412500 2024-01-01 Session s0; Session s1');
  });
});

describe('offline site: the home page', () => {
  it('lists the top-level pages with icon and summary, escaped, after the root content, without the links it lists', () => {
    const root = page({ id: 'r', title: 'Wiki <x>', markdown: 'pages/wiki.md' });
    const guide = page({ id: 'g', title: 'A & <B>', markdown: 'pages/wiki/guide.md', parentId: 'r', icon: { type: 'emoji', emoji: '👋' } });
    const db = page({ id: 'd', title: 'Sessions', markdown: 'pages/wiki/s b.md', parentId: 'r', kind: 'database' });
    const markdown = '---\nid: r\n---\n\n# Wiki \\<x>\n\nWelcome to [the guide](wiki/guide.md).\n\n[A & \\<B>](wiki/guide.md)\n\n---\n';
    const html = renderHomePage(
      'Wiki <x>',
      [
        { page: guide, summary: 'Read <this> first.' },
        { page: db, summary: '' },
      ],
      new Set(['pages/wiki.md', 'pages/wiki/guide.md', 'pages/wiki/s b.md']),
      { page: root, markdown, head: { icon: null, cover: null, lastEditedTime: null, lastEditedBy: null } },
    );
    expect(html).toContain('<h1 id="wiki-x">Wiki &lt;x&gt;</h1>');
    expect(html).toContain('<p>Welcome to <a href="pages/wiki/guide.html">the guide</a>.</p>');
    expect(html).not.toContain('<p><a href="pages/wiki/guide.html">');
    expect(html).not.toContain('<hr>');
    expect(html).toContain('<li><a href="pages/wiki/guide.html"><span class="card-icon" aria-hidden="true">👋</span><span class="card-title">A &amp; &lt;B&gt;</span></a><p>Read &lt;this&gt; first.</p></li>');
    expect(html).toContain('<li><a href="pages/wiki/s%20b.html"><span class="card-icon" aria-hidden="true"><span class="glyph db"></span></span><span class="card-title">Sessions</span></a></li>');
    expect(html.indexOf('Welcome')).toBeLessThan(html.indexOf('class="cards"'));
  });

  it('summarises a page by its first line of some length, cut at a word', () => {
    expect(summaryOf('Start', 'Start\nWelcome\nMAGNET is a European network of universities and partners.\nMore')).toBe('MAGNET is a European network of universities and partners.');
    expect(summaryOf('T', 'Short one\n')).toBe('Short one');
    const long = summaryOf('T', 'word '.repeat(60));
    expect(long.length).toBeLessThanOrEqual(161);
    expect(long).toMatch(/word…$/);
    expect(summaryOf('T', '')).toBe('');
  });
});
