// What a privacy rule leaves out is never fetched, cached, logged or pushed: markers in a page
// left out by excludePages (and in pages under it), in a row left out by excludeWhere, and in
// redacted email and phone values must appear nowhere — not in any file under the output
// directory (state/ included), not in the git archive's history, not in the export bundle, not on
// stdout or stderr — and the local server's request log shows no request for any of it.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { block as b, link, mention, text, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import { startNotionServer, type LoggedRequest, type NotionServer } from '../../src/notion-server/server.js';
import type { WorkspaceData } from '../../src/notion-server/workspace-model.js';
import { syncStatePath } from '../../src/publish/sync-state.js';
import { readJson, runCli, tempDir, type CliResult } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'notrace', 'token', '0123456789abcdefghij'].join('_');
/** Every marker contains this (case-insensitively); none may appear anywhere. */
const M = 'ZQXPRIV';
const hex = (id: string) => id.replaceAll('-', '');
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: process.env.HOME ?? '/tmp' };
const git = (args: string[]) => execFileSync('git', args, { env: gitEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

function noTraceWorkspace() {
  const w = new WorkspaceBuilder({ seed: 'no-trace', integrationName: 'notion-kb tests', workspaceName: 'No trace' });
  const root = w.page({ parent: 'workspace', title: 'Handbook' });

  // Left out by excludePages: title, text, a file, comments; under it a sub-page, a page in a
  // column, and a database whose row carries marker property values.
  const secretFile = w.file({ name: `${M}-secret.png`, contentType: 'image/png', bytes: `${M} secret image bytes` });
  const secret = w.page({ parent: root, title: `Secret ${M}TITLE` });
  const [col1, col2] = [w.id(), w.id()];
  w.append(secret, [
    b.paragraph(`The ${M}TEXT of the secret page.`),
    b.image({ fileId: secretFile, name: `${M}-secret.png` }, `${M} caption`),
    {
      type: 'column_list',
      payload: {},
      children: [
        { type: 'column', payload: { width_ratio: 0.5 }, children: [b.paragraph(`${M} left column`)], id: col1 },
        { type: 'column', payload: { width_ratio: 0.5 }, children: [b.paragraph(`${M} right column`)], id: col2 },
      ],
    },
  ]);
  w.comment(secret, `${M} comment on the secret page`);
  // A synced block whose original sits in the secret page, shown by a reference in the kept root.
  const syncedOriginal = w.id();
  w.append(secret, [b.syncedOriginal(syncedOriginal, [b.paragraph(`${M} synced original text`)])]);
  const deeperFile = w.file({ name: `${M}-deeper.pdf`, contentType: 'application/pdf', bytes: `%PDF ${M} deeper` });
  const deeper = w.page({ parent: secret, title: `Deeper ${M}`, children: [b.paragraph(`${M} deeper text`), b.pdf({ fileId: deeperFile, name: `${M}-deeper.pdf` })] });
  const inColumn = w.page({ parent: col1!, title: `In a column ${M}`, children: [b.paragraph(`${M} column page text`)] });
  const ledger = w.database({
    parent: secret,
    title: `Ledger ${M}`,
    dataSources: [{ name: `Ledger ${M}`, properties: { Name: { type: 'title' }, Amount: { type: 'rich_text' }, Receipt: { type: 'files' } } }],
  });
  const receipt = w.file({ name: `${M}-receipt.pdf`, contentType: 'application/pdf', bytes: `%PDF ${M} receipt` });
  const ledgerRow = w.row(ledger.dataSourceIds[0]!, { Name: `Entry ${M}`, Amount: `${M}PROP 1000`, Receipt: [{ fileId: receipt, name: `${M}-receipt.pdf` }] }, { children: [b.paragraph(`${M} entry text`)] });

  const team = w.database({
    parent: root,
    title: 'Team',
    dataSources: [
      {
        name: 'Team',
        properties: {
          Name: { type: 'title' },
          Visibility: { type: 'select', options: ['Public', 'Internal'] },
          Email: { type: 'email' },
          Phone: { type: 'phone_number' },
          Notes: { type: 'rich_text' },
          Attachments: { type: 'files' },
          Website: { type: 'url' },
        },
      },
    ],
  });
  const ds = team.dataSourceIds[0]!;
  // A row left out by excludePages, and one left out by excludeWhere (with a page under it).
  const listedFile = w.file({ name: `${M}-listed.txt`, contentType: 'text/plain', bytes: `${M} listed attachment` });
  const listedRow = w.row(ds, { Name: `Listed ${M}`, Visibility: 'Public', Notes: `${M}PROP listed`, Attachments: [{ fileId: listedFile, name: `${M}-listed.txt` }] }, { children: [b.paragraph(`${M} listed row text`)] });
  const internalFile = w.file({ name: `${M}-internal.png`, contentType: 'image/png', bytes: `${M} internal image` });
  const internalRow = w.row(
    ds,
    { Name: `Internal ${M}`, Visibility: 'Internal', Notes: `${M}PROP internal`, Email: `${M.toLowerCase()}.internal@example.org`, Attachments: [{ fileId: internalFile, name: `${M}-internal.png` }] },
    { children: [b.paragraph(`${M} internal row text`), b.image({ fileId: internalFile, name: `${M}-internal.png` })] },
  );
  w.comment(internalRow, `${M} comment on the internal row`);
  const underInternal = w.page({ parent: internalRow, title: `Under internal ${M}`, children: [b.paragraph(`${M} under internal`)] });
  // Kept, with redacted email and phone values.
  // Her url and files properties hold the secret page's URL (its title and id) as written in Notion.
  const secretUrl = `https://www.notion.so/Secret-${M}TITLE-${hex(secret)}`;
  const alice = w.row(
    ds,
    { Name: 'Alice', Visibility: 'Public', Email: `${M.toLowerCase()}.alice@example.org`, Phone: `+49 30 ${M} 1`, Notes: 'Alice is public.', Website: secretUrl, Attachments: [{ url: secretUrl }, { url: 'https://example.org/alice.pdf', name: 'alice.pdf' }] },
    { children: [b.paragraph('Alice works in the open.')] },
  );

  // The kept root page points at all of it.
  w.append(root, [
    b.paragraph(['See ', mention.page(secret), ', ', mention.page(deeper), ', ', mention.page(inColumn), ', ', mention.page(ledgerRow), '.']),
    b.paragraph(['Rows: ', mention.page(listedRow), ', ', mention.page(internalRow), ', ', mention.page(underInternal), ', ', mention.page(alice), '.']),
    b.paragraph([link('the plans', `https://www.notion.so/Secret-${hex(secret)}`), ' and ', link('deeper', `/${hex(deeper)}`)]),
    b.linkToPage(secret),
    b.linkToDatabase(ledger.id),
    b.syncedReference(syncedOriginal),
  ]);
  w.comment(root, ['A comment on ', mention.page(secret), ' and ', text('plain words'), '.']);
  const notes = w.page({ parent: root, title: 'Public notes', children: [b.paragraph('Nothing private here.')] });

  const workspace = w.build();
  const ids = { root, secret, deeper, inColumn, ledger: ledger.id, ledgerDs: ledger.dataSourceIds[0]!, ledgerRow, listedRow, internalRow, underInternal, alice, notes, team: team.id, col1: col1!, col2: col2!, syncedOriginal };
  const excludedFiles = [secretFile, deeperFile, receipt, listedFile, internalFile];
  return { workspace, ids, excludedFiles };
}

/** Every object of the workspace under (or being) one of these ids: pages, databases, data sources, blocks. */
function subtreeOf(ws: WorkspaceData, tops: string[]): Set<string> {
  const inside = new Set(tops);
  let grew = true;
  while (grew) {
    grew = false;
    const add = (id: string, parent: string | undefined) => {
      if (parent !== undefined && inside.has(parent) && !inside.has(id)) {
        inside.add(id);
        grew = true;
      }
    };
    for (const p of Object.values(ws.pages)) add(p.id, p.parent.type === 'workspace' ? undefined : p.parent.id);
    for (const d of Object.values(ws.databases)) add(d.id, d.parent.type === 'workspace' ? undefined : d.parent.id);
    for (const s of Object.values(ws.dataSources)) add(s.id, s.databaseId);
    for (const bl of Object.values(ws.blocks)) add(bl.id, bl.parentId);
  }
  return inside;
}

async function filesUnder(dir: string): Promise<Array<{ rel: string; bytes: Buffer }>> {
  const out: Array<{ rel: string; bytes: Buffer }> = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) await walk(path);
      else out.push({ rel: relative(dir, path), bytes: await readFile(path) });
    }
  };
  await walk(dir);
  return out;
}

