import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Changes, Index, Manifest, PageRecord, Report } from '../../src/normalise/schemas.js';
import { block as b, link, mention, text, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import { buildDemoWorkspace } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';
import { readJson, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'privacy', 'token', '0123456789abcdefghij'].join('_');
/** Planted in everything that must not reach the snapshot. */
const MARKER = 'ZZPRIVATEZZ';
/** Planted in a row that is left out only from the second run on. */
const LATER = 'ZZLATERZZ';
const hex = (id: string) => id.replaceAll('-', '');

function privacyWorkspace() {
  const w = new WorkspaceBuilder({ seed: 'privacy', integrationName: 'notion-kb tests', workspaceName: 'Privacy space' });
  const person = w.user({ name: `${MARKER} Person`, email: 'zz.person.zzprivatezz@example.org' });
  const root = w.page({ parent: 'workspace', title: 'Handbook' });
  const secret = w.page({ parent: root, title: `Secret ${MARKER} plans` });
  const secretImage = w.file({ name: `${MARKER}-diagram.png`, contentType: 'image/png', bytes: `${MARKER} image bytes` });
  const [secretHeading] = w.append(secret, [
    b.heading(2, `${MARKER} heading`),
    b.paragraph(`The ${MARKER} body.`),
    b.image({ fileId: secretImage, name: `${MARKER}-diagram.png` }, `${MARKER} caption`),
  ]);
  const deeper = w.page({ parent: secret, title: `Deeper ${MARKER}`, children: [b.paragraph(`${MARKER} deeper text`)] });

  const db = w.database({
    parent: root,
    title: 'Team',
    dataSources: [
      {
        name: 'Team',
        properties: {
          Name: { type: 'title' },
          Visibility: { type: 'select', options: ['Public', 'Internal'] },
          Tags: { type: 'multi_select', options: ['Ops', 'Secret'] },
          Email: { type: 'email' },
          Phone: { type: 'phone_number' },
          Owner: { type: 'people' },
          'Budget (€)': { type: 'number' },
          Attachments: { type: 'files' },
          Notes: { type: 'rich_text' },
        },
      },
    ],
  });
  const ds = db.dataSourceIds[0]!;
  w.addProperty(ds, 'Related', { type: 'relation', dataSourceId: ds, databaseId: db.id });
  w.addProperty(ds, 'Related names', { type: 'rollup', relation: 'Related', property: 'Name', function: 'show_original' });
  const hiddenDb = w.database({ parent: root, title: `Hidden ${MARKER} db`, dataSources: [{ name: `Hidden ${MARKER}`, properties: { Name: { type: 'title' } } }] });
  w.addProperty(ds, 'Hidden link', { type: 'relation', dataSourceId: hiddenDb.dataSourceIds[0]!, databaseId: hiddenDb.id });
  const hiddenRow = w.row(hiddenDb.dataSourceIds[0]!, { Name: `Hidden ${MARKER} row` });
  const internalRow = w.row(ds, { Name: `Internal ${MARKER} row`, Visibility: 'Internal', Notes: `${MARKER} notes` }, { children: [b.paragraph(`${MARKER} row text`)] });
  const rowChild = w.page({ parent: internalRow, title: `Row child ${MARKER}`, children: [b.paragraph(`${MARKER} row child text`)] });
  const taggedRow = w.row(ds, { Name: `Tagged ${MARKER}`, Visibility: 'Public', Tags: ['Ops', 'Secret'] });
  const cv = w.file({ name: `${MARKER}-cv.pdf`, contentType: 'application/pdf', bytes: `%PDF ${MARKER} cv` });
  const alice = w.row(ds, {
    Name: 'Alice',
    Visibility: 'Public',
    Tags: ['Ops'],
    Email: 'alice.zzprivatezz@example.org',
    Phone: `+49 30 ${MARKER}`,
    Owner: [person],
    'Budget (€)': 987654321,
    Attachments: [{ fileId: cv, name: `${MARKER}-cv.pdf` }],
    Notes: 'Write to office.zzprivatezz@example.org or call +49 30 7654321.',
    Related: [internalRow, taggedRow],
    'Related names': { type: 'array', function: 'show_original', array: [{ type: 'title', title: [text(`Internal ${MARKER} row`)] }, { type: 'title', title: [text(`Tagged ${MARKER}`)] }] },
    'Hidden link': [hiddenRow],
  });
  const bob = w.row(ds, { Name: `Bob ${LATER}`, Visibility: 'Public', Notes: 'Bob is public, for now.' }, { children: [b.paragraph(`${LATER} text`)] });


  w.append(root, [
    b.paragraph(['See ', mention.page(secret), ' and ', mention.database(hiddenDb.id), '.']),
    b.paragraph([link('the plans', `https://www.notion.so/Secret-${MARKER}-plans-${hex(secret)}`), ' and ', link('its heading', `/${hex(secret)}#${hex(secretHeading!)}`)]),
    b.paragraph([text('Mail zz.contact.zzprivatezz@example.org or phone +49 30 1234567 or 030 555 1234.')]),
    b.linkToPage(secret),
    b.linkToDatabase(hiddenDb.id),
    b.bookmark(`https://www.notion.so/Secret-${MARKER}-plans-${hex(secret)}`),
    b.paragraph(['Public: ', mention.page(alice), ' and ', mention.page(bob), '.']),
  ]);
  const notes = w.page({ parent: root, title: 'Public notes', children: [b.paragraph('Nothing private here.')] });
  return {
    workspace: w.build(),
    ids: { hiddenRow, root, secret, deeper, internalRow, rowChild, taggedRow, alice, bob, notes, db: db.id, ds, hiddenDb: hiddenDb.id },
  };
}

/** Every file under a directory, with its path relative to it. */
async function filesUnder(dir: string, skip: (rel: string) => boolean = () => false): Promise<Array<{ rel: string; bytes: Buffer }>> {
  const out: Array<{ rel: string; bytes: Buffer }> = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      const rel = relative(dir, path);
      if (skip(rel)) continue;
      if (e.isDirectory()) await walk(path);
      else out.push({ rel, bytes: await readFile(path) });
    }
  };
  await walk(dir);
  return out;
}

