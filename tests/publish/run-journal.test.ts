import { createHash } from 'node:crypto';
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssetStore } from '../../src/assets/asset-store.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { PageSpool } from '../../src/publish/page-spool.js';
import { decodeRecords, encodeRecord, JOURNAL_FORM, JOURNAL_HEADER, journalForm, JournalWriter, type JournalRecord } from '../../src/publish/run-journal.js';
import { progressDir, RunProgress, withoutSignedUrls } from '../../src/publish/run-progress.js';
import type { CrawledPage, NotionReader } from '../../src/source/crawl-types.js';
import { readBlock } from '../../src/source/read-api-object.js';
import { tempDir } from '../support/cli.js';

const records: JournalRecord[] = [
  { t: 'run', key: 'k', base: null, full: true, at: '2026-03-02T10:00:00.000Z' },
  { t: 'page', id: 'p1', e: '2024-01-08T08:12:00.000Z', f: '2026-03-02T09:59:00.000Z', at: [0, 10], c: 'sha256:aa', d: 'sha256:bb', r: 2, a: [] },
  { t: 'rows', ds: 'ds1', rows: ['r1', 'r2'] },
  { t: 'page', id: 'p2', e: '2024-01-08T08:12:00.000Z', f: '2026-03-02T09:59:00.000Z', at: [10, 20], c: 'sha256:cc', d: 'sha256:dd', r: 1, a: ['block:x'], s: ['o1'] },
];

/** A temporary directory for each test. */
let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe('the progress journal: records framed with their length and checksum', () => {
  it('reads back every record written', () => {
    const bytes = Buffer.concat(records.map(encodeRecord));
    expect(decodeRecords(bytes)).toEqual({ records, valid: bytes.length, torn: false });
  });

  it('a last record cut short at any byte is detected and never used; the records before it are', () => {
    const whole = Buffer.concat(records.map(encodeRecord));
    const lastStart = whole.length - encodeRecord(records.at(-1)!).length;
    for (let cut = lastStart + 1; cut < whole.length; cut++) {
      const read = decodeRecords(whole.subarray(0, cut));
      expect(read.records, `cut at ${cut}`).toEqual(records.slice(0, -1));
      expect(read.valid).toBe(lastStart);
      expect(read.torn).toBe(true);
    }
    expect(decodeRecords(whole.subarray(0, lastStart))).toEqual({ records: records.slice(0, -1), valid: lastStart, torn: false });
  });

  it('frames text of any script, and lone surrogates, at its UTF-8 length', () => {
    const texts = ['Ünternehmerinnen · 起業家 · 🚀🌍', 'a\ud800b', '\udfff', 'x'.repeat(70_000) + 'ß'];
    const these: JournalRecord[] = texts.map((text, i) => ({ t: 'rows', ds: `ds${i}`, rows: [text] }));
    const bytes = Buffer.concat(these.map(encodeRecord));
    expect(decodeRecords(bytes)).toEqual({ records: these.map((r) => JSON.parse(JSON.stringify(r))), valid: bytes.length, torn: false });
    for (const r of these) {
      const one = encodeRecord(r);
      const json = JSON.stringify(r);
      expect(one.toString('latin1', 0, one.indexOf(0x20))).toBe(String(Buffer.byteLength(json)));
      expect(one.subarray(one.length - 1 - Buffer.byteLength(json), one.length - 1).toString('utf8')).toBe(json);
    }
    // A large record holds no more memory than its bytes (a journal rewritten whole encodes all at once).
    const large = encodeRecord(these[3]!);
    expect(large.buffer.byteLength).toBe(large.length);
  });

  it('reads the records of journals of earlier versions (16 hex digits of a sha256), up to one that does not match', () => {
    const earlier = (r: JournalRecord) => {
      const json = Buffer.from(JSON.stringify(r));
      return Buffer.concat([Buffer.from(`${json.length} ${createHash('sha256').update(json).digest('hex').slice(0, 16)} `), json, Buffer.from('\n')]);
    };
    const bytes = Buffer.concat([...records.slice(0, 2).map(earlier), ...records.slice(2).map(encodeRecord)]);
    expect(decodeRecords(bytes)).toEqual({ records, valid: bytes.length, torn: false });
    const damaged = Buffer.from(bytes);
    damaged[earlier(records[0]!).length + 30] ^= 0x01;
    expect(decodeRecords(damaged).records).toEqual(records.slice(0, 1));
  });

  it('a changed byte stops the reading at that record (its checksum no longer matches)', () => {
    const whole = Buffer.concat(records.map(encodeRecord));
    const second = encodeRecord(records[0]!).length;
    const damaged = Buffer.from(whole);
    damaged[second + 40] ^= 0x01;
    expect(decodeRecords(damaged).records).toEqual(records.slice(0, 1));
    // Garbage that is not a record at all: nothing is read.
    expect(decodeRecords(Buffer.from('{"t":"run"}\n')).records).toEqual([]);
  });

  it('a first line says the form: records after it are read; with no such line, form 1 (earlier versions); a form to come, or a line cut short, yields no record', () => {
    const body = Buffer.concat(records.map(encodeRecord));
    expect(JOURNAL_HEADER.toString('latin1')).toBe(`notion-kb journal ${JOURNAL_FORM}\n`);
    const withLine = Buffer.concat([JOURNAL_HEADER, body]);
    expect(journalForm(withLine)).toEqual({ form: JOURNAL_FORM, start: JOURNAL_HEADER.length });
    expect(decodeRecords(withLine)).toEqual({ records, valid: withLine.length, torn: false });
    expect(journalForm(body)).toEqual({ form: 1, start: 0 });
    expect(decodeRecords(body).records).toEqual(records);
    const later = Buffer.concat([Buffer.from('notion-kb journal 3\n'), body]);
    expect(journalForm(later).form).toBe(3);
    expect(decodeRecords(later)).toEqual({ records: [], valid: 0, torn: true });
    for (const cut of [JOURNAL_HEADER.length - 1, JOURNAL_HEADER.length - 2]) {
      expect(Number.isNaN(journalForm(withLine.subarray(0, cut)).form)).toBe(true);
      expect(decodeRecords(withLine.subarray(0, cut)).records).toEqual([]);
    }
    expect(decodeRecords(Buffer.from('notion-kb journal x\n')).records).toEqual([]);
  });
});

