import { readFile } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/config-schema.js';
import { isNotionKbError, NotionKbError, redactSecrets, userMessage } from '../errors.js';
import { formatChangesText } from '../history/changelog.js';
import { diffSnapshots } from '../history/diff-snapshots.js';
import type { Audit } from '../normalise/schemas.js';
import { pruneSnapshots } from '../publish/prune-snapshots.js';
import { readSnapshotState } from '../publish/snapshot-state.js';
import { isSnapshotId, listSnapshots, readLatest, sha256File } from '../publish/write-snapshot.js';
import { describeConfig } from '../config/describe-config.js';
import { tuneRuntimeForSync } from './runtime-tuning.js';
import { runSync, type SyncOutcome } from '../run-sync.js';
import type { SyncEffects } from '../source/effects.js';
import { verifySnapshot } from '../verify/verify-snapshot.js';
import { looksLikeBag, verifyBag } from '../verify/verify-bag.js';
import { runExport, type ExportOutcome } from '../run-export.js';
import { parseArgs, UsageError, type CommandOptions, type ParsedArgs } from './args.js';
import { EXIT_CODES, helpText } from './help.js';
import { createProgressReporter } from './progress.js';

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** The sync's clock, fetch and jitter; the real ones unless a test runs the CLI in-process on simulated time. */
  effects?: SyncEffects;
}

/**
 * The notion-kb command line: parses argv, runs the command, prints, and returns the exit
 * code (bin/notion-kb.js sets it). The only place that turns errors into exit codes.
 */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const secrets = [io.env.NOTION_TOKEN];
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    // The command line could not be read, but a scheduler that asked for JSON still gets it.
    const end = argv.indexOf('--');
    return fail(err, io, secrets, { json: (end === -1 ? argv : argv.slice(0, end)).includes('--json'), quiet: false });
  }
  try {
    switch (args.command) {
      case 'help':
        io.stdout.write(`${helpText(args.topic)}\n`);
        return EXIT_CODES.complete;
      case 'version': {
        const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
        io.stdout.write(`notion-kb ${pkg.version}\n`);
        return EXIT_CODES.complete;
      }
      case 'sync': {
        const config = await configFor(args.options, io);
        return report(await syncWithProgress(config, args.options, io), args.options, io);
      }
      case 'export':
        return await runExportCommand(args.options, io);
      case 'demo':
        return await runDemo(args.options, io);
      case 'verify':
        if (!args.options.all && args.positionals[0] !== undefined && (await looksLikeBag(args.positionals[0]))) return await runVerifyBag(args, io);
        return args.options.all ? await runVerifyAll(args, io) : await runVerify(args, io);
      case 'diff':
        return await runDiff(args, io);
      case 'prune':
        return await runPrune(args, io);
    }
  } catch (err) {
    return fail(err, io, secrets, args.options, args.command);
  }
}

/**
 * The one JSON object `--json` prints on stdout for a run that did not end with a summary:
 * `status`, `exitCode` and the error's `code` and one-line `message` (never the token).
 */
export interface JsonFailure {
  status: 'failed' | 'interrupted';
  exitCode: number;
  error: { code: string; message: string };
}

function writeJson(io: Io, value: object): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One line for the user, no stack trace; exit 2 for what the user must fix, else 1. */
function fail(err: unknown, io: Io, secrets: Array<string | undefined>, options: Pick<CommandOptions, 'json' | 'quiet'>, command?: ParsedArgs['command']): number {
  let code: string;
  let exitCode: number;
  let text: string;
  if (err instanceof UsageError) {
    [code, exitCode, text] = ['usage', EXIT_CODES.usage, redactSecrets(err.message, secrets)];
  } else if (isConfigError(err)) {
    // One `path: problem` line per issue; ConfigError messages are already free of secrets.
    [code, exitCode, text] = ['config', EXIT_CODES.usage, redactSecrets(err.message, secrets)];
  } else {
    text = userMessage(err, secrets);
    // What the user must fix (flags, config, token, sharing, ids) is 2; anything else failed the run.
    code = isNotionKbError(err) ? err.code : 'unexpected';
    exitCode = isNotionKbError(err) && err.exitCode === EXIT_CODES.usage ? EXIT_CODES.usage : EXIT_CODES.failed;
  }
  io.stderr.write(`notion-kb: ${text}\n`);
  if (exitCode === EXIT_CODES.failed) {
    if (!isNotionKbError(err) && io.env.NOTION_KB_DEBUG) io.stderr.write(`${(err as Error).stack ?? ''}\n`);
    if (!options.quiet && (command === undefined || command === 'sync' || command === 'demo' || (command === 'export' && code !== 'bundle'))) io.stderr.write('Nothing was published; the previous snapshot (if any) is unchanged.\n');
  }
  if (options.json) {
    const failure: JsonFailure = { status: 'failed', exitCode, error: { code, message: oneLine(text) } };
    writeJson(io, failure);
  }
  return exitCode;
}