/** Every entry of a zip file, read into memory. */
async function zipEntries(file: string): Promise<Array<{ rel: string; bytes: Buffer }>> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(file, { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z))));
  const out: Array<{ rel: string; bytes: Buffer }> = [];
  await new Promise<void>((done, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return void zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err ?? new Error('no stream'));
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.push({ rel: entry.fileName, bytes: Buffer.concat(chunks) });
          zip.readEntry();
        });
        stream.on('error', fail);
      });
    });
    zip.on('end', () => done());
    zip.on('error', fail);
    zip.readEntry();
  });
  return out;
}

/** Where any forbidden word occurs in a text (lowercased): "<where>: <word>". */
function hitsIn(where: string, content: string, forbidden: string[]): string[] {
  const lower = content.toLowerCase();
  return forbidden.filter((f) => lower.includes(f)).map((f) => `${where}: ${f}`);
}

describe('what a privacy rule leaves out is never fetched, cached, logged or pushed', () => {
  const { workspace, ids, excludedFiles } = noTraceWorkspace();
  const excludedTops = [ids.secret, ids.listedRow, ids.internalRow];
  const excludedSubtree = subtreeOf(workspace, excludedTops);
  const excludedPageIds = [ids.secret, ids.deeper, ids.inColumn, ids.ledger, ids.ledgerDs, ids.ledgerRow, ids.listedRow, ids.internalRow, ids.underInternal];
  const forbidden = [M.toLowerCase(), ...excludedPageIds.flatMap((id) => [id, hex(id), hex(id).slice(0, 8)])];
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let out: string;
  let remote: string;
  let config: string;
  const runs: Array<{ name: string; result: CliResult }> = [];

  const cli = async (name: string, args: string[]) => {
    const result = await runCli([...args, '--out', out, '--config', config, '--rate', '500', '--concurrency', '4'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
    runs.push({ name, result });
    return result;
  };

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, requestLog: true });
    tmp = await tempDir('notion-kb-notrace-');
    out = join(tmp.dir, 'out');
    remote = join(tmp.dir, 'archive.git');
    git(['-c', 'init.defaultBranch=main', 'init', '--quiet', '--bare', remote]);
    config = join(tmp.dir, 'notion-kb.yaml');
    await writeFile(
      config,
      [
        'assets:',
        '  external: none',
        'content:',
        '  comments: true',
        'privacy:',
        `  excludePages: ["https://www.notion.so/Secret-${hex(ids.secret)}", "${ids.listedRow}"]`,
        '  excludeWhere:',
        '    - { property: Visibility, equals: Internal }',
        '  redactPropertyTypes: [email, phone_number]',
        'archive:',
        '  git:',
        `    remote: ${JSON.stringify(remote)}`,
        '    branch: archive',
        '',
      ].join('\n'),
    );
    // 1. A full sync with --verbose (and the git archive).
    expect((await cli('full', ['sync', '--verbose'])).code).toBe(0);
    // 2. An incremental sync after an edit elsewhere.
    server.mutate.appendBlock(ids.notes, b.paragraph('An edit elsewhere.'));
    expect((await cli('incremental after an edit elsewhere', ['sync', '--verbose'])).code).toBe(0);
    // 3. An incremental sync after an edit to the excluded page itself, and to the left-out row.
    server.mutate.appendBlock(ids.secret, b.paragraph(`${M} added later`));
    server.mutate.editProperty(ids.internalRow, 'Notes', { type: 'rich_text', rich_text: [text(`${M}PROP edited`)] });
    expect((await cli('incremental after an edit to the excluded page', ['sync', '--verbose', '--json'])).code).toBe(0);
    // 4. notion-kb export (a full sync with comments and the site, then the bundle).
    expect((await cli('export', ['export', '--verbose', '--json'])).code).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    await tmp?.cleanup();
  });

  it('every run was what it should be: full, incremental, incremental, export', async () => {
    const modes = runs.slice(2).map((r) => (JSON.parse(r.result.stdout) as { mode: string }).mode);
    expect(modes).toEqual(['incremental', 'full']);
    expect(runs[1]!.result.stderr).toMatch(/incremental/);
    const report = await readJson<{ privacy: Record<string, number> }>(join((JSON.parse(runs[2]!.result.stdout) as { snapshotDir: string }).snapshotDir, 'report.json'));
    expect(report.privacy).toMatchObject({ excludedPages: 7, excludedDatabases: 1, redactedValues: 2 });
    expect(report.privacy.requestsSaved).toBeGreaterThanOrEqual(9);
    // After an edit elsewhere nothing was retrieved for the rules: the last run's hints placed the column.
    const second = /Snapshot (\S+) written/.exec(runs[1]!.result.stderr)![1]!;
    const quiet = await readJson<{ privacy: Record<string, number>; mode: string }>(join(out, 'snapshots', second, 'report.json'));
    expect(quiet).toMatchObject({ mode: 'incremental', privacy: { requestsSpent: 0 } });
  });

  it('stdout and stderr of every run name no marker and no id of a left-out page', () => {
    expect(runs.map((r) => r.name)).toHaveLength(4);
    // --verbose shows every request: the log is there, and says nothing of what is left out.
    expect(runs[0]!.result.stderr).toMatch(/POST \/v1\/search → 200/);
    const hits = runs.flatMap((r) => [...hitsIn(`${r.name} stdout`, r.result.stdout, forbidden), ...hitsIn(`${r.name} stderr`, r.result.stderr, forbidden)]);
    expect(hits).toEqual([]);
  });

  it('no file under the output directory (snapshots, state/, exports/) holds a marker or an id of a left-out page', async () => {
    const files = await filesUnder(out);
    expect(files.some((f) => f.rel.startsWith('state/pages-') && f.rel.endsWith('.spool'))).toBe(true);
    expect(files.some((f) => f.rel === syncStatePath('.'))).toBe(true);
    // Nor the id of the synced original a kept page's reference showed (the reference is dropped).
    const originalIds = [ids.syncedOriginal, hex(ids.syncedOriginal)];
    const hits = files.flatMap((f) => hitsIn(f.rel, f.bytes.toString('latin1'), [...forbidden, ...originalIds]));
    expect(hits).toEqual([]);
    // The page cache still holds what the snapshot shows: the kept pages, with the mentions replaced.
    const cache = files.find((f) => f.rel.startsWith('state/pages-'))!.bytes.toString('utf8');
    expect(cache).toContain('Alice works in the open.');
    expect(cache).toContain('(private page)');
  });

  it('the bare repository and the local archive repository hold no marker and no id of a left-out page, in any object', () => {
    for (const repo of [remote, join(out, 'state', 'git-archive')]) {
      const log = git(['--git-dir', repo, 'log', '--all', '-p']);
      expect(log).toContain('Snapshot ');
      expect(hitsIn(`${repo} log`, log, forbidden)).toEqual([]);
      // Every object, reachable or not.
      const objects = git(['--git-dir', repo, 'cat-file', '--batch-all-objects', '--batch']);
      expect(hitsIn(`${repo} objects`, objects, forbidden)).toEqual([]);
    }
    expect(git(['--git-dir', remote, 'log', '--format=%s', 'refs/heads/archive']).trim().split('\n').length).toBeGreaterThanOrEqual(3);
  });

  it('the export bundle, unpacked, holds no marker and no id of a left-out page', async () => {
    const summary = JSON.parse(runs[3]!.result.stdout) as { bundle: { path: string } };
    const entries = await zipEntries(summary.bundle.path);
    expect(entries.some((e) => e.rel.endsWith('/data/index.json'))).toBe(true);
    expect(entries.some((e) => e.rel.includes('/data/site/'))).toBe(true);
    expect(entries.flatMap((e) => hitsIn(e.rel, e.bytes.toString('latin1'), forbidden))).toEqual([]);
  });

  it('the server saw no request for a left-out page, anything under it, its comments or its files; only parents retrieved to place a page', () => {
    const log: LoggedRequest[] = server.requestLog();
    expect(log.length).toBeGreaterThan(20);
    const idsIn = (path: string) => [...path.matchAll(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi)].map((m) => m[0].toLowerCase());
    const dashed = (id: string) => (id.includes('-') ? id : `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`);
    const touching = log.filter((r) => idsIn(r.path).some((id) => excludedSubtree.has(dashed(id))) || excludedFiles.some((f) => r.path.includes(f)) || r.path.toLowerCase().includes(M.toLowerCase()));
    // The page in a column of the secret page is listed with that column as its parent: the
    // column and the column list above it are retrieved to learn that they sit in the secret
    // page. Nothing else of the left-out pages is asked for.
    // The original of the synced block the root shows is retrieved (an object without content) to
    // learn that it sits in the secret page; its blocks are never listed.
    const allowed = new Set([`GET /v1/blocks/${ids.col1}`, `GET /v1/blocks/${workspace.blocks[ids.col1]!.parentId}`, `GET /v1/blocks/${ids.syncedOriginal}`]);
    expect(touching.map((r) => `${r.method} ${r.path}`).filter((r) => !allowed.has(r))).toEqual([]);
    // Once per full crawl (the first sync, the export) and once after the secret page was edited;
    // the incremental run after an edit elsewhere knew from the last run where the column sits.
    expect(touching.filter((r) => r.path === `/v1/blocks/${ids.col1}`)).toHaveLength(3);
    // Kept pages were fetched, with their comments (the check above is not vacuous).
    expect(log.some((r) => r.path === `/v1/blocks/${ids.alice}/children`)).toBe(true);
    expect(log.some((r) => r.path.startsWith('/v1/comments'))).toBe(true);
  });
});

