import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { pruneSnapshots, selectForPrune } from '../../src/publish/prune-snapshots.js';
import { isSnapshotId } from '../../src/publish/write-snapshot.js';
import { startNotionServer } from '../../src/notion-server/server.js';
import { verifySnapshot } from '../../src/verify/verify-snapshot.js';
import { runCli, tempDir } from '../support/cli.js';
import { syncInProcess } from '../support/in-process-sync.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'prune', 'token', '0123456789abcdefghij'].join('_');

// Newest first.
const IDS = [
  '20261129T020000Z-aaaaaa',
  '20261128T230000Z-bbbbbb',
  '20261128T020000Z-cccccc',
  '20261127T020000Z-dddddd',
  '20261126T020000Z-eeeeee',
  '20261031T020000Z-ffffff',
  '20261015T020000Z-111111',
  '20261001T020000Z-222222',
  '20260915T020000Z-333333',
  '20260101T020000Z-444444',
];
const oldestFirst = (ids: string[]) => [...ids].sort();

describe('selectForPrune', () => {
  it('keeps the last N, the newest of each of N days and months that have one, and the protected snapshot', () => {
    const { keep, remove } = selectForPrune(IDS, { keepLast: 2, keepDaily: 3, keepMonthly: 2 }, '20260101T020000Z-444444');
    // last 2: aaaaaa, bbbbbb; days 29, 28 (bbbbbb, the later of the two), 27; months 11 (aaaaaa), 10 (ffffff, the 31st).
    expect(keep).toEqual(oldestFirst(['20261129T020000Z-aaaaaa', '20261128T230000Z-bbbbbb', '20261127T020000Z-dddddd', '20261031T020000Z-ffffff', '20260101T020000Z-444444']));
    expect(remove).toEqual(oldestFirst(['20261128T020000Z-cccccc', '20261126T020000Z-eeeeee', '20261015T020000Z-111111', '20261001T020000Z-222222', '20260915T020000Z-333333']));
  });

  it('keeps only the protected snapshot when every count is 0', () => {
    expect(selectForPrune(IDS, { keepLast: 0, keepDaily: 0, keepMonthly: 0 }, IDS[3]!).keep).toEqual([IDS[3]]);
    expect(selectForPrune(IDS, { keepLast: 0, keepDaily: 0, keepMonthly: 0 }, null).keep).toEqual([]);
  });

  it('keeps everything when the policy reaches back further than the snapshots', () => {
    expect(selectForPrune(IDS, { keepLast: 7, keepDaily: 30, keepMonthly: 12 }, null).remove).toEqual([]);
  });

  it('counts days in UTC from the id, and ignores names that are not snapshot ids', () => {
    const { keep, remove } = selectForPrune(['20261128T235959Z-aaaaaa', '20261129T000000Z-bbbbbb', '.tmp-20261130T000000Z-cccccc', 'notes'], { keepLast: 0, keepDaily: 1, keepMonthly: 0 }, null);
    expect(keep).toEqual(['20261129T000000Z-bbbbbb']);
    expect(remove).toEqual(['20261128T235959Z-aaaaaa']);
    expect(isSnapshotId('.tmp-20261130T000000Z-cccccc')).toBe(false);
  });
});

