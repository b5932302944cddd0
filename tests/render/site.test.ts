import { describe, expect, it } from 'vitest';
import { buildTree, renderHomePage, renderSitePage, rewriteHref, sitePathOf, type SitePage } from '../../src/render/site/render-site.js';

const page = (over: Partial<SitePage> = {}): SitePage => ({ id: 'p1', title: 'Guide', markdown: 'pages/wiki/guide.md', parentId: null, kind: 'page', ...over });
const SITE_PAGES = new Set(['pages/wiki/guide.md', 'pages/wiki/guide/child.md', 'pages/wiki.md']);

describe('offline site: one page', () => {
  it('escapes raw HTML that came from Notion, and drops javascript: links', () => {
    const md = '---\ntitle: x\n---\n\n# Guide\n\n<script>alert(1)</script>\n\nText <img src=x onerror="alert(2)"> and [click](javascript:alert(3)).\n';
    const { html } = renderSitePage(page(), md, SITE_PAGES);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    expect(html).not.toMatch(/<script>alert|<img src=x|href="javascript:/);
    // The frontmatter is not shown as text.
    expect(html).not.toContain('title: x');
  });

  it('rewrites links to other pages to their HTML pages, and links to files to the snapshot', () => {
    const md = '# Guide\n\n[Child](guide/child.md#setup) [Top](../wiki.md) [Log](../../CHANGELOG.md) [CSV](guide/db.csv) [Out](https://example.org/a) [Here](#guide)\n\n![Logo](../../assets/abc.png)\n';
    const { html } = renderSitePage(page(), md, SITE_PAGES);
    expect(html).toContain('href="guide/child.html#setup"');
    expect(html).toContain('href="../wiki.html"');
    expect(html).toContain('href="../../../CHANGELOG.md"');
    expect(html).toContain('href="../../../pages/wiki/guide/db.csv"');
    expect(html).toContain('href="https://example.org/a"');
    expect(html).toContain('href="#guide"');
    expect(html).toContain('<img src="../../../assets/abc.png" alt="Logo">');
  });

  it('shows an external image as a link, so that opening a page loads nothing from the network', () => {
    const { html } = renderSitePage(page(), '# Guide\n\n![Chart <b>](https://img.example.org/c.png)\n', SITE_PAGES);
    expect(html).not.toContain('<img src="https:');
    expect(html).toContain('<a class="external-image" href="https://img.example.org/c.png">[image: Chart &lt;b&gt;]</a>');
  });

  it('gives headings the GitHub anchors the Markdown links use', () => {
    const { html } = renderSitePage(page(), '# Guide\n\n## Set up\n\n## Set up\n\n## Guide\n', SITE_PAGES);
    expect(html).toContain('<h1 id="guide">Guide</h1>');
    expect(html).toContain('<h2 id="set-up">Set up</h2>');
    expect(html).toContain('<h2 id="set-up-1">Set up</h2>');
    expect(html).toContain('<h2 id="guide-1">Guide</h2>');
  });

  it('collects the page text for the search index, and loads only its own relative scripts', () => {
    const r = renderSitePage(page(), '# Guide\n\nMicrocredit for **founders**.\n\n| a | b |\n| --- | --- |\n| cell one | 2 |\n', SITE_PAGES);
    expect(r.text).toBe('Guide Microcredit for founders . a b cell one 2');
    expect(r.html).toContain('<script src="../../_site/tree.js"></script>');
    expect(r.html).toContain('<link rel="stylesheet" href="../../_site/site.css">');
    expect(r.html).toContain('<div class="table-wrap"><table>');
    expect([...r.html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => /^[a-z]+:/i.test(u!))).toEqual([]);
  });

  it('marks database overviews, whose tables the site makes sortable', () => {
    const { html } = renderSitePage(page({ kind: 'database' }), '# Db\n\n| Name | N |\n| --- | --- |\n| [Row](guide/child.md) | 3 |\n', SITE_PAGES);
    expect(html).toContain('<main class="database"');
    expect(html).toContain('<a href="guide/child.html">Row</a>');
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
          { t: 'alpha', h: 'pages/wiki/alpha.html', c: [{ t: 'Sessions', h: 'pages/wiki/sessions.html', c: [{ t: 'Row', h: 'pages/wiki/sessions/row.html' }] }] },
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

  it('escapes titles on the home page', () => {
    const html = renderHomePage('<Wiki>', [{ t: 'A & <B>', h: 'pages/a b.html' }]);
    expect(html).toContain('<h1>&lt;Wiki&gt;</h1>');
    expect(html).toContain('<a href="pages/a%20b.html">A &amp; &lt;B&gt;</a>');
  });
});
