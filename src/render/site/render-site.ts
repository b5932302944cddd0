// The offline site, pure: one snapshot page's Markdown and record → a static HTML page, a
// database's record → its table page, the home page, the page tree and the search documents.
// Everything is relative, so the site opens from file:// and from any folder the snapshot is
// copied to; nothing refers to a network address but links the reader clicks (external links
// stay links, external images become links so that opening a page never loads anything from
// outside).
import { posix } from 'node:path';
import MarkdownIt, { type Token } from 'markdown-it';
import temml from 'temml';
import type { Cover, DatabaseRecord, Icon, PropertySchema, PropertyValue } from '../../normalise/schemas.js';
import { propertyValueToCsvCell } from '../csv.js';
import { slugify, uniqueSlug } from '../markdown/collect-headings.js';
import { orderedColumns, shownProperties } from '../markdown/documents.js';
import { escapeHtml } from './escape-html.js';
import { formatDay, isNumeric, sortKey, valueHtml, type ValueContext } from './display-values.js';

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
  /** The page's icon, once its record is read (for the tree and the home page). */
  icon?: Icon | null;
}

/** A node of the navigation tree: title, href relative to the site root, children, icon (emoji `i` or image `s`, relative to the site root), `d` for a database. */
export interface TreeNode {
  t: string;
  h: string;
  c?: TreeNode[];
  i?: string;
  s?: string;
  d?: 1;
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

/** An icon as the tree and the home page show it: an emoji, or an image file of the snapshot (seen from the site root). */
function iconFields(icon: Icon | null | undefined): Pick<TreeNode, 'i' | 's'> {
  if (!icon) return {};
  if (icon.type === 'emoji') return { i: icon.emoji };
  const path = 'path' in icon ? icon.path : null;
  return path ? { s: relativeHref(`${SITE_DIR}/index.html`, path) } : {};
}

/** The page tree: every page under its parent (a row under its database), children by title. */
export function buildTree(pages: readonly SitePage[]): TreeNode[] {
  const byId = new Map(
    pages.map((p) => [p.id, { page: p, node: { t: p.title, h: sitePathOf(p.markdown).slice(SITE_DIR.length + 1), ...iconFields(p.icon), ...(p.kind === 'database' ? { d: 1 } : {}) } as TreeNode }]),
  );
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

/**
 * The pages the home page lists: the children of the single root (its own content goes above
 * them), or every root when there are several. In tree order.
 */
export function topLevelPages(pages: readonly SitePage[]): { root: SitePage | null; top: SitePage[] } {
  const ids = new Set(pages.map((p) => p.id));
  const roots = pages.filter((p) => p.parentId === null || !ids.has(p.parentId) || p.parentId === p.id);
  const root = roots.length === 1 ? roots[0]! : null;
  const top = root ? pages.filter((p) => p.parentId === root.id && p.id !== root.id) : roots;
  return { root, top: [...top].sort((a, b) => a.title.localeCompare(b.title, 'en') || (a.markdown < b.markdown ? -1 : a.markdown > b.markdown ? 1 : 0)) };
}

/** The ancestors of a page, outermost first (a cycle or a parent outside the site ends the trail). */
export function ancestorsOf(page: SitePage, byId: ReadonlyMap<string, SitePage>): SitePage[] {
  const trail: SitePage[] = [];
  const seen = new Set([page.id]);
  for (let p = page.parentId ? byId.get(page.parentId) : undefined; p && !seen.has(p.id); p = p.parentId ? byId.get(p.parentId) : undefined) {
    seen.add(p.id);
    trail.unshift(p);
  }
  return trail;
}

/**
 * The Markdown renderer: bare URLs stay text; HTML is parsed so that the few tags the Markdown
 * renderer itself writes (toggles as <details>, underline, line breaks in table cells) work,
 * and `safeHtml` escapes every other tag (Notion's own text reaches the Markdown escaped).
 */
function markdownRenderer(): ReturnType<typeof MarkdownIt> {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  // GitHub-style heading anchors, so that links to `page.md#heading` land on the heading.
  md.core.ruler.push('heading_ids', (state) => {
    const seen = new Map<string, number>();
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.type !== 'heading_open') continue;
      tokens[i]!.attrSet('id', uniqueSlug(seen, slugify(inlineText(tokens[i + 1]))));
    }
  });
  mathRules(md);
  taskLists(md);
  const rules = md.renderer.rules;
  rules.table_open = () => '<div class="table-wrap"><table>\n';
  rules.table_close = () => '</table></div>\n';
  return md;
}

