import pLimit from 'p-limit';
import type { FileRef } from '../source/file-refs.js';
import { fileUrlOf, locateFile } from '../source/file-refs.js';
import type { AssetStore, StoredAsset } from './asset-store.js';

/** What became of one file. */
export type AssetOutcome =
  | { kind: 'stored'; ref: FileRef; asset: StoredAsset }
  /** An external file kept as a link, by policy or because it could not be downloaded. */
  | { kind: 'link'; ref: FileRef; url: string; reason?: string }
  /** A file that could not be had; the page shows a note where it was. */
  | { kind: 'missing'; ref: FileRef; reason: string };

export interface AssetPolicy {
  /** Which external (non-Notion) files are downloaded; the rest stay links. */
  external: 'images' | 'all' | 'none';
  maxBytes: number;
  concurrency: number;
}

export interface Downloader {
  /** Downloads a URL; rejects with an error carrying `status` for HTTP errors. */
  fetchBinary(url: string, opts: { maxBytes: number }): Promise<{ bytes: Buffer; contentType?: string | null }>;
}

/** Retrieves the object that owns a file again, for a fresh signed URL. */
export interface OwnerRefetcher {
  retrieveBlock(id: string): Promise<unknown>;
  retrievePage(id: string): Promise<unknown>;
  retrieveDatabase(id: string): Promise<unknown>;
}

/** Files an earlier snapshot has: reused instead of downloaded when the file behind a key is the same. */
export interface PreviousAssets {
  /** The earlier snapshot's directory. */
  dir: string;
  get(key: string): { identity: string; outcome: AssetOutcome } | undefined;
  /** What identifies the file behind a ref (its URL without a signature). */
  identityOf(ref: FileRef): string;
  /** Where a stored file's bytes are, when not at `<dir>/<asset.path>`. */
  fileOf?(asset: StoredAsset): string;
}

const MAX_REFRESHES = 2;

