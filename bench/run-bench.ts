// `npm run bench`: exports local Notion workspaces over real loopback HTTP under Notion-like
// rate limits, latency and faults, and reports what each run cost. Exits 1 if any export was
// incomplete or lost pages, 2 on a usage error; a missed performance target (memory-scale) is
// printed as MISS and written to the results, but is not a failure.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { BENCH_USAGE, parseBenchArgs, type BenchArgs } from './bench-args.js';
import { formatTable } from './format-table.js';
import { summariseProfiles } from './profile-summary.js';
import { formatHeapGrowth, formatHeapSummary, readHeapSummary, type HeapSummary } from './heap-snapshot-summary.js';
import { runLabel, runScaleScenario, runScenario, type CleanRuns, type Profiling, type ScenarioResult, type TargetResult } from './run-scenario.js';
import { benchScenarios, isIncrementalScenario, isRateAutoScenario, isResumeScenario, isScaleScenario } from './scenarios.js';
import { formatResume, runResumeScenario, type ResumeResult } from './run-resume.js';
import { formatIncremental, runIncrementalScenario, type IncrementalResult } from './run-incremental.js';
import { formatRateAuto, runRateAutoScenario, type RateAutoResult } from './run-rate-auto.js';
import { formatStartup, measureStartup, type StartupResult } from './startup.js';

function verdict(t: TargetResult): string {
  return !t.judged ? 'n/a ' : t.pass ? 'PASS' : 'MISS';
}