describe('the journal on disk', () => {

  it('the writer appends records in order, several at once while a write is under way', async () => {
    const file = join(tmp.dir, 'journal');
    const handle = await open(file, 'w');
    const writer = new JournalWriter(handle, 0);
    for (const r of records) writer.append(r);
    await writer.close();
    expect(decodeRecords(await readFile(file)).records).toEqual(records);
  });

  it('a record given in parts, text and bytes, is written byte for byte as the same record given whole', async () => {
    const answer = (n: number) => Buffer.from(JSON.stringify({ object: 'list', results: [{ object: 'block', id: `b${n}`, type: 'paragraph', paragraph: { rich_text: [{ plain_text: `Grüße ${n} ✓` }] } }], has_more: false }));
    const head = '{"t":"children","id":"x","p":"x","e":"2026-03-02T10:00:00.000Z","f":"2026-03-02T10:59:00.000Z","k":[],"r":[';
    const inParts = join(tmp.dir, 'journal-parts');
    const whole = join(tmp.dir, 'journal-whole');
    const a = new JournalWriter(await open(inParts, 'w'), 0);
    a.appendParts([head, answer(1), ',', answer(2), ']}']);
    a.append(records[0]!);
    await a.close();
    const b = new JournalWriter(await open(whole, 'w'), 0);
    b.appendJson(`${head}${answer(1).toString()},${answer(2).toString()}]}`);
    b.append(records[0]!);
    await b.close();
    expect(await readFile(inParts)).toEqual(await readFile(whole));
    const read = decodeRecords(await readFile(inParts));
    expect(read.torn).toBe(false);
    expect(read.records[0]).toMatchObject({ t: 'children', r: [JSON.parse(answer(1).toString()), JSON.parse(answer(2).toString())] });
  });

  it('gathers the records of one turn of the event loop into one write right after it (a kill loses only the last moment), and flush writes at once', async () => {
    const file = join(tmp.dir, 'journal');
    const handle = await open(file, 'w');
    let writes = 0;
    const counting = new Proxy(handle, { get: (h, k) => (k === 'writev' ? (...a: Parameters<typeof h.writev>) => (writes++, h.writev(...a)) : Reflect.get(h, k, h)) });
    const writer = new JournalWriter(counting, 0);
    for (let i = 0; i < 50; i++) writer.append(records[i % records.length]!);
    expect(writes).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(writes).toBe(1);
    // On disk without a flush, before any timer could have fired.
    for (let i = 0; i < 20 && decodeRecords(await readFile(file)).records.length < 50; i++) await new Promise((r) => setImmediate(r));
    expect(decodeRecords(await readFile(file)).records).toHaveLength(50);
    writer.append(records[0]!);
    await writer.flush();
    expect(writes).toBe(2);
    await writer.close();
    expect(decodeRecords(await readFile(file)).records).toHaveLength(51);
  });

  it('a write that fails (a full disk) is thrown by the next append or flush', async () => {
    const handle = await open(join(tmp.dir, 'journal'), 'w');
    const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const failing = new Proxy(handle, { get: (h, k) => (k === 'write' || k === 'writev' ? () => Promise.reject(full) : Reflect.get(h, k, h)) });
    const writer = new JournalWriter(failing, 0);
    writer.append(records[0]!);
    await expect(writer.flush()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(() => writer.append(records[1]!)).toThrow('ENOSPC');
    await handle.close();
  });

  it('a run that takes up a journal with a torn last record drops it before appending (nothing torn is left between records)', async () => {
    const out = join(tmp.dir, 'out');
    const dir = progressDir(out);
    await mkdir(dir, { recursive: true });
    const whole = Buffer.concat(records.map(encodeRecord));
    await writeFile(join(dir, 'journal'), whole.subarray(0, whole.length - 5));
    await writeFile(join(dir, 'pages.spool'), Buffer.alloc(30));
    const progress = await RunProgress.open({ outDir: out, fs: nodeOutputFs, key: 'k', latestId: null, now: () => new Date('2026-03-02T11:00:00.000Z'), log: () => {} });
    await progress.begin({ fetchesAll: false, state: null, statePrevious: null, latestDir: null });
    await progress.finish(true);
    const read = decodeRecords(await readFile(join(dir, 'journal')));
    expect(read.torn).toBe(false);
    expect(read.records).toEqual([...records.slice(0, -1), { t: 'run', key: 'k', base: null, full: true, at: '2026-03-02T11:00:00.000Z', sc: null }]);
  });

  it('each page is reused only if edited before the minute it was read in (its own, not the latest of the run)', async () => {
    const out = join(tmp.dir, 'out');
    const dir = progressDir(out);
    await mkdir(dir, { recursive: true });
    const page = (id: string, e: string, f: string): JournalRecord => ({ t: 'page', id, e, f, at: [0, 1], c: 'sha256:x', d: 'sha256:x', r: 1, a: [] });
    await writeFile(
      join(dir, 'journal'),
      Buffer.concat(
        [
          records[0]!,
          // Read at 10:05:30 (f = 10:04 with the margin): an edit of 10:02 is before, one of 10:04 may not be.
          page('early', '2026-03-02T10:02:00.000Z', '2026-03-02T10:04:00.000Z'),
          page('same-minute', '2026-03-02T10:04:00.000Z', '2026-03-02T10:04:00.000Z'),
          // Read at 10:40: an edit of 10:20 is well before.
          page('late', '2026-03-02T10:20:00.000Z', '2026-03-02T10:39:00.000Z'),
        ].map(encodeRecord),
      ),
    );
    await writeFile(join(dir, 'pages.spool'), 'x');
    const progress = await RunProgress.open({ outDir: out, fs: nodeOutputFs, key: 'k', latestId: null, now: () => new Date(), log: () => {} });
    const previous = (await progress.begin({ fetchesAll: false, state: null, statePrevious: null, latestDir: null }))!;
    expect(previous.changedFrom).toBe('2026-03-02T10:39:00.000Z');
    expect(previous.page('early')).toEqual({ lastEdited: '2026-03-02T10:02:00.000Z', refetch: false, parent: 'workspace', under: null });
    // Its edit time is before the run's latest minute, but not before the minute it was read in.
    expect(previous.page('same-minute')).toEqual({ lastEdited: '2026-03-02T10:04:00.000Z', refetch: true, parent: 'workspace', under: null });
    expect(previous.page('late')).toEqual({ lastEdited: '2026-03-02T10:20:00.000Z', refetch: false, parent: 'workspace', under: null });
    expect(new Set(previous.pageIds())).toEqual(new Set(['early', 'same-minute', 'late']));
    await progress.abandon();
  });

  it('a journal written with another config key, or from another snapshot, is set aside', async () => {
    const out = join(tmp.dir, 'out');
    const dir = progressDir(out);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'journal'), Buffer.concat(records.map(encodeRecord)));
    await writeFile(join(dir, 'pages.spool'), Buffer.alloc(30));
    const open = (key: string, latestId: string | null) =>
      RunProgress.open({ outDir: out, fs: nodeOutputFs, key, latestId, now: () => new Date(), log: () => {} });
    for (const [key, latest] of [['other', null], ['k', '20260302T100000Z-abcdef']] as const) {
      const progress = await open(key, latest);
      const previous = await progress.begin({ fetchesAll: false, state: null, statePrevious: null, latestDir: null });
      expect(previous, `${key} ${latest}`).toBeNull();
      expect(progress.resumable).toBe(0);
      await progress.abandon();
      expect(await stat(dir).then(() => true, () => false)).toBe(false);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'journal'), Buffer.concat(records.map(encodeRecord)));
      await writeFile(join(dir, 'pages.spool'), Buffer.alloc(30));
    }
    // The same key from the same (no) snapshot: taken up.
    const same = await open('k', null);
    expect(await same.begin({ fetchesAll: false, state: null, statePrevious: null, latestDir: null })).not.toBeNull();
    expect(same.resumable).toBe(1); // p2 needs a file no record has
    await same.abandon();
  });
});