describe('a crawl from a root decides before fetching too', () => {
  it('no request for the left-out page or anything under it; mentions of them read "(private page)"', async () => {
    const { workspace, ids, excludedFiles } = noTraceWorkspace();
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, requestLog: true });
    const tmp = await tempDir('notion-kb-notrace-root-');
    try {
      const outcome = await syncInProcess({
        baseUrl: server.baseUrl,
        token: TOKEN,
        out: tmp.dir,
        file: {
          notion: { roots: [ids.root] },
          privacy: { excludePages: [ids.secret, ids.listedRow], excludeWhere: [{ property: 'Visibility', equals: 'Internal' }], redactPropertyTypes: ['email', 'phone_number'] },
        },
      });
      expect(outcome.exitCode).toBe(0);
      const subtree = subtreeOf(workspace, [ids.secret, ids.listedRow, ids.internalRow]);
      const touching = server
        .requestLog()
        .filter((r) => [...subtree].some((id) => r.path.includes(id) || r.path.includes(hex(id))) || excludedFiles.some((f) => r.path.includes(f)))
        .map((r) => `${r.method} ${r.path}`);
      const placing = [`GET /v1/blocks/${ids.col1}`, `GET /v1/blocks/${workspace.blocks[ids.col1]!.parentId}`, `GET /v1/blocks/${ids.syncedOriginal}`];
      expect(touching.filter((r) => !placing.includes(r))).toEqual([]);
      const files = await filesUnder(tmp.dir);
      const forbidden = [M.toLowerCase(), ...[ids.secret, ids.deeper, ids.inColumn, ids.ledgerRow, ids.listedRow, ids.internalRow, ids.underInternal].flatMap((id) => [id, hex(id)])];
      expect(files.flatMap((f) => hitsIn(f.rel, f.bytes.toString('latin1'), forbidden))).toEqual([]);
      const rootMd = files.find((f) => /pages\/handbook-[0-9a-f]{8}\.md$/.test(f.rel))!.bytes.toString('utf8');
      expect(rootMd).toContain('See (private page), (private page), (private page), (private page).');
      expect(outcome.report.privacy).toMatchObject({ excludedPages: 7, excludedDatabases: 1 });
    } finally {
      await server.close();
      await tmp.cleanup();
    }
  }, 120_000);
});

