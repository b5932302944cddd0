import { fork, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Config } from '../src/config/config-schema.js';
import type { Report } from '../src/normalise/schemas.js';
import { rssHighWaterBytesOf } from './resource-sampler.js';

const CHILD = fileURLToPath(new URL('./sync-child.mjs', import.meta.url));

/** What one sync in its own process cost, and what it did. */
export interface SyncMeasurement {
  mode: 'full' | 'incremental';
  unchanged: boolean;
  exitCode: number;
  counts: Report['counts'];
  requests: number;
  requestsSaved: number;
  /** The sync's own CPU time (user + system), module loading not included. */
  cpuMs: number;
  /** The part of it spent in the kernel (file system calls, sockets). */
  systemCpuMs: number;
  wallMs: number;
  /** RSS once notion-kb was loaded, before the sync began. */
  rssBeforeBytes: number;
  /** The process's resident-set high-water mark (VmHWM; null where /proc has none). */
  rssPeakBytes: number | null;
}

type FromSync = { type: 'done'; result: Omit<SyncMeasurement, 'rssPeakBytes'> } | { type: 'error'; message: string };

/**
 * `runSync` in a fresh child process running the compiled package at `packageDir`
 * (bench/packed-layout.ts), on a clock `clockOffsetMs` ahead of the real one; `trackProgress`
 * as runSync takes it (absent: the CLI's default, progress kept).
 */
export function syncInFreshProcess(packageDir: string, config: Config, clockOffsetMs: number, trackProgress?: boolean, opts: { callgrindOut?: string } = {}): Promise<SyncMeasurement> {
  return new Promise((resolve, reject) => {
    // Under callgrind: node on one thread (GC and compilers on the main thread), so that the count
    // is the work, not how the threads happened to interleave.
    const counted = opts.callgrindOut
      ? { execPath: 'valgrind', execArgv: ['--tool=callgrind', '--smc-check=all-non-file', '--dump-instr=no', `--callgrind-out-file=${opts.callgrindOut}`, `--log-file=${opts.callgrindOut}.log`, process.execPath, '--single-threaded'] }
      : { execArgv: [] };
    const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...counted });
    let answer: FromSync | null = null;
    let peak: number | null = null;
    child.once('message', (m: FromSync) => {
      answer = m;
      // Its high-water mark while it still runs, then it may go.
      peak = rssHighWaterBytesOf(child.pid!);
      child.send({ type: 'exit' });
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const a = answer as FromSync | null;
      if (a?.type === 'done') resolve({ ...a.result, rssPeakBytes: peak });
      else reject(new Error(`bench sync process: ${a?.type === 'error' ? a.message.split(config.token ?? '\0').join('<token>') : `exited (${signal ?? `code ${code}`}) without a result`}`));
    });
    child.send({ packageDir, config, clockOffsetMs, ...(trackProgress === undefined ? {} : { trackProgress }) });
  });
}

/** Whether valgrind can be started here (it counts instructions: `instructionsOf`). */
export function valgrindAvailable(): boolean {
  return spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The instructions a process run under callgrind (`callgrindOut`) executed, all of its threads. */
export async function instructionsOf(callgrindOut: string): Promise<number> {
  const text = await readFile(callgrindOut, 'utf8');
  const m = /^(?:summary|totals):\s+(\d+)/m.exec(text);
  if (!m) throw new Error(`bench: no instruction count in ${callgrindOut}`);
  return Number(m[1]);
}