/**
 * Equations as the Markdown writes them (`$…$` in text, a `$$ … $$` line for an equation block)
 * are TeX, read whole: not Markdown, whose backslash escapes would change them (`100\,\%` would
 * lose its backslashes). They are shown as MathML (temml: no fonts or scripts to ship, and every
 * browser draws it); TeX that temml cannot read is shown as it is written, as code.
 */
function mathRules(md: ReturnType<typeof MarkdownIt>): void {
  const DOLLAR = 0x24;
  md.inline.ruler.before('escape', 'math_inline', (state, silent) => {
    const src = state.src;
    if (src.charCodeAt(state.pos) !== DOLLAR || src.charCodeAt(state.pos + 1) === DOLLAR) return false;
    const start = state.pos + 1;
    let end = src.indexOf('$', start);
    while (end !== -1 && src.charCodeAt(end - 1) === 0x5c) end = src.indexOf('$', end + 1);
    if (end === -1 || end === start) return false;
    if (!silent) state.push('math_inline', 'math', 0).content = src.slice(start, end);
    state.pos = end + 1;
    return true;
  });
  md.block.ruler.before(
    'paragraph',
    'math_block',
    (state, startLine, endLine, silent) => {
      const lineText = (n: number) => state.src.slice(state.bMarks[n]! + state.tShift[n]!, state.eMarks[n]);
      const first = lineText(startLine);
      if (!first.startsWith('$$')) return false;
      let body = first.slice(2);
      let last = startLine;
      while (!(body.trimEnd().endsWith('$$') && (last > startLine || body.trim().length >= 2))) {
        if (++last >= endLine) return false;
        body += `\n${lineText(last)}`;
      }
      if (silent) return true;
      const token = state.push('math_block', 'math', 0);
      token.content = body.trimEnd().slice(0, -2).trim();
      token.block = true;
      token.map = [startLine, last + 1];
      state.line = last + 1;
      return true;
    },
    { alt: ['paragraph', 'reference', 'blockquote', 'list'] },
  );
  const tex = (source: string, displayMode: boolean): string => {
    try {
      return temml.renderToString(source, { displayMode, throwOnError: true });
    } catch {
      return `<code class="math">${escapeHtml(displayMode ? `$$ ${source} $$` : `$${source}$`)}</code>`;
    }
  };
  md.renderer.rules.math_inline = (tokens, idx) => tex(tokens[idx]!.content, false);
  md.renderer.rules.math_block = (tokens, idx) => `<div class="math">${tex(tokens[idx]!.content, true)}</div>\n`;
}

/** To-dos (`- [ ] …`, `- [x] …`) as checkboxes, ticked or not, as the wiki shows them. */
function taskLists(md: ReturnType<typeof MarkdownIt>): void {
  md.core.ruler.push('task_lists', (state) => {
    const tokens = state.tokens;
    for (let i = 2; i < tokens.length; i++) {
      const inline = tokens[i]!;
      if (inline.type !== 'inline' || tokens[i - 1]!.type !== 'paragraph_open' || tokens[i - 2]!.type !== 'list_item_open') continue;
      const mark = /^\[([ xX])\] /.exec(inline.content);
      const text = inline.children?.[0];
      if (!mark || text?.type !== 'text' || !text.content.startsWith(mark[0])) continue;
      text.content = text.content.slice(mark[0].length);
      const box = new state.Token('task_checkbox', 'input', 0);
      box.meta = { checked: mark[1] !== ' ' };
      inline.children!.unshift(box);
      tokens[i - 2]!.attrJoin('class', 'task');
    }
  });
  md.renderer.rules.task_checkbox = (tokens, idx) => `<input type="checkbox" disabled${(tokens[idx]!.meta as { checked: boolean }).checked ? ' checked' : ''}> `;
}

const renderer = markdownRenderer();

function inlineText(token: Token | undefined): string {
  if (!token?.children) return token?.content ?? '';
  return token.children.map((c: Token): string => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.children ? inlineText(c) : '')).join('');
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** The href of a snapshot file seen from a site file: a Markdown file of a site page becomes its HTML page. */
function hrefFromSite(fromSite: string, snapshotPath: string, sitePages: ReadonlySet<string>): string {
  const resolved = snapshotPath.endsWith('.md') && sitePages.has(snapshotPath) ? sitePathOf(snapshotPath) : snapshotPath;
  return relativeHref(fromSite, resolved);
}