describe('a row left out only after it was fetched (its query shows it matching, its listing did not)', () => {
  it('leaves the page cache, and pages spooled with a mention of it are rewritten there as the snapshot shows them', async () => {
    const w = new WorkspaceBuilder({ seed: 'late', integrationName: 'notion-kb tests', workspaceName: 'Late' });
    const root = w.page({ parent: 'workspace', title: 'Handbook' });
    const team = w.database({ parent: root, title: 'Team', dataSources: [{ name: 'Team', properties: { Name: { type: 'title' }, Visibility: { type: 'select', options: ['Public', 'Internal'] } } }] });
    const row = w.row(team.dataSourceIds[0]!, { Name: `Turning ${M}`, Visibility: 'Public' }, { children: [b.paragraph(`${M} row text`)] });
    w.append(root, [b.paragraph(['See ', mention.page(row), '.'])]);
    const server = await startNotionServer({ workspace: w.build(), token: TOKEN, rateLimit: false });
    const tmp = await tempDir('notion-kb-notrace-late-');
    // The row turns Internal between the search listing and the data source query, which waits
    // until the root page and the row have been fetched (and so spooled as they were listed).
    const fetched = new Set<string>();
    let flipped = false;
    const base = globalThis.fetch;
    const fetchWithRace: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!flipped && url.includes(`/v1/data_sources/${team.dataSourceIds[0]}/query`)) {
        for (let waited = 0; waited < 5_000 && !(fetched.has(root) && fetched.has(row)); waited += 20) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 100));
        server.mutate.editProperty(row, 'Visibility', { type: 'select', select: { name: 'Internal' } });
        flipped = true;
      }
      const response = await base(input, init);
      for (const id of [root, row]) if (url.includes(`/v1/blocks/${id}/children`)) fetched.add(id);
      return response;
    };
    try {
      const { systemEffects } = await import('../../src/source/effects.js');
      // Without an `api` transport, the API requests go through fetchWithRace too.
      const { clock, random } = systemEffects();
      const outcome = await syncInProcess({
        baseUrl: server.baseUrl,
        token: TOKEN,
        out: tmp.dir,
        file: { requests: { rate: 1000, concurrency: 2 }, privacy: { excludeWhere: [{ property: 'Visibility', equals: 'Internal' }] } },
        // The run's progress kept after it publishes (as an export keeps it until its bundle is
        // written): the journal is rewritten without the row, as the page cache is.
        deps: { effects: { clock, random, fetch: fetchWithRace }, keepProgress: true },
      });
      expect(flipped).toBe(true);
      expect(fetched.has(row)).toBe(true); // it was fetched before it turned Internal
      expect(outcome.report.privacy).toMatchObject({ excludedPages: 1 });
      const files = await filesUnder(tmp.dir);
      expect(files.some((f) => f.rel === join('state', 'progress', 'journal'))).toBe(true);
      expect(files.flatMap((f) => hitsIn(f.rel, f.bytes.toString('latin1'), [M.toLowerCase(), row, hex(row)]))).toEqual([]);
      const cache = files.find((f) => f.rel.startsWith(join('state', 'pages-')))!.bytes.toString('utf8');
      expect(cache).toContain('See ');
      expect(cache).toContain('(private page)');
    } finally {
      await server.close();
      await tmp.cleanup();
    }
  }, 60_000);
});

