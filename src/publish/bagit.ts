// A BagIt bag (RFC 8493) of a directory, written straight into one archive file: .zip (yazl)
// or .tar.gz (tar-stream + zlib). Each payload file is read once, hashed while the archive
// library consumes it, so memory never holds more than a chunk of a file; the manifests come
// last. The archive holds one top-level directory named after the bag (RFC 8493 §4.2).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import yazl from 'yazl';
import { PARTIAL_SUFFIX, verifyBag } from '../verify/verify-bag.js';
import { syncFolder } from './output-fs.js';
import { listFiles } from './write-snapshot.js';

export type BundleFormat = 'zip' | 'tar.gz';

/** The file extension of a bundle format. */
export const BUNDLE_EXTENSION: Record<BundleFormat, string> = { zip: '.zip', 'tar.gz': '.tar.gz' };

export interface BagResult {
  /** The archive file written. */
  path: string;
  bytes: number;
  sha256: string;
  /** Payload-Oxum: octets and number of payload files. */
  payload: { bytes: number; files: number };
}

/** Counts and hashes what passes through (a payload file into the archive, the archive onto disk). */
class Tap extends Transform {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/**
 * A manifest path (RFC 8493 §2.1.3): `%`, CR and LF percent-encoded, everything else as is
 * (UTF-8, `/` separators).
 */
export function encodeManifestPath(path: string): string {
  return path.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A bag-info.txt value on one line (labels and values may not span lines unfolded). */
const oneLine = (value: string) => value.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** The entries an archive writer takes, in order. */
interface ArchiveWriter {
  addFile(name: string, file: string, size: number): Promise<string>;
  addText(name: string, text: string): void;
  /** Ends the archive and waits until it is on disk. */
  close(): Promise<void>;
}

/** File types stored without compression in a zip: compressing them again costs time and gains nothing. */
const COMPRESSED = /\.(png|jpe?g|gif|webp|avif|heic|zip|gz|tgz|bz2|xz|7z|mp4|m4a|mov|webm|mp3|ogg|pdf|docx|xlsx|pptx)$/i;

function zipWriter(out: NodeJS.WritableStream, mtime: Date): { writer: ArchiveWriter; done: Promise<void> } {
  const zip = new yazl.ZipFile();
  /** The payload file being read: a failing output stops yazl reading it, and it is closed then, not left open. */
  let reading: Readable | null = null;
  const done = pipeline(zip.outputStream, out).catch((err: unknown) => {
    reading?.destroy();
    throw err;
  });
  const writer: ArchiveWriter = {
    async addFile(name, file, size) {
      const tap = new Tap();
      const source = createReadStream(file);
      reading = source;
      source.on('error', (err) => tap.destroy(err));
      source.pipe(tap);
      zip.addReadStream(tap, name, { size, mtime, mode: 0o100644, compress: !COMPRESSED.test(name) });
      // yazl reads the entries one after the other: this one is consumed once its data is in the archive.
      await finished(tap as Readable, { writable: false });
      return tap.hash.digest('hex');
    },
    addText(name, text) {
      zip.addBuffer(Buffer.from(text, 'utf8'), name, { mtime, mode: 0o100644 });
    },
    async close() {
      zip.end();
      await done;
    },
  };
  return { writer, done };
}

function tarGzWriter(out: NodeJS.WritableStream, mtime: Date): { writer: ArchiveWriter; done: Promise<void> } {
  const pack = tarStream.pack();
  const done = pipeline(pack, createGzip({ level: 6 }), out);
  const writer: ArchiveWriter = {
    async addFile(name, file, size) {
      const tap = new Tap();
      const entry = pack.entry({ name, size, mtime, mode: 0o644, type: 'file' });
      await pipeline(createReadStream(file), tap, entry);
      return tap.hash.digest('hex');
    },
    addText(name, text) {
      pack.entry({ name, mtime, mode: 0o644, type: 'file' }, Buffer.from(text, 'utf8'));
    },
    async close() {
      pack.finalize();
      await done;
    },
  };
  return { writer, done };
}

/**
 * Writes `payloadDir` as the payload (`data/`) of a bag named `bagName` into the archive `file`
 * (through `file.partial`, renamed only once complete and verified: a bundle under its name is
 * never a partial one). `info` is bag-info.txt's labels and values in order; Payload-Oxum is added.
 */
export async function writeBag(opts: {
  payloadDir: string;
  file: string;
  format: BundleFormat;
  bagName: string;
  info: ReadonlyArray<readonly [string, string]>;
  /** The entries' modification time (default: now). */
  mtime?: Date;
}): Promise<BagResult> {
  const partial = `${opts.file}${PARTIAL_SUFFIX}`;
  const outTap = new Tap();
  // Flushed to the disk before it is closed, so before it is renamed: after a power cut, a bundle
  // under its name is whole (a kill alone never loses bytes written; a power cut may).
  const fileOut = createWriteStream(partial, { flush: true });
  const written = pipeline(outTap, fileOut);
  const mtime = opts.mtime ?? new Date();
  const { writer, done } = opts.format === 'zip' ? zipWriter(outTap, mtime) : tarGzWriter(outTap, mtime);
  // A failing output (disk full) must not leave the writers waiting for data that will never be read.
  const failed = Promise.all([done, written]).then(
    () => new Promise<never>(() => {}),
    (err: unknown) => Promise.reject(err),
  );
  // Seen by each `race` once one is under way; an output that fails before (the file cannot be
  // created) must not be an unhandled rejection meanwhile, which would end the process.
  failed.catch(() => {});
  const race = <T>(p: Promise<T>) => Promise.race([p, failed]);
  try {
    const root = opts.bagName;
    writer.addText(`${root}/bagit.txt`, 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    const manifest: string[] = [];
    let octets = 0;
    const payload = await listFiles(opts.payloadDir);
    for (const path of payload) {
      const full = `${opts.payloadDir}/${path}`;
      const size = (await stat(full)).size;
      const sha256 = await race(writer.addFile(`${root}/data/${path}`, full, size));
      manifest.push(`${sha256}  ${encodeManifestPath(`data/${path}`)}\n`);
      octets += size;
    }
    const tags = new Map<string, string>();
    tags.set('bagit.txt', 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    tags.set('manifest-sha256.txt', manifest.join(''));
    const info = [...opts.info, ['Payload-Oxum', `${octets}.${payload.length}`] as const];
    tags.set('bag-info.txt', info.map(([label, value]) => `${label}: ${oneLine(value)}\n`).join(''));
    writer.addText(`${root}/manifest-sha256.txt`, tags.get('manifest-sha256.txt')!);
    writer.addText(`${root}/bag-info.txt`, tags.get('bag-info.txt')!);
    const tagManifest = [...tags].map(([name, text]) => `${createHash('sha256').update(text, 'utf8').digest('hex')}  ${name}\n`).join('');
    writer.addText(`${root}/tagmanifest-sha256.txt`, tagManifest);
    await race(writer.close());
    await written;
    // Read back as `verify` reads it: what was written is the bag described.
    const check = await verifyBag(partial, { archive: opts.format });
    if (!check.ok) throw new Error(`the bundle written does not verify: ${check.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    await rename(partial, opts.file);
    // The rename itself on the disk: once the export says the bundle is written, it stays written.
    await syncFolder(dirname(opts.file));
    return { path: opts.file, bytes: outTap.bytes, sha256: outTap.hash.digest('hex'), payload: { bytes: octets, files: payload.length } };
  } catch (err) {
    outTap.destroy();
    await rm(partial, { force: true });
    throw err;
  }
}
