// Startup time of `notion-kb --help`: the checkout's command (TypeScript sources through tsx)
// against the installed package's (the compiled dist/, plain node). The package layout is
// rebuilt in a temporary directory: dist/ compiled there, bin/notion-kb.js and package.json
// copied, the repository's node_modules linked (so tsx is found by neither).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
  const dir = mkdtempSync(join(tmpdir(), 'notion-kb-startup-'));
  try {
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { stdio: 'inherit' });
    cpSync(join(REPO, 'bin', 'notion-kb.js'), join(dir, 'bin', 'notion-kb.js'));
    cpSync(join(REPO, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    // One warm-up each (file system cache), then the measured runs.
    medianMs([join(REPO, 'bin', 'notion-kb.js'), '--help'], 1);
    medianMs([join(dir, 'bin', 'notion-kb.js'), '--help'], 1);
    return { runs, sourcesMs: medianMs([join(REPO, 'bin', 'notion-kb.js'), '--help'], runs), distMs: medianMs([join(dir, 'bin', 'notion-kb.js'), '--help'], runs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatStartup(r: StartupResult): string {
  return `notion-kb --help, median of ${r.runs}: ${r.sourcesMs.toFixed(0)} ms from the sources through tsx (the checkout), ${r.distMs.toFixed(0)} ms from the compiled package (dist/, plain node): ${(r.sourcesMs / r.distMs).toFixed(1)} × faster`;
}
