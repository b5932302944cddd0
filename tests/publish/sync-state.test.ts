import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeOutputFs } from '../../src/publish/output-fs.js';
import { tempDir } from '../support/cli.js';
import { parentKey, PENDING_STATE_FILE, previousFromState, readStateFile, readSyncState, refsOf, settleSyncState, STATE_DIR, STATE_FILE, stateJson, writeSyncState, type SyncState } from '../../src/publish/sync-state.js';
import type { CrawledPage } from '../../src/source/crawl-types.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const rich = (target: { page?: string; database?: string }) => ({
  type: 'mention',
  mention: target.page ? { type: 'page', page: { id: target.page } } : { type: 'database', database: { id: target.database } },
  plain_text: 'x',
  href: null,
});
let blocks = 900;
const node = (type: string, payload: Record<string, unknown>, children: unknown[] = [], blockId = id(++blocks)) => ({
  object: 'block',
  id: blockId,
  type,
  [type]: payload,
  parent: { type: 'page_id', page_id: id(1) },
  has_children: children.length > 0,
  children,
});

describe('refsOf: what a page points at', () => {
  it('relations, mentions in properties and blocks, link_to_page targets, sub-pages and child databases; sorted, without itself', () => {
    const unit = {
      page: {
        id: id(1),
        parent: { type: 'page_id', page_id: id(50) },
        properties: {
          Name: { id: 'title', type: 'title', title: [rich({ page: id(2) })] },
          Related: { id: 'r', type: 'relation', relation: [{ id: id(3) }, { id: id(4) }], has_more: false },
          Notes: { id: 'n', type: 'rich_text', rich_text: [rich({ page: id(1) })] },
        },
      },
      blocks: [
        node('paragraph', { rich_text: [{ type: 'text', text: { content: 'plain', link: null }, plain_text: 'plain' }, rich({ database: id(5) })] }),
        node('toggle', { rich_text: [] }, [node('link_to_page', { type: 'page_id', page_id: id(6) }), node('link_to_page', { type: 'database_id', database_id: id(7) })]),
        node('child_page', { title: 'Sub' }, [], id(8)),
        node('child_database', { title: 'Table' }, [], id(9)),
        node('link_to_page', { type: 'comment_id', comment_id: id(10) }),
      ],
    } as unknown as CrawledPage;
    expect(refsOf(unit)).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map(id));
  });

  it('a page pointing at nothing points at nothing', () => {
    expect(refsOf({ page: { id: id(1), properties: {} }, blocks: [] } as unknown as CrawledPage)).toEqual([]);
  });
});

describe('parentKey', () => {
  it.each([
    [{ type: 'page_id', page_id: id(1) }, id(1)],
    [{ type: 'block_id', block_id: id(2) }, id(2)],
    [{ type: 'data_source_id', data_source_id: id(3), database_id: id(4) }, id(3)],
    [{ type: 'workspace', workspace: true }, 'workspace'],
    [undefined, 'workspace'],
  ])('%j → %s', (parent, key) => expect(parentKey(parent)).toBe(key));
});

