// Content that cannot attack: titles never write outside the snapshot or collide, links with
// dangerous schemes and raw HTML are neutralised, CSV cells cannot run as formulas.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index } from '../../src/normalise/schemas.js';
import { block as b, link, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { readJson, runCli, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'hostile', 'token', '0123456789abcdefghij'].join('_');

const HOSTILE_TITLES = [
  '..',
  '../../etc/passwd',
  '/etc/shadow',
  'C:\\Windows\\system32',
  'CON',
  'nul',
  'aux.txt',
  'tab\there, bell\u0007, nul\u0000 and newline\nin a title',
  'Café', // NFC
  'Cafe\u0301', // the same title in NFD
  'README',
  'readme', // differs only by case
  '<script>alert(1)</script>',
  '',
];

function hostileWorkspace() {
  const w = new WorkspaceBuilder({ seed: 'hostile', integrationName: 'notion-kb tests', workspaceName: 'Hostile' });
  const root = w.page({
    parent: 'workspace',
    title: 'Root',
    children: [
      b.paragraph(['A ', link('script link', 'javascript:alert(document.cookie)'), ' and ', link('data link', 'data:text/html,<script>alert(1)</script>'), '.']),
      b.paragraph(['Raw HTML: <img src=x onerror=alert(1)> and <script>alert(2)</script>']),
      b.paragraph(['A ', link('vbscript link', 'VBScript:msgbox(1)'), ' and a ', link('fine link', 'https://example.org/ok'), ' and ', link('mail', 'mailto:a@example.org'), '.']),
    ],
  });
  const pages = HOSTILE_TITLES.map((title) => w.page({ parent: root, title, children: [b.paragraph(`Page titled ${JSON.stringify(title)}`)] }));
  const db = w.database({
    parent: root,
    title: '=cmd|"/c calc"!A1',
    dataSources: [{ name: 'Sheet', properties: { Name: { type: 'title' }, Note: { type: 'rich_text' } } }],
  });
  w.row(db.dataSourceIds[0]!, { Name: '=HYPERLINK("http://evil.example","click")', Note: '@SUM(A1:A9)' });
  w.row(db.dataSourceIds[0]!, { Name: '-5', Note: '+cmd' });
  return { workspace: w.build(), pages };
}

describe('hostile content', () => {
  const { workspace, pages } = hostileWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let snap: string;
  let index: Index;
  let files: string[];

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
    const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, file: { output: { site: true } } });
    expect(outcome.exitCode).toBe(0);
    snap = outcome.snapshotDir;
    index = await readJson<Index>(join(snap, 'index.json'));
    files = await listFiles(snap);
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('writes every hostile title inside the snapshot, each page to a file of its own', () => {
    for (const id of pages) expect(index.pages.some((p) => p.id === id), id).toBe(true);
    for (const f of files) {
      expect(f.split('/')).not.toContain('..');
      expect(f).not.toMatch(/^\/|\\|[\u0000-\u001f]/);
      expect(['pages', 'records', 'assets', 'schema', 'site'].includes(f.split('/')[0]!) || !f.includes('/'), f).toBe(true);
    }
    const paths = index.pages.map((p) => p.path);
    // Unique as they are, on a case-insensitive file system, and under Unicode normalisation.
    expect(new Set(paths).size).toBe(paths.length);
    expect(new Set(paths.map((p) => p.toLowerCase().normalize('NFC'))).size).toBe(paths.length);
    // Reserved Windows device names never become a file name on their own.
    for (const p of paths) expect(p.split('/').pop()!.replace(/\.md$/, '')).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
  });

  it('neutralises javascript:, data: and vbscript: links and escapes raw HTML in the Markdown', async () => {
    const root = index.pages.find((p) => p.title === 'Root')!;
    const md = await readFile(join(snap, root.path), 'utf8');
    expect(md).toContain('script link');
    expect(md).not.toMatch(/\]\(\s*(javascript|data|vbscript):/i);
    // Escaped (\<script>): Markdown renderers show it as text.
    expect(md).not.toMatch(/(^|[^\\])<(script|img)/im);
    expect(md).toContain('\\<script>alert(2)');
    expect(md).toContain('](https://example.org/ok)');
    expect(md).toContain('](mailto:a@example.org)');
    for (const f of files.filter((f) => f.endsWith('.md'))) {
      // The Markdown body (the YAML frontmatter holds titles as data, quoted where YAML needs it).
      const text = (await readFile(join(snap, f), 'utf8')).replace(/^---\n[^]*?\n---\n/, '');
      expect(text, f).not.toMatch(/\]\(\s*(javascript|data|vbscript):/i);
      expect(text, f).not.toMatch(/(^|[^\\])<script/im);
    }
  });

  it('defuses CSV cells a spreadsheet would run, and keeps the exact values in JSON', async () => {
    const csvFile = files.find((f) => f.endsWith('.csv'))!;
    const csv = await readFile(join(snap, csvFile), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv).toContain("'@SUM(A1:A9)");
    expect(csv).toContain("'+cmd");
    expect(csv).toMatch(/(^|,)-5(,|\r\n)/m);
    const records = await Promise.all(index.pages.map((p) => readFile(join(snap, p.record), 'utf8')));
    expect(records.some((r) => r.includes('=HYPERLINK(\\"http://evil.example\\",\\"click\\")'))).toBe(true);
  });

  it('shows hostile titles and values as text on the offline site, and keeps no dangerous link', async () => {
    const siteFiles = files.filter((f) => f.startsWith('site/') && f.endsWith('.html'));
    expect(siteFiles.length).toBe(index.pages.length + index.databases.length + 1);
    let sawScriptTitle = false;
    for (const f of siteFiles) {
      const html = await readFile(join(snap, f), 'utf8');
      // The site's own two scripts, nothing else that runs.
      expect(html.match(/<script\b/gi), f).toHaveLength(2);
      expect(html, f).not.toMatch(/<(img|iframe|object|embed|svg)\b[^>]*\son\w+=/i);
      expect(html, f).not.toMatch(/href="\s*(javascript|data|vbscript):/i);
      sawScriptTitle ||= html.includes('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    expect(sawScriptTitle).toBe(true);
    const db = index.databases[0]!;
    const table = await readFile(join(snap, 'site', db.path.replace(/\.json$/, '.html')), 'utf8');
    expect(table).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)');
    expect(table).toMatch(/<h1 id="[^"]*">=cmd\|&quot;\/c calc&quot;!A1<\/h1>/);
  });

  it('passes notion-kb verify', async () => {
    const verified = await runCli(['verify', '--out', out.dir]);
    expect(verified.code, verified.stderr).toBe(0);
  });
});
