import { createHash } from 'node:crypto';
import { appendFile, cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Index, Manifest } from '../../src/normalise/schemas.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { runSync } from '../../src/run-sync.js';
import { linkTargets, verifySnapshot, type VerifyResult } from '../../src/verify/verify-snapshot.js';
import { smallWorkspace } from '../support/small-workspace.js';
import { latestSnapshot, readJson, runCli, tempDir, type CliResult } from '../support/cli.js';

const TOKEN = ['secret', 'verify', 'test', 'token', '0123456789abcdef'].join('_');

/** Rewrites manifest.json so it matches the files on disk for the given paths (a tamperer who covers their tracks). */
async function updateManifest(dir: string, changed: string[], removed: string[] = []): Promise<void> {
  const manifest = await readJson<Manifest>(join(dir, 'manifest.json'));
  manifest.files = manifest.files.filter((f) => !removed.includes(f.path));
  for (const path of changed) {
    const bytes = await readFile(join(dir, path));
    const entry = { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
    const i = manifest.files.findIndex((f) => f.path === path);
    if (i >= 0) manifest.files[i] = entry;
    else manifest.files.push(entry);
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

const problemsAbout = (r: VerifyResult, path: string) => r.problems.filter((p) => p.path === path).map((p) => p.message);

describe('verify a real snapshot of the small workspace', () => {
  const { workspace, ids } = smallWorkspace();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let out: string;
  let snap: string;
  let index: Index;
  let asset: string;
  let copies = 0;
  /** Copy with one asset byte flipped (made in beforeAll, so the CLI runs can go in parallel). */
  let flipped: string;
  const cli: Record<'intact' | 'flipped' | 'noLatest', CliResult> = {} as never;
  const pagePath = (id: string) => index.pages.find((p) => p.id === id)!.path;
  const pageByTitle = (title: string) => index.pages.find((p) => p.title === title)!;

  /** A fresh copy of the published snapshot to tamper with. */
  async function copy(): Promise<string> {
    const dir = join(tmp.dir, `copy-${++copies}`);
    await cp(snap, dir, { recursive: true });
    return dir;
  }

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    tmp = await tempDir('notion-kb-verify-');
    out = join(tmp.dir, 'archive');
    // The real sync, in-process (the CLI's own start-up is exercised by the verify runs below).
    const resolved = resolveConfig({ fileValue: {}, env: { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl }, flags: { out, rate: 200 } });
    if (!resolved.ok) throw new Error(resolved.issues.join('\n'));
    const sync = await runSync({ config: resolved.config });
    if (sync.exitCode !== 0) throw new Error(`sync finished with ${sync.exitCode}: ${JSON.stringify(sync.report.failures)}`);
    snap = await latestSnapshot(out);
    index = await readJson<Index>(join(snap, 'index.json'));
    const manifest = await readJson<Manifest>(join(snap, 'manifest.json'));
    asset = manifest.files.find((f) => f.path.startsWith('assets/'))!.path;

    flipped = await copy();
    const bytes = await readFile(join(flipped, asset));
    bytes[bytes.length >> 1]! ^= 0x01;
    await writeFile(join(flipped, asset), bytes);
    // Each CLI start costs a second or two (tsx); run them side by side.
    [cli.intact, cli.flipped, cli.noLatest] = await Promise.all([
      runCli(['verify', '--out', out]),
      runCli(['verify', flipped]),
      runCli(['verify', '--out', join(tmp.dir, 'never-synced')]),
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await tmp?.cleanup();
  });

  it('finds an intact snapshot intact, through latest.json and by directory', async () => {
    const viaLatest = await verifySnapshot({ outDir: out });
    expect(viaLatest.problems).toEqual([]);
    expect(viaLatest.ok).toBe(true);
    expect(viaLatest.snapshotDir).toBe(snap);
    // Every manifest file, every record and the links of every page were looked at.
    expect(viaLatest.checked.files).toBeGreaterThanOrEqual(20);
    // index.json, report.json, changes.json, redirects.json, feed.json.
    expect(viaLatest.checked.records).toBe(index.pages.length + index.databases.length + 5);
    expect(viaLatest.checked.links).toBeGreaterThan(index.pages.length);
    expect((await verifySnapshot({ outDir: '/nonexistent', snapshotDir: snap })).ok).toBe(true);

    expect(cli.intact.code, cli.intact.stderr).toBe(0);
    expect(cli.intact.stderr).toMatch(/is intact: \d+ files, \d+ links, \d+ records checked/);
  });

  it('names an asset with one byte changed, and the CLI exits 1', async () => {
    const r = await verifySnapshot({ outDir: out, snapshotDir: flipped });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ path: asset, message: expect.stringMatching(/^sha256 [0-9a-f]{64} does not match the manifest/) }]);

    expect(cli.flipped.code).toBe(1);
    expect(cli.flipped.stderr).toContain(`${asset}: sha256`);
    expect(cli.flipped.stderr).toMatch(/has 1 problem/);
  });

  it('names a deleted page file (manifest) and every link to it', async () => {
    const dir = await copy();
    const level1 = pageByTitle('Level 1').path;
    await rm(join(dir, level1));

    const r = await verifySnapshot({ outDir: out, snapshotDir: dir });
    expect(problemsAbout(r, level1)).toEqual(['listed in manifest.json but missing']);
    expect(problemsAbout(r, 'index.json')).toEqual([`refers to ${level1}, which is not in the snapshot`]);
    // The root links to it twice (child page block and mention); both are named.
    const fromRoot = problemsAbout(r, pagePath(ids.root)!);
    expect(fromRoot).toHaveLength(2);
    for (const m of fromRoot) expect(m).toMatch(new RegExp(`^broken link \\./\\S*level-1-[0-9a-f]{8}\\.md \\(${level1.replaceAll('.', '\\.')} does not exist\\)`));
  });

  it('names the linking file when a link target is gone and the manifest was updated to hide it', async () => {
    const dir = await copy();
    const row = pagePath(ids.row);
    await rm(join(dir, row));
    await updateManifest(dir, [], [row]);

    const r = await verifySnapshot({ outDir: out, snapshotDir: dir });
    expect(r.ok).toBe(false);
    expect(problemsAbout(r, row)).toEqual([]);
    const fromRoot = problemsAbout(r, pagePath(ids.root));
    expect(fromRoot).toEqual([expect.stringMatching(/^broken link .*singa-[0-9a-f]{8}\.md/)]);
    // The database overview lists its rows as links too.
    const db = index.databases.find((d) => d.id === ids.database)!;
    const overview = db.path.replace(/\.json$/, '.md');
    expect(problemsAbout(r, overview).some((m) => m.startsWith('broken link'))).toBe(true);
  });

  it('names a file that is not in the manifest', async () => {
    const dir = await copy();
    await writeFile(join(dir, 'pages', 'notes-added-later.md'), '# Added by hand\n');
    const r = await verifySnapshot({ outDir: out, snapshotDir: dir });
    expect(r.problems).toEqual([{ path: 'pages/notes-added-later.md', message: 'not listed in manifest.json' }]);
  });

  it.each([
    ['a required field removed', (rec: Record<string, unknown>) => void delete rec.id],
    ['a field of the wrong type', (rec: Record<string, unknown>) => void (rec.title = 42)],
    ['a property value of an unknown type', (rec: Record<string, unknown>) => void ((rec.properties as Record<string, unknown>).title = { type: 'hologram', value: 1 })],
  ])('names a record that no longer matches the schema (%s), even with the manifest updated', async (_, edit) => {
    const dir = await copy();
    const record = index.pages.find((p) => p.id === ids.deepest)!.record;
    const rec = await readJson<Record<string, unknown>>(join(dir, record));
    edit(rec);
    await writeFile(join(dir, record), JSON.stringify(rec, null, 2));
    await updateManifest(dir, [record]);

    const r = await verifySnapshot({ outDir: out, snapshotDir: dir });
    expect(r.ok).toBe(false);
    expect(r.problems.every((p) => p.path === record), JSON.stringify(r.problems)).toBe(true);
    expect(problemsAbout(r, record).join('\n')).toMatch(/does not match the record schema|does not validate against schema\/page-record\.schema\.json/);
  });

  it.each([
    ['changes.json with a change of unknown kind', 'changes.json', (v: any) => void (v.added[0].kind = 'block'), /changes\.schema\.json|does not match the record schema/],
    ['redirects.json pointing out of the snapshot', 'redirects.json', (v: any) => void (v['pages/old.md'] = '../../elsewhere.md'), /redirects\.schema\.json|does not match the record schema/],
  ])('names %s, even with the manifest updated', async (_, file, edit, message) => {
    const dir = await copy();
    const value = await readJson<any>(join(dir, file));
    edit(value);
    await writeFile(join(dir, file), JSON.stringify(value, null, 2));
    await updateManifest(dir, [file]);
    const r = await verifySnapshot({ outDir: out, snapshotDir: dir });
    expect(r.ok).toBe(false);
    expect(r.problems.length).toBeGreaterThan(0);
    for (const p of r.problems) {
      expect(p.path).toBe(file);
      expect(p.message).toMatch(message);
    }
  });

  it.each([
    ['an S3 signed URL', '![scan](https://prod-files-secure.s3.us-west-2.amazonaws.com/x/y/scan.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc)'],
    ['a bare X-Amz-Signature', '[file](https://files.example.org/a.pdf?X-Amz-Signature=0123)'],
    ['a file.notion.so URL', '[file](https://file.notion.so/f/f/abc/def/report.pdf?table=block&expirationTimestamp=1)'],
  ])('names a Markdown file that contains an expiring URL (%s)', async (_, line) => {
    const dir = await copy();
    const page = pagePath(ids.deepest);
    await appendFile(join(dir, page), `\n${line}\n`);
    await updateManifest(dir, [page]);

    const r = await verifySnapshot({ outDir: out, snapshotDir: dir });
    expect(r.problems).toEqual([{ path: page, message: expect.stringContaining('expiring Notion file URL') }]);
  });

  it.each([
    ['an absolute path', '[x](/etc/passwd)', /is absolute/],
    ['a link that leaves the snapshot', '[x](../../../../../../../outside.md)', /leaves the snapshot/],
    ['a malformed escape', '[x](./%E0%A4%A.md)', /not a valid URI/],
  ])('names %s', async (_, line, message) => {
    const dir = await copy();
    const page = pagePath(ids.deepest);
    await appendFile(join(dir, page), `\n${line}\n`);
    await updateManifest(dir, [page]);
    const r = await verifySnapshot({ outDir: out, snapshotDir: dir });
    expect(r.problems).toEqual([{ path: page, message: expect.stringMatching(message) }]);
  });

  it('ignores links inside code and external links', async () => {
    const dir = await copy();
    const page = pagePath(ids.deepest);
    await appendFile(join(dir, page), '\n```\n[x](./nowhere.md)\n```\n\n`[y](./nowhere.md)` [z](https://example.org/) [m](mailto:a@example.org) [a](#top)\n');
    await updateManifest(dir, [page]);
    expect((await verifySnapshot({ outDir: out, snapshotDir: dir })).problems).toEqual([]);
  });

  it('without latest.json: a usage message naming the file, exit 2', async () => {
    const empty = join(tmp.dir, 'never-synced');
    await expect(verifySnapshot({ outDir: empty })).rejects.toMatchObject({ code: 'no_snapshot', message: expect.stringContaining('latest.json') });
    // Nothing to check is "not intact", as verify's help says: exit 1.
    expect(cli.noLatest.code).toBe(1);
    expect(cli.noLatest.stderr).toContain(empty);
    expect(cli.noLatest.stderr).toMatch(/no snapshot in .* yet \(it has no latest.json\): run "notion-kb sync"/);
    expect(cli.noLatest.stderr).not.toMatch(/\n\s+at /);
  });

  it('a directory that does not exist: a usage error naming it (the CLI maps usage errors to 2, as above)', async () => {
    const missing = join(tmp.dir, 'no-such-snapshot');
    await expect(verifySnapshot({ outDir: out, snapshotDir: missing })).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringContaining(`${missing} does not exist`),
    });
  });
});

describe('linkTargets', () => {
  it.each([
    ['[a](./a.md)', ['./a.md']],
    ['![img](../assets/x.png "title")', ['../assets/x.png']],
    ['[a](<./with space.md>)', ['./with space.md']],
    ['[a \\] b](./escaped.md)', ['./escaped.md']],
    ['<img src="../assets/y.png"> <a href="./b.md">b</a>', ['../assets/y.png', './b.md']],
    ['`[no](./code.md)`', []],
    ['```md\n[no](./fenced.md)\n```', []],
  ])('%j → %j', (md, targets) => {
    expect(linkTargets(md)).toEqual(targets);
  });
});

describe('linkTargets', () => {
  it.each([
    ['a link in frontmatter is a value, not a link', '---\ntitle: "[x](../../etc) ]]"\n---\n\n# T\n', []],
    ['an escaped bracket is text', 'see \\[x](../nope) here', []],
    ['a link after the frontmatter counts', '---\ntitle: a\n---\n\n[b](./b.md)\n', ['./b.md']],
    ['an image with a title', '![alt](../assets/x.png "cap")', ['../assets/x.png']],
  ])('%s', (_name, md, expected) => {
    expect(linkTargets(md)).toEqual(expected);
  });
});