describe('previousFromState', () => {
  const page = (extra: Partial<SyncState['pages'][string]>) => ({ lastEdited: 't', digest: 'd', path: 'p.md', assets: [], at: [0, 0] as [number, number], checksum: 'c', requests: 1, parent: 'workspace', ...extra });
  const state: SyncState = {
    format: 'notion-kb/sync-state',
    version: 2,
    snapshotId: 's',
    startedAt: '2026-01-02T03:04:05.000Z',
    configKey: 'k',
    cache: 'c.spool',
    pages: {
      home: page({}),
      a: page({ parent: 'home', under: 'home', refs: ['b', 'gone'] }),
      b: page({ parent: 'column', under: 'home', refs: ['gone'] }),
    },
    dataSources: {},
    databases: {},
    left: { back: ['a'] },
    blocks: { elsewhere: '' },
    assets: {},
  };
  const prev = previousFromState(state, async () => null);

  it('knows who pointed at a page, and who pointed at one that left before', () => {
    expect([...prev.referrers('gone')].sort()).toEqual(['a', 'b']);
    expect([...prev.referrers('nobody')]).toEqual([]);
    expect([...prev.pointedAtWhenLeft('back')]).toEqual(['a']);
  });

  it('knows the page of a block a page sits under, and blocks outside the archive', () => {
    expect(prev.blockPage('column')).toBe('home');
    expect(prev.blockPage('elsewhere')).toBeNull();
    expect(prev.blockPage('unknown')).toBeUndefined();
  });

  it('counts edits from the minute before the previous run started', () => {
    expect(prev.changedFrom).toBe('2026-01-02T03:03:00.000Z');
    expect(prev.page('b')).toEqual({ lastEdited: 't', refetch: false, parent: 'column', under: 'home' });
  });
});

