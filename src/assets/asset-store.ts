import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { extname, join } from 'node:path';

/** A downloaded file inside a snapshot, addressed by its content. */
export interface StoredAsset {
  /** Relative to the snapshot root: `assets/<sha256>.<ext>`. */
  path: string;
  sha256: string;
  bytes: number;
  mimeType: string;
}

const extensionsByMime: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/avif': 'avif',
  'image/x-icon': 'ico',
  'application/pdf': 'pdf',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/ogg': 'ogg',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'text/csv': 'csv',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'application/json': 'json',
  'application/zip': 'zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

const mimeByExtension = Object.fromEntries(Object.entries(extensionsByMime).map(([m, e]) => [e, m]));
mimeByExtension.jpeg = 'image/jpeg';

/** The extension a stored file gets: the name's own when it is plain, else the content type's, else "bin". */
export function assetExtension(name: string, contentType: string | undefined): string {
  const fromName = extname(name).slice(1).toLowerCase();
  if (/^[a-z0-9]{1,8}$/.test(fromName)) return fromName === 'jpeg' ? 'jpg' : fromName;
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return extensionsByMime[mime] ?? 'bin';
}

/** The MIME type to report: the server's, unless it is missing or generic. */
export function assetMimeType(ext: string, contentType: string | undefined): string {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime && mime !== 'application/octet-stream' && mime !== 'binary/octet-stream') return mime;
  return mimeByExtension[ext] ?? 'application/octet-stream';
}

/**
 * Writes files into `<snapshotDir>/assets/` by sha256: byte-identical files from different
 * places are stored once. When they arrive under names with different extensions, the
 * alphabetically first extension wins whatever order the downloads finish in, so the same
 * workspace always gives the same file names. Every caller for one hash shares one
 * StoredAsset object, which a later, smaller extension updates in place (read paths after
 * all downloads are done).
 *
 * With a `keep` directory, every file stored is also kept there under its sha256 (a hard link,
 * no second copy): a run that is interrupted leaves its downloads where the next run finds them.
 */
export class AssetStore {
  private readonly byHash = new Map<string, Promise<StoredAsset>>();
  private readonly kept = new Set<string>();
  /** Folders made (each once: a run stores thousands of files in two). */
  private readonly made = new Map<string, Promise<unknown>>();

  constructor(
    private readonly snapshotDir: string,
    /** The output file system (the sync's, handed in; the real one by default). */
    private readonly fs: Pick<typeof fsp, 'mkdir' | 'rename' | 'writeFile' | 'link' | 'copyFile'> = fsp,
    /** Where stored files are kept by sha256 beyond the snapshot (the run's progress). */
    private readonly keep?: string,
  ) {}

  /**
   * Takes a file stored earlier (by an earlier snapshot, or by an interrupted run: `from` is the
   * file, by default `<fromDir>/<asset.path>`) without downloading it again: a hard link to it
   * where the file system allows, a copy where it does not.
   */
  async adopt(asset: StoredAsset, fromDir: string, from = join(fromDir, asset.path)): Promise<StoredAsset> {
    const previous = this.byHash.get(asset.sha256);
    const next = (async () => {
      const stored = await previous;
      if (!stored) {
        await this.folder(join(this.snapshotDir, 'assets'));
        const to = join(this.snapshotDir, asset.path);
        await this.fs.link(from, to).catch(() => this.fs.copyFile(from, to));
        return { ...asset };
      }
      // The same rule as for downloads: the alphabetically first extension names the file.
      if (extensionOf(asset.path) < extensionOf(stored.path)) {
        await this.fs.rename(join(this.snapshotDir, stored.path), join(this.snapshotDir, asset.path));
        stored.path = asset.path;
        stored.mimeType = asset.mimeType;
      }
      return stored;
    })();
    this.byHash.set(asset.sha256, next);
    return next;
  }

  async put(bytes: Buffer, name: string, contentType: string | undefined): Promise<StoredAsset> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const ext = assetExtension(name, contentType);
    const previous = this.byHash.get(sha256);
    // Puts of one hash run one after another, so renames never race.
    const next = (async () => {
      const stored = await previous;
      if (!stored) {
        const path = `assets/${sha256}.${ext}`;
        await this.folder(join(this.snapshotDir, 'assets'));
        await this.fs.writeFile(join(this.snapshotDir, path), bytes);
        await this.keepFile(sha256, path);
        return { path, sha256, bytes: bytes.length, mimeType: assetMimeType(ext, contentType) };
      }
      const current = extensionOf(stored.path);
      if (ext < current) {
        const path = `assets/${sha256}.${ext}`;
        await this.fs.rename(join(this.snapshotDir, stored.path), join(this.snapshotDir, path));
        stored.path = path;
        stored.mimeType = assetMimeType(ext, contentType);
      }
      await this.keepFile(sha256, stored.path);
      return stored;
    })();
    this.byHash.set(sha256, next);
    return next;
  }

  /** Keeps a stored file under `<keep>/<sha256>` once (a link; a copy renamed into place where links fail). */
  private async keepFile(sha256: string, path: string): Promise<void> {
    if (this.keep === undefined || this.kept.has(sha256)) return;
    this.kept.add(sha256);
    const from = join(this.snapshotDir, path);
    const to = join(this.keep, sha256);
    await this.folder(this.keep);
    await this.fs.link(from, to).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return;
      await this.fs.copyFile(from, `${to}.tmp`);
      await this.fs.rename(`${to}.tmp`, to);
    });
  }

  /** Makes a folder (and those above it) once; a failure is tried again by the next caller. */
  private folder(dir: string): Promise<unknown> {
    let made = this.made.get(dir);
    if (!made) {
      made = this.fs.mkdir(dir, { recursive: true }).catch((err: unknown) => {
        this.made.delete(dir);
        throw err;
      });
      this.made.set(dir, made);
    }
    return made;
  }

  /** Number of distinct files stored. */
  get size(): number {
    return this.byHash.size;
  }
}

const extensionOf = (path: string) => path.slice(path.lastIndexOf('.') + 1);