describe('a spool taken up again', () => {

  const unit = (id: string, text: string): CrawledPage => ({ page: { object: 'page', id, last_edited_time: '2024-01-08T08:12:00.000Z', properties: {} } as never, blocks: [{ id: `${id}-b`, type: 'paragraph', paragraph: { text }, has_children: false, children: [] } as never] });

  it('writes new pages after its end (past a page cut short), and a page it holds with the same bytes not again', async () => {
    const file = join(tmp.dir, 'pages.spool');
    const first = await PageSpool.create(file);
    await first.put(unit('a', 'one'));
    const a = first.location('a')!;
    await first.close();
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.from('{"page":{"cut sho')]));
    const size = (await stat(file)).size;

    const again = await PageSpool.reopen(file);
    again.know('a', { offset: a.offset, length: a.length, checksum: a.checksum });
    await again.put(unit('a', 'one'));
    expect(again.location('a')).toEqual(a);
    expect((await stat(file)).size).toBe(size);
    await again.put(unit('b', 'two'));
    expect(again.location('b')!.offset).toBe(size);
    expect((await again.get('b')).blocks[0]).toMatchObject({ paragraph: { text: 'two' } });
    expect((await again.get('a')).blocks[0]).toMatchObject({ paragraph: { text: 'one' } });
    // Other bytes for a page it knows: written anew.
    await again.put(unit('a', 'changed'));
    expect(again.location('a')!.offset).toBeGreaterThan(size);
    await again.close();
  });
});

