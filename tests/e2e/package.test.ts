// The package as a downstream project gets it: `npm pack`, the tarball installed into fresh
// projects outside the repository, run with plain node (no TypeScript loader), and the Eleventy
// example site of examples/ built from the demo snapshot through the package's reader alone.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseRecord, Index } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer } from '../../src/notion-server/server.js';
import { readJson, REPO_ROOT, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const run = promisify(execFile);
const TOKEN = ['secret', 'package', 'e2e', 'token', 'abcdefghijklmnopqrstuvwxyz'].join('_');
const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
/** No loader, nothing of the repository's environment: what a downstream project has. */
const plainEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'NOTION_TOKEN') delete env[k];
  return env;
};
const sh = async (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = plainEnv()) => run(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });

async function htmlFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await htmlFiles(path, base)));
    else if (e.name.endsWith('.html')) out.push(relative(base, path).split('\\').join('/'));
  }
  return out;
}

describe('the packed package, installed downstream', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let tarball: string;
  let tarballFiles: string[];
  let outDir: string;
  let snapshotDir: string;
  let index: Index;
  const consumer = () => join(work.dir, 'consumer');
  const site = () => join(work.dir, 'site');

  beforeAll(async () => {
    work = await tempDir('notion-kb-package-');
    // `npm pack` builds dist/ first (prepack).
    const packed = await sh('npm', ['pack', '--json', '--pack-destination', work.dir], REPO_ROOT, { ...process.env, NODE_OPTIONS: '' });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work.dir, info!.filename);
    tarballFiles = info!.files.map((f) => f.path);
    // The demo snapshot, written by the exporter from the repository against the local server.
    outDir = join(work.dir, 'output');
    const server = await startNotionServer({ workspace: buildDemo().workspace, token: TOKEN, rateLimit: false });
    try {
      const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: outDir });
      expect(outcome.exitCode).toBe(0);
      snapshotDir = outcome.snapshotDir;
    } finally {
      await server.close();
    }
    index = await readJson<Index>(join(snapshotDir, 'index.json'));
    // An empty project with nothing but the tarball; and a copy of the example site.
    await mkdir(consumer());
    await writeFile(join(consumer(), 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await sh('npm', [...INSTALL, tarball], consumer());
    await cp(join(REPO_ROOT, 'examples', 'eleventy-site'), site(), { recursive: true, filter: (src) => !/[/\\](node_modules|_site)$/.test(src) });
    // The example links notion-kb to the repository (file:../..); here it gets the tarball.
    const sitePkg = JSON.parse(await readFile(join(site(), 'package.json'), 'utf8'));
    sitePkg.dependencies['notion-kb'] = `file:${tarball}`;
    await writeFile(join(site(), 'package.json'), JSON.stringify(sitePkg, null, 2));
    await sh('npm', INSTALL, site());
    expect(existsSync(join(site(), 'node_modules', 'notion-kb', 'dist', 'index.js'))).toBe(true);
  }, 900_000);
  afterAll(async () => work?.cleanup());

  it('packs the compiled JavaScript with type declarations, the bin, README and config; no sources, tests or output', () => {
    expect(tarballFiles).toEqual(expect.arrayContaining(['bin/notion-kb.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/reader/open-snapshot.d.ts', 'README.md', 'package.json']));
    expect(tarballFiles.filter((f) => /^(src|tests|bench|output|node_modules|examples)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('installs without a TypeScript loader, and npx notion-kb --help runs under plain node', async () => {
    expect(existsSync(join(consumer(), 'node_modules', 'notion-kb', 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(consumer(), 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(consumer(), 'node_modules', 'notion-kb', 'src'))).toBe(false);
    const help = await sh('npx', ['--no-install', 'notion-kb', '--help'], consumer());
    expect(help.stdout).toMatch(/^notion-kb: export a Notion wiki/);
    expect(help.stdout).toContain('Usage:');
    const version = await sh('npx', ['--no-install', 'notion-kb', '--version'], consumer());
    expect(version.stdout.trim()).toContain(JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });

  it('a plain JavaScript script imports the reader and counts the demo snapshot\'s pages and database rows', async () => {
    await writeFile(
      join(consumer(), 'count.mjs'),
      `import { openArchive } from 'notion-kb';
const archive = await openArchive(process.argv[2]);
const snap = await archive.latest();
let pages = 0, rows = 0, databases = 0;
for await (const page of snap.pages()) pages += page.title === undefined ? 0 : 1;
for await (const db of snap.databases()) { databases++; for (const s of db.dataSources) rows += s.rows.length; }
console.log(JSON.stringify({ snapshotId: snap.snapshotId, pages, databases, rows, snapshots: (await archive.snapshots()).length }));
`,
    );
    const { stdout } = await sh('node', ['count.mjs', outDir], consumer());
    const rowsInIndex = index.databases.reduce((n, d) => n + d.rowIds.length, 0);
    expect(rowsInIndex).toBeGreaterThan(0);
    expect(JSON.parse(stdout)).toEqual({ snapshotId: index.snapshotId, pages: index.pages.length, databases: index.databases.length, rows: rowsInIndex, snapshots: 1 });
  });

  it('ships type declarations a TypeScript project resolves: the reader and the zod-derived record types', async () => {
    const types = await readFile(join(consumer(), 'node_modules', 'notion-kb', 'dist', 'index.d.ts'), 'utf8');
    for (const name of ['openArchive', 'openSnapshot', 'PageRecord', 'DatabaseRecord', 'DatabaseRow', 'PropertyValue', 'Changes', 'Feed']) expect(types).toContain(name);
    const pkg = JSON.parse(await readFile(join(consumer(), 'node_modules', 'notion-kb', 'package.json'), 'utf8'));
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    // A TypeScript file of the downstream project type-checks against the package: rows are typed.
    await writeFile(
      join(consumer(), 'site.ts'),
      `import { openArchive, type Audit, type Comment, type DatabaseRow, type Discussion, type PageRecord, type RedactedPropertyValue, type Report } from 'notion-kb';
const snap = await (await openArchive('output')).latest();
const record: PageRecord = await snap.record('x');
const title: string = record.title;
const rows: DatabaseRow[] = (await snap.database('y')).dataSources.flatMap((s) => s.rows);
const country = rows[0]?.properties['Country'];
if (country && !('unknown' in country) && !('redacted' in country) && country.type === 'select') console.log(title, country.value?.name);
const name = rows[0]?.properties['Name'];
// As the PropertyValue comment says: a redacted value keeps its type name, so it is told apart first.
if (name && !('unknown' in name) && !('redacted' in name) && name.type === 'title') console.log(name.value.text);
const redacted: RedactedPropertyValue[] = Object.values(record.properties).filter((v): v is RedactedPropertyValue => 'redacted' in v);
const discussions: Discussion[] = record.discussions ?? [];
const first: Comment | undefined = discussions[0]?.comments[0];
const audit: Audit | undefined = ({} as Report).audit;
console.log(redacted.length, first, audit?.differed.length);
// @ts-expect-error: a record has no such field
console.log(record.notAField);
`,
    );
    await writeFile(join(consumer(), 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['site.ts'] }));
    const checked = await sh('node', [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], consumer()).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }));
    expect(checked.stdout).toBe('');
  });

  describe('the Eleventy example site, built from the demo snapshot', () => {
    let pagesBuilt: Set<string>;
    const siteOut = () => join(site(), '_site');
    beforeAll(async () => {
      await sh('npx', ['--no-install', '@11ty/eleventy'], site(), { ...plainEnv(), NOTION_KB_OUT: outDir });
      pagesBuilt = new Set(await htmlFiles(siteOut()));
    }, 300_000);

    it('turns every page of the index into an HTML page with its content', async () => {
      for (const p of index.pages) {
        const html = p.path.replace(/\.md$/, '.html');
        expect(pagesBuilt.has(html), html).toBe(true);
      }
      const first = index.pages[0]!;
      const html = await readFile(join(siteOut(), first.path.replace(/\.md$/, '.html')), 'utf8');
      expect(html).toContain(`data-page-id="${first.id}"`);
      expect(html).toMatch(/<h1[^>]*>/);
      expect(pagesBuilt.size).toBe(index.pages.length + index.databases.length + 1);
    });

    it('lists every row of every database on the database\'s page, each linked to the row\'s page', async () => {
      for (const d of index.databases) {
        const record = await readJson<DatabaseRecord>(join(snapshotDir, d.path));
        const page = d.path.replace(/\.json$/, '.html');
        const html = await readFile(join(siteOut(), page), 'utf8');
        const rows = [...html.matchAll(/<tr class="row"><td><a href="([^"]+)">/g)].map((m) => posix.normalize(posix.join(posix.dirname(page), decodeURI(m[1]!))));
        expect(rows.length, d.title).toBe(d.rowIds.length);
        expect(rows.sort()).toEqual(record.dataSources.flatMap((s) => s.rows.map((r) => r.path.replace(/\.md$/, '.html'))).sort());
      }
    });

    it('every internal link of every HTML page resolves to a file of the site', async () => {
      let links = 0;
      const broken: string[] = [];
      for (const page of pagesBuilt) {
        const html = await readFile(join(siteOut(), page), 'utf8');
        for (const m of html.matchAll(/\s(?:href|src)="([^"]+)"/g)) {
          const target = m[1]!.replace(/&amp;/g, '&');
          if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('//')) continue;
          const file = posix.normalize(posix.join(posix.dirname(page), decodeURI(target.split('#')[0]!.split('?')[0]!)));
          links++;
          if (file.startsWith('..') || !existsSync(join(siteOut(), file))) broken.push(`${page} → ${target}`);
        }
      }
      expect(broken).toEqual([]);
      // Links between pages and to the downloaded files were there to check.
      expect(links).toBeGreaterThan(index.pages.length);
      const toPages = [...pagesBuilt].length;
      expect(toPages).toBeGreaterThan(0);
    });
  });
});
