// Startup time of `notion-kb --help`: the checkout's command (TypeScript sources through tsx)
// against the installed package's (the compiled dist/, plain node), rebuilt in a temporary
// directory (bench/packed-layout.ts).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildPackedLayout } from './packed-layout.js';

export interface StartupResult {
  runs: number;
  /** Median wall time of `node bin/notion-kb.js --help` in the checkout (tsx, sources). */
  sourcesMs: number;
  /** The same from the packed layout (dist/, plain node). */
  distMs: number;
}

const REPO = resolve(import.meta.dirname, '..');

function medianMs(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    times.push(performance.now() - start);
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim()}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function measureStartup(runs = 7): StartupResult {
  const packed = buildPackedLayout('notion-kb-startup-');
  const dir = packed.dir;
  try {
    // One warm-up each (file system cache), then the measured runs.
    medianMs([join(REPO, 'bin', 'notion-kb.js'), '--help'], 1);
    medianMs([join(dir, 'bin', 'notion-kb.js'), '--help'], 1);
    return { runs, sourcesMs: medianMs([join(REPO, 'bin', 'notion-kb.js'), '--help'], runs), distMs: medianMs([join(dir, 'bin', 'notion-kb.js'), '--help'], runs) };
  } finally {
    packed.remove();
  }
}

export function formatStartup(r: StartupResult): string {
  return `notion-kb --help, median of ${r.runs}: ${r.sourcesMs.toFixed(0)} ms from the sources through tsx (the checkout), ${r.distMs.toFixed(0)} ms from the compiled package (dist/, plain node): ${(r.sourcesMs / r.distMs).toFixed(1)} × faster`;
}