describe('the asset store keeps what it stores by sha256, for the next run', () => {

  it('links each stored file into the keep directory once, under its sha256', async () => {
    const keep = join(tmp.dir, 'keep');
    const store = new AssetStore(join(tmp.dir, 'snap'), nodeOutputFs as OutputFs, keep);
    const png = await store.put(Buffer.from('png bytes'), 'a.png', 'image/png');
    await store.put(Buffer.from('png bytes'), 'b.jpg', 'image/jpeg');
    expect(await readFile(join(keep, png.sha256), 'utf8')).toBe('png bytes');
    expect((await stat(join(keep, png.sha256))).ino).toBe((await stat(join(tmp.dir, 'snap', png.path))).ino);
  });

  it('adopting a file under a smaller extension renames it, as a download would (the same names whatever the order)', async () => {
    const from = join(tmp.dir, 'from');
    await mkdir(join(from, 'assets'), { recursive: true });
    const sha = 'f'.repeat(64);
    await writeFile(join(from, 'assets', `${sha}.png`), 'x');
    await writeFile(join(from, 'assets', `${sha}.jpg`), 'x');
    const store = new AssetStore(join(tmp.dir, 'snap'));
    await store.adopt({ path: `assets/${sha}.png`, sha256: sha, bytes: 1, mimeType: 'image/png' }, from);
    const adopted = await store.adopt({ path: `assets/${sha}.jpg`, sha256: sha, bytes: 1, mimeType: 'image/jpeg' }, from);
    expect(adopted).toMatchObject({ path: `assets/${sha}.jpg`, mimeType: 'image/jpeg' });
    expect(await readFile(join(tmp.dir, 'snap', 'assets', `${sha}.jpg`), 'utf8')).toBe('x');
    expect(await stat(join(tmp.dir, 'snap', 'assets', `${sha}.png`)).catch(() => null)).toBeNull();
  });
});

