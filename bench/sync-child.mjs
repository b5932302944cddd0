// One sync of the incremental bench in a fresh process, from the compiled package (a packed
// layout, bench/packed-layout.ts): plain node, no TypeScript loader, as an installed notion-kb
// runs it. Started by bench/sync-process.ts over IPC; once it has answered, it waits for the
// parent to read its peak RSS (/proc/<pid>/status) and to let it go.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

if (!process.send) {
  console.error('bench/sync-child.mjs is started by bench/run-bench.ts over IPC, not by hand.');
  process.exit(2);
}

/** @param {{ packageDir: string; config: unknown; clockOffsetMs: number; trackProgress?: boolean }} job */
async function run(job) {
  const dist = (file) => pathToFileURL(join(job.packageDir, 'dist', file)).href;
  const { tuneRuntimeForSync } = await import(dist('cli/runtime-tuning.js'));
  // As bin/notion-kb.js starts `notion-kb sync`: small until the sync finds work.
  tuneRuntimeForSync('footprint');
  const { runSync } = await import(dist('run-sync.js'));
  const rssBeforeBytes = process.memoryUsage.rss();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outcome = await runSync({ config: job.config, now: () => new Date(Date.now() + job.clockOffsetMs), tuneRuntime: tuneRuntimeForSync, ...(job.trackProgress === undefined ? {} : { trackProgress: job.trackProgress }) });
  const used = process.cpuUsage(cpu);
  const r = outcome.report;
  return {
    mode: outcome.mode,
    unchanged: outcome.unchanged,
    exitCode: outcome.exitCode,
    counts: r.counts,
    requests: r.requests.total,
    requestsSaved: r.requests.saved ?? 0,
    cpuMs: (used.user + used.system) / 1000,
    systemCpuMs: used.system / 1000,
    wallMs: performance.now() - started,
    rssBeforeBytes,
  };
}

process.on('message', (job) => {
  if (job.type === 'exit') return void process.disconnect();
  run(job).then(
    (result) => process.send({ type: 'done', result }),
    (err) => process.send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
