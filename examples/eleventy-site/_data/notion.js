// Global data `notion`: the snapshot's pages (Markdown rendered to HTML) and databases with their
// rows, read through the notion-kb package's reader. Only a default export: Eleventy reads it.
import { posix } from 'node:path';
import MarkdownIt from 'markdown-it';
import { loadSnapshot } from '../_lib/snapshot.js';

const md = new MarkdownIt({ html: true, linkify: false });

/** `pages/a/b.md` → `pages/a/b.html`: the site mirrors the snapshot's tree. */
const htmlPath = (path) => path.replace(/\.(md|json)$/, '.html');

/** A link from the page at `from` to the file at `to` (both snapshot paths). */
const relativeLink = (from, to) => posix.relative(posix.dirname(from), to) || posix.basename(to);

/** Relative links to Markdown files point at their HTML pages; assets and other links stay. */
function rewriteLinks(html) {
  return html.replace(/(href)="([^"#?:]+)\.md((?:#[^"]*)?)"/g, (_m, attr, file, anchor) => `${attr}="${file}.html${anchor}"`);
}

const withoutFrontmatter = (text) => text.replace(/^---\n[\s\S]*?\n---\n/, '');

export default async function () {
  const snap = await loadSnapshot();
  const pages = [];
  for await (const record of snap.pages()) {
    const markdown = await snap.markdown(record.id);
    const url = htmlPath(record.path);
    pages.push({
      id: record.id,
      title: record.title,
      url,
      lastEditedTime: record.lastEditedTime,
      html: rewriteLinks(md.render(withoutFrontmatter(markdown))),
      backlinks: snap.backlinks(record.id).map((p) => ({ title: p.title, href: relativeLink(url, htmlPath(p.path)) })),
    });
  }
  const databases = [];
  for await (const db of snap.databases()) {
    // A database's page sits where its overview Markdown is (pages link there).
    const url = htmlPath(db.path);
    const dataSources = db.dataSources.map((source) => ({
      name: source.name,
      columns: Object.keys(source.schema),
      rows: source.rows.map((row) => ({ title: row.title, href: relativeLink(url, htmlPath(row.path)), cells: Object.keys(source.schema).map((name) => cell(row.properties[name])) })),
    }));
    databases.push({ id: db.id, title: db.title, url, description: db.description, dataSources });
  }
  return { snapshotId: snap.snapshotId, pages, databases };
}

/** A property value as text, by its type (the types come from the package's PropertyValue). */
function cell(property) {
  if (!property || property.unknown) return '';
  const { type, value } = property;
  if (value === null || value === undefined) return '';
  switch (type) {
    case 'title':
    case 'rich_text':
      return value.text;
    case 'select':
    case 'status':
      return value.name;
    case 'multi_select':
      return value.map((o) => o.name).join(', ');
    case 'date':
      return value.end ? `${value.start} → ${value.end}` : value.start;
    case 'relation':
      return `${value.length} linked`;
    case 'people':
      return value.map((u) => u.name ?? u.id).join(', ');
    case 'files':
      return value.map((f) => f.name).join(', ');
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}