describe('what the planner sees of a journal (`combined`), and the journal once the spool is rewritten', () => {

  const unit = (id: string, text: string): CrawledPage => ({ page: { object: 'page', id, last_edited_time: '2024-01-08T08:12:00.000Z', properties: {} } as never, blocks: [{ id: `${id}-b`, type: 'paragraph', paragraph: { text }, has_children: false, children: [] } as never] });
  const run: JournalRecord = { t: 'run', key: 'k', base: null, full: true, at: '2026-03-02T10:00:00.000Z' };
  const at = { e: '2024-01-08T08:12:00.000Z', f: '2026-03-02T09:59:00.000Z', r: 1, a: [] as string[] };

  /** A journal of these pages, each spooled with its own bytes. */
  async function journalOf(out: string, pages: Array<Omit<Extract<JournalRecord, { t: 'page' }>, 't' | 'at' | 'c' | 'd' | 'e' | 'f' | 'r' | 'a'>>): Promise<void> {
    const dir = progressDir(out);
    await mkdir(dir, { recursive: true });
    const spool = await PageSpool.create(join(dir, 'pages.spool'));
    const written: JournalRecord[] = [run];
    for (const p of pages) {
      await spool.put(unit(p.id, `text of ${p.id}`));
      const l = spool.location(p.id)!;
      written.push({ t: 'page', ...at, ...p, at: [l.offset, l.length], c: l.checksum, d: l.digest });
    }
    await spool.close();
    await writeFile(join(dir, 'journal'), Buffer.concat(written.map(encodeRecord)));
  }
  const open = (out: string) => RunProgress.open({ outDir: out, fs: nodeOutputFs, key: 'k', latestId: null, now: () => new Date('2026-03-02T11:00:00.000Z'), log: () => {} });

  it('a sub-page a journaled page lists is known (fetched, never new); a page whose content does not list a page in it is fetched again', async () => {
    const out = join(tmp.dir, 'out');
    await journalOf(out, [
      // P lists C (in it) and N (in its block B1), and database D; X sits in P but P's content does not list it.
      { id: 'P', pa: 'workspace', sp: [['C', 'P'], ['N', 'B1']], sd: [['D', 'P']], rf: ['C', 'N', 'D', 'M'] },
      { id: 'X', pa: 'P' },
      { id: 'Q', pa: 'workspace' },
    ]);
    const progress = await open(out);
    const previous = (await progress.begin({ fetchesAll: false, state: null, statePrevious: null, latestDir: null }))!;
    expect(previous.page('C')).toEqual({ lastEdited: '', refetch: true, parent: 'P', under: 'P' });
    expect(previous.page('N')).toEqual({ lastEdited: '', refetch: true, parent: 'B1', under: 'P' });
    expect(previous.blockPage('B1')).toBe('P');
    expect(previous.database('D')).toEqual({ parent: 'P', under: 'P', dataSources: [] });
    expect([...previous.databaseIds()]).toEqual(['D']);
    expect(new Set(previous.pageIds())).toEqual(new Set(['P', 'X', 'Q', 'C', 'N']));
    // X came into P after P was read: P is fetched again, X and Q are taken as fetched.
    expect(previous.page('P')).toMatchObject({ refetch: true });
    expect(previous.page('X')).toEqual({ lastEdited: at.e, refetch: false, parent: 'P', under: 'P' });
    expect(previous.page('Q')).toEqual({ lastEdited: at.e, refetch: false, parent: 'workspace', under: null });
    expect([...previous.referrers('M')]).toEqual(['P']);
    expect((await previous.load('Q'))?.blocks[0]).toMatchObject({ paragraph: { text: 'text of Q' } });
    await progress.abandon();
  });

  it('a spool rewritten (compacted, a page left out late dropped) rewrites the journal: the next run still takes up the rest, and nothing names the page dropped', async () => {
    const out = join(tmp.dir, 'out');
    await journalOf(out, [{ id: 'gone', pa: 'workspace' }, { id: 'kept', pa: 'workspace', rf: ['gone', 'other'] }]);
    const first = await open(out);
    const previous = (await first.begin({ fetchesAll: false, state: null, statePrevious: null, latestDir: null }))!;
    for (const id of ['gone', 'kept']) await first.putPage((await previous.load(id))!, { reused: true }, { requests: 1, holds: [], shows: [], refs: [] });
    expect(first.resumed).toBe(2);
    first.spool.drop('gone');
    await first.rewriting();
    expect(first.adoptsCache).toBe(false);
    // Said on disk before the spool is rewritten.
    expect(decodeRecords(await readFile(join(progressDir(out), 'journal'))).records.at(-1)).toEqual({ t: 'rewriting' });
    await first.spool.compact();
    expect(first.spool.location('kept')!.offset).toBe(0);
    await first.settled({ keeps: (id) => id !== 'gone', keepsFile: () => true });
    expect(first.adoptsCache).toBe(false);
    await first.abandon();

    const text = await readFile(join(progressDir(out), 'journal'), 'utf8');
    expect(text).not.toContain('gone');
    // Rewritten in this version's form.
    expect(text.startsWith(JOURNAL_HEADER.toString('latin1'))).toBe(true);
    const read = decodeRecords(await readFile(join(progressDir(out), 'journal')));
    expect(read.torn).toBe(false);
    expect(read.records.filter((r) => r.t === 'run').every((r) => r.t === 'run' && r.sc === null)).toBe(true);
    // Every run record says it now: the mark goes.
    expect(read.records.some((r) => r.t === 'rewriting')).toBe(false);
    const second = await open(out);
    const again = (await second.begin({ fetchesAll: false, state: null, statePrevious: null, latestDir: null }))!;
    expect(second.resumable).toBe(1);
    expect((await again.load('kept'))?.blocks[0]).toMatchObject({ paragraph: { text: 'text of kept' } });
    await second.abandon();
  });
});

