import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/normalise/schemas.js';
import { buildDemo } from '../../src/notion-server/demo-workspace.js';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { writeBag } from '../../src/publish/bagit.js';
import { readJson, runCli, tempDir, type CliResult } from '../support/cli.js';

const TOKEN = ['secret', 'export', 'e2e', 'token', 'abcdefghijklmnopqrstuvwxyz'].join('_');

/** Unpacks a zip with yauzl into `dir` (entry names as written, checked to stay inside). */
async function unzip(file: string, dir: string): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.open(file, { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z))));
  await new Promise<void>((ok, fail) => {
    zip.on('error', fail);
    zip.on('end', () => ok());
    zip.on('entry', (entry: yauzl.Entry) => {
      const target = join(dir, entry.fileName);
      if (!target.startsWith(dir + sep)) return fail(new Error(`unsafe entry ${entry.fileName}`));
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return fail(err);
        mkdir(dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target)))
          .then(() => zip.readEntry(), fail);
      });
    });
    zip.readEntry();
  });
  zip.close();
}

/** Unpacks a .tar.gz with tar-stream into `dir`. */
async function untar(file: string, dir: string): Promise<string[]> {
  const names: string[] = [];
  const extract = tarStream.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      names.push(entry.header.name);
      const target = join(dir, entry.header.name);
      if (!target.startsWith(dir + sep)) throw new Error(`unsafe entry ${entry.header.name}`);
      await mkdir(dirname(target), { recursive: true });
      await pipeline(entry as unknown as Readable, createWriteStream(target));
    }
  })();
  await Promise.all([pipeline(createReadStream(file), createGunzip(), extract), reading]);
  return names;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
  }
  return out.sort();
}

/** The CLI in this process (no process start-up): argv, environment → exit code and output. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true), isTTY: false }) as unknown as NodeJS.WriteStream;
  const code = await main(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: { PATH: process.env.PATH, ...env } });
  return { code, stdout, stderr };
}

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

/**
 * An independent BagIt (RFC 8493) check of an unpacked bag, written from the RFC, not from the
 * product's verifier: bagit.txt, every payload and tag manifest entry, every payload file listed,
 * Payload-Oxum. Returns the problems (empty when valid).
 */