/**
 * A link target in a snapshot Markdown file, seen from the site page of that file (or from
 * `fromSite`): a Markdown file of another site page becomes its HTML page, any other snapshot
 * file (assets, CSV, JSON) is reached from the site page. External and in-page links are kept.
 */
export function rewriteHref(fromMarkdown: string, href: string, sitePages: ReadonlySet<string>, fromSite = sitePathOf(fromMarkdown)): string {
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
  return hrefFromSite(fromSite, target, sitePages) + hash;
}

export { escapeHtml };

/** The page's Markdown without its YAML frontmatter. */
export function markdownBody(markdown: string): string {
  return markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
}

/** Tags kept from HTML in the Markdown, without attributes; `a` keeps its href and `img` its src and alt (rewritten like Markdown links). */
const SAFE_TAGS = new Set(['details', 'summary', 'strong', 'em', 's', 'u', 'code', 'br', 'sub', 'sup']);
const HTML_TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*\/?>/g;
const decodeEntities = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A link target that is relative, in-page, or http(s), mailto or tel (browsers ignore spaces and control characters in a scheme). */
const safeLink = (href: string | undefined): href is string => {
  if (href === undefined) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.replace(/[\s\u0000-\u001f]/g, ''));
  return !scheme || ['http', 'https', 'mailto', 'tel'].includes(scheme[1]!.toLowerCase());
};

/**
 * HTML found in the Markdown, made safe: the tags of SAFE_TAGS without attributes, links with a
 * rewritten href (never a script), local images; every other tag, and any stray `<` or `>`, is
 * shown as text.
 */
export function safeHtml(html: string, rewrite: (href: string) => string): string {
  let out = '';
  let last = 0;
  // Entities in the text stay entities; what could start or end a tag or an attribute is escaped.
  const text = (s: string) => s.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  for (const m of html.matchAll(HTML_TAG)) {
    out += text(html.slice(last, m.index));
    last = m.index + m[0].length;
    const [whole, close, rawName, rawAttrs] = m as unknown as [string, string, string, string];
    const name = rawName.toLowerCase();
    const attrs = new Map([...rawAttrs.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!.toLowerCase(), decodeEntities(a[2] ?? '')]));
    const only = (...allowed: string[]) => [...attrs.keys()].every((k) => allowed.includes(k));
    if (SAFE_TAGS.has(name) && attrs.size === 0) out += `<${close}${name}>`;
    else if (name === 'a' && close) out += '</a>';
    else if (name === 'a' && only('href') && safeLink(attrs.get('href'))) out += `<a href="${escapeHtml(rewrite(attrs.get('href')!))}">`;
    else if (name === 'img' && !close && only('src', 'alt') && !EXTERNAL.test(attrs.get('src') ?? '')) out += `<img src="${escapeHtml(rewrite(attrs.get('src') ?? ''))}" alt="${escapeHtml(attrs.get('alt') ?? '')}">`;
    else out += escapeHtml(whole);
  }
  return out + text(html.slice(last));
}

/** Rewrites links and images of parsed Markdown for the site, makes its HTML safe and collects the text for search. */
function prepareTokens(tokens: Token[], fromMarkdown: string, fromSite: string, sitePages: ReadonlySet<string>, text: string[]): void {
  for (const t of tokens) {
    if (t.type === 'html_block' || t.type === 'html_inline') {
      t.content = safeHtml(t.content, (href) => rewriteHref(fromMarkdown, href, sitePages, fromSite));
      const words = t.content.replace(/<[^>]*>/g, ' ').trim();
      if (words) text.push(decodeEntities(words));
    }
    if (t.type === 'link_open') {
      const href = t.attrGet('href');
      if (href !== null) t.attrSet('href', rewriteHref(fromMarkdown, String(href), sitePages, fromSite));
    }
    if (t.type === 'image') {
      const src = String(t.attrGet('src') ?? '');
      if (EXTERNAL.test(src)) {
        // Loading it would reach outside the machine: the reader gets a link to click instead.
        t.type = 'html_inline';
        const alt = (t.children ?? []).map((c) => c.content).join('');
        t.content = `<a class="external-image" href="${escapeHtml(src)}">[image: ${escapeHtml(alt || src)}]</a>`;
      } else {
        t.attrSet('src', rewriteHref(fromMarkdown, src, sitePages, fromSite));
      }
    }
    if (t.type === 'text' || t.type === 'code_inline' || t.type === 'code_block' || t.type === 'fence') text.push(t.content);
    if (t.children) prepareTokens(t.children, fromMarkdown, fromSite, sitePages, text);
  }
}

