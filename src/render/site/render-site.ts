// The offline site, pure: one snapshot page's Markdown → a static HTML page, the page tree and
// the search documents. Everything is relative, so the site opens from file:// and from any
// folder the snapshot is copied to; nothing refers to a network address but links the reader
// clicks (external links stay links, external images become links so that opening a page
// never loads anything from outside).
import { posix } from 'node:path';
import MarkdownIt, { type Token } from 'markdown-it';
import { slugify, uniqueSlug } from '../markdown/collect-headings.js';

/** Where the site lives inside a snapshot. */
export const SITE_DIR = 'site';
/** The site's own files (CSS, JS, tree, search index), inside SITE_DIR. */
export const SITE_ASSETS = '_site';

/** One page of the site: a page, a database row or a database overview of the snapshot. */
export interface SitePage {
  id: string;
  title: string;
  /** The Markdown file in the snapshot (`pages/….md`). */
  markdown: string;
  parentId: string | null;
  kind: 'page' | 'database';
}

/** A node of the navigation tree: title, href relative to the site root, children. */
export interface TreeNode {
  t: string;
  h: string;
  c?: TreeNode[];
}

/** The site file of a snapshot Markdown file: `pages/a/b.md` → `site/pages/a/b.html`. */
export function sitePathOf(markdownPath: string): string {
  return `${SITE_DIR}/${markdownPath.replace(/\.md$/, '.html')}`;
}

/** The href of `to` seen from the file `from` (both snapshot paths), URI-encoded. */
export function relativeHref(from: string, to: string): string {
  const rel = posix.relative(posix.dirname(from), to) || posix.basename(to);
  return rel.split('/').map(encodeURIComponent).join('/');
}

/** The page tree: every page under its parent (a row under its database), children by title. */
export function buildTree(pages: readonly SitePage[]): TreeNode[] {
  const byId = new Map(pages.map((p) => [p.id, { page: p, node: { t: p.title, h: sitePathOf(p.markdown).slice(SITE_DIR.length + 1) } as TreeNode }]));
  const roots: TreeNode[] = [];
  for (const { page, node } of byId.values()) {
    const parent = page.parentId === null ? undefined : byId.get(page.parentId);
    if (parent && parent.page.id !== page.id) (parent.node.c ??= []).push(node);
    else roots.push(node);
  }
  const sort = (nodes: TreeNode[]): TreeNode[] => {
    nodes.sort((a, b) => a.t.localeCompare(b.t, 'en') || (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    for (const n of nodes) if (n.c) sort(n.c);
    return nodes;
  };
  return sort(roots);
}

/** The Markdown renderer: raw HTML from Notion is escaped (html: false), bare URLs stay text. */
function markdownRenderer(): ReturnType<typeof MarkdownIt> {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  // GitHub-style heading anchors, so that links to `page.md#heading` land on the heading.
  md.core.ruler.push('heading_ids', (state) => {
    const seen = new Map<string, number>();
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.type !== 'heading_open') continue;
      tokens[i]!.attrSet('id', uniqueSlug(seen, slugify(inlineText(tokens[i + 1]))));
    }
  });
  const rules = md.renderer.rules;
  rules.table_open = () => '<div class="table-wrap"><table>\n';
  rules.table_close = () => '</table></div>\n';
  return md;
}

const renderer = markdownRenderer();

function inlineText(token: Token | undefined): string {
  if (!token?.children) return token?.content ?? '';
  return token.children.map((c: Token): string => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.children ? inlineText(c) : '')).join('');
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * A link target in a snapshot Markdown file, seen from the site page of that file: a Markdown
 * file of another site page becomes its HTML page, any other snapshot file (assets, CSV, JSON)
 * is reached from the site page. External and in-page links are kept.
 */
export function rewriteHref(fromMarkdown: string, href: string, sitePages: ReadonlySet<string>): string {
  if (href === '' || href.startsWith('#') || EXTERNAL.test(href)) return href;
  const hashAt = href.indexOf('#');
  const [pathPart, hash] = hashAt === -1 ? [href, ''] : [href.slice(0, hashAt), href.slice(hashAt)];
  let decoded: string;
  try {
    decoded = decodeURI(pathPart.split('?')[0]!);
  } catch {
    return href;
  }
  const target = posix.normalize(posix.join(posix.dirname(fromMarkdown), decoded));
  if (target.startsWith('..')) return href;
  const resolved = target.endsWith('.md') && sitePages.has(target) ? sitePathOf(target) : target;
  return relativeHref(sitePathOf(fromMarkdown), resolved) + hash;
}