describe('privacy filters: left-out pages leave no trace, redacted values and text are gone', () => {
  const { workspace, ids } = privacyWorkspace();
  const excludedIds = [ids.secret, ids.deeper, ids.internalRow, ids.rowChild, ids.taggedRow, ids.hiddenDb, ids.hiddenRow];
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let first: { dir: string; index: Index; report: Report };
  let second: { dir: string; index: Index; report: Report };
  let third: { dir: string; index: Index; report: Report };
  const privacy = () => ({
    excludePages: [`https://www.notion.so/Secret-plans-${hex(ids.secret)}`, ids.hiddenDb],
    excludeWhere: [
      { property: 'Visibility', equals: 'Internal' },
      { property: 'Tags', equals: 'Secret' },
    ],
    redactPropertyTypes: ['email', 'phone_number', 'people'],
    redactProperties: ['Budget (€)', 'Attachments'],
    redactTextPatterns: ['email', 'phone'],
  });
  const sync = async () => {
    const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir, file: { privacy: privacy() } });
    expect(outcome.exitCode).toBe(0);
    return {
      dir: outcome.snapshotDir,
      index: await readJson<Index>(join(outcome.snapshotDir, 'index.json')),
      report: await readJson<Report>(join(outcome.snapshotDir, 'report.json')),
    };
  };
  const pageOf = (snap: { index: Index }, id: string) => snap.index.pages.find((p) => p.id === id);

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
    first = await sync();
    server.mutate.editProperty(ids.bob, 'Visibility', { type: 'select', select: { name: 'Internal' } });
    second = await sync();
    server.mutate.editProperty(ids.bob, 'Visibility', { type: 'select', select: { name: 'Public' } });
    third = await sync();
  });
  afterAll(async () => {
    await server?.close();
    await out?.cleanup();
  });

  it('no file of the output (snapshots, latest.json, the sync state and page cache) holds the marker, an id of a left-out page, or a redacted value', async () => {
    const files = await filesUnder(out.dir, (rel) => rel === '.notion-kb.lock');
    expect(files.some((f) => f.rel.startsWith(join('state', 'pages-')))).toBe(true);
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => f.rel === 'latest.json')).toBe(true);
    const forbidden = [MARKER.toLowerCase(), ...excludedIds.flatMap((id) => [id, hex(id)]), '987654321', '1234567', '7654321', '555 1234', 'example.org'];
    const hits: string[] = [];
    for (const f of files) {
      const content = f.bytes.toString('utf8').toLowerCase();
      for (const word of forbidden) if (content.includes(word)) hits.push(`${f.rel}: ${word}`);
    }
    expect(hits).toEqual([]);
  });

  it('left-out pages, rows and databases are in no index, record or file; the rest is exported', () => {
    for (const id of excludedIds) {
      expect(pageOf(first, id)).toBeUndefined();
      expect(first.index.databases.find((d) => d.id === id)).toBeUndefined();
    }
    for (const id of [ids.root, ids.alice, ids.bob, ids.notes]) expect(pageOf(first, id), id).toBeDefined();
    const team = first.index.databases.find((d) => d.id === ids.db)!;
    expect(team.rowIds.sort()).toEqual([ids.alice, ids.bob].sort());
    expect(Object.keys(first.index.backlinks)).not.toContain(ids.secret);
  });

  it('mentions of and links to a left-out page read "(private page)"; child_page, link_to_page and bookmark blocks to it are gone', async () => {
    const md = await readFile(join(first.dir, pageOf(first, ids.root)!.path), 'utf8');
    expect(md).toContain('See (private page) and (private page).');
    expect(md).toContain('(private page) and (private page)');
    expect(md.match(/\(private page\)/g)!.length).toBe(5);
    const body = md.replace(/^---\n[\s\S]*?\n---\n/, '');
    expect(body).not.toMatch(/Linked page|Linked database|notion\.so/);
    // The public row is still linked, and so is the database and the public sub-page.
    expect(md).toMatch(/\[Alice\]\(\.\/handbook-[0-9a-f]{8}\/team-[0-9a-f]{8}\/alice-[0-9a-f]{8}\.md\)/);
    expect(md).toContain('[Public notes](');
    const record = await readJson<PageRecord>(join(first.dir, pageOf(first, ids.root)!.record));
    expect(record.links.sort()).toEqual([ids.alice, ids.bob, ids.db, ids.notes].sort());
    expect(first.report.unresolvedLinks).toEqual([]);
  });

  it('text patterns are "[redacted]" in page text and text properties', async () => {
    const md = await readFile(join(first.dir, pageOf(first, ids.root)!.path), 'utf8');
    expect(md).toContain('Mail \\[redacted\\] or phone \\[redacted\\] or \\[redacted\\].');
    const alice = await readJson<PageRecord>(join(first.dir, pageOf(first, ids.alice)!.record));
    expect(alice.properties.Notes).toMatchObject({ type: 'rich_text', value: { text: 'Write to [redacted] or call [redacted].' } });
  });

  it('redacted values are null with "redacted": true in JSON, empty in CSV, absent from frontmatter and Markdown; relations to left-out rows are dropped', async () => {
    const alice = await readJson<PageRecord>(join(first.dir, pageOf(first, ids.alice)!.record));
    for (const [name, type] of [['Email', 'email'], ['Phone', 'phone_number'], ['Owner', 'people'], ['Budget (€)', 'number'], ['Attachments', 'files']] as const) {
      expect(alice.properties[name], name).toEqual({ type, value: null, redacted: true });
    }
    expect(alice.properties.Visibility).toMatchObject({ type: 'select', value: { name: 'Public' } });
    expect(alice.properties.Related).toEqual({ type: 'relation', value: [] });
    // A rollup over a relation that held a left-out page is redacted (its items cannot be told apart).
    expect(alice.properties['Related names']).toEqual({ type: 'rollup', value: null, redacted: true });
    expect(alice.properties['Hidden link']).toEqual({ type: 'relation', value: [] });
    expect(alice.assets).toEqual([]);
    const md = await readFile(join(first.dir, pageOf(first, ids.alice)!.path), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(md)![1]!;
    for (const name of ['Email', 'Phone', 'Owner', 'Budget', 'Attachments']) expect(md, name).not.toContain(name);
    expect(front).toContain('Visibility: Public');

    const team = first.index.databases.find((d) => d.id === ids.db)!;
    const csv = await readFile(join(first.dir, team.csv!), 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    const columns = header!.split(',');
    const aliceRow = rows.find((r) => r.startsWith('Alice'))!.split(',');
    for (const name of ['Email', 'Phone', 'Owner', 'Attachments']) expect(aliceRow[columns.indexOf(name)], name).toBe('');
    expect(aliceRow[columns.findIndex((c) => c.includes('Budget'))]).toBe('');
    const dbJson = await readJson<{ dataSources: Array<{ rows: Array<{ id: string; properties: Record<string, unknown> }> }> }>(join(first.dir, team.path));
    expect(dbJson.dataSources[0]!.rows.find((r) => r.id === ids.alice)!.properties.Email).toEqual({ type: 'email', value: null, redacted: true });
    // No file of a redacted files property and no file of a left-out page is in the snapshot.
    expect(first.report.counts.assets).toBe(0);
    expect(await readdir(join(first.dir, 'assets')).catch(() => [])).toEqual([]);
  });

  it('report.json counts what was left out and redacted, and names none of it', () => {
    // 11 values: five properties of Alice and her rollup over a left-out row (redacted as it shows), the same five of Bob.
    expect(first.report.privacy).toEqual({ excludedPages: 6, excludedDatabases: 1, redactedValues: 11, hiddenFromChanges: 0, requestsSaved: 8, requestsSpent: 1 });
    expect(first.report.complete).toBe(true);
    expect(first.report.counts.pages).toBe(first.index.pages.length);
  });

  it('every snapshot verifies', async () => {
    for (const snap of [first, second]) {
      const result = await verifySnapshot({ outDir: out.dir, snapshotDir: snap.dir });
      expect(result.problems).toEqual([]);
    }
  });

  it('a row left out since the last run is not named in changes.json or CHANGELOG.md: only counted', async () => {
    expect(pageOf(second, ids.bob)).toBeUndefined();
    expect(second.report.privacy).toEqual({ excludedPages: 7, excludedDatabases: 1, redactedValues: 6, hiddenFromChanges: 1, requestsSaved: 9, requestsSpent: 0 });
    const changes = await readJson<Changes>(join(second.dir, 'changes.json'));
    expect(changes.removed).toEqual([]);
    expect(JSON.stringify(changes)).not.toContain(ids.bob);
    const files = await filesUnder(second.dir);
    const hits = files.filter((f) => f.bytes.toString('utf8').includes(LATER) || f.bytes.toString('utf8').includes(ids.bob)).map((f) => f.rel);
    expect(hits).toEqual([]);
    expect(second.report.mode).toBe('incremental');
    // The root page was not edited: from the page cache, which now has Bob hidden as the snapshot does.
    const md = await readFile(join(second.dir, pageOf(second, ids.root)!.path), 'utf8');
    expect(md).toMatch(/Public: \[Alice\]\([^)]+\) and \(private page\)\./);
  });

  it('a row no longer left out comes back whole (the pages whose cache lost a trace of it are fetched again)', async () => {
    expect(third.report.mode).toBe('incremental');
    expect(pageOf(third, ids.bob)).toBeDefined();
    expect(third.report.privacy).toMatchObject({ excludedPages: 6, hiddenFromChanges: 0 });
    expect(await readFile(join(third.dir, pageOf(third, ids.bob)!.path), 'utf8')).toContain(`${LATER} text`);
    const changes = await readJson<Changes>(join(third.dir, 'changes.json'));
    expect(changes.added.map((c) => c.id)).toEqual([ids.bob]);
    // The root page's cache lost its mention of Bob; Bob is back, so the root page was fetched again and links to him.
    const md = await readFile(join(third.dir, pageOf(third, ids.root)!.path), 'utf8');
    expect(md).toMatch(/Public: \[Alice\]\([^)]+\) and \[Bob ZZLATERZZ\]\([^)]+\)\./);
    expect(md).toBe(await readFile(join(first.dir, pageOf(first, ids.root)!.path), 'utf8'));
  });
});

describe('privacy rules that leave nothing out keep every file of the demo wiki', () => {
  it('the same files in assets/ as without rules, and the snapshot verifies', async () => {
    const server = await startNotionServer({ workspace: buildDemoWorkspace(), token: TOKEN, rateLimit: false });
    const out = await tempDir();
    try {
      const run = async (dir: string, privacy?: Record<string, unknown>) => {
        const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(out.dir, dir), ...(privacy ? { file: { privacy } } : {}) });
        const manifest = await readJson<Manifest>(join(outcome.snapshotDir, 'manifest.json'));
        return { outcome, assets: manifest.files.filter((f) => f.path.startsWith('assets/')).map((f) => f.path).sort() };
      };
      const plain = await run('plain');
      const filtered = await run('filtered', { redactTextPatterns: ['email', 'phone'] });
      expect(plain.assets.length).toBeGreaterThan(5);
      expect(filtered.assets).toEqual(plain.assets);
      expect(filtered.outcome.report.counts.assets).toBe(plain.outcome.report.counts.assets);
      expect((await verifySnapshot({ outDir: join(out.dir, 'filtered') })).problems).toEqual([]);
    } finally {
      await server.close();
      await out.cleanup();
    }
  });
});