/** The end (exclusive) of the block that starts at `i`: its closing token at the same nesting level. */
function blockEnd(tokens: readonly Token[], i: number): number {
  const open = tokens[i]!;
  if (open.nesting !== 1) return i + 1;
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    depth += tokens[j]!.nesting;
    if (depth === 0) return j + 1;
  }
  return tokens.length;
}

/** What the site shows above a page's body, from its record. */
export interface PageHead {
  icon: Icon | null;
  cover: Cover | null;
  lastEditedTime: string | null;
  /** Who last edited it, where known. */
  lastEditedBy: string | null;
}

/** A page's properties with the schema of the data source it is a row of. */
export interface PageProperties {
  values: Record<string, PropertyValue>;
  schema: Record<string, PropertySchema>;
}

/** Everything but the Markdown that a page of the site shows. */
export interface SitePageContext {
  /** The site's title (the sidebar's home link). */
  siteTitle: string;
  /** The page's ancestors, outermost first, for the breadcrumb. */
  trail: readonly SitePage[];
  head: PageHead;
  /** Property values and schema (database rows); the Markdown's property table is replaced by them. */
  properties?: PageProperties;
  /** Titles of exported pages by id (relation values). */
  titleOf(id: string): string | null;
}

export interface RenderedSitePage {
  html: string;
  /** The page's text for the search index (headings, paragraphs, table cells). */
  text: string;
}

/**
 * A page's Markdown as the site renders it: the title, cover and property table that
 * pageDocument writes above the body are taken out (the site shows them from the record);
 * `title` is the slug the title heading got, so the page keeps its anchors.
 */
function pageBody(page: SitePage, markdown: string, sitePages: ReadonlySet<string>, fromSite: string, parts: { cover: boolean; properties: boolean }) {
  const env: Record<string, unknown> = {};
  const tokens = renderer.parse(markdownBody(markdown), env);
  const text: string[] = [];
  prepareTokens(tokens, page.markdown, fromSite, sitePages, text);
  let i = 0;
  let titleId: string | null = null;
  if (tokens[0]?.type === 'heading_open' && tokens[0].tag === 'h1') {
    const id = tokens[0].attrGet('id');
    titleId = id === null ? null : String(id);
    i = blockEnd(tokens, 0);
  }
  // The cover line (an image, or a note that it could not be had), then the property table.
  if (parts.cover && (tokens[i]?.type === 'paragraph_open' || tokens[i]?.type === 'blockquote_open')) i = blockEnd(tokens, i);
  if (parts.properties && tokens[i]?.type === 'table_open') i = blockEnd(tokens, i);
  return { tokens: tokens.slice(i), env, titleId, text: text.join(' ').replace(/\s+/g, ' ').trim() };
}

function renderTokens(tokens: Token[], env: Record<string, unknown>): string {
  // html_inline tokens made by prepareTokens are ours; the renderer escapes everything that came from Notion.
  return renderer.renderer.render(tokens, renderer.options, env);
}

/** Values are shown relative to the site page `fromSite`, rich text as inline Markdown. */
function valueContext(fromSite: string, sitePages: ReadonlySet<string>, titleOf: (id: string) => string | null): ValueContext {
  return {
    href: (path) => hrefFromSite(fromSite, path, sitePages),
    titleOf,
    inlineMarkdown: (markdown) => {
      const tokens = renderer.parseInline(markdown, {});
      // Rich text links are snapshot-relative: resolve them from a file at the snapshot root.
      prepareTokens(tokens, 'record.md', fromSite, sitePages, []);
      return renderer.renderer.render(tokens, renderer.options, {});
    },
  };
}

/** An icon above a title: an emoji, or the downloaded image; nothing for an icon the archive has no image of. */
function iconHtml(icon: Icon | null | undefined, fromSite: string, cls: string): string {
  if (!icon) return '';
  if (icon.type === 'emoji') return `<span class="${cls}" aria-hidden="true">${escapeHtml(icon.emoji)}</span>`;
  const path = 'path' in icon ? icon.path : null;
  return path ? `<span class="${cls}"><img src="${escapeHtml(relativeHref(fromSite, path))}" alt=""></span>` : '';
}