export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The page's Markdown without its YAML frontmatter. */
export function markdownBody(markdown: string): string {
  return markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
}

export interface RenderedSitePage {
  html: string;
  /** The page's text for the search index (headings, paragraphs, table cells). */
  text: string;
}

/** One page of the site: its Markdown rendered, links rewritten, inside the site's frame. */
export function renderSitePage(page: SitePage, markdown: string, sitePages: ReadonlySet<string>): RenderedSitePage {
  const env = {};
  const tokens = renderer.parse(markdownBody(markdown), env);
  const text: string[] = [];
  const visit = (list: Token[]): void => {
    for (const t of list) {
      if (t.type === 'link_open') {
        const href = t.attrGet('href');
        if (href !== null) t.attrSet('href', rewriteHref(page.markdown, String(href), sitePages));
      }
      if (t.type === 'image') {
        const src = String(t.attrGet('src') ?? '');
        if (EXTERNAL.test(src)) {
          // Loading it would reach outside the machine: the reader gets a link to click instead.
          t.type = 'html_inline';
          t.content = `<a class="external-image" href="${escapeHtml(src)}">[image: ${escapeHtml(inlineText(t) || src)}]</a>`;
        } else {
          t.attrSet('src', rewriteHref(page.markdown, src, sitePages));
        }
      }
      if (t.type === 'text' || t.type === 'code_inline' || t.type === 'code_block' || t.type === 'fence') text.push(t.content);
      if (t.children) visit(t.children);
    }
  };
  visit(tokens);
  // html_inline tokens made above are ours; the renderer escapes everything that came from Notion.
  const body = renderer.renderer.render(tokens, renderer.options, env);
  const sitePath = sitePathOf(page.markdown);
  const root = relativeHref(sitePath, `${SITE_DIR}/index.html`).replace(/index\.html$/, '');
  const main = `<main class="${page.kind}" data-page="${escapeHtml(sitePath.slice(SITE_DIR.length + 1))}">\n${body}</main>`;
  return { html: frame(page.title, root, main, sitePath.slice(SITE_DIR.length + 1)), text: text.join(' ').replace(/\s+/g, ' ').trim() };
}

/** The site's home page: the tree, the search box and the top-level pages. */
export function renderHomePage(title: string, tree: readonly TreeNode[]): string {
  const list = tree.map((n) => `<li><a href="${escapeHtml(n.h.split('/').map(encodeURIComponent).join('/'))}">${escapeHtml(n.t)}</a></li>`).join('\n');
  const main = `<main class="home" data-page="index.html">
<h1>${escapeHtml(title)}</h1>
<p>An offline copy of the wiki: browse the page tree on the left or search it. Everything here comes from the files beside this site (Markdown, JSON, CSV and the downloaded files in <code>assets/</code>); nothing is loaded from the network.</p>
<ul class="top-level">
${list}
</ul>
</main>`;
  return frame(title, '', main, 'index.html');
}

function frame(title: string, root: string, main: string, here: string): string {
  const a = (file: string) => escapeHtml(`${root}${SITE_ASSETS}/${file}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${a('site.css')}">
</head>
<body data-root="${escapeHtml(root)}" data-here="${escapeHtml(here)}">
<div class="layout">
<nav class="sidebar" aria-label="Pages">
<p class="home-link"><a href="${escapeHtml(root)}index.html">Home</a></p>
<form class="search" role="search" onsubmit="return false"><input id="search" type="search" placeholder="Search titles and text" aria-label="Search" autocomplete="off"></form>
<ol id="results" class="results" hidden></ol>
<div id="tree" class="tree"></div>
</nav>
${main}
</div>
<script src="${a('tree.js')}"></script>
<script src="${a('site.js')}"></script>
</body>
</html>
`;
}

/** The tree as a script (loaded with <script src>: file:// pages cannot fetch JSON). */
export function treeScript(tree: readonly TreeNode[]): string {
  return `window.NOTION_KB_TREE = ${JSON.stringify(tree).replace(/</g, '\\u003c')};\n`;
}

/** The prebuilt search index as a script, with the options it was built with. */
export function searchIndexScript(indexJson: string): string {
  return `window.NOTION_KB_SEARCH = ${indexJson.replace(/</g, '\\u003c')};\n`;
}
