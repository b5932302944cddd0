import { readFileSync } from 'node:fs';

/** What this process used while a sampler ran. */
export interface ResourceUsage {
  wallMs: number;
  /** User + system CPU time of this process (all threads, GC included), in ms. */
  cpuMs: number;
  /** Resident set size when sampling started, in bytes. */
  rssStartBytes: number;
  /** Largest resident set size seen by the sampler, in bytes (can miss a peak while the event loop is busy). */
  rssPeakBytes: number;
  /** The process's own resident-set high-water mark when sampling stopped (exact; see `rssHighWaterBytes`). */
  rssHighWaterBytes: number;
}

/**
 * This process's resident-set high-water mark in bytes, since it started: exact, whatever the
 * event loop was doing. On Linux it is VmHWM from /proc/self/status. Not `resourceUsage().maxRSS`
 * there: in a forked child that starts at the parent's RSS at the moment of the fork, so it
 * reports the parent's size whenever the child stays smaller. Elsewhere maxRSS is the fallback.
 */
export function rssHighWaterBytes(): number {
  return rssHighWaterBytesOf('self') ?? process.resourceUsage().maxRSS * 1024;
}

/** The resident-set high-water mark of a running process (`self` or a pid), in bytes: VmHWM on Linux; null elsewhere. */
export function rssHighWaterBytesOf(pid: number | 'self'): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Starts sampling RSS every `intervalMs` (and CPU time, wall time); `stop()` returns the totals.
 * Each sample is a system call counted in this process's CPU time; the exact peak comes from the
 * high-water mark anyway, so the samples are a cross-check and need not be more frequent.
 */
export function startResourceSampler(intervalMs = 25): { stop(): ResourceUsage } {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const rssStartBytes = process.memoryUsage.rss();
  let rssPeakBytes = rssStartBytes;
  const sample = () => {
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, intervalMs);
  // The sampler must never be what keeps the process alive.
  timer.unref();
  return {
    stop: () => {
      sample();
      clearInterval(timer);
      const cpu = process.cpuUsage(cpuStart);
      return {
        wallMs: performance.now() - wallStart,
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssStartBytes,
        rssPeakBytes,
        rssHighWaterBytes: rssHighWaterBytes(),
      };
    },
  };
}