/** The breadcrumb above a page: its ancestors, each a link, then the page itself. */
function breadcrumbHtml(page: SitePage, trail: readonly SitePage[], fromSite: string, sitePages: ReadonlySet<string>): string {
  const items = trail.map((p) => `<li><a href="${escapeHtml(hrefFromSite(fromSite, p.markdown, sitePages))}">${escapeHtml(p.title)}</a></li>`);
  items.push(`<li aria-current="page">${escapeHtml(page.title)}</li>`);
  return `<nav class="breadcrumb" aria-label="Breadcrumb"><ol>${items.join('')}</ol></nav>\n`;
}

/** The cover as a banner across the top of the page; an external cover is a link (never loaded). */
function coverHtml(cover: Cover | null, fromSite: string): string {
  if (!cover) return '';
  if (cover.path) return `<div class="cover"><img src="${escapeHtml(relativeHref(fromSite, cover.path))}" alt=""></div>\n`;
  if (cover.type === 'external') return `<p class="cover-link"><a class="external-image" href="${escapeHtml(cover.url)}">[cover image]</a></p>\n`;
  return `<p class="cover-link">Cover image not available${'error' in cover && cover.error ? `: ${escapeHtml(cover.error)}` : ''}</p>\n`;
}

function headHtml(title: string, titleId: string | null, head: PageHead, fromSite: string): string {
  const edited = head.lastEditedTime
    ? `<p class="edited">Last edited <time datetime="${escapeHtml(head.lastEditedTime)}">${escapeHtml(formatDay(head.lastEditedTime))}</time>${head.lastEditedBy ? ` by ${escapeHtml(head.lastEditedBy)}` : ''}</p>\n`
    : '';
  const id = titleId ? ` id="${escapeHtml(titleId)}"` : '';
  return `<header class="page-head">\n${iconHtml(head.icon, fromSite, 'page-icon')}<h1${id}>${escapeHtml(title || 'Untitled')}</h1>\n${edited}</header>\n`;
}