async function checkBag(bag: string): Promise<string[]> {
  const problems: string[] = [];
  const all = await filesUnder(bag);
  const bagit = await readFile(join(bag, 'bagit.txt'), 'utf8');
  if (!/^BagIt-Version: 1\.0\r?\nTag-File-Character-Encoding: UTF-8\r?\n$/.test(bagit)) problems.push(`bagit.txt: ${JSON.stringify(bagit)}`);
  const readManifest = async (name: string) =>
    (await readFile(join(bag, name), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const m = /^([0-9a-f]{64})\s+(.+)$/.exec(line);
        if (!m) throw new Error(`${name}: bad line ${line}`);
        return { digest: m[1]!, path: m[2]!.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%') };
      });
  const payload = all.filter((p) => p.startsWith('data/'));
  const manifest = await readManifest('manifest-sha256.txt');
  const listed = new Set(manifest.map((e) => e.path));
  for (const e of manifest) {
    if (!all.includes(e.path)) problems.push(`${e.path}: in the manifest, missing`);
    else if ((await sha256(join(bag, e.path))) !== e.digest) problems.push(`${e.path}: checksum differs`);
  }
  for (const p of payload) if (!listed.has(p)) problems.push(`${p}: not in manifest-sha256.txt`);
  const tagManifest = await readManifest('tagmanifest-sha256.txt');
  for (const e of tagManifest) {
    if (e.path.startsWith('data/')) problems.push(`${e.path}: payload file in the tag manifest`);
    else if ((await sha256(join(bag, e.path))) !== e.digest) problems.push(`${e.path}: tag checksum differs`);
  }
  const tagListed = new Set(tagManifest.map((e) => e.path));
  for (const p of all) if (!p.startsWith('data/') && p !== 'tagmanifest-sha256.txt' && !tagListed.has(p)) problems.push(`${p}: not in tagmanifest-sha256.txt`);
  const info = await readFile(join(bag, 'bag-info.txt'), 'utf8');
  let octets = 0;
  for (const p of payload) octets += (await stat(join(bag, p))).size;
  const oxum = /^Payload-Oxum: (\d+)\.(\d+)$/m.exec(info);
  if (!oxum || Number(oxum[1]) !== octets || Number(oxum[2]) !== payload.length) problems.push(`Payload-Oxum ${oxum?.[0]} vs ${octets}.${payload.length}`);
  return problems;
}

describe('notion-kb export of the demo workspace: a BagIt bundle', () => {
  const { workspace } = buildDemo();
  let server: NotionServer;
  let out: { dir: string; cleanup: () => Promise<void> };
  let result: CliResult;
  let summary: { exitCode: number; snapshotDir: string; bundle: { path: string; name: string; bytes: number; sha256: string; format: string; payload: { bytes: number; files: number } } };
  let bag: string;

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    out = await tempDir('notion-kb-export-');
    const config = join(out.dir, 'notion-kb.yaml');
    await writeFile(config, 'assets:\n  external: none\n');
    result = await runCli(['export', '--out', join(out.dir, 'archive'), '--config', config, '--rate', '500', '--concurrency', '6', '--json'], {
      NOTION_TOKEN: TOKEN,
      NOTION_BASE_URL: server.baseUrl,
    });
    summary = JSON.parse(result.stdout) as typeof summary;
    await mkdir(join(out.dir, 'unpacked'));
    await unzip(summary.bundle.path, join(out.dir, 'unpacked'));
    bag = join(out.dir, 'unpacked', summary.bundle.name);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await out?.cleanup();
  });

  it('runs a full sync, publishes the snapshot, and prints the bundle path, size and sha256 as one JSON object', async () => {
    expect(result.code, result.stderr).toBe(0);
    expect(summary.exitCode).toBe(0);
    const b = summary.bundle;
    expect(b.path).toBe(join(out.dir, 'archive', 'exports', `${b.name}.zip`));
    expect(b.name).toMatch(/^notion-kb-magnet-network-\d{4}-\d{2}-\d{2}$/);
    expect(b.format).toBe('zip');
    expect(b.bytes).toBe((await stat(b.path)).size);
    expect(b.sha256).toBe(await sha256(b.path));
    expect(await readJson(join(out.dir, 'archive', 'latest.json'))).toMatchObject({ path: relative(join(out.dir, 'archive'), summary.snapshotDir) });
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('unpacks to one directory that is a valid bag: checksums, tag manifest, Payload-Oxum, every file listed', async () => {
    expect(await readdir(join(out.dir, 'unpacked'))).toEqual([summary.bundle.name]);
    expect(await checkBag(bag)).toEqual([]);
    const top = (await readdir(bag)).sort();
    expect(top).toEqual(['bag-info.txt', 'bagit.txt', 'data', 'manifest-sha256.txt', 'tagmanifest-sha256.txt']);
  });

  it('holds the published snapshot byte for byte under data/, with the offline site', async () => {
    const snapshotFiles = await filesUnder(summary.snapshotDir);
    expect(await filesUnder(join(bag, 'data'))).toEqual(snapshotFiles);
    expect(snapshotFiles).toContain('site/index.html');
    expect(snapshotFiles.some((f) => f.startsWith('site/pages/') && f.endsWith('.html'))).toBe(true);
    for (const f of ['index.json', 'manifest.json', 'site/index.html', 'site/_site/search-index.js']) {
      expect(await sha256(join(bag, 'data', f))).toBe(await sha256(join(summary.snapshotDir, f)));
    }
    expect(summary.bundle.payload.files).toBe(snapshotFiles.length);
  });

  it('describes the export in bag-info.txt: workspace, date, tool version, counts', async () => {
    const info = await readFile(join(bag, 'bag-info.txt'), 'utf8');
    const report = await readJson<Report>(join(bag, 'data', 'report.json'));
    const pkg = await readJson<{ version: string }>(join(import.meta.dirname, '../../package.json'));
    expect(info).toContain('Source-Organization: MAGNET Network\n');
    expect(info).toMatch(/^Bagging-Date: \d{4}-\d{2}-\d{2}$/m);
    expect(info).toContain(`Bag-Software-Agent: notion-kb ${pkg.version}\n`);
    expect(info).toContain(`Page-Count: ${report.counts.pages}\n`);
    expect(info).toContain(`Database-Count: ${report.counts.databases}\n`);
    expect(info).toContain(`File-Count: ${report.counts.assets}\n`);
    expect(report.counts.pages).toBeGreaterThan(100);
    expect(report.mode).toBe('full');
  });

  it('verify accepts the bundle and the unpacked bag', async () => {
    const zip = await cli(['verify', summary.bundle.path]);
    expect(zip.code, zip.stderr).toBe(0);
    expect(zip.stderr).toMatch(/is valid: \d+ payload files/);
    // The bundle's own sha256, as export printed it: what the close-out checklist has one note.
    expect(zip.stderr).toContain(`  sha256 ${summary.bundle.sha256}\n`);
    const zipJson = await cli(['verify', summary.bundle.path, '--json']);
    expect(JSON.parse(zipJson.stdout)).toMatchObject({ status: 'complete', ok: true, format: 'zip', sha256: summary.bundle.sha256 });
    const dir = await cli(['verify', bag, '--json']);
    expect(dir.code, dir.stderr).toBe(0);
    expect(JSON.parse(dir.stdout)).toMatchObject({ status: 'complete', ok: true, format: 'directory', problems: [] });
    expect(JSON.parse(dir.stdout).sha256).toBeUndefined();
  });

  it('verify fails on a corrupted bag and names each bad file', async () => {
    const copy = join(out.dir, 'corrupt');
    await mkdir(copy);
    await unzip(summary.bundle.path, copy);
    const damaged = join(copy, summary.bundle.name);
    const page = (await filesUnder(join(damaged, 'data'))).find((f) => f.startsWith('pages/') && f.endsWith('.md'))!;
    const bytes = await readFile(join(damaged, 'data', page));
    bytes[10] = bytes[10]! ^ 0x01;
    await writeFile(join(damaged, 'data', page), bytes);
    const one = await cli(['verify', damaged]);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain(`data/${page}: sha256 `);
    expect(one.stderr).toContain('has 1 problem(s)');

    // A file added, one removed, bag-info.txt edited: each named; the added file breaks Payload-Oxum too.
    await writeFile(join(damaged, 'data', 'extra.txt'), 'not in any manifest');
    await rm(join(damaged, 'data', 'index.json'));
    await appendFile(join(damaged, 'bag-info.txt'), 'Note: edited\n');
    const many = await cli(['verify', damaged, '--json']);
    expect(many.code).toBe(1);
    const json = JSON.parse(many.stdout) as { status: string; error: { code: string }; problems: Array<{ path: string; message: string }> };
    expect(json.status).toBe('failed');
    expect(json.error.code).toBe('verify_failed');
    const byPath = new Map(json.problems.map((p) => [p.path, p.message]));
    expect(byPath.get(`data/${page}`)).toMatch(/does not match manifest-sha256\.txt/);
    expect(byPath.get('data/extra.txt')).toMatch(/not listed in manifest-sha256\.txt/);
    expect(byPath.get('data/index.json')).toMatch(/listed in manifest-sha256\.txt but missing/);
    expect(byPath.get('bag-info.txt')).toMatch(/does not match tagmanifest-sha256\.txt|Payload-Oxum/);
    expect(json.problems.some((p) => p.path === 'bag-info.txt' && /Payload-Oxum/.test(p.message))).toBe(true);
    expect(await checkBag(damaged)).not.toEqual([]);
  });

  it('verify reads a damaged zip bundle without unpacking it and names the damaged file', async () => {
    // A stored (uncompressed) PNG: flipping a byte of its data inside the zip changes that file only.
    const zipBytes = await readFile(summary.bundle.path);
    const asset = (await filesUnder(join(bag, 'data', 'assets'))).find((f) => f.endsWith('.png'))!;
    const original = await readFile(join(bag, 'data', 'assets', asset));
    const at = zipBytes.indexOf(original);
    expect(at).toBeGreaterThan(0);
    zipBytes[at + Math.floor(original.length / 2)] ^= 0xff;
    const damagedZip = join(out.dir, 'damaged.zip');
    await writeFile(damagedZip, zipBytes);
    const r = await cli(['verify', damagedZip]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`data/assets/${asset}`);
  });

  it('refuses to overwrite a bundle, and rejects a bad --format or --name before doing anything', async () => {
    const env = { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl };
    const again = await cli(['export', '--out', join(out.dir, 'archive'), '--name', summary.bundle.name, '--json'], env);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout).error.message).toMatch(/already exists.*--name/);
    const format = await cli(['export', '--format', 'rar'], env);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format: must be zip or tar.gz (got "rar")');
    const name = await cli(['export', '--out', join(out.dir, 'archive'), '--name', '../escape'], env);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('not a usable bundle name');
    // A file where the bundle's folder goes: said before anything is fetched, not after the crawl.
    const blocked = join(out.dir, 'blocked');
    await mkdir(blocked, { recursive: true });
    await writeFile(join(blocked, 'exports'), 'not a folder');
    const stats = server.stats().requests.total;
    const inTheWay = await cli(['export', '--out', blocked, '--json'], env);
    expect(inTheWay.code).toBe(2);
    expect(JSON.parse(inTheWay.stdout).error.message).toMatch(/exports: the bundle's folder cannot be made \(a file is in the way\)/);
    expect(server.stats().requests.total - stats).toBeLessThanOrEqual(1);
    expect(existsSync(join(blocked, 'latest.json'))).toBe(false);
  });

  it('packs the same snapshot as a .tar.gz bundle (the other export format) that is a valid bag too, and verify reads it', async () => {
    const file = join(out.dir, 'archive', 'exports', 'wiki-final.tar.gz');
    const packed = await writeBag({ payloadDir: summary.snapshotDir, file, format: 'tar.gz', bagName: 'wiki-final', info: [['Bag-Software-Agent', 'notion-kb test']] });
    expect(packed.sha256).toBe(await sha256(file));
    const dir = join(out.dir, 'untarred');
    await mkdir(dir);
    const names = await untar(file, dir);
    expect(names[0]).toBe('wiki-final/bagit.txt');
    expect(names.every((n) => n.startsWith('wiki-final/'))).toBe(true);
    expect(await checkBag(join(dir, 'wiki-final'))).toEqual([]);
    expect(await filesUnder(join(dir, 'wiki-final', 'data'))).toEqual(await filesUnder(summary.snapshotDir));
    expect(await readFile(join(dir, 'wiki-final', 'bag-info.txt'), 'utf8')).toMatch(/^Bag-Software-Agent: notion-kb test\nPayload-Oxum: \d+\.\d+\n$/);
    const r = await cli(['verify', file]);
    expect(r.code, r.stderr).toBe(0);
    // A tar.gz whose payload lost a file: named.
    const damagedDir = join(dir, 'wiki-final');
    await rm(join(damagedDir, 'data', 'report.json'));
    const r2 = await cli(['verify', damagedDir]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('data/report.json: listed in manifest-sha256.txt but missing');
  });
});