describe('the sync state file', () => {
  const page = (n: number) => ({ parent: 'workspace', lastEdited: `2026-01-0${n}T00:00:00.000Z`, digest: `sha256:${n}`, path: `pages/p-${n}\u2028.md`, assets: [], at: [n * 10, 10] as [number, number], checksum: `c${n}`, requests: n, ...(n % 2 ? { retry: true as const } : {}) });
  const state: SyncState = {
    format: 'notion-kb/sync-state',
    version: 2,
    snapshotId: '20260101T000000Z-aaaaaa',
    startedAt: '2026-01-01T00:00:00.000Z',
    configKey: 'k"ey\u2028\n',
    cache: 'pages-x.spool',
    pages: { 'a-1': page(1), 'b-"2"\n}': page(2), skipped: undefined as never },
    dataSources: { 'ds-1': ['a-1'] },
    databases: { 'db-1': { parent: 'workspace', dataSources: ['ds-1'] } } as never,
    left: { gone: ['a-1'] },
    assets: { 'block:x': { identity: 'https://files/x.png', outcome: { kind: 'missing', ref: { key: 'block:x' } as never, reason: 'gone' } } },
  };
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());
  const roundTrip = async (name: string, text: string) => {
    await writeFile(join(tmp.dir, name), text);
    return readStateFile(join(tmp.dir, name), nodeOutputFs);
  };

  const textOf = async (chunks: AsyncIterable<string>) => {
    let text = '';
    for await (const c of chunks) text += c;
    return text;
  };

  it('is written in pieces, a line for each field and each entry, with the value JSON.stringify gives', async () => {
    for (const s of [state, { ...state, pages: {} }]) {
      const text = await textOf(stateJson(s));
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(s)));
      // A line per top-level field, per page, data source and file, and one to close each record.
      const fields = Object.values(s).filter((v) => v !== undefined).length;
      expect(text.split('\n').length).toBe(fields + 1 + Object.keys(s.pages).filter((k) => s.pages[k]).length + 1 + 1 + 1 + 1 + 1);
    }
  });

  it('takes its pages one at a time as [id, JSON] when given so (made as they are written): the same text', async () => {
    async function* entries(): AsyncGenerator<[string, string]> {
      for (const [id, page] of Object.entries(state.pages)) if (page !== undefined) yield [id, JSON.stringify(page)];
    }
    expect(await textOf(stateJson({ ...state, pages: entries() }))).toBe(await textOf(stateJson(state)));
  });

  it('is read back a line at a time as the same value, and in any other JSON layout too', async () => {
    const expected = JSON.parse(JSON.stringify(state));
    expect(await roundTrip('lines.json', await textOf(stateJson(state)))).toEqual(expected);
    expect(await roundTrip('oneline.json', JSON.stringify(state))).toEqual(expected);
    expect(await roundTrip('pretty.json', JSON.stringify(state, null, 2))).toEqual(expected);
    expect(await roundTrip('empty.json', await textOf(stateJson({ ...state, pages: {} })))).toEqual({ ...expected, pages: {} });
  });

  it('gives a SyntaxError for a file cut short, a damaged entry or text after its end', async () => {
    const text = await textOf(stateJson(state));
    const lines = text.split('\n');
    await expect(roundTrip('cut.json', lines.slice(0, 5).join('\n'))).rejects.toThrow(SyntaxError);
    await expect(roundTrip('cutmid.json', text.slice(0, text.indexOf('"b-') + 20))).rejects.toThrow(SyntaxError);
    await expect(roundTrip('damaged.json', text.replace('"lastEdited":"2026-01-02', '"lastEdited":2026-01-02'))).rejects.toThrow(SyntaxError);
    await expect(roundTrip('after.json', `${text}\n{"x":1}`)).rejects.toThrow(SyntaxError);
  });

  it('written pending before its snapshot is published: read when latest.json points at that snapshot, in place once settled', async () => {
    const out = join(tmp.dir, 'pending-out');
    const dir = join(out, STATE_DIR);
    await mkdir(dir, { recursive: true });
    const A = { ...state, snapshotId: '20260101T000000Z-aaaaaa', cache: 'pages-A.spool', configKey: 'k' };
    const B = { ...A, snapshotId: '20260102T000000Z-bbbbbb', cache: 'pages-B.spool' };
    for (const cache of ['pages-A.spool', 'pages-old.spool']) await writeFile(join(dir, cache), '');
    const read = (snapshotId: string) => readSyncState(out, nodeOutputFs, { snapshotId, configKey: 'k' });
    await writeSyncState(out, A, nodeOutputFs);
    expect((await readdir(dir)).sort()).toEqual(['pages-A.spool', STATE_FILE].sort());
    // The next run keeps its spool as the cache of the state it writes.
    await writeFile(join(dir, 'pages-B.spool'), '');

    // B is written aside: A's state and cache stay, and serve while latest.json points at A.
    await writeSyncState(out, B, nodeOutputFs, { pending: true });
    expect((await readdir(dir)).sort()).toEqual(['pages-A.spool', 'pages-B.spool', PENDING_STATE_FILE, STATE_FILE].sort());
    expect(await read(A.snapshotId)).toMatchObject({ state: { snapshotId: A.snapshotId, cache: 'pages-A.spool' } });
    // latest.json points at B (the run was stopped before it settled): the pending state serves.
    expect(await read(B.snapshotId)).toMatchObject({ state: { snapshotId: B.snapshotId, cache: 'pages-B.spool' } });
    // Neither describes a third snapshot: the reason names the state in place.
    expect(await read('20260103T000000Z-cccccc')).toEqual({ reason: `the sync state describes snapshot ${A.snapshotId}, but latest.json points at 20260103T000000Z-cccccc` });

    await settleSyncState(out, B.cache, nodeOutputFs);
    expect((await readdir(dir)).sort()).toEqual(['pages-B.spool', STATE_FILE].sort());
    expect(await read(B.snapshotId)).toMatchObject({ state: { snapshotId: B.snapshotId } });

    // A state written in place removes a pending one left by a run stopped before it published, and one a run was stopped writing.
    await writeSyncState(out, { ...B, snapshotId: '20260104T000000Z-dddddd' }, nodeOutputFs, { pending: true });
    await writeFile(join(dir, `.${STATE_FILE}.4242.tmp`), '{"format":');
    await writeSyncState(out, B, nodeOutputFs);
    expect((await readdir(dir)).sort()).toEqual(['pages-B.spool', STATE_FILE].sort());
  });

  it('takes no __proto__ entry as the prototype of a record', async () => {
    const text = (await textOf(stateJson(state))).replace('\n"a-1":', '\n"__proto__":{"polluted":true}\n,"a-1":');
    const back = (await roundTrip('proto.json', text)) as SyncState;
    expect((back.pages as unknown as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(back.pages)).toEqual(Object.keys(JSON.parse(JSON.stringify(state)).pages));
  });
});