describe('a run stopped part-way under the rules', () => {
  it('keeps in its progress only what the page cache would hold, and the next run takes it up into what an uninterrupted run publishes', async () => {
    const { workspace, ids } = noTraceWorkspace();
    const file = {
      requests: { rate: 1000, concurrency: 1 },
      content: { comments: true },
      privacy: { excludePages: [ids.secret, ids.listedRow], excludeWhere: [{ property: 'Visibility', equals: 'Internal' }], redactPropertyTypes: ['email', 'phone_number'] },
    };
    // A 401 (a token revoked during the run) on the 6th comments request: the run stops there.
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, faults: { seed: 'no-trace', script: [{ match: { route: 'GET /v1/comments', nth: 6 }, fault: 'revoked-token' }] } });
    const tmp = await tempDir('notion-kb-notrace-stopped-');
    const forbidden = [M.toLowerCase(), ...[ids.secret, ids.deeper, ids.inColumn, ids.ledger, ids.ledgerDs, ids.ledgerRow, ids.listedRow, ids.internalRow, ids.underInternal].flatMap((id) => [id, hex(id), hex(id).slice(0, 8)])];
    try {
      const out = join(tmp.dir, 'out');
      await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file })).rejects.toMatchObject({ code: 'auth' });
      const progress = await filesUnder(join(out, 'state', 'progress'));
      const journal = progress.find((f) => f.rel === 'journal')!.bytes;
      const { decodeRecords } = await import('../../src/publish/run-journal.js');
      const records = decodeRecords(journal).records;
      expect(records.filter((r) => r.t === 'page').length).toBeGreaterThan(0);
      // No raw listing (block children, comments) and no rows (they name left-out rows): pages only, as cleaned.
      expect(records.filter((r) => r.t === 'children' || r.t === 'comments' || r.t === 'rows')).toEqual([]);
      expect((await filesUnder(out)).flatMap((f) => hitsIn(f.rel, f.bytes.toString('latin1'), forbidden))).toEqual([]);

      const resumed = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file });
      expect(resumed.exitCode).toBe(0);
      expect(resumed.resumed).toBeGreaterThan(0);
      expect((await filesUnder(out)).flatMap((f) => hitsIn(f.rel, f.bytes.toString('latin1'), forbidden))).toEqual([]);
      const whole = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(tmp.dir, 'whole'), file });
      const { contentOf } = await import('../support/snapshot-content.js');
      expect(await contentOf(resumed.snapshotDir)).toEqual(await contentOf(whole.snapshotDir));
      expect(resumed.report.privacy).toMatchObject({ excludedPages: 7, excludedDatabases: 1, redactedValues: 2 });
    } finally {
      await server.close();
      await tmp.cleanup();
    }
  }, 120_000);

  // A page the interrupted run fetched while the rules kept it, or a page that mentions it, and
  // that the same rules (same config key) leave out by the next run: it turned Internal in Notion
  // in between. The resumed run never reads those spooled bytes back, so they were only unused
  // there, and the spool they sat in became the page cache.
  it.each([
    ['the page itself was fetched', 0],
    ['only pages that mention it were fetched', 5],
  ] as const)('a page left out since the run it takes up (%s) leaves no trace in the page cache', async (_form, nth) => {
    const w = new WorkspaceBuilder({ seed: 'turned', integrationName: 'notion-kb tests', workspaceName: 'Turned' });
    const root = w.page({ parent: 'workspace', title: 'Handbook' });
    const team = w.database({ parent: root, title: 'Team', dataSources: [{ name: 'Team', properties: { Name: { type: 'title' }, Visibility: { type: 'select', options: ['Public', 'Internal'] } } }] });
    const row = w.row(team.dataSourceIds[0]!, { Name: `Turning ${M}`, Visibility: 'Public' }, { children: [b.paragraph(`${M} row text`)] });
    const mentioned = nth > 0;
    if (mentioned) w.append(root, [b.paragraph(['See ', mention.page(row), '.'])]);
    for (let i = 0; i < 6; i++) {
      w.page({ parent: root, title: `Kept ${i}`, children: [b.paragraph(`Kept page ${i}: ${'lorem ipsum '.repeat(40)}`), ...(mentioned ? [b.paragraph(['See ', mention.page(row), '.'])] : [])] });
    }
    w.page({ parent: root, title: 'Last', children: [b.paragraph('the last one')] });
    const workspace = w.build();
    const file = { requests: { rate: 1000, concurrency: 1 }, privacy: { excludeWhere: [{ property: 'Visibility', equals: 'Internal' }] } };
    // A 401 (token revoked): on the last block-children request (the row fetched), or on the fifth (before the row).
    const stopAt = nth || Object.keys(workspace.pages ?? {}).length;
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false, faults: { seed: 'turned', script: [{ match: { route: 'GET /v1/blocks/:id/children', nth: stopAt }, fault: 'revoked-token' }] } });
    const tmp = await tempDir('notion-kb-notrace-turned-');
    try {
      const out = join(tmp.dir, 'out');
      await expect(syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file })).rejects.toMatchObject({ code: 'auth' });
      const { decodeRecords } = await import('../../src/publish/run-journal.js');
      const pages = decodeRecords(await readFile(join(out, 'state', 'progress', 'journal'))).records.filter((r) => r.t === 'page');
      // Precondition: the row itself was spooled, or (mentioned) only pages that name it were.
      expect(pages.some((r) => r.id === row)).toBe(!mentioned);
      expect(pages.length).toBeGreaterThan(mentioned ? 1 : 0);

      server.mutate.editProperty(row, 'Visibility', { type: 'select', select: { name: 'Internal' } });
      const resumed = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out, file });
      expect(resumed.exitCode).toBe(0);
      expect(resumed.report.privacy).toMatchObject({ excludedPages: 1 });
      const files = await filesUnder(out);
      expect(files.some((f) => f.rel.startsWith(join('state', 'pages-')))).toBe(true);
      expect(files.flatMap((f) => hitsIn(f.rel, f.bytes.toString('latin1'), [M.toLowerCase(), row, hex(row)]))).toEqual([]);
    } finally {
      await server.close();
      await tmp.cleanup();
    }
  }, 60_000);
});