/** What identifies a file behind a URL: a signed Notion URL without its signature, any other URL as it is. */
export function fileIdentity(url: string, source: string): string {
  if (source === 'external') return url;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Downloads every file the crawl reports, as soon as it is reported (signed URLs expire),
 * into the content-addressed store. A 403 on a Notion-hosted file means the URL expired:
 * the owner is retrieved again for a fresh URL and the download retried.
 */
export class AssetCollector {
  readonly outcomes = new Map<string, AssetOutcome>();
  private readonly pending: Array<Promise<void>> = [];
  private readonly owners = new Map<string, Promise<unknown>>();
  private readonly limit;

  constructor(
    private readonly deps: {
      downloader: Downloader;
      refetcher: OwnerRefetcher;
      store: AssetStore;
      policy: AssetPolicy;
      previous?: PreviousAssets;
      /** Told what became of each file this run fetched (not of those taken from `previous`). */
      onOutcome?: (key: string, outcome: AssetOutcome) => void;
    },
  ) {
    this.limit = pLimit(deps.policy.concurrency);
  }

  /** Takes a file the crawl found; the same key is handled once. */
  add(ref: FileRef): void {
    if (this.outcomes.has(ref.key)) return;
    const before = this.deps.previous?.get(ref.key);
    if (before && before.outcome.kind !== 'missing' && before.identity === this.deps.previous!.identityOf(ref)) {
      this.reuse(ref.key, { ...before.outcome, ref } as AssetOutcome);
      return;
    }
    const placeholder: AssetOutcome = { kind: 'missing', ref, reason: 'not downloaded yet' };
    this.outcomes.set(ref.key, placeholder);
    this.pending.push(
      this.limit(() => this.collect(ref)).then((o) => {
        this.outcomes.set(ref.key, o);
        this.deps.onOutcome?.(ref.key, o);
      }),
    );
  }

  /**
   * The outcome of a key this run has not seen, taken from the earlier snapshot (the file of a
   * page taken from the page cache). Its file is linked into this snapshot; `drain` waits for it.
   */
  previousOutcome(key: string): AssetOutcome | undefined {
    const known = this.outcomes.get(key);
    if (known) return known;
    const before = this.deps.previous?.get(key);
    if (!before || before.outcome.kind === 'missing') return undefined;
    return this.reuse(key, before.outcome);
  }

  private reuse(key: string, outcome: AssetOutcome): AssetOutcome {
    this.outcomes.set(key, outcome);
    if (outcome.kind === 'stored') {
      const previous = this.deps.previous!;
      this.pending.push(
        this.deps.store.adopt(outcome.asset, previous.dir, previous.fileOf?.(outcome.asset)).then((asset) => {
          outcome.asset = asset;
        }),
      );
    }
    return outcome;
  }

  /** Waits for every download started so far (and any started meanwhile). */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }

  private wants(ref: FileRef): { download: boolean; reason?: string } {
    if (!/^https?:\/\//i.test(ref.url)) return { download: false, reason: `only http and https URLs are downloaded (got ${ref.url.split(':')[0]}:)` };
    if (ref.source !== 'external') return { download: true };
    const { external } = this.deps.policy;
    if (external === 'all' || (external === 'images' && ref.isImage)) return { download: true };
    return { download: false };
  }

  private async collect(ref: FileRef): Promise<AssetOutcome> {
    const wants = this.wants(ref);
    if (!wants.download) {
      if (ref.source === 'external') return { kind: 'link', ref, url: ref.url, reason: wants.reason };
      return { kind: 'missing', ref, reason: wants.reason ?? 'not downloadable' };
    }
    let url = ref.url;
    for (let refresh = 0; ; refresh++) {
      try {
        const { bytes, contentType } = await this.deps.downloader.fetchBinary(url, { maxBytes: this.deps.policy.maxBytes });
        const asset = await this.deps.store.put(bytes, ref.name, contentType ?? undefined);
        // The signed URL is done with (and a credential while it lives): the run keeps the file's identity only.
        return { kind: 'stored', ref: { ...ref, url: fileIdentity(ref.url, ref.source) }, asset };
      } catch (err) {
        const status = (err as { status?: number }).status;
        let reason = describeDownloadError(err, this.deps.policy.maxBytes);
        if (status === 403 && ref.source === 'notion' && refresh < MAX_REFRESHES) {
          let why = 'the file is no longer there';
          const fresh = await this.freshUrl(ref).catch((e: unknown) => {
            // Say why (e.g. not_found: the page is no longer shared); codes carry no URLs or tokens.
            why = `failed (${(e as { code?: string }).code ?? 'error'})`;
            return null;
          });
          if (fresh) {
            url = fresh;
            continue;
          }
          reason = `${reason}; retrieving its ${ref.refetch.kind} again ${why}`;
        }
        if (ref.source === 'external') return { kind: 'link', ref, url: ref.url, reason };
        return { kind: 'missing', ref, reason };
      }
    }
  }

  private async freshUrl(ref: FileRef): Promise<string | null> {
    const r = ref.refetch;
    const { refetcher } = this.deps;
    let key: string;
    let fetch: () => Promise<unknown>;
    if (r.kind === 'block') [key, fetch] = [`block:${r.blockId}`, () => refetcher.retrieveBlock(r.blockId)];
    else if (r.kind === 'page' || r.kind === 'property') [key, fetch] = [`page:${r.pageId}`, () => refetcher.retrievePage(r.pageId)];
    else if (r.kind === 'database') [key, fetch] = [`database:${r.databaseId}`, () => refetcher.retrieveDatabase(r.databaseId)];
    else return null;
    // The files of one owner (a page's icon, cover and files) expire together: one retrieve
    // in flight serves them all.
    let owner = this.owners.get(key);
    if (!owner) {
      owner = fetch().finally(() => this.owners.delete(key));
      this.owners.set(key, owner);
    }
    return fileUrlOf(locateFile(await owner, ref))?.url ?? null;
  }
}

function describeDownloadError(err: unknown, maxBytes: number): string {
  // The gateway's DownloadError carries code "download" and the cause in `reason`; errors
  // after retries ("gave_up", "network") carry status and cause in `context`.
  const e = err as { status?: number; code?: string; reason?: string; context?: { status?: unknown; reason?: unknown; lastReason?: unknown; attempts?: unknown } };
  const ctx = e.context ?? {};
  if (e.reason === 'too_large' || e.code === 'too_large') return `larger than the ${formatBytes(maxBytes)} limit (assets.maxBytes)`;
  const status = e.status ?? (typeof ctx.status === 'number' ? ctx.status : undefined);
  const tries = typeof ctx.attempts === 'number' ? ` after ${ctx.attempts} tries` : '';
  if (status === 403) return 'the signed URL expired and no fresh one could be had (HTTP 403)';
  if (status) return `HTTP ${status}${tries}`;
  // Messages from fetch can contain the URL, and signed URLs carry credentials: keep to the cause.
  const why = [ctx.reason, ctx.lastReason].find((r): r is string => typeof r === 'string');
  return `download failed${tries}${why ? `: ${why}` : e.code ? `: ${e.code}` : ''}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1e6) return `${(n / 1024).toFixed(1)} KiB`;
  return `${Number((n / 1e6).toFixed(1))} MB`;
}