/** A page's property list (database rows), values shown as in the database's table. */
function propertiesHtml(properties: PageProperties, ctx: ValueContext): string {
  // A button has no value to show.
  const rows = shownProperties(properties.values).filter(([, value]) => value.type !== 'button').map(
    ([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${valueHtml(value, properties.schema[name], ctx) || '<span class="muted">Empty</span>'}</dd>`,
  );
  return rows.length ? `<dl class="properties">\n${rows.join('\n')}\n</dl>\n` : '';
}

/** One page of the site: breadcrumb, cover, icon, title, last edited, properties, then its Markdown body with links rewritten. */
export function renderSitePage(page: SitePage, markdown: string, sitePages: ReadonlySet<string>, ctx: SitePageContext): RenderedSitePage {
  const sitePath = sitePathOf(page.markdown);
  const props = ctx.properties ? shownProperties(ctx.properties.values) : [];
  const body = pageBody(page, markdown, sitePages, sitePath, { cover: ctx.head.cover !== null, properties: props.length > 0 });
  const values = valueContext(sitePath, sitePages, ctx.titleOf);
  const main =
    `<main class="${page.kind}" data-page="${escapeHtml(sitePath.slice(SITE_DIR.length + 1))}">\n` +
    headHtml(page.title, body.titleId, ctx.head, sitePath) +
    (ctx.properties ? propertiesHtml(ctx.properties, values) : '') +
    `${renderTokens(body.tokens, body.env)}</main>`;
  const top = breadcrumbHtml(page, ctx.trail, sitePath, sitePages) + coverHtml(ctx.head.cover, sitePath);
  return { html: frame(page.title, ctx.siteTitle, sitePath, top, main), text: body.text };
}

/** A database's page: its header and description, then each data source's rows as a sortable table, values formatted. */
export function renderDatabasePage(page: SitePage, record: DatabaseRecord, sitePages: ReadonlySet<string>, ctx: Omit<SitePageContext, 'head' | 'properties'>): RenderedSitePage {
  const sitePath = sitePathOf(page.markdown);
  const values = valueContext(sitePath, sitePages, ctx.titleOf);
  const text: string[] = [record.title, record.description];
  const parts: string[] = [];
  if (record.description) parts.push(`<p class="description">${escapeHtml(record.description)}</p>`);
  if (record.dataSources.length === 0) {
    parts.push(
      `<blockquote><p>⚠️ This is a linked view of another database. The Notion API gives no rows for a linked view; the database it shows is in this export under its own name if it is shared with the integration. <a href="${escapeHtml(record.url)}">Open in Notion</a></p></blockquote>`,
    );
  }
  for (const source of record.dataSources) {
    if (record.dataSources.length > 1) parts.push(`<h2 id="${escapeHtml(slugify(source.name || 'untitled'))}">${escapeHtml(source.name || 'Untitled')}</h2>`);
    const files = `<a href="${escapeHtml(relativeHref(sitePath, record.path))}">JSON</a> · <a href="${escapeHtml(relativeHref(sitePath, source.csv))}">CSV</a>`;
    parts.push(`<p class="data-files">${source.rows.length} ${source.rows.length === 1 ? 'row' : 'rows'} · ${files}</p>`);
    const columns = orderedColumns(source.schema);
    if (columns.length === 0) continue;
    const numeric = new Set(columns.filter((c) => isNumeric(source.rows.find((r) => r.properties[c])?.properties[c], source.schema[c])));
    const typed = (...types: string[]) => new Set(columns.filter((c) => types.includes(source.schema[c]?.type ?? '')));
    const dates = typed('date', 'created_time', 'last_edited_time');
    const wide = typed('rich_text', 'place', 'relation', 'multi_select', 'people', 'files', 'rollup');
    const narrow = typed('checkbox', 'button');
    const head = columns.map((c) => `<th${numeric.has(c) ? ' class="num"' : ''} scope="col">${escapeHtml(c)}</th>`).join('');
    const rows = source.rows.map((row) => {
      const cells = columns.map((c) => {
        const value = row.properties[c];
        const cls = [source.schema[c]?.type === 'title' ? 'title' : '', numeric.has(c) ? 'num' : '', dates.has(c) ? 'date' : '', wide.has(c) ? 'wide' : '', narrow.has(c) ? 'narrow' : '']
          .filter(Boolean)
          .join(' ');
        const attrs = `${cls ? ` class="${cls}"` : ''}${value && sortKey(value) !== null ? ` data-sort="${escapeHtml(sortKey(value)!)}"` : ''}`;
        if (!value) return `<td${attrs}></td>`;
        let html: string;
        if (value.type === 'title') {
          html = `<a href="${escapeHtml(hrefFromSite(sitePath, row.path, sitePages))}">${escapeHtml(row.title || 'Untitled')}</a>`;
          text.push(row.title);
        } else {
          html = valueHtml(value, source.schema[c], values);
          // Searchable as the CSV has it (the exact values, relations by title).
          text.push(propertyValueToCsvCell(value, { titleOf: ctx.titleOf }));
        }
        return `<td${attrs}>${html ? `<div class="cell">${html}</div>` : ''}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    });
    parts.push(`<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`);
  }
  const head: PageHead = { icon: record.icon, cover: record.cover, lastEditedTime: record.lastEditedTime, lastEditedBy: null };
  const main =
    `<main class="database" data-page="${escapeHtml(sitePath.slice(SITE_DIR.length + 1))}">\n` +
    headHtml(page.title, slugify(page.title), head, sitePath) +
    `${parts.join('\n')}\n</main>`;
  const top = breadcrumbHtml(page, ctx.trail, sitePath, sitePages) + coverHtml(record.cover, sitePath);
  return { html: frame(page.title, ctx.siteTitle, sitePath, top, main), text: text.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim() };
}

/** A page the home page lists: its icon, title and the first line of its text. */
export interface HomeCard {
  page: SitePage;
  summary: string;
}

