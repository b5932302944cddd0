// `npm run bench`: exports local Notion workspaces over real loopback HTTP under Notion-like
// rate limits, latency and faults, and reports what each run cost. Exits 1 if any export was
// incomplete or lost pages, 2 on a usage error.
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BENCH_USAGE, parseBenchArgs, type BenchArgs } from './bench-args.js';
import { formatTable } from './format-table.js';
import { runScenario, type CleanRuns, type ScenarioResult } from './run-scenario.js';
import { benchScenarios } from './scenarios.js';

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
  const started = performance.now();
  console.error(`notion-kb bench${args.quick ? ' (quick)' : ''}: ${scenarios.length} scenario(s), Node ${process.version}, ${cpus().length} CPU(s)`);
  for (const scenario of scenarios) {
    console.error(`\n▶ ${scenario.name}: ${scenario.about}`);
    const result = await runScenario(scenario, token, cleanRuns);
    results.push(result);
    console.error(
      `  ${result.pages} pages, ${result.requests} requests, ${result.rateLimited} × 429, ${result.retries} retries, ${result.wallS.toFixed(1)} s` +
        ` (${result.pacerWaits} requests waited in the pacer, ${result.pacerWaitedS.toFixed(1)} s summed over callers; server CPU ${result.serverCpuS.toFixed(1)} s)`,
    );
    for (const c of result.checks) console.error(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
    if (!result.ok) for (const w of result.warnings) console.error(`    warning: ${w}`);
  }
  const totalS = (performance.now() - started) / 1000;

  console.log(`\n${formatTable(results)}`);
  console.log(
    `\nrequests = API attempts sent (retries included); 429s and retries as the exporter saw them; cpu s and RSS MB (peak; +MB above the process's RSS after loading) are the exporter's own process, one per run; the server runs in another.`,
  );

  const out = resolve(args.out);
  await mkdir(dirname(out), { recursive: true });
  const payload = {
    createdAt: new Date().toISOString(),
    command: `npm run bench --${argv.length ? ` ${argv.join(' ')}` : ''}`,
    quick: args.quick,
    totalS,
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryMB: Math.round(totalmem() / 2 ** 20) },
    results,
  };
  await writeFile(out, `${JSON.stringify(payload, null, 2)}\n`);
  console.log(`Results: ${out} (total ${totalS.toFixed(0)} s)`);

  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    console.error(`\n${failed.length} scenario(s) incomplete: ${failed.map((r) => r.name).join(', ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