describe('notion-kb prune on an output directory of fake-dated copies of a real snapshot', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let template: string;

  beforeAll(async () => {
    const { workspace } = smallWorkspace();
    const server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    tmp = await tempDir('notion-kb-prune-');
    try {
      template = (await syncInProcess({ baseUrl: server.baseUrl, token: TOKEN, out: join(tmp.dir, 'synced') })).snapshotDir;
    } finally {
      await server.close();
    }
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  /** An output directory holding the template under every id, latest.json at `latest`, a staging directory and an unrelated one. */
  async function archive(name: string, latest: string): Promise<string> {
    const out = join(tmp.dir, name);
    for (const id of IDS) await cp(template, join(out, 'snapshots', id), { recursive: true });
    await mkdir(join(out, 'snapshots', '.tmp-20261130T000000Z-999999'), { recursive: true });
    await mkdir(join(out, 'snapshots', 'notes'), { recursive: true });
    await writeFile(join(out, 'latest.json'), JSON.stringify({ snapshotId: latest, path: `snapshots/${latest}` }));
    return out;
  }
  const remaining = async (out: string) => (await readdir(join(out, 'snapshots'))).sort();

  it('--dry-run lists what it would remove and removes nothing', async () => {
    const out = await archive('dry', IDS[0]!);
    const before = await remaining(out);
    const result = await runCli(['prune', '--out', out, '--keep-last', '2', '--keep-daily', '3', '--keep-monthly', '2', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('would remove 20261128T020000Z-cccccc');
    expect(result.stderr).toContain('Dry run: would remove 6 snapshot(s), kept 4');
    expect(await remaining(out)).toEqual(before);
  });

  it('removes exactly the snapshots the policy does not keep, never the one latest.json points at, nothing else', async () => {
    const out = await archive('pruned', '20260101T020000Z-444444');
    const result = await runCli(['prune', '--out', out, '--keep-last', '2', '--keep-daily', '3', '--keep-monthly', '2', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { removed: string[]; kept: string[]; dryRun: boolean; latest: string };
    expect(json.dryRun).toBe(false);
    // As every command's --json: its status and exit code.
    expect(json).toMatchObject({ status: 'complete', exitCode: 0 });
    expect(json.latest).toBe('20260101T020000Z-444444');
    const kept = ['20260101T020000Z-444444', '20261031T020000Z-ffffff', '20261127T020000Z-dddddd', '20261128T230000Z-bbbbbb', '20261129T020000Z-aaaaaa'];
    expect(json.kept).toEqual(kept);
    expect(json.removed).toEqual(['20260915T020000Z-333333', '20261001T020000Z-222222', '20261015T020000Z-111111', '20261126T020000Z-eeeeee', '20261128T020000Z-cccccc']);
    // The staging directory a stopped sync left goes too (under the lock, no sync is writing it).
    expect(await remaining(out)).toEqual([...kept, 'notes'].sort());
    // The lock is released: what remains verifies, and a second prune removes nothing more.
    const again = await runCli(['prune', '--out', out, '--keep-last', '2', '--keep-daily', '3', '--keep-monthly', '2']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Removed 0 snapshot(s), kept 5');
    const verified = await runCli(['verify', '--all', '--out', out]);
    expect(verified.code, verified.stderr).toBe(0);
  });

  it('a prune stopped part-way leaves no half-removed snapshot under a snapshot id; the next one removes what it left', async () => {
    const out = await archive('stopped', IDS[0]!);
    const policy = { keepLast: 1, keepDaily: 0, keepMonthly: 0 };
    // The disk fails at the 20th file removed: the run stops inside a snapshot being removed.
    let removed = 0;
    const failing: OutputFs = {
      ...nodeOutputFs,
      rm: async (path, options) => {
        if (++removed === 20) throw Object.assign(new Error('EIO: i/o error, unlink'), { code: 'EIO' });
        return nodeOutputFs.rm(path, options);
      },
    };
    await expect(pruneSnapshots({ outDir: out, policy, dryRun: false, fs: failing })).rejects.toMatchObject({ code: 'EIO' });
    const left = await remaining(out);
    // Every snapshot still named is whole: it verifies.
    for (const id of left.filter(isSnapshotId)) expect((await verifySnapshot({ outDir: out, snapshotDir: join(out, 'snapshots', id) })).problems, id).toEqual([]);
    expect(left.filter((e) => e.startsWith('.tmp-pruned-'))).toHaveLength(1);
    expect(left.filter(isSnapshotId).length).toBeGreaterThan(1);

    const again = await pruneSnapshots({ outDir: out, policy, dryRun: false });
    expect(again.kept).toEqual([IDS[0]]);
    expect(await remaining(out)).toEqual([IDS[0]!, 'notes']);
  });

  it('takes its defaults from retention: in the config file', async () => {
    const out = await archive('config', IDS[0]!);
    const config = join(tmp.dir, 'retention.yaml');
    await writeFile(config, 'retention:\n  keepLast: 1\n  keepDaily: 0\n  keepMonthly: 0\n');
    const result = await runCli(['prune', '--out', out, '--config', config]);
    expect(result.code, result.stderr).toBe(0);
    expect((await remaining(out)).filter(isSnapshotId)).toEqual([IDS[0]]);
  });

  it('does not run while another process holds the output lock (exit 2), and removes nothing', async () => {
    const out = await archive('locked', IDS[0]!);
    // A live process: this test's own.
    await writeFile(join(out, '.notion-kb.lock'), `${process.pid}\n`);
    const result = await runCli(['prune', '--out', out, '--keep-last', '1', '--keep-daily', '0', '--keep-monthly', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`(process ${process.pid}) is writing into ${out}`);
    expect((await remaining(out)).filter(isSnapshotId)).toHaveLength(IDS.length);
  });

  it('refuses an output directory that does not exist (exit 2) without creating it', async () => {
    const result = await runCli(['prune', '--out', join(tmp.dir, 'nowhere')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    await expect(readdir(join(tmp.dir, 'nowhere'))).rejects.toThrow();
  });
});
