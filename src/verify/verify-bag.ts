// Checks a BagIt bag (RFC 8493): an unpacked bag directory, or a .zip / .tar.gz bundle read
// as a stream (nothing is unpacked to disk). Every payload and tag manifest entry is checked
// against the file's bytes, Payload-Oxum against the payload, and every file must be listed:
// payload files in every payload manifest, tag files in the tag manifests.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import yauzl from 'yauzl';
import { NotionKbError } from '../errors.js';
import type { VerifyProblem } from './verify-snapshot.js';

export interface BagVerifyResult {
  ok: boolean;
  /** The bag checked (directory or archive file). */
  bag: string;
  format: 'directory' | 'zip' | 'tar.gz';
  problems: VerifyProblem[];
  checked: { files: number; payloadFiles: number; manifestEntries: number; payloadOxum: string | null };
}

/** The digest algorithms a manifest may use (RFC 8493 §2.4: sha256 and sha512 at least). */
const ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** One file of the bag: size, digests, and the text of a tag file (files outside data/). */
interface BagFile {
  bytes: number;
  digests: Record<Algorithm, string>;
  text?: string;
}

/** Tag files larger than this are hashed but not read as text. */
const MAX_TAG_TEXT = 64 * 1024 * 1024;

/** A bundle being written (or left by an export that was interrupted while writing it). */
export const PARTIAL_SUFFIX = '.partial';
const BUNDLE_NAME = /\.(zip|tar\.gz|tgz)(\.partial)?$/i;

/** True when the path is a bundle file (.zip, .tar.gz, .tgz, or one of those still `.partial`) or a directory holding bagit.txt. */
export async function looksLikeBag(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  // A bundle name that names no file: the bag check says so, rather than the snapshot check.
  if (!info) return BUNDLE_NAME.test(path);
  if (info.isFile()) return BUNDLE_NAME.test(path);
  return info.isDirectory() && (await stat(join(path, 'bagit.txt')).catch(() => null))?.isFile() === true;
}

/** Hashes a stream with every supported algorithm, keeping its text when asked. */
async function digestStream(stream: Readable, keepText: boolean): Promise<BagFile> {
  const hashes = ALGORITHMS.map((a) => createHash(a)) as Hash[];
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (const h of hashes) h.update(chunk);
    bytes += chunk.length;
    if (keepText && bytes <= MAX_TAG_TEXT) chunks.push(chunk);
  }
  const digests = Object.fromEntries(ALGORITHMS.map((a, i) => [a, hashes[i]!.digest('hex')])) as Record<Algorithm, string>;
  return { bytes, digests, ...(keepText && bytes <= MAX_TAG_TEXT ? { text: Buffer.concat(chunks).toString('utf8') } : {}) };
}

const isTagPath = (path: string) => !path.startsWith('data/');

async function listDirectory(dir: string, problems: VerifyProblem[]): Promise<Map<string, BagFile>> {
  const files = new Map<string, BagFile>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      const path = relative(dir, full).split(sep).join('/');
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) files.set(path, await digestStream(createReadStream(full), isTagPath(path)));
      else problems.push({ path, message: 'not a regular file (a bag holds files and directories only)' });
    }
  };
  await walk(dir);
  return files;
}

/** Archive entry name → path inside the bag, checking the one top-level directory (RFC 8493 §4.2). */
function entryPath(name: string, top: { name?: string }, problems: VerifyProblem[]): string | null {
  const clean = name.replace(/\\/g, '/');
  if (clean.startsWith('/') || clean.split('/').includes('..')) {
    problems.push({ path: name, message: 'unsafe path in the archive (absolute or with "..")' });
    return null;
  }
  const [first, ...rest] = clean.split('/');
  if (rest.length === 0 || rest.join('/') === '') {
    problems.push({ path: name, message: 'outside the bag: the archive must hold one top-level directory' });
    return null;
  }
  if (top.name === undefined) top.name = first;
  else if (top.name !== first) {
    problems.push({ path: name, message: `outside the bag directory ${top.name}/: the archive must hold one top-level directory` });
    return null;
  }
  return rest.join('/');
}

async function listZip(file: string, problems: VerifyProblem[]): Promise<Map<string, BagFile>> {
  const files = new Map<string, BagFile>();
  const top: { name?: string } = {};
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false }, (err, z) => (err ? fail(err) : ok(z))),
  );
  try {
    await new Promise<void>((ok, fail) => {
      zip.on('error', fail);
      zip.on('end', () => ok());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          if (!entry.fileName.endsWith('/')) {
            const path = entryPath(entry.fileName, top, problems);
            if (path !== null) {
              try {
                const stream = await new Promise<Readable>((res, rej) => zip.openReadStream(entry, (err, s) => (err ? rej(err) : res(s))));
                files.set(path, await digestStream(stream, isTagPath(path)));
              } catch (err) {
                problems.push({ path, message: `cannot be read from the archive (${(err as Error).message})` });
              }
            }
          }
          zip.readEntry();
        })().catch(fail);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return files;
}

