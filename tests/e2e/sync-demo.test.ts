import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PROPERTY_TYPES, type DatabaseRecord, type Index, type PageRecord, type Report } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';
import { listFiles } from '../../src/publish/write-snapshot.js';
import { latestSnapshot, readJson, runCli, tempDir, type CliResult } from '../support/cli.js';

const TOKEN = ['secret', 'demo', 'e2e', 'token', 'abcdefghijklmnopqrstuvwxyz'].join('_');

/** sha256 of every Notion-hosted file reachable from the exported pages (blocks, icons, covers, files properties, custom emojis). */
function expectedAssetHashes(ws: WorkspaceData, exportedPageIds: string[], exportedDbIds: string[]): Set<string> {
  const fileIds = new Set<string>();
  const scan = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(scan);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.notion_file_id === 'string') fileIds.add(o.notion_file_id);
    if (typeof o.notion_custom_emoji_id === 'string') fileIds.add(ws.customEmojis[o.notion_custom_emoji_id]!.fileId);
    Object.values(o).forEach(scan);
  };
  const scanBlock = (id: string): void => {
    const block = ws.blocks[id];
    if (!block || block.inTrash || block.type === 'child_page' || block.type === 'child_database') return;
    scan(block.payload);
    const from = (block.payload as { synced_from?: { block_id?: string } | null }).synced_from?.block_id;
    for (const child of from ? ws.blocks[from]!.children : block.children) scanBlock(child);
  };
  for (const id of exportedPageIds) {
    const page = ws.pages[id]!;
    scan([page.icon, page.cover, page.properties]);
    page.children.forEach(scanBlock);
  }
  for (const id of exportedDbIds) scan([ws.databases[id]!.icon, ws.databases[id]!.cover]);
  const sha = (fileId: string) => createHash('sha256').update(Buffer.from(ws.files[fileId]!.base64, 'base64')).digest('hex');
  return new Set([...fileIds].map(sha));
}