const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/**
 * The run's config; its warnings on stderr. `files`: a command that reads and writes the output
 * directory only (verify, diff, prune) hears only of the settings it uses (`output.*`, `retention.*`), not of the
 * request rate or the token, which it never uses.
 */
async function configFor(options: CommandOptions, io: Io, overrides: Partial<Record<string, string>> = {}, files = false): Promise<Config> {
  const env = io.env;
  const { config, warnings } = await loadConfig({
    file: options.config,
    explicit: options.config !== undefined,
    env: { ...env, ...overrides },
    flags: { out: options.out, rate: options.rate, concurrency: options.concurrency, root: options.root },
  });
  for (const w of warnings) if (!files || w.startsWith('output.') || w.startsWith('retention.')) io.stderr.write(`notion-kb: warning: ${w}\n`);
  if (options.verbose) io.stderr.write(`${describeConfig(config)}\n`);
  return config;
}

async function syncWithProgress(
  config: Config,
  options: CommandOptions,
  io: Io,
  run: (deps: Parameters<typeof runSync>[0]) => Promise<SyncOutcome> = runSync,
): Promise<SyncOutcome> {
  const clock = io.effects?.clock;
  // With --verbose, plain progress lines: a redrawn status line would garble the request lines.
  const progress = createProgressReporter(io.stderr, { quiet: options.quiet || options.json, plain: options.verbose, ...(clock ? { now: () => clock.now() } : {}) });
  // Ctrl-C or a scheduler's SIGTERM: nothing half-written is ever published, so stopping at
  // once is safe; the next run removes the staging directory and the stale lock.
  const interrupted = (signal: NodeJS.Signals) => {
    progress.done();
    const message = `interrupted (${signal}); nothing was published, the previous snapshot is unchanged. The next run takes up what this one fetched.`;
    io.stderr.write(`notion-kb: ${message}\n`);
    const exitCode = signal === 'SIGINT' ? 130 : 143;
    if (options.json) {
      const failure: JsonFailure = { status: 'interrupted', exitCode, error: { code: 'interrupted', message } };
      writeJson(io, failure);
    }
    process.exit(exitCode);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await run({
      config,
      full: options.full,
      effects: io.effects,
      tuneRuntime: tuneRuntimeForSync,
      onProgress: (p) => progress.update(p),
      // Warnings always (--quiet too); requests, retries and waits (debug) with --verbose. The
      // gateway redacts its messages; redacting again here also covers every other source.
      // Debug messages are not even built without --verbose: one per request adds up in a long export.
      debug: options.verbose === true,
      log: (level, message) => {
        if (level === 'warn' || options.verbose) io.stderr.write(`notion-kb: ${level === 'warn' ? '' : `${level}: `}${redactSecrets(message, [config.token])}\n`);
      },
    });
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    progress.done();
  }
}