describe('signed URLs left out of a journaled listing', () => {
  /** What the journal must hold: every object naming an expiry time, less it and its URL. */
  const reference = (json: string) =>
    JSON.stringify(
      JSON.parse(json, (_key, value: unknown) => {
        if (value !== null && typeof value === 'object' && 'expiry_time' in value) {
          const { url: _url, expiry_time: _expiry, ...rest } = value as Record<string, unknown>;
          return rest;
        }
        return value;
      }),
    );
  const signed = 'https://prod-files-secure.s3.us-west-2.amazonaws.com/a/b/photo%20%22one%22.png?X-Amz-Signature=abc&X-Amz-Expires=3600';

  it.each([
    ['an image block', [{ type: 'image', image: { type: 'file', file: { url: signed, expiry_time: '2026-03-02T11:00:00.000Z' }, caption: [] } }]],
    ['an expiry time of null', [{ type: 'file', file: { type: 'file', file: { url: signed, expiry_time: null }, name: 'a.pdf' } }]],
    ['a URL with escaped quotes and backslashes', [{ type: 'pdf', pdf: { type: 'file', file: { url: 'https://x/"a"\\b', expiry_time: '2026-03-02T11:00:00.000Z' } } }]],
    ['a callout icon and an external file beside it', [{ type: 'callout', callout: { icon: { type: 'file', file: { url: signed, expiry_time: '2026-03-02T11:00:00.000Z' } }, rich_text: [] } }, { type: 'image', image: { type: 'external', external: { url: 'https://example.org/x.png' } } }]],
    ['the expiry time first (a shape not seen so far)', [{ type: 'image', image: { type: 'file', file: { expiry_time: '2026-03-02T11:00:00.000Z', url: signed } } }]],
    ['another key in the file object', [{ type: 'image', image: { type: 'file', file: { url: signed, expiry_time: '2026-03-02T11:00:00.000Z', size: 12 } } }]],
    ['a text that only mentions "url" and "expiry_time"', [{ type: 'paragraph', paragraph: { rich_text: [{ plain_text: '{"url":"x","expiry_time":"y"}' }] } }, { type: 'image', image: { type: 'file', file: { url: signed, expiry_time: '2026-03-02T11:00:00.000Z' } } }]],
  ])('%s: the same JSON as cleaning the parsed objects, and no signed URL', (_name, blocks) => {
    const json = JSON.stringify(blocks);
    const cleaned = withoutSignedUrls(json);
    expect(cleaned).toBe(reference(json));
    expect(cleaned).not.toContain('X-Amz-Signature');
    expect(cleaned).not.toContain('"expiry_time"');
  });
});