/** One export's summary and checks, as it finishes. */
function printRun(result: ScenarioResult): void {
  const head = result.variant ? `  ${result.variant}: ` : '  ';
  console.error(
    `${head}${result.pages} pages, ${result.requests} requests, ${result.rateLimited} × 429, ${result.retries} retries, ${result.wallS.toFixed(1)} s` +
      ` (${result.pacerWaits} requests waited in the pacer, ${result.pacerWaitedS.toFixed(1)} s summed over callers; server CPU ${result.serverCpuS.toFixed(1)} s)`,
  );
  console.error(
    `${' '.repeat(head.length)}exporter: peak RSS ${result.rssPeakMB.toFixed(0)} MB (sampled ${result.rssSampledPeakMB.toFixed(0)} MB), CPU ${result.cpuS.toFixed(1)} s = ${result.cpuMsPerPage.toFixed(2)} ms/page;` +
      ` server: peak RSS ${result.serverRssPeakMB.toFixed(0)} MB, busy ${result.wallS > 0 ? ((100 * result.serverCpuS) / result.wallS).toFixed(0) : 0} % of the wall time`,
  );
  for (const c of result.checks) console.error(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  if (!result.ok) for (const w of result.warnings) console.error(`    warning: ${w}`);
}

async function main(argv: readonly string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n${BENCH_USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(BENCH_USAGE);
    return 0;
  }
  // A throwaway token: the local server checks it like Notion would; it is never printed.
  const token = `secret_bench_${randomBytes(16).toString('hex')}`;
  const scenarios = benchScenarios(args.quick).filter((s) => args.scenarios.includes(s.name));
  const cleanRuns: CleanRuns = new Map();
  const results: ScenarioResult[] = [];
  const targets: TargetResult[] = [];
  const profiled: ScenarioResult[] = [];
  const incremental: IncrementalResult[] = [];
  const rateAuto: RateAutoResult[] = [];
  const resume: ResumeResult[] = [];
  const out = resolve(args.out);
  const profileDir = args.profile || args.heapSnapshot ? dirname(out) : undefined;
  const profiling: Profiling | undefined = profileDir ? { dir: profileDir, profiles: args.profile, heapSnapshot: args.heapSnapshot } : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  /** Pairs of runs whose heap snapshots are compared (the small and the large run of a scale scenario). */
  const snapshotPairs: Array<[ScenarioResult, ScenarioResult]> = [];
  const loadStart = loadavg();
  const started = performance.now();
  console.error(`notion-kb bench${args.quick ? ' (quick)' : ''}: ${scenarios.length} scenario(s), Node ${process.version}, ${cpus().length} CPU(s), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const scenario of scenarios) {
    console.error(`\n▶ ${scenario.name}: ${scenario.about}`);
    if (isResumeScenario(scenario)) {
      const result = await runResumeScenario(scenario, token);
      resume.push(result);
      console.error(formatResume(result).replace(/^/gm, '  '));
      targets.push(...result.targets);
      for (const t of result.targets) console.error(`  ${verdict(t)} ${t.name}: ${t.measured} (target ${t.target})`);
    } else if (isIncrementalScenario(scenario)) {
      const result = await runIncrementalScenario(scenario, token);
      incremental.push(result);
      console.error(formatIncremental(result).replace(/^/gm, '  '));
      targets.push(...result.targets);
      for (const t of result.targets) console.error(`  ${verdict(t)} ${t.name}: ${t.measured} (target ${t.target})`);
    } else if (isRateAutoScenario(scenario)) {
      const result = await runRateAutoScenario(scenario, token, (run) =>
        console.error(`  ${run.budgetPerMinute}/min: ${run.error ?? `${run.requests} requests, ${run.rateLimited} × 429 in ${run.windows} windows, ${run.wallS.toFixed(1)} s (${run.ratio.toFixed(3)} × the ideal), budget found ${run.budgetFound ?? 'none'}`}`),
      );
      rateAuto.push(result);
      console.error(formatRateAuto(result).replace(/^/gm, '  '));
      targets.push(...result.targets);
      for (const t of result.targets) console.error(`  ${verdict(t)} ${t.name}: ${t.measured} (target ${t.target})`);
    } else if (isScaleScenario(scenario)) {
      const scale = await runScaleScenario(scenario, token, cleanRuns, profiling, (r) => {
        results.push(r);
        printRun(r);
        if (profileDir) profiled.push(r);
      });
      targets.push(...scale.targets);
      if (args.heapSnapshot) snapshotPairs.push(scale.results as [ScenarioResult, ScenarioResult]);
      for (const t of scale.targets) console.error(`  ${verdict(t)} ${t.name}: ${t.measured} (target ${t.target})`);
    } else {
      const result = await runScenario(scenario, token, cleanRuns, profiling);
      results.push(result);
      printRun(result);
      if (profileDir) profiled.push(result);
    }
  }
  // startup: not an export; `notion-kb --help` from the sources (tsx) and from the compiled package.
  let startup: StartupResult | undefined;
  if (args.scenarios.includes('startup')) {
    console.error(`\n▶ startup: notion-kb --help from the sources (tsx) and from the compiled package (dist/)`);
    startup = measureStartup();
    console.error(`  ${formatStartup(startup)}`);
  }
  const totalS = (performance.now() - started) / 1000;

  if (results.length > 0) console.log(`\n${formatTable(results)}`);
  for (const r of incremental) console.log(`\n${r.name}: ${r.about}\n${formatIncremental(r)}`);
  for (const r of rateAuto) console.log(`\n${r.name}: ${r.about}\n${formatRateAuto(r)}`);
  for (const r of resume) console.log(`\n${r.name}: ${r.about}\n${formatResume(r)}`);
  if (startup) console.log(`\nstartup: ${formatStartup(startup)}`);
  if (results.length > 0) console.log(
    `\nrequests = API attempts sent (retries included); 429s and retries as the exporter saw them; cpu s, ms/page and RSS MB are the exporter's own process, one per run` +
      ` (RSS MB: its high-water mark; +MB: that above its RSS after loading); the server runs in another.`,
  );
  if (targets.length > 0) {
    console.log(`\nTargets (a miss is reported, not a failure):`);
    for (const t of targets) console.log(`  ${verdict(t)}  ${t.scenario}: ${t.name} ${t.measured} (target ${t.target})`);
    if (targets.some((t) => !t.judged)) console.log(`  (n/a: not judged, an export of that scenario was incomplete)`);
  }
  if (profileDir && args.profile) {
    console.log(`\nProfiles of the export processes (open in Chrome DevTools or VS Code); profiled runs are slower than unprofiled ones, so their numbers are not comparable:`);
    for (const r of profiled) console.log(`${runLabel(r)}\n${await summariseProfiles(relative(process.cwd(), join(profileDir, runLabel(r))))}`);
  }
  if (args.heapSnapshot) await printHeapSnapshots(profiled, snapshotPairs);

  await mkdir(dirname(out), { recursive: true });
  const payload = {
    createdAt: new Date().toISOString(),
    command: `npm run bench --${argv.length ? ` ${argv.join(' ')}` : ''}`,
    quick: args.quick,
    profiled: args.profile,
    totalS,
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '',
      memoryMB: Math.round(totalmem() / 2 ** 20),
      // Other work on the machine slows the runs down: the 1, 5 and 15 minute load averages at the start and the end.
      loadAverage: { start: loadStart, end: loadavg() },
    },
    results,
    incremental,
    rateAuto,
    resume,
    targets,
    ...(startup ? { startup } : {}),
  };
  await writeFile(out, `${JSON.stringify(payload, null, 2)}\n`);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`Results: ${out} (total ${totalS.toFixed(0)} s; load average ${load(loadStart)} at the start, ${load(payload.machine.loadAverage.end)} at the end)`);

  const failed = [...results.filter((r) => !r.ok), ...rateAuto.flatMap((r) => r.runs.filter((run) => run.exitCode !== 0).map(() => r))];
  if (failed.length > 0) {
    console.error(`\n${failed.length} scenario(s) incomplete: ${failed.map((r) => r.name).join(', ')}`);
    return 1;
  }
  return 0;
}

/**
 * What each export process's heap snapshot holds, and what grew between the two runs of a scale
 * scenario, per extra page. Each snapshot is read once; only its summary stays.
 */
async function printHeapSnapshots(runs: ScenarioResult[], pairs: Array<[ScenarioResult, ScenarioResult]>): Promise<void> {
  console.log(`\nHeap snapshots of the export processes, each taken when the sync starts publishing: every page written, all it keeps per page alive (open in Chrome DevTools' Memory tab); their RSS counts the snapshots' own memory:`);
  const summaries = new Map<ScenarioResult, HeapSummary>();
  for (const r of runs) {
    const taken = r.heapSnapshot;
    if (!taken) {
      console.log(`${runLabel(r)}: no heap snapshot`);
      continue;
    }
    const summary = await readHeapSummary(taken.file);
    summaries.set(r, summary);
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    console.log(`${runLabel(r)} (${relative(process.cwd(), taken.file)}, taken at ${mb(taken.rssBytes)} RSS, peak so far ${mb(taken.rssPeakBytes)}):\n${formatHeapSummary(summary)}`);
  }
  for (const [small, large] of pairs) {
    const a = summaries.get(small);
    const b = summaries.get(large);
    if (a && b) console.log(`${runLabel(small)} → ${runLabel(large)}: what grew\n${formatHeapGrowth(a, b, [small.pages, large.pages])}`);
  }
}

process.exitCode = await main(process.argv.slice(2));
