// `notion-kb export`: a full sync with everything the archive can hold (comments, the offline
// site), published as usual, then the published snapshot packed as one BagIt bundle
// (<out>/exports/<name>.zip or .tar.gz) ready to deposit.
import { stat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config/config-schema.js';
import { NotionKbError } from './errors.js';
import { BUNDLE_EXTENSION, writeBag, type BundleFormat } from './publish/bagit.js';
import { nodeOutputFs } from './publish/output-fs.js';
import { clearProgress } from './publish/run-progress.js';
import { PARTIAL_SUFFIX } from './verify/verify-bag.js';
import { lockOutput } from './publish/write-snapshot.js';
import { runSync, type SyncDeps, type SyncOutcome } from './run-sync.js';
import { createNotionGateway } from './source/notion-gateway.js';

/** Where the bundles go, inside the output directory. */
export const EXPORTS_DIR = 'exports';

export interface ExportDeps extends SyncDeps {
  /** The bundle's name (file name without extension, and the bag's directory); default `notion-kb-<workspace>-<date>`. */
  name?: string;
  format: BundleFormat;
  /** notion-kb's version, for bag-info.txt. */
  version: string;
}

export interface ExportBundle {
  path: string;
  name: string;
  format: BundleFormat;
  bytes: number;
  sha256: string;
  /** What the bag's data/ holds (Payload-Oxum). */
  payload: { bytes: number; files: number };
}

export interface ExportOutcome extends SyncOutcome {
  bundle: ExportBundle;
}

/** Why a bundle name cannot be used, or null. */
export function bundleNameProblem(name: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/.test(name) || name.includes('..')) {
    return `not a usable bundle name: ${JSON.stringify(name)} (letters, digits, ".", "_" and "-", up to 120 characters, starting with a letter or digit)`;
  }
  return null;
}

const slug = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '') || 'workspace';

/** The workspace's name, as the integration's bot user reports it (one request); null when it cannot be had. */
async function workspaceName(deps: SyncDeps): Promise<string | null> {
  const { config } = deps;
  if (!config.token) return null;
  try {
    const gateway = createNotionGateway({
      token: config.token,
      baseUrl: config.notion.baseUrl,
      rate: config.requests.rate,
      concurrency: 1,
      timeoutMs: config.requests.timeoutMs,
      retry: { maxAttempts: config.requests.maxAttempts, giveUpAfterMs: config.requests.giveUpAfterMs },
      effects: deps.effects,
    });
    const me = (await gateway.me()) as unknown as { bot?: { workspace_name?: string | null } };
    const name = me.bot?.workspace_name;
    return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
  } catch {
    // The sync that follows reports what is wrong (token, network) with its own message.
    return null;
  }
}

/** Runs the export: a full sync with comments and the site, then the bundle. */
export async function runExport(deps: ExportDeps): Promise<ExportOutcome> {
  const { config } = deps;
  const clock = deps.effects?.clock;
  const now = deps.now ?? (clock ? () => new Date(clock.now()) : () => new Date());
  if (deps.name !== undefined) {
    const problem = bundleNameProblem(deps.name);
    if (problem) throw new NotionKbError('usage', `--name: ${problem}`);
  }
  const startedAt = now();
  const workspace = await workspaceName(deps);
  const name = deps.name ?? `notion-kb-${slug(workspace ?? 'workspace')}-${startedAt.toISOString().slice(0, 10)}`;
  const exportsDir = join(config.output.dir, EXPORTS_DIR);
  const file = join(exportsDir, `${name}${BUNDLE_EXTENSION[deps.format]}`);
  if (await stat(file).catch(() => null)) {
    throw new NotionKbError('usage', `${file} already exists: give the new bundle another name with --name <name>, or move the old one away`);
  }
  // The folder the bundle goes into, made now: not found unusable only after hours of crawling.
  await mkdir(exportsDir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    const why = err.code === 'EEXIST' || err.code === 'ENOTDIR' ? 'a file is in the way' : err.code === 'EROFS' ? 'the file system is read-only' : err.code;
    throw new NotionKbError('usage', `${exportsDir}: the bundle's folder cannot be made (${why}); choose another output directory with --out, or make room for it`);
  });

  // Everything the archive can hold: comments too (content.comments, where this version has it;
  // a config without that section ignores the key) and the offline site.
  const withContent = config as Config & { content?: Record<string, unknown> };
  const exportConfig = {
    ...config,
    output: { ...config.output, site: true },
    content: { ...(withContent.content ?? {}), comments: true },
  } as Config;
  // The run's progress stays until the bundle is written: an export interrupted while packing
  // brings its published snapshot up to date next time instead of fetching everything again.
  const outcome = await runSync({ ...deps, config: exportConfig, full: true, keepProgress: true });

  // Under the output lock again, so that no prune removes the snapshot while it is packed.
  const lock = await lockOutput(config.output.dir);
  try {
    await mkdir(exportsDir, { recursive: true });
    // Bundles an interrupted export left half-written (under the lock, no export is writing one).
    for (const entry of await readdir(exportsDir)) if (entry.endsWith(PARTIAL_SUFFIX)) await rm(join(exportsDir, entry), { force: true });
    const r = outcome.report;
    const date = now();
    const info: Array<readonly [string, string]> = [
      ['Source-Organization', workspace ?? 'Notion workspace (name not reported by the API)'],
      ['Bagging-Date', date.toISOString().slice(0, 10)],
      ['Bag-Software-Agent', `notion-kb ${deps.version}`],
      ['External-Identifier', name],
      [
        'External-Description',
        `Archive of the Notion workspace${workspace ? ` "${workspace}"` : ''}: every page and database as Markdown, JSON and CSV, their files, and an offline website (open data/site/index.html in a browser).`,
      ],
      ['Notion-Workspace', workspace ?? 'unknown'],
      ['Notion-API-Origin', config.notion.baseUrl],
      ['Notion-Roots', config.notion.roots.length > 0 ? config.notion.roots.join(' ') : 'everything shared with the integration'],
      ['Export-Date', date.toISOString()],
      ['Snapshot-Id', outcome.snapshotId],
      ['Export-Status', r.complete ? 'complete' : `partial: ${r.failures.length} pages or databases and ${r.assetFailures.length} files failed (data/report.json lists them)`],
      ['Page-Count', String(r.counts.pages)],
      ['Database-Count', String(r.counts.databases)],
      ['Row-Count', String(r.counts.rows)],
      ['File-Count', String(r.counts.assets)],
    ];
    const bag = await writeBag({ payloadDir: outcome.snapshotDir, file, format: deps.format, bagName: name, info, mtime: date });
    await clearProgress(config.output.dir, deps.fs ?? nodeOutputFs);
    return { ...outcome, bundle: { path: bag.path, name, format: deps.format, bytes: bag.bytes, sha256: bag.sha256, payload: bag.payload } };
  } catch (err) {
    if (err instanceof NotionKbError) throw err;
    throw new NotionKbError('bundle', `snapshot ${outcome.snapshotId} was published, but the bundle could not be written to ${file}: ${(err as Error).message}`);
  } finally {
    await lock.release();
  }
}