describe('block listings journaled as Notion sent them', () => {
  it('as they came where they hold no Notion-hosted file; read and cleaned where they do, whatever Notion left out or escaped', async () => {
    const out = join(tmp.dir, 'out');
    const progress = await RunProgress.open({ outDir: out, fs: nodeOutputFs, key: 'k', latestId: null, now: () => new Date('2026-03-02T11:00:00.000Z'), log: () => {} });
    await progress.begin({ fetchesAll: true, state: null, statePrevious: null, latestDir: null });
    const signed = 'https://files.example/a.png?X-Amz-Signature=abc';
    const answers: Record<string, unknown> = {
      plain: { object: 'list', results: [{ object: 'block', id: 'b1', type: 'paragraph', has_children: false, paragraph: { rich_text: [] } }], next_cursor: null, has_more: false },
      signed: {
        object: 'list',
        results: [{ object: 'block', id: 'b2', type: 'image', has_children: false, image: { type: 'file', file: { url: signed, expiry_time: '2026-03-02T12:00:00.000Z' }, caption: [] } }],
        next_cursor: null,
        has_more: false,
      },
    };
    const image = (file: Record<string, unknown>) => ({ object: 'list', results: [{ object: 'block', id: 'b2', type: 'image', has_children: false, image: { ...file, caption: [] } }], next_cursor: null, has_more: false });
    const texts: Record<string, string> = {
      plain: JSON.stringify(answers.plain),
      signed: JSON.stringify(answers.signed),
      // The same answer with the key spelt with an escape: no "expiry_time" in its bytes.
      escaped: JSON.stringify(answers.signed).replace('"expiry_time"', '"\\u0065xpiry_time"'),
      // A hosted file whose expiry time Notion left out (the reader adds it as null).
      noExpiry: JSON.stringify(image({ type: 'file', file: { url: signed } })),
      // ... and one whose type it left out too (the reader infers it).
      noType: JSON.stringify(image({ file: { url: signed } })),
    };
    const reader = {
      retrievePage: async (id: string) => ({ object: 'page', id, last_edited_time: '2026-03-02T10:00:00.000Z' }),
      listBlockChildrenAll: async () => {
        throw new Error('the listing with its answers is asked for');
      },
      // Read as the gateway reads them.
      listBlockChildrenWithAnswers: async (id: string) => ({ blocks: (JSON.parse(texts[id]!) as { results: unknown[] }).results.map((b) => readBlock(b)), answers: [Buffer.from(texts[id]!)] }),
      listCommentsAll: async () => [],
    } as unknown as NotionReader;
    const watched = progress.observe(reader);
    for (const id of Object.keys(texts)) {
      await watched.retrievePage(id);
      await watched.listBlockChildrenAll(id);
    }
    await progress.abandon();
    const bytes = await readFile(join(progressDir(out), 'journal'));
    expect(bytes.toString()).not.toContain('X-Amz-Signature');
    const listings = decodeRecords(bytes).records.filter((r) => r.t === 'children');
    expect(listings.map((r) => r.id)).toEqual(Object.keys(texts));
    expect(listings[0]).toMatchObject({ r: [answers.plain], k: [] });
    expect(listings[0]).not.toHaveProperty('n');
    for (const r of listings.slice(1)) {
      expect(r).not.toHaveProperty('r');
      expect(r).toMatchObject({ n: [{ id: 'b2', image: { type: 'file', file: {} } }] });
    }
  });
});
