import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../src/history/diff-snapshots.js';
import { openArchive, openSnapshot, type Archive, type DatabaseRecord, type PageRecord } from '../../src/index.js';
import { block as b, mention, WorkspaceBuilder } from '../../src/notion-server/builder.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { readSnapshotState } from '../../src/publish/snapshot-state.js';
import { tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';

const TOKEN = ['secret', 'reader', 'token', '0123456789abcdefghij'].join('_');

function readerWorkspace() {
  const w = new WorkspaceBuilder({ seed: 'reader', integrationName: 'notion-kb tests', workspaceName: 'Reader space' });
  const root = w.page({ parent: 'workspace', title: 'Handbook', children: [b.paragraph('Welcome.')] });
  const target = w.page({ parent: root, title: 'Target', children: [b.paragraph('Linked to.')] });
  const linker = w.page({ parent: root, title: 'Linker', children: [b.paragraph([mention.page(target)])] });
  const edited = w.page({ parent: root, title: 'Edited', children: [b.paragraph('Old text.')] });
  const db = w.database({
    parent: root,
    title: 'Partners',
    dataSources: [{ name: 'Partners', properties: { Name: { type: 'title' }, Country: { type: 'select', options: ['DE', 'BG'] } } }],
  });
  const row = w.row(db.dataSourceIds[0]!, { Name: 'SINGA', Country: 'DE' }, { children: [b.paragraph('A partner.')] });
  return { workspace: w.build(), ids: { root, target, linker, edited, database: db.id, row } };
}

describe('the reader: openArchive and openSnapshot over three real snapshots', () => {
  const { workspace, ids } = readerWorkspace();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  const snaps: string[] = [];
  let fresh: string;
  let shortLived: string;
  let archive: Archive;

  const sync = async () => {
    const outcome = await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: out.dir });
    expect(outcome.exitCode).toBe(0);
    snaps.push(outcome.snapshotId);
  };
  const paragraphOf = (pageId: string) => Object.values(server.workspace.blocks).find((x) => x.parentId === pageId && x.type === 'paragraph')!;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir();
    await sync();
    // Second: one page edited, two created.
    server.mutate.editBlockText(paragraphOf(ids.edited).id, 'New text.');
    fresh = server.mutate.createPage({ parent: ids.root, title: 'Fresh', children: [b.paragraph('Just made.')] });
    shortLived = server.mutate.createPage({ parent: ids.root, title: 'Short-lived', children: [b.paragraph('Soon gone.')] });
    await sync();
    // Third: the new page edited, the short-lived one trashed, the target renamed.
    server.mutate.editBlockText(paragraphOf(fresh).id, 'Made and edited.');
    server.mutate.trash(shortLived);
    server.mutate.editTitle(ids.target, 'Target renamed');
    await sync();
    archive = await openArchive(out.dir);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await out?.cleanup();
  });

  it('lists the snapshots oldest first and opens the latest', async () => {
    expect((await archive.snapshots()).map((s) => s.snapshotId)).toEqual(snaps);
    const latest = await archive.latest();
    expect(latest.snapshotId).toBe(snaps[2]);
    expect(latest.schemaVersion).toBe(1);
    expect((await archive.snapshot(snaps[0]!)).snapshotId).toBe(snaps[0]);
    await expect(archive.snapshot('20200101T000000Z-abcdef')).rejects.toThrow(/has no snapshot 20200101T000000Z-abcdef/);
  });

  it('reads every page record, Markdown, databases with typed rows, backlinks and assets', async () => {
    const snap = await archive.latest();
    const records: PageRecord[] = [];
    for await (const r of snap.pages()) records.push(r);
    expect(records.map((r) => r.id)).toEqual(snap.index.pages.map((p) => p.id));
    expect(records.map((r) => r.title)).toContain('Target renamed');
    expect(records.map((r) => r.id)).not.toContain(shortLived);
    expect(snap.page(ids.edited)?.title).toBe('Edited');
    expect(snap.page('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect((await snap.record(ids.edited)).plainText).toContain('New text.');
    expect(await snap.markdown(ids.edited)).toMatch(/^# Edited$[\s\S]*New text\./m);
    const dbs: DatabaseRecord[] = [];
    for await (const d of snap.databases()) dbs.push(d);
    expect(dbs.map((d) => d.id)).toEqual([ids.database]);
    const rows = (await snap.database(ids.database)).dataSources.flatMap((s) => s.rows);
    expect(rows.map((r) => r.id)).toEqual([ids.row]);
    expect(rows[0]!.properties.Country).toEqual({ type: 'select', value: expect.objectContaining({ name: 'DE' }) });
    expect(await snap.markdown(ids.database)).toContain('SINGA');
    // The mention, and the parent's child-page block.
    expect(snap.backlinks(ids.target).map((p) => p.id).sort()).toEqual([ids.linker, ids.root].sort());
    expect(snap.backlinks(ids.target).map((p) => p.id)).toEqual(snap.index.backlinks[ids.target]);
    expect(snap.backlinks(ids.edited).map((p) => p.id)).toEqual([ids.root]);
    expect(snap.assetPath(snap.page(ids.edited)!.path)).toBe(join(snap.dir, snap.page(ids.edited)!.path));
    expect(() => snap.assetPath('../../latest.json')).toThrow(/not a path inside the snapshot/);
    expect(() => snap.assetPath('/etc/passwd')).toThrow(/not a path inside the snapshot/);
    await expect(snap.record(ids.database)).rejects.toThrow(/it is a database: use database\(id\)/);
  });

  it('changesSince folds the change feed into the net changes, the same as comparing the two snapshots', async () => {
    const since = await archive.changesSince(snaps[0]!);
    expect(since.from).toBe(snaps[0]);
    expect(since.to).toBe(snaps[2]);
    expect(since.steps.map((s) => [s.from, s.to])).toEqual([[snaps[0], snaps[1]], [snaps[1], snaps[2]]]);
    const ids_ = (l: { id: string }[]) => l.map((c) => c.id).sort();
    expect(ids_(since.added)).toEqual([fresh]);
    expect(ids_(since.removed)).toEqual([]);
    expect(ids_(since.updated)).toEqual(expect.arrayContaining([ids.edited, ids.target]));
    expect(ids_(since.renamed)).toEqual([ids.target]);
    expect(since.renamed[0]).toMatchObject({ title: 'Target renamed', oldTitle: 'Target' });
    const direct = diffSnapshots(await readSnapshotState(join(out.dir, 'snapshots', snaps[0]!)), await readSnapshotState(join(out.dir, 'snapshots', snaps[2]!)));
    for (const list of ['added', 'updated', 'moved', 'renamed', 'removed'] as const) expect(since[list], list).toEqual(direct[list]);
    const none = await archive.changesSince(snaps[2]!);
    expect([none.added, none.updated, none.moved, none.renamed, none.removed, none.steps]).toEqual([[], [], [], [], [], []]);
  });

  it('compares the two snapshots directly when a snapshot between them is gone', async () => {
    const copy = await tempDir();
    try {
      await cp(out.dir, copy.dir, { recursive: true });
      await rm(join(copy.dir, 'snapshots', snaps[1]!), { recursive: true });
      const since = await (await openArchive(copy.dir)).changesSince(snaps[0]!);
      const full = await archive.changesSince(snaps[0]!);
      expect(since.steps).toHaveLength(1);
      for (const list of ['added', 'updated', 'moved', 'renamed', 'removed'] as const) expect(since[list], list).toEqual(full[list]);
      await rm(join(copy.dir, 'snapshots', snaps[0]!), { recursive: true });
      await expect((await openArchive(copy.dir)).changesSince(snaps[0]!)).rejects.toThrow(/has no snapshot .* the change feed after it is incomplete/);
    } finally {
      await copy.cleanup();
    }
  });

  describe('validation against the schema shipped in the snapshot', () => {
    let copy: { dir: string; cleanup: () => Promise<void> };
    const snapDir = () => join(copy.dir, 'snap');
    beforeAll(async () => {
      copy = await tempDir();
    });
    afterAll(async () => copy?.cleanup());
    const fresh_ = async () => {
      await rm(snapDir(), { recursive: true, force: true });
      await cp(join(out.dir, 'snapshots', snaps[2]!), snapDir(), { recursive: true });
    };
    const editJson = async (path: string, edit: (v: any) => void) => {
      const v = JSON.parse(await readFile(join(snapDir(), path), 'utf8'));
      edit(v);
      await writeFile(join(snapDir(), path), JSON.stringify(v));
    };

    it('refuses a snapshot of an unknown schemaVersion with one clear message', async () => {
      await fresh_();
      await editJson('index.json', (v) => (v.schemaVersion = 2));
      await expect(openSnapshot(snapDir())).rejects.toThrow(/index\.json has schemaVersion 2; this reader reads schemaVersion 1: install a notion-kb package that reads it/);
    });

    it('rejects a record that does not match its schema, naming the file', async () => {
      await fresh_();
      const snap = await openSnapshot(snapDir());
      await editJson(snap.page(ids.edited)!.record, (v) => delete v.title);
      await expect(snap.record(ids.edited)).rejects.toThrow(/records\/.*\.json does not validate against schema\/page-record\.schema\.json/);
      // Unvalidated, it is only parsed.
      expect((await (await openSnapshot(snapDir(), { validate: false })).record(ids.edited)).id).toBe(ids.edited);
    });

    it('accepts a field a newer exporter added, when the snapshot ships the schema that has it (additive change)', async () => {
      await fresh_();
      await editJson('index.json', (v) => (v.siteName = 'Handbook'));
      await expect(openSnapshot(snapDir())).rejects.toThrow(/does not validate against schema\/index\.schema\.json/);
      await editJson('schema/index.schema.json', (s) => (s.properties.siteName = { type: 'string' }));
      expect((await openSnapshot(snapDir())).snapshotId).toBe(snaps[2]);
    });

    it('says what is wrong with a directory that is not a snapshot', async () => {
      await expect(openSnapshot(join(copy.dir, 'nowhere'))).rejects.toThrow(/is not a directory/);
      await expect(openSnapshot(copy.dir)).rejects.toThrow(/index\.json is missing/);
      await expect(openArchive(copy.dir)).rejects.toThrow(/latest\.json: .* holds no notion-kb snapshot yet/);
    });
  });
});