describe('sync of the MAGNET demo workspace, with file URLs that expire after 2 s', () => {
  const { workspace, ids } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let result: CliResult;
  let snap: string;
  let index: Index;
  let report: Report;
  let files: string[];

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, fileExpirySeconds: 2 });
    out = await tempDir();
    const config = join(out.dir, 'notion-kb.yaml');
    // The demo's external files sit on fictional hosts: keep them as links (no traffic off this machine).
    await writeFile(config, 'assets:\n  external: none\n');
    result = await runCli(['sync', '--out', join(out.dir, 'archive'), '--config', config, '--rate', '200', '--concurrency', '4'], {
      NOTION_TOKEN: TOKEN,
      NOTION_BASE_URL: server.baseUrl,
    });
    snap = await latestSnapshot(join(out.dir, 'archive'));
    index = await readJson<Index>(join(snap, 'index.json'));
    report = await readJson<Report>(join(snap, 'report.json'));
    files = await listFiles(snap);
  });
  afterAll(async () => {
    await server.close();
    await out.cleanup();
  });

  it('exits 0 with a readable summary and never prints the token', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Snapshot \S+ written to/);
    expect(result.stderr + result.stdout).not.toContain(TOKEN);
  });

  it('exports every page and row that is shared and not in the trash, 5 levels deep', () => {
    const exported = new Set(index.pages.map((p) => p.id));
    expect(exported.has(ids.trashedPage)).toBe(false);
    expect(exported.has(ids.unsharedPage)).toBe(false);
    // Visible: neither it nor any ancestor is in the trash or unshared.
    const visible = (id: string): boolean => {
      const page = workspace.pages[id];
      if (!page) return true; // a block parent: its page decides
      if (page.inTrash || page.shared === false) return false;
      const p = page.parent;
      if (p.type === 'page') return visible(p.id);
      if (p.type === 'block') return visible(workspace.blocks[p.id]!.parentId);
      return true;
    };
    for (const id of Object.values(ids.pages)) expect(exported.has(id), id).toBe(visible(id));
    expect(index.pages.filter((p) => p.databaseId === null).length).toBeGreaterThanOrEqual(40);
    const depth = Math.max(...index.pages.map((p) => p.path.split('/').length - 1));
    expect(depth).toBeGreaterThanOrEqual(5);
  });

  it('matches every database: row counts and property names equal the source', async () => {
    for (const db of Object.values(workspace.databases)) {
      if (db.inTrash || db.shared === false) continue;
      const entry = index.databases.find((d) => d.id === db.id);
      expect(entry, `database ${db.id}`).toBeDefined();
      const record = await readJson<DatabaseRecord>(join(snap, entry!.path));
      expect(record.linkedView).toBe(db.dataSourceIds.length === 0);
      expect(record.dataSources.map((d) => d.id)).toEqual(db.dataSourceIds);
      for (const ds of record.dataSources) {
        const source = workspace.dataSources[ds.id]!;
        const liveRows = source.rowIds.filter((r) => !workspace.pages[r]!.inTrash);
        expect(ds.rows.map((r) => r.id).sort()).toEqual([...liveRows].sort());
        expect(Object.keys(ds.schema).sort()).toEqual(Object.keys(source.properties).sort());
      }
    }
    const academy = index.databases.find((d) => d.id === ids.academy.id)!;
    expect(academy.rowIds.length).toBeGreaterThan(100);
  });

  it('has a typed value for every property type of the API', async () => {
    const seen = new Set<string>();
    for (const p of index.pages.filter((e) => e.databaseId)) {
      const rec = await readJson<PageRecord>(join(snap, p.record));
      for (const v of Object.values(rec.properties)) {
        expect('unknown' in v, `${p.id} ${v.type}`).toBe(false);
        seen.add(v.type);
      }
    }
    expect([...seen].sort()).toEqual([...PROPERTY_TYPES].sort());
  });

  it('stores every Notion-hosted file once, byte for byte, by content', async () => {
    const assetFiles = files.filter((f) => f.startsWith('assets/'));
    const stored = new Set<string>();
    for (const f of assetFiles) {
      const bytes = await readFile(join(snap, f));
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(f.startsWith(`assets/${sha}.`), f).toBe(true);
      stored.add(sha);
    }
    const expected = expectedAssetHashes(
      workspace,
      index.pages.map((p) => p.id),
      index.databases.map((d) => d.id),
    );
    expect(stored).toEqual(expected);
    expect(report.assetFailures).toEqual([]);
    // The two byte-identical uploads became one file.
    const [a, b] = ids.duplicateFiles.map((id) => createHash('sha256').update(Buffer.from(workspace.files[id]!.base64, 'base64')).digest('hex'));
    expect(a).toBe(b);
    expect(assetFiles.filter((f) => f.includes(a!))).toHaveLength(1);
  });

  it('contains no Notion-hosted or local-server URL anywhere', async () => {
    const host = new URL(server.baseUrl).host;
    for (const f of files.filter((x) => !x.startsWith('assets/'))) {
      const text = await readFile(join(snap, f), 'utf8');
      expect(text.includes(host), f).toBe(false);
      expect(/X-Amz-|expires=\d+&sig=/.test(text), f).toBe(false);
    }
  });

  it('turns internal links into relative links and reports links that leave the export', async () => {
    const verify = await runCli(['verify', join(snap)]);
    expect(verify.code, verify.stderr).toBe(0);
    const targets = new Set(report.unresolvedLinks.map((l) => l.target));
    expect(targets.has(ids.outsidePage)).toBe(true);
    for (const t of targets) expect(index.pages.some((p) => p.id === t)).toBe(false);
    // No link in Markdown points at notion.so for a page that is in the export.
    const exported = new Set(index.pages.map((p) => p.id.replaceAll('-', '')));
    for (const f of files.filter((x) => x.endsWith('.md'))) {
      const text = await readFile(join(snap, f), 'utf8');
      for (const m of text.matchAll(/\]\((https?:\/\/[^)]*notion\.(?:so|site)[^)]*)\)/g)) {
        const hex = m[1]!.match(/[0-9a-f]{32}/)?.[0];
        expect(hex && exported.has(hex), `${f} links to exported page via ${m[1]}`).toBeFalsy();
      }
    }
  });

  it("writes a text property's Markdown into the record with the page renderer, links from the snapshot root", async () => {
    const row = index.pages.find((p) => p.id === ids.events.rows[6])!;
    const demoDay = index.pages.find((p) => p.id === ids.pages.demoDay)!;
    const notes = (await readJson<PageRecord>(join(snap, row.record))).properties.Notes!;
    expect(notes).toEqual({
      type: 'rich_text',
      value: { text: 'Fourteen founders pitched; see Demo Day Berlin 2025.', markdown: `Fourteen founders pitched; see [Demo Day Berlin 2025](${encodeURI(demoDay.path)}).` },
    });
  });

  it('gives hostile titles safe, unique file names inside the snapshot', async () => {
    const paths = index.pages.map((p) => p.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of paths) {
      expect(p.split('/').every((seg) => seg !== '..' && seg !== '.' && seg.length > 0)).toBe(true);
      for (const seg of p.split('/')) expect(Buffer.byteLength(seg)).toBeLessThanOrEqual(255);
      expect(p).toMatch(/^pages\/[\p{L}\p{N}\-/]+\.md$/u);
    }
    const h = ids.hostileTitles;
    const pathOf = (id: string) => index.pages.find((p) => p.id === id)!.path;
    expect(pathOf(h.duplicateSiblings[0])).not.toBe(pathOf(h.duplicateSiblings[1]));
    expect(pathOf(h.bulgarian)).toMatch(/наръчник/u);
    expect(pathOf(h.empty)).toMatch(/\/untitled-[0-9a-f]{8}\.md$/);
    expect(files).toContain(pathOf(h.dotDot));
  });

  it('reports the blocks it cannot render, by page and block id, and keeps them in the record', async () => {
    const kinds = report.unrendered.map((u) => u.type);
    expect(kinds.every((k) => k === 'unsupported')).toBe(true);
    for (const u of report.unrendered) {
      const page = index.pages.find((p) => p.id === u.pageId)!;
      const rec = await readJson<PageRecord>(join(snap, page.record));
      expect(rec.unrendered.map((x) => x.blockId)).toContain(u.blockId);
      const md = await readFile(join(snap, page.path), 'utf8');
      expect(md).toContain(u.blockId);
    }
  });

  it('loses no text: every word of every block (captions, table cells and code included) is in its page\'s Markdown', async () => {
    const wordsOf = (richText: unknown): string[] =>
      ((richText as Array<{ type: string; plain_text: string; mention?: { type: string } }> | undefined) ?? [])
        // Mentions are rendered from current titles and names (the workspace holds placeholders).
        .filter((t) => t.type !== 'mention')
        .flatMap((t) => t.plain_text.match(/[\p{L}\p{N}]{3,}/gu) ?? []);
    const blockWords = (blockId: string, out: string[]): void => {
      const block = workspace.blocks[blockId];
      if (!block || block.inTrash || block.type === 'child_page' || block.type === 'child_database') return;
      const payload = block.payload as Record<string, unknown>;
      out.push(...wordsOf(payload.rich_text), ...wordsOf(payload.caption));
      for (const cell of (payload.cells as unknown[] | undefined) ?? []) out.push(...wordsOf(cell));
      const from = (payload.synced_from as { block_id?: string } | null | undefined)?.block_id;
      for (const child of from ? workspace.blocks[from]!.children : block.children) blockWords(child, out);
    };
    const unescape = (md: string) => md.replace(/\\(.)/g, '$1').replace(/[*_~`]/g, '');
    let checked = 0;
    for (const entry of index.pages) {
      const words: string[] = [];
      for (const child of workspace.pages[entry.id]!.children) blockWords(child, words);
      if (words.length === 0) continue;
      const md = unescape(await readFile(join(snap, entry.path), 'utf8'));
      const missing = words.filter((w) => !md.includes(w));
      expect(missing, entry.path).toEqual([]);
      checked += words.length;
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('reads as a new user expects: one H1 per page, real task items, one timestamp format, distinguishable names', async () => {
    const markdown = files.filter((f) => f.endsWith('.md'));
    for (const f of markdown) {
      const text = await readFile(join(snap, f), 'utf8');
      // Outside fenced code (scripts may hold "# comments"), the title is the only H1.
      const prose = text.replace(/^---\n[\s\S]*?\n---\n/, '').replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, '');
      expect(prose.split('\n').filter((l) => /^# /.test(l)), f).toHaveLength(1);
      expect(prose, f).not.toContain('<!-- breadcrumb');
      // GFM needs text after "[ ]" for a task item.
      expect(prose, f).not.toMatch(/^\s*- \[[ x]\]\s*$/m);
    }
    // Every timestamp in index, records and CSV has the one form toISOString writes (dates without time stay as they are).
    for (const f of ['index.json', ...files.filter((x) => x.startsWith('records/') || x.endsWith('.csv') || (x.startsWith('pages/') && x.endsWith('.json')))]) {
      const text = await readFile(join(snap, f), 'utf8');
      for (const m of text.matchAll(/\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?/g)) expect(m[0], f).toBe(new Date(m[0]).toISOString());
    }
    // In every folder, two pages share a name (before the id) only when their titles are the same.
    const titlesByName = new Map<string, Set<string>>();
    for (const p of index.pages) {
      const name = p.path.replace(/-[0-9a-f]{8}(?:[0-9a-f]{24})?\.md$/, '');
      titlesByName.set(name, (titlesByName.get(name) ?? new Set()).add(p.title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()));
    }
    for (const [name, titles] of titlesByName) expect([...titles], name).toHaveLength(1);
  });

  it('keeps JSON types in frontmatter: booleans and numbers of formulas and rollups are YAML booleans and numbers', async () => {
    let checked = 0;
    for (const page of index.pages.filter((p) => p.databaseId)) {
      const rec = await readJson<PageRecord>(join(snap, page.record));
      const md = await readFile(join(snap, page.path), 'utf8');
      const front = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(md)![1]!) as { properties: Record<string, unknown> };
      for (const [name, v] of Object.entries(rec.properties)) {
        if ('unknown' in v || 'redacted' in v) continue;
        const json = v.type === 'checkbox' || v.type === 'number' ? v.value : v.type === 'formula' && v.value.type !== 'date' ? v.value.value : v.type === 'rollup' && v.value.type === 'number' ? v.value.value : undefined;
        if (json === undefined) continue;
        expect(front.properties[name], `${page.path} → ${name}`).toStrictEqual(json);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('links database overview cells (related rows, files) and block anchors to headings', async () => {
    let relationLinks = 0;
    for (const db of index.databases) {
      const md = await readFile(join(snap, db.path.replace(/\.json$/, '.md')), 'utf8');
      const rows = md.split('\n').filter((l) => l.startsWith('| ['));
      // No file cell is a bare snapshot path.
      for (const row of rows) expect(row).not.toMatch(/(?:^|\| )assets\//);
      for (const m of md.matchAll(/\]\((\.{1,2}\/[^)#]+\.md)\)/g)) {
        const target = join(snap, db.path.replace(/[^/]+$/, ''), decodeURI(m[1]!));
        expect(files.map((f) => join(snap, f))).toContain(target);
        relationLinks += 1;
      }
    }
    expect(relationLinks).toBeGreaterThan(index.databases.reduce((n, d) => n + d.rowIds.length, 0));
    // The KPI link in the demo points at the "Formulas" heading of the KPI definitions page.
    const kpi = index.pages.find((p) => p.title === 'KPI definitions')!;
    const kpiMd = await readFile(join(snap, kpi.path), 'utf8');
    expect(kpiMd).toMatch(/^#+ Formulas$/m);
    const linking = await Promise.all(markdownFilesLinkingTo(kpi.path.split('/').at(-1)!));
    expect(linking.flat().some((href) => href.endsWith('#formulas'))).toBe(true);
  });

  const markdownFilesLinkingTo = (name: string) =>
    files
      .filter((f) => f.endsWith('.md'))
      .map(async (f) => [...(await readFile(join(snap, f), 'utf8')).matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!).filter((href) => href.includes(name)));

  it('writes page files without run timestamps (a second sync gives identical page bytes)', async () => {
    const second = await runCli(['sync', '--out', join(out.dir, 'archive2'), '--config', join(out.dir, 'notion-kb.yaml'), '--rate', '200', '--quiet'], {
      NOTION_TOKEN: TOKEN,
      NOTION_BASE_URL: server.baseUrl,
    });
    expect(second.code, second.stderr).toBe(0);
    const snap2 = await latestSnapshot(join(out.dir, 'archive2'));
    const pageFiles = files.filter((f) => f.startsWith('pages/') || f.startsWith('records/') || f.startsWith('assets/') || f.startsWith('schema/'));
    expect(await listFiles(snap2)).toEqual(files);
    for (const f of pageFiles) expect(await readFile(join(snap2, f)), f).toEqual(await readFile(join(snap, f)));
    expect((await readdir(join(out.dir, 'archive2', 'snapshots'))).length).toBe(1);
  });
});
