// Writes the offline site into a snapshot (staging) directory, from the snapshot's own files:
// index.json names the pages, each page's Markdown is rendered one at a time (memory holds one
// page, the tree and the search index). Nothing in it names the run, so an unchanged workspace
// gives the same site bytes (and the files become hard links to the previous snapshot's).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import MiniSearch from 'minisearch';
import type { Index } from '../normalise/schemas.js';
import {
  buildTree,
  renderHomePage,
  renderSitePage,
  searchIndexScript,
  SITE_ASSETS,
  SITE_DIR,
  sitePathOf,
  treeScript,
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

/** Writes `site/` into `dir`, a snapshot whose index.json and Markdown files are written. Returns the number of files. */
export async function writeSite(dir: string, fs: OutputFs = nodeOutputFs, reuse?: FileReuse): Promise<{ files: number; pages: number }> {
  const index = JSON.parse(await fs.readFile(join(dir, 'index.json'), 'utf8')) as Index;
  const pages: SitePage[] = index.pages.map((p) => ({ id: p.id, title: p.title || 'Untitled', markdown: p.path, parentId: p.parentId ?? null, kind: 'page' }));
  for (const d of index.databases) {
    const overview = d.path.replace(/\.json$/, '.md');
    const exists = await fs.stat(join(dir, overview)).then(
      () => true,
      () => false,
    );
    if (exists) pages.push({ id: d.id, title: d.title || 'Untitled database', markdown: overview, parentId: d.parentId ?? null, kind: 'database' });
  }
  const sitePages = new Set(pages.map((p) => p.markdown));
  const tree = buildTree(pages);
  const search = new MiniSearch<{ id: string; t: string; x: string }>({ ...SEARCH_OPTIONS, fields: [...SEARCH_OPTIONS.fields], storeFields: [...SEARCH_OPTIONS.storeFields] });
  const made = new Set<string>();
  let files = 0;
  // Sorted, so that the search index is built in the same order every time.
  for (const page of [...pages].sort((a, b) => (a.markdown < b.markdown ? -1 : a.markdown > b.markdown ? 1 : 0))) {
    const markdown = await fs.readFile(join(dir, page.markdown), 'utf8');
    const rendered = renderSitePage(page, markdown, sitePages);
    const href = sitePathOf(page.markdown).slice(SITE_DIR.length + 1);
    search.add({ id: href, t: page.title, x: rendered.text.slice(0, MAX_INDEXED_CHARS) });
    await writeFiles(dir, new Map([[sitePathOf(page.markdown), rendered.html]]), fs, made, reuse);
    files++;
  }
  const title = tree.length === 1 ? tree[0]!.t : 'Notion wiki archive';
  const own = new Map<string, string>([
    [`${SITE_DIR}/index.html`, renderHomePage(title, tree)],
    [`${SITE_DIR}/${SITE_ASSETS}/site.css`, SITE_CSS],
    [`${SITE_DIR}/${SITE_ASSETS}/site.js`, SITE_JS],
    [`${SITE_DIR}/${SITE_ASSETS}/tree.js`, treeScript(tree)],
    [`${SITE_DIR}/${SITE_ASSETS}/minisearch.js`, await miniSearchBrowserBuild()],
    [`${SITE_DIR}/${SITE_ASSETS}/search-index.js`, searchIndexScript(JSON.stringify({ options: SEARCH_OPTIONS, index: search.toJSON() }))],
  ]);
  await writeFiles(dir, own, fs, made, reuse);
  return { files: files + own.size, pages: pages.length };
}