/** Prints the end-of-run summary (human on stderr, JSON on stdout with --json) and returns the exit code. */
function report(outcome: SyncOutcome, options: CommandOptions, io: Io, extra: object = {}): number {
  const r = outcome.report;
  const where = relative(process.cwd(), outcome.snapshotDir) || '.';
  const code = outcome.exitCode === 0 ? EXIT_CODES.complete : EXIT_CODES.partial;
  const a = outcome.archive;
  const archiveLine = !a
    ? null
    : a.error
      ? `  git archive: FAILED (${a.error.code}): ${a.error.message}${a.pendingCommits > 0 ? ` — ${a.pendingCommits} commit(s) wait to be pushed by the next run` : ''}`
      : a.commit
        ? `  git archive: committed ${a.commit.slice(0, 12)}${a.pushed ? ' and pushed it' : ''}`
        : `  git archive: up to date${a.pushed ? ' (pushed what an earlier run could not)' : ''}`;
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          status: outcome.unchanged ? 'unchanged' : outcome.exitCode === 0 ? 'complete' : 'partial',
          exitCode: outcome.exitCode,
          mode: outcome.mode,
          published: !outcome.unchanged,
          snapshotId: outcome.snapshotId,
          snapshotDir: outcome.snapshotDir,
          counts: r.counts,
          requests: { total: r.requests.total, retries: r.requests.retries, rateLimited: r.requests.rateLimited, saved: r.requests.saved ?? 0, rate: r.requests.rate ?? null },
          resumed: outcome.resumed ?? 0,
          changes: r.changes ?? null,
          audit: r.audit ?? null,
          archive: outcome.archive ?? null,
          durationMs: r.durationMs,
          failures: r.failures.length,
          warnings: r.warnings.length,
          unrendered: r.unrendered.length,
          unresolvedLinks: r.unresolvedLinks.length,
          assetFailures: r.assetFailures.length,
          ...extra,
        },
        null,
        2,
      )}\n`,
    );
  }
  if (options.quiet && !options.json && outcome.exitCode !== 0 && !outcome.unchanged && !a?.error) {
    // --quiet keeps only what needs attention: one line for a partial run.
    io.stderr.write(
      `notion-kb: snapshot ${outcome.snapshotId} published, but ${r.failures.length} pages or databases and ${r.assetFailures.length} files failed; see ${where}/report.json\n`,
    );
  }
  if (options.quiet && !options.json && a?.error) io.stderr.write(`notion-kb: ${archiveLine!.trim()}\n`);
  const auditLine = r.audit ? `  ${auditSummary(r.audit)}` : null;
  const resumedLine = outcome.resumed ? `  resuming: ${outcome.resumed.toLocaleString('en-US')} pages already fetched by an interrupted run (not fetched again)` : null;
  if (!options.quiet && !options.json && outcome.unchanged) {
    io.stderr.write(
      `No changes since snapshot ${outcome.snapshotId}; nothing published.\n` +
        `  ${r.requests.total} API requests (${r.mode} sync; ${r.requests.saved ?? 0} saved by the sync state), in ${(r.durationMs / 1000).toFixed(1)} s\n` +
        (resumedLine ? `${resumedLine}\n` : '') +
        (auditLine ? `${auditLine}\n` : '') +
        (archiveLine ? `${archiveLine}\n` : ''),
    );
    return code;
  }
  if (!options.quiet && !options.json) {
    const c = r.changes;
    const lines = [
      `Snapshot ${outcome.snapshotId} written to ${where}`,
      ...(c && c.from
        ? [`  since ${c.from}: ${c.added} added, ${c.updated} updated, ${c.moved} moved, ${c.renamed} renamed, ${c.removed} removed (CHANGELOG.md)`]
        : []),
      `  ${r.counts.pages} pages, ${r.counts.databases} databases (${r.counts.rows} rows), ${r.counts.blocks} blocks, ${r.counts.assets} files (${(r.counts.assetBytes / 1024).toFixed(0)} KiB)`,
      `  ${r.requests.total} API requests${r.mode === 'incremental' ? ` (incremental: ${r.counts.pagesReused ?? 0} pages from the sync state, ${r.requests.saved ?? 0} requests saved)` : ''}, ${r.requests.retries} retries, ${r.requests.rateLimited} rate-limited, in ${(r.durationMs / 1000).toFixed(1)} s`,
      ...(resumedLine ? [resumedLine] : []),
    ];
    const rate = rateLine(r.requests.rate);
    if (rate) lines.push(rate);
    if (auditLine) lines.push(auditLine);
    if (r.unresolvedLinks.length) lines.push(`  ${r.unresolvedLinks.length} links point outside the export (kept as Notion URLs)`);
    if (r.unrendered.length) lines.push(`  ${r.unrendered.length} blocks have no Markdown form (kept in the page records)`);
    if (r.assetFailures.length) {
      lines.push(`  ${r.assetFailures.length} files could NOT be downloaded (each page shows a note where the file was):`);
      for (const f of r.assetFailures.slice(0, 5)) lines.push(`    - page ${f.pageId}${f.blockId ? ` → block ${f.blockId}` : ''}: ${f.reason}`);
      if (r.assetFailures.length > 5) lines.push(`    … and ${r.assetFailures.length - 5} more`);
    }
    if (r.warnings.length) lines.push(`  ${r.warnings.length} ${r.warnings.length === 1 ? 'warning' : 'warnings'} (listed in report.json)`);
    if (r.failures.length) {
      lines.push(`  ${r.failures.length} pages or databases FAILED:`);
      for (const f of r.failures.slice(0, 10)) lines.push(`    - ${f.message}`);
      if (r.failures.length > 10) lines.push(`    … and ${r.failures.length - 10} more`);
    }
    if (archiveLine) lines.push(archiveLine);
    lines.push(`  Details: ${where}/report.json`);
    io.stderr.write(`${lines.join('\n')}\n`);
  }
  return code;
}

/** The self-audit of a full run in one line of the summary (README: Nightly runs). */
function auditSummary(a: Audit): string {
  const expected = `${a.formulaRollupChanges.length} with formula/rollup values and ${a.commentChanges.length} with comments changed without an edit (expected)`;
  const verdict = a.differed.length === 0 ? 'none differed' : `${a.differed.length} DIFFERED (incremental_drift: the archive had drifted; see report.json)`;
  return `self-audit against ${a.from}: ${a.compared} pages not edited since, ${verdict}; ${expected}`;
}

/**
 * Where `demo` writes unless --out says otherwise: its own directory, never the output directory
 * of the config, so a demo snapshot never becomes the previous state of a real archive.
 */
export const DEMO_OUT_DIR = 'output/demo';

/** `npm start`: the local Notion server with the MAGNET demo wiki, one full sync into output/demo/, server stopped. */
async function runDemo(given: CommandOptions, io: Io): Promise<number> {
  const options: CommandOptions = { ...given, out: given.out ?? DEMO_OUT_DIR };
  const { startNotionServer } = await import('../notion-server/server.js');
  // Not a secret: the demo server only listens on 127.0.0.1.
  const { DEMO_TOKEN } = await import('../notion-server/server-main.js');
  const { buildDemoWorkspace } = await import('../notion-server/demo-workspace.js');
  // The demo server is generous so the demo takes seconds; real runs keep Notion's 3 requests/s.
  const server = await startNotionServer({ workspace: buildDemoWorkspace(), token: DEMO_TOKEN, rateLimit: { ratePerSecond: 50, burst: 50 } });
  try {
    if (!options.quiet && !options.json) io.stderr.write(`Local Notion API (demo workspace "MAGNET Network") at ${server.baseUrl}\n`);
    const config = await configFor({ ...options, rate: options.rate ?? 40, concurrency: options.concurrency ?? 6 }, io, {
      NOTION_TOKEN: DEMO_TOKEN,
      NOTION_BASE_URL: server.baseUrl,
    });
    // The demo wiki's external files live on fictional hosts; fetching them would send traffic
    // beyond this machine, so the demo keeps every external file as a link.
    // It shows the comments of the demo wiki too (the local server has "Read comments").
    // It writes the offline site, the quickest way to see what an archive holds.
    const demoConfig: Config = {
      ...config,
      output: { ...config.output, site: true },
      assets: { ...config.assets, external: 'none' },
      content: { ...config.content, comments: true },
    };
    // Every demo server is a new workspace on a new port: always a full sync.
    const outcome = await syncWithProgress(demoConfig, { ...options, full: true }, io);
    const code = report(outcome, options, io);
    if (!options.quiet && !options.json) {
      // Relative to where the command ran when that is shorter (npm start: output/demo/…).
      const inCwd = relative(process.cwd(), join(outcome.snapshotDir, 'site', 'index.html'));
      const site = inCwd.startsWith('..') || isAbsolute(inCwd) ? join(resolve(outcome.snapshotDir), 'site', 'index.html') : inCwd;
      io.stderr.write(
        `Open the offline site in a browser: ${site}\n` +
          `Check the snapshot with: node bin/notion-kb.js verify --out ${options.out}\n`,
      );
    }
    return code;
  } finally {
    await server.close();
  }
}

async function runVerify(args: ParsedArgs, io: Io): Promise<number> {
  const options = args.options;
  const outDir = options.out ?? (await configFor(options, io, {}, true)).output.dir;
  const result = await verifySnapshot({ outDir, snapshotDir: args.positionals[0] });
  const exitCode = result.ok ? EXIT_CODES.complete : EXIT_CODES.failed;
  if (options.json) {
    const error = result.ok ? {} : { error: { code: 'verify_failed', message: `Snapshot ${result.snapshotDir} has ${result.problems.length} problem(s).` } };
    writeJson(io, { status: result.ok ? 'complete' : 'failed', exitCode, ...error, ...result });
    // As every command's failure with --json: its one line on stderr too.
    if (error.error) io.stderr.write(`notion-kb: ${error.error.message}\n`);
  }
  else {
    for (const p of result.problems) io.stderr.write(`${p.path ? `${p.path}: ` : ''}${p.message}\n`);
    io.stderr.write(
      result.ok
        ? `Snapshot ${result.snapshotDir} is intact: ${result.checked.files} files, ${result.checked.links} links, ${result.checked.records} records checked.\n`
        : `Snapshot ${result.snapshotDir} has ${result.problems.length} problem(s).\n`,
    );
  }
  return exitCode;
}

/** `verify --all`: every published snapshot of the output directory, one line each. */
async function runVerifyAll(args: ParsedArgs, io: Io): Promise<number> {
  const options = args.options;
  const outDir = options.out ?? (await configFor(options, io, {}, true)).output.dir;
  const ids = await listSnapshots(outDir);
  if (ids.length === 0) {
    if (options.json) io.stdout.write(`${JSON.stringify({ ok: false, snapshots: [] }, null, 2)}\n`);
    io.stderr.write(`notion-kb: no snapshots in ${join(outDir, 'snapshots')} to check (run "notion-kb sync", or pass --out <dir>)\n`);
    return EXIT_CODES.failed;
  }
  const results = [];
  for (const id of ids) {
    const result = await verifySnapshot({ outDir, snapshotDir: join(outDir, 'snapshots', id) });
    results.push(result);
    if (options.json) continue;
    if (result.ok) io.stderr.write(`ok       ${id}  ${result.checked.files} files, ${result.checked.links} links, ${result.checked.records} records\n`);
    else {
      const first = result.problems[0]!;
      io.stderr.write(`DAMAGED  ${id}  ${result.problems.length} problem(s), first: ${first.path ? `${first.path}: ` : ''}${first.message}\n`);
    }
  }
  const damaged = results.filter((r) => !r.ok).length;
  if (options.json) io.stdout.write(`${JSON.stringify({ ok: damaged === 0, snapshots: results }, null, 2)}\n`);
  else io.stderr.write(damaged === 0 ? (ids.length === 1 ? 'The snapshot is intact.\n' : `All ${ids.length} snapshots are intact.\n`) : `${damaged} of ${ids.length} snapshots are damaged (run "notion-kb verify <dir>" for every problem).\n`);
  return damaged === 0 ? EXIT_CODES.complete : EXIT_CODES.failed;
}

/** A `diff` argument → snapshot directory: "latest", a snapshot id under <out>/snapshots, or a directory. */
async function snapshotDirFor(arg: string, outDir: string): Promise<string> {
  if (arg === 'latest') {
    const pointer = await readLatest(outDir);
    if (!pointer) throw new NotionKbError('usage', `latest: there is no ${join(outDir, 'latest.json')} (pass --out <dir>)`);
    return join(outDir, pointer.path);
  }
  const isDir = async (p: string) => (await stat(p).catch(() => null))?.isDirectory() ?? false;
  if (isSnapshotId(arg) && (await isDir(join(outDir, 'snapshots', arg)))) return join(outDir, 'snapshots', arg);
  if (await isDir(arg)) return arg;
  throw new NotionKbError('usage', `${arg}: no such snapshot in ${join(outDir, 'snapshots')} and no such directory (give a snapshot id, a snapshot directory or "latest")`);
}

/** `notion-kb diff <older> <newer>`: what changed, as text on stdout or as changes.json with --json. */
async function runDiff(args: ParsedArgs, io: Io): Promise<number> {
  const options = args.options;
  const outDir = options.out ?? (await configFor(options, io, {}, true)).output.dir;
  const [olderDir, newerDir] = [await snapshotDirFor(args.positionals[0]!, outDir), await snapshotDirFor(args.positionals[1]!, outDir)];
  const changes = diffSnapshots(await readSnapshotState(olderDir), await readSnapshotState(newerDir));
  io.stdout.write(options.json ? `${JSON.stringify(changes, null, 2)}\n` : formatChangesText(changes));
  return EXIT_CODES.complete;
}

/** `notion-kb prune`: removes the snapshots the retention policy does not keep. */
async function runPrune(args: ParsedArgs, io: Io): Promise<number> {
  const options = args.options;
  const config = await configFor(options, io, {}, true);
  const outDir = options.out ?? config.output.dir;
  const policy = {
    keepLast: options.keepLast ?? config.retention.keepLast,
    keepDaily: options.keepDaily ?? config.retention.keepDaily,
    keepMonthly: options.keepMonthly ?? config.retention.keepMonthly,
  };
  const outcome = await pruneSnapshots({ outDir, policy, dryRun: options.dryRun });
  if (options.json) io.stdout.write(`${JSON.stringify({ status: 'complete', exitCode: EXIT_CODES.complete, ...outcome, policy }, null, 2)}\n`);
  else {
    const verb = outcome.dryRun ? 'would remove' : 'removed';
    for (const id of outcome.removed) io.stderr.write(`${verb} ${id}\n`);
    io.stderr.write(
      `${outcome.dryRun ? 'Dry run: would remove' : 'Removed'} ${outcome.removed.length} snapshot(s), kept ${outcome.kept.length} ` +
        `(last ${policy.keepLast}, daily ${policy.keepDaily}, monthly ${policy.keepMonthly}${outcome.latest ? `; latest ${outcome.latest}` : ''}).\n`,
    );
  }
  return EXIT_CODES.complete;
}

/** `notion-kb export`: a full sync with comments and the offline site, then the BagIt bundle. */
async function runExportCommand(options: CommandOptions, io: Io): Promise<number> {
  const config = await configFor(options, io);
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const format = options.format ?? config.export.format;
  let outcome: ExportOutcome | undefined;
  // The sync's progress and signal handling, with the bundle written after it.
  await syncWithProgress(config, options, io, async (deps) => {
    outcome = await runExport({ ...deps, format, version: pkg.version, ...(options.name !== undefined ? { name: options.name } : {}) });
    return outcome;
  });
  const b = outcome!.bundle;
  const code = report(outcome!, options, io, { bundle: b });
  if (!options.json && !options.quiet) {
    const where = relative(process.cwd(), b.path) || b.path;
    io.stderr.write(
      `Bundle ${where}\n  ${formatBytes(b.bytes)} (${b.bytes} bytes), sha256 ${b.sha256}\n` +
        `  a BagIt bag of ${b.payload.files} files; check it with: notion-kb verify ${where}\n` +
        `  unpacked, ${b.name}/data/site/index.html opens the offline site in a browser\n`,
    );
  }
  return code;
}

/** What the run learnt of Notion's rate limits, for the summary: with `--rate auto`, or when the per-workspace limit was hit. */
function rateLine(rate: SyncOutcome['report']['requests']['rate']): string | null {
  if (!rate || (rate.mode === 'fixed' && !rate.workspaceLimitHit)) return null;
  const pace = rate.perSecond === null ? '' : `, paced at ${rate.perSecond} requests/s`;
  const budget =
    rate.mode === 'fixed'
      ? `rate ${rate.perSecond} requests/s`
      : rate.budgetPerMinute === null
        ? `rate auto: the connection's budget was not reached (busiest minute: ${rate.busiestMinute} requests)${pace}`
        : `rate auto: the connection's budget is ${rate.budgetPerMinute} requests per minute${pace}`;
  const workspace = rate.workspaceLimitHit
    ? `; Notion's per-workspace limit (shared with the workspace's other integrations) was hit${rate.mode === 'auto' ? ', so it slowed down for the rest of the run' : ''}`
    : '';
  return `  ${budget}${workspace}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** `notion-kb verify <bundle-or-bag>`: a BagIt bag, every manifest entry, Payload-Oxum, no unlisted file. */
async function runVerifyBag(args: ParsedArgs, io: Io): Promise<number> {
  const options = args.options;
  const result = await verifyBag(args.positionals[0]!);
  const exitCode = result.ok ? EXIT_CODES.complete : EXIT_CODES.failed;
  const shown = relative(process.cwd(), result.bag) || result.bag;
  // A bundle file's own sha256: what its depository records, and what a later copy is compared with.
  const sha256 = result.format === 'directory' ? undefined : await sha256File(result.bag).then((h) => h.sha256, () => undefined);
  if (options.json) {
    const error = result.ok ? {} : { error: { code: 'verify_failed', message: `Bag ${shown} has ${result.problems.length} problem(s).` } };
    writeJson(io, { status: result.ok ? 'complete' : 'failed', exitCode, ...error, ...result, ...(sha256 ? { sha256 } : {}) });
    if (error.error) io.stderr.write(`notion-kb: ${error.error.message}\n`);
  } else {
    for (const p of result.problems) io.stderr.write(`${p.path ? `${p.path}: ` : ''}${p.message}\n`);
    io.stderr.write(
      result.ok
        ? `Bag ${shown} is valid: ${result.checked.payloadFiles} payload files, ${result.checked.manifestEntries} manifest entries checked, Payload-Oxum ${result.checked.payloadOxum}.\n`
        : `Bag ${shown} has ${result.problems.length} problem(s).\n`,
    );
    if (sha256) io.stderr.write(`  sha256 ${sha256}\n`);
  }
  return exitCode;
}