/** The first line of a page's text worth showing under its title (up to about 160 characters). */
export function summaryOf(title: string, plainText: string): string {
  const lines = plainText
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '' && l !== title);
  const line = lines.find((l) => l.length >= 40) ?? lines[0] ?? '';
  if (line.length <= 160) return line;
  const cut = line.slice(0, 160);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 100 ? cut.lastIndexOf(' ') : 160).replace(/[\s,;:.–—-]+$/, '')}…`;
}

/** The home page's own content: a single root's page (head and body) above the list of top-level pages. */
export interface HomeRoot {
  page: SitePage;
  markdown: string;
  head: PageHead;
}

const HOME = `${SITE_DIR}/index.html`;

/**
 * The site's home page: the wiki's title, a single root's own content (its cover, icon and
 * body, without the links to the pages listed below it), then the top-level pages, each with
 * its icon and the first line of its text.
 */
export function renderHomePage(title: string, cards: readonly HomeCard[], sitePages: ReadonlySet<string>, root?: HomeRoot): string {
  const listed = new Set(cards.map((c) => hrefFromSite(HOME, c.page.markdown, sitePages)));
  let own = '';
  let head: PageHead = { icon: null, cover: null, lastEditedTime: null, lastEditedBy: null };
  let titleId: string | null = null;
  if (root) {
    head = root.head;
    const body = pageBody(root.page, root.markdown, sitePages, HOME, { cover: root.head.cover !== null, properties: false });
    titleId = body.titleId;
    // A paragraph that is only a link to a page listed below (a sub-page's entry) is shown once, as its card.
    const tokens: Token[] = [];
    for (let i = 0; i < body.tokens.length; ) {
      const end = blockEnd(body.tokens, i);
      const inline = body.tokens[i]!.type === 'paragraph_open' && end === i + 3 ? body.tokens[i + 1]!.children : null;
      const onlyLink = inline && inline.length === 3 && inline[0]!.type === 'link_open' && inline[2]!.type === 'link_close' && listed.has(String(inline[0]!.attrGet('href')));
      if (!onlyLink) tokens.push(...body.tokens.slice(i, end));
      i = end;
    }
    // A rule left last, above the list, separates nothing.
    while (tokens.length && tokens[tokens.length - 1]!.type === 'hr') tokens.pop();
    own = renderTokens(tokens, body.env);
  }
  const list = cards
    .map((c) => {
      const href = hrefFromSite(HOME, c.page.markdown, sitePages);
      const icon = iconHtml(c.page.icon, HOME, 'card-icon') || `<span class="card-icon" aria-hidden="true"><span class="glyph ${c.page.kind === 'database' ? 'db' : 'doc'}"></span></span>`;
      return `<li><a href="${escapeHtml(href)}">${icon}<span class="card-title">${escapeHtml(c.page.title)}</span></a>${c.summary ? `<p>${escapeHtml(c.summary)}</p>` : ''}</li>`;
    })
    .join('\n');
  const main = `<main class="home" data-page="index.html">
${headHtml(title, titleId, head, HOME)}${own}<section class="top-level" aria-label="Pages">
<h2>Pages</h2>
<ul class="cards">
${list}
</ul>
</section>
<p class="about">An offline copy of the wiki: browse the pages above or in the page tree, or search them. Everything here comes from the files beside this site (Markdown, JSON, CSV and the downloaded files in <code>assets/</code>); nothing is loaded from the network.</p>
</main>`;
  return frame(title, title, HOME, coverHtml(head.cover, HOME), main);
}

function frame(title: string, siteTitle: string, sitePath: string, top: string, main: string): string {
  const root = relativeHref(sitePath, HOME).replace(/index\.html$/, '');
  const here = sitePath.slice(SITE_DIR.length + 1);
  const a = (file: string) => escapeHtml(`${root}${SITE_ASSETS}/${file}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title === siteTitle ? title : `${title} · ${siteTitle}`)}</title>
<link rel="stylesheet" href="${a('site.css')}">
</head>
<body data-root="${escapeHtml(root)}" data-here="${escapeHtml(here)}">
<header class="topbar">
<button type="button" class="menu-toggle" aria-controls="sidebar" aria-expanded="false"><span aria-hidden="true">☰</span> Pages</button>
<a class="topbar-home" href="${escapeHtml(root)}index.html">${escapeHtml(siteTitle)}</a>
</header>
<div class="layout">
<nav class="sidebar" id="sidebar" aria-label="Pages">
<p class="home-link"><a href="${escapeHtml(root)}index.html">${escapeHtml(siteTitle)}</a></p>
<form class="search" role="search" onsubmit="return false"><input id="search" type="search" placeholder="Search titles and text" aria-label="Search" autocomplete="off"></form>
<ol id="results" class="results" hidden></ol>
<div id="tree" class="tree"></div>
</nav>
<div class="content">
${top}${main}
</div>
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