async function listTarGz(file: string, problems: VerifyProblem[]): Promise<Map<string, BagFile>> {
  const files = new Map<string, BagFile>();
  const top: { name?: string } = {};
  const extract = tarStream.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      if (header.type === 'file' || header.type === 'contiguous-file') {
        const path = entryPath(header.name, top, problems);
        if (path !== null) files.set(path, await digestStream(entry as unknown as Readable, isTagPath(path)));
        else entry.resume();
      } else {
        if (header.type !== 'directory') problems.push({ path: header.name, message: `a ${header.type} entry (a bag holds files and directories only)` });
        entry.resume();
      }
    }
  })();
  await Promise.all([pipeline(createReadStream(file), createGunzip(), extract), reading]);
  return files;
}

/** A manifest's lines → (path, digest); bad lines are problems. */
function parseManifest(name: string, text: string, problems: VerifyProblem[]): Array<{ path: string; digest: string }> {
  const out: Array<{ path: string; digest: string }> = [];
  const seen = new Set<string>();
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^([0-9a-fA-F]+)[ \t]+(.+)$/.exec(line);
    if (!m) {
      problems.push({ path: name, message: `line ${i + 1} is not "<checksum> <path>"` });
      return;
    }
    let path: string;
    try {
      path = m[2]!.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%').replace(/^\.\//, '');
    } catch {
      path = m[2]!;
    }
    if (posix.normalize(path) !== path || path.startsWith('/') || path.startsWith('../')) {
      problems.push({ path: name, message: `line ${i + 1}: path ${JSON.stringify(path)} is not a plain path inside the bag` });
      return;
    }
    if (seen.has(path)) problems.push({ path: name, message: `lists ${path} twice` });
    seen.add(path);
    out.push({ path, digest: m[1]!.toLowerCase() });
  });
  return out;
}

/** bag-info.txt / bagit.txt `Label: value` lines (folded lines joined). */
function parseTagLines(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: { label: string; index: number } | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (/^[ \t]/.test(line) && last) {
      const values = out.get(last.label)!;
      values[last.index] = `${values[last.index]} ${line.trim()}`;
      continue;
    }
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const label = m[1]!.trim();
    const values = out.get(label) ?? [];
    values.push(m[2]!.trim());
    out.set(label, values);
    last = { label, index: values.length - 1 };
  }
  return out;
}

/**
 * Checks a bag: a directory, or a .zip / .tar.gz archive holding one. Names every bad file. A
 * `.partial` bundle is refused unread: an export writes its bundle under that name and renames
 * it only once complete and verified (`archive` says which format to read a file as, for that check).
 */
