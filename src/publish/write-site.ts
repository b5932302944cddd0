// Writes the offline site into a snapshot (staging) directory, from the snapshot's own files:
// index.json names the pages, each database is rendered from its record and each page from its
// Markdown and record, one at a time (memory holds one page, the tree, the row schemas and the
// search index). Nothing in it names the run, so an unchanged workspace
// gives the same site bytes (and the files become hard links to the previous snapshot's).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import MiniSearch from 'minisearch';
import type { DatabaseRecord, Index, PageRecord, PropertySchema } from '../normalise/schemas.js';
import {
  ancestorsOf,
  buildTree,
  renderDatabasePage,
  renderHomePage,
  renderSitePage,
  searchIndexScript,
  SITE_ASSETS,
  SITE_DIR,
  sitePathOf,
  summaryOf,
  topLevelPages,
  treeScript,
  type HomeRoot,
  type PageHead,
  type RenderedSitePage,
  type SitePage,
} from '../render/site/render-site.js';
import { SITE_CSS, SITE_JS } from '../render/site/site-assets.js';
import { nodeOutputFs, type OutputFs } from './output-fs.js';
import { writeFiles, type FileReuse } from './write-snapshot.js';

/** Text indexed per page at most: keeps the search index small enough to load in a browser. */
const MAX_INDEXED_CHARS = 20_000;

/** How the search index is built; the browser loads it with the same options. */
const SEARCH_OPTIONS = { idField: 'id', fields: ['t', 'x'], storeFields: ['t'] } as const;

/** MiniSearch's browser build (UMD, sets window.MiniSearch), shipped in the site. */
async function miniSearchBrowserBuild(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('minisearch');
  return readFile(join(dirname(main), '..', 'umd', 'index.js'), 'utf8');
}

/** Writes `site/` into `dir`, a snapshot whose index.json, records and Markdown files are written. Returns the number of files. */
export async function writeSite(dir: string, fs: OutputFs = nodeOutputFs, reuse?: FileReuse): Promise<{ files: number; pages: number }> {
  const readJson = async <T>(path: string) => JSON.parse(await fs.readFile(join(dir, path), 'utf8')) as T;
  const index = await readJson<Index>('index.json');
  const records = new Map(index.pages.map((p) => [p.id, p.record]));
  const pages: SitePage[] = index.pages.map((p) => ({ id: p.id, title: p.title || 'Untitled', markdown: p.path, parentId: p.parentId ?? null, kind: 'page' }));
  const databases = new Map<string, string>();
  for (const d of index.databases) {
    const overview = d.path.replace(/\.json$/, '.md');
    const exists = await fs.stat(join(dir, overview)).then(
      () => true,
      () => false,
    );
    if (exists) {
      pages.push({ id: d.id, title: d.title || 'Untitled database', markdown: overview, parentId: d.parentId ?? null, kind: 'database' });
      databases.set(d.id, d.path);
    }
  }
  const sitePages = new Set(pages.map((p) => p.markdown));
  const byId = new Map(pages.map((p) => [p.id, p]));
  const titleOf = (id: string) => byId.get(id)?.title ?? null;
  const { root, top } = topLevelPages(pages);
  const siteTitle = root ? root.title : 'Notion wiki archive';
  const topIds = new Set(top.map((p) => p.id));
  const summaries = new Map<string, string>();
  let home: HomeRoot | undefined;
  const search = new MiniSearch<{ id: string; t: string; x: string }>({ ...SEARCH_OPTIONS, fields: [...SEARCH_OPTIONS.fields], storeFields: [...SEARCH_OPTIONS.storeFields] });
  const made = new Set<string>();
  let files = 0;
  const write = async (page: SitePage, rendered: RenderedSitePage) => {
    search.add({ id: sitePathOf(page.markdown).slice(SITE_DIR.length + 1), t: page.title, x: rendered.text.slice(0, MAX_INDEXED_CHARS) });
    await writeFiles(dir, new Map([[sitePathOf(page.markdown), rendered.html]]), fs, made, reuse);
    files++;
  };
  // Sorted, so that the search index is built in the same order every time. Databases first:
  // their schemas give their rows' pages the format of each property.
  const byPath = (a: SitePage, b: SitePage) => (a.markdown < b.markdown ? -1 : a.markdown > b.markdown ? 1 : 0);
  const rowSchemas = new Map<string, Record<string, PropertySchema>>();
  for (const page of pages.filter((p) => p.kind === 'database').sort(byPath)) {
    const record = await readJson<DatabaseRecord>(databases.get(page.id)!);
    for (const source of record.dataSources) for (const row of source.rows) rowSchemas.set(row.id, source.schema);
    page.icon = record.icon;
    if (topIds.has(page.id)) summaries.set(page.id, summaryOf(page.title, record.description));
    await write(page, renderDatabasePage(page, record, sitePages, { siteTitle, trail: ancestorsOf(page, byId), titleOf }));
  }
  for (const page of pages.filter((p) => p.kind === 'page').sort(byPath)) {
    const [markdown, record] = await Promise.all([fs.readFile(join(dir, page.markdown), 'utf8'), readJson<PageRecord>(records.get(page.id)!)]);
    page.icon = record.icon;
    const head: PageHead = { icon: record.icon, cover: record.cover, lastEditedTime: record.lastEditedTime, lastEditedBy: record.authors.lastEditedBy.name };
    if (topIds.has(page.id)) summaries.set(page.id, summaryOf(page.title, record.plainText));
    if (page === root) home = { page, markdown, head };
    const properties = { values: record.properties, schema: rowSchemas.get(page.id) ?? {} };
    await write(page, renderSitePage(page, markdown, sitePages, { siteTitle, trail: ancestorsOf(page, byId), head, properties, titleOf }));
  }
  const tree = buildTree(pages);
  const own = new Map<string, string>([
    [`${SITE_DIR}/index.html`, renderHomePage(siteTitle, top.map((page) => ({ page, summary: summaries.get(page.id) ?? '' })), sitePages, home)],
    [`${SITE_DIR}/${SITE_ASSETS}/site.css`, SITE_CSS],
    [`${SITE_DIR}/${SITE_ASSETS}/site.js`, SITE_JS],
    [`${SITE_DIR}/${SITE_ASSETS}/tree.js`, treeScript(tree)],
    [`${SITE_DIR}/${SITE_ASSETS}/minisearch.js`, await miniSearchBrowserBuild()],
    [`${SITE_DIR}/${SITE_ASSETS}/search-index.js`, searchIndexScript(JSON.stringify({ options: SEARCH_OPTIONS, index: search.toJSON() }))],
  ]);
  await writeFiles(dir, own, fs, made, reuse);
  return { files: files + own.size, pages: pages.length };
}
