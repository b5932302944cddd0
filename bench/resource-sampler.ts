/** What this process used while a sampler ran. */
export interface ResourceUsage {
  wallMs: number;
  /** User + system CPU time of this process (all threads), in ms. */
  cpuMs: number;
  /** Resident set size when sampling started, in bytes. */
  rssStartBytes: number;
  /** Largest resident set size seen, in bytes. */
  rssPeakBytes: number;
}

/** Starts sampling RSS every `intervalMs` (and CPU time, wall time); `stop()` returns the totals. */
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
      return { wallMs: performance.now() - wallStart, cpuMs: (cpu.user + cpu.system) / 1000, rssStartBytes, rssPeakBytes };
    },
  };
}