export async function verifyBag(path: string, opts: { archive?: 'zip' | 'tar.gz' } = {}): Promise<BagVerifyResult> {
  const full = resolve(path);
  const info = await stat(full).catch(() => null);
  if (!info) throw new NotionKbError('usage', `${path}: no such file or directory (give a bag directory or a .zip / .tar.gz bundle)`);
  const format: BagVerifyResult['format'] = info.isDirectory() ? 'directory' : (opts.archive ?? (/\.zip(\.partial)?$/i.test(full) ? 'zip' : 'tar.gz'));
  const problems: VerifyProblem[] = [];
  if (info.isFile() && opts.archive === undefined && full.endsWith(PARTIAL_SUFFIX)) {
    problems.push({
      path: relative(process.cwd(), full) || full,
      message: 'a partly written bundle: the export writing it was interrupted, so it is not a finished bag. Run notion-kb export again (it resumes), and verify the bundle without .partial',
    });
    return { ok: false, bag: full, format, problems, checked: { files: 0, payloadFiles: 0, manifestEntries: 0, payloadOxum: null } };
  }
  let files: Map<string, BagFile>;
  try {
    files = format === 'directory' ? await listDirectory(full, problems) : format === 'zip' ? await listZip(full, problems) : await listTarGz(full, problems);
  } catch (err) {
    problems.push({ path: relative(process.cwd(), full) || full, message: `cannot be read as a ${format} archive (${(err as Error).message})` });
    return { ok: false, bag: full, format, problems, checked: { files: 0, payloadFiles: 0, manifestEntries: 0, payloadOxum: null } };
  }
  const checked = { files: files.size, payloadFiles: 0, manifestEntries: 0, payloadOxum: null as string | null };

  // bagit.txt: the version and the tag files' encoding.
  const bagit = files.get('bagit.txt');
  if (!bagit) problems.push({ path: 'bagit.txt', message: 'missing: not a BagIt bag' });
  else {
    const tags = parseTagLines(bagit.text ?? '');
    if (!/^\d+\.\d+$/.test(tags.get('BagIt-Version')?.[0] ?? '')) problems.push({ path: 'bagit.txt', message: 'has no BagIt-Version: M.N line' });
    if (!/^utf-8$/i.test(tags.get('Tag-File-Character-Encoding')?.[0] ?? '')) problems.push({ path: 'bagit.txt', message: 'Tag-File-Character-Encoding is not UTF-8' });
  }
  if (files.has('fetch.txt')) problems.push({ path: 'fetch.txt', message: 'the bag lists files to fetch from elsewhere: it is not complete' });

  // Payload manifests: every entry matches, every payload file is listed in each.
  const payload = [...files.keys()].filter((p) => p.startsWith('data/')).sort();
  checked.payloadFiles = payload.length;
  const manifests = [...files.keys()].filter((p) => /^manifest-[a-z0-9]+\.txt$/.test(p)).sort();
  const tagManifests = [...files.keys()].filter((p) => /^tagmanifest-[a-z0-9]+\.txt$/.test(p)).sort();
  if (manifests.length === 0) problems.push({ path: 'manifest-sha256.txt', message: 'missing: the bag has no payload manifest' });
  const checkManifest = (name: string, payloadManifest: boolean): Set<string> => {
    const algorithm = /^(?:tag)?manifest-([a-z0-9]+)\.txt$/.exec(name)![1] as Algorithm;
    const listed = new Set<string>();
    const file = files.get(name)!;
    if (file.text === undefined) {
      problems.push({ path: name, message: 'too large to read' });
      return listed;
    }
    if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
      problems.push({ path: name, message: `unsupported checksum algorithm ${algorithm} (supported: ${ALGORITHMS.join(', ')})` });
      return listed;
    }
    for (const entry of parseManifest(name, file.text, problems)) {
      listed.add(entry.path);
      checked.manifestEntries++;
      if (payloadManifest !== entry.path.startsWith('data/')) {
        problems.push({ path: name, message: `lists ${entry.path}, which belongs in the ${payloadManifest ? 'tag' : 'payload'} manifest` });
        continue;
      }
      const actual = files.get(entry.path);
      if (!actual) problems.push({ path: entry.path, message: `listed in ${name} but missing` });
      else if (actual.digests[algorithm] !== entry.digest) problems.push({ path: entry.path, message: `${algorithm} ${actual.digests[algorithm]} does not match ${name} (${entry.digest})` });
    }
    return listed;
  };
  const reported = new Set<string>();
  for (const name of manifests) {
    const listed = checkManifest(name, true);
    for (const p of payload) {
      if (!listed.has(p) && !reported.has(p)) {
        reported.add(p);
        problems.push({ path: p, message: `not listed in ${name}` });
      }
    }
  }
  const tagListed = new Set<string>();
  for (const name of tagManifests) for (const p of checkManifest(name, false)) tagListed.add(p);
  if (tagManifests.length > 0) {
    for (const p of files.keys()) {
      if (!isTagPath(p) || tagManifests.includes(p) || tagListed.has(p)) continue;
      problems.push({ path: p, message: `not listed in ${tagManifests.join(', ')}` });
    }
  }

  // Payload-Oxum: the payload's octets and file count.
  const bagInfo = files.get('bag-info.txt');
  const oxum = bagInfo?.text === undefined ? undefined : parseTagLines(bagInfo.text).get('Payload-Oxum')?.[0];
  const actualOxum = `${payload.reduce((n, p) => n + files.get(p)!.bytes, 0)}.${payload.length}`;
  checked.payloadOxum = actualOxum;
  if (!bagInfo) problems.push({ path: 'bag-info.txt', message: 'missing (it holds Payload-Oxum)' });
  else if (oxum === undefined) problems.push({ path: 'bag-info.txt', message: 'has no Payload-Oxum' });
  else if (oxum !== actualOxum) problems.push({ path: 'bag-info.txt', message: `Payload-Oxum ${oxum} does not match the payload (${actualOxum}: octets.files)` });

  return { ok: problems.length === 0, bag: full, format, problems, checked };
}
