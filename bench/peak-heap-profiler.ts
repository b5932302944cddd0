import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * A sampling heap profile of this process taken when its RSS was at its highest: V8's sampling
 * heap profiler runs from `start()`; each time RSS grows by a tenth above the last capture, the
 * live sampled allocations (by allocation stack) are captured again. `stop(file)` writes the last
 * capture, as a `.heapprofile` that Chrome DevTools' Memory tab and VS Code open. Node's own
 * `--heap-prof` only writes at exit, when the export's data is already garbage.
 */
export async function startPeakHeapProfiler(intervalMs = 100): Promise<{ stop(file: string): Promise<{ rssAtCaptureBytes: number }> }> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024 });
  let capturedAt = 0;
  let profile: unknown = null;
  let capturing = false;
  const capture = async () => {
    const rss = process.memoryUsage.rss();
    if (capturing || rss < capturedAt * 1.1) return;
    capturing = true;
    try {
      profile = (await session.post('HeapProfiler.getSamplingProfile')).profile;
      capturedAt = rss;
    } finally {
      capturing = false;
    }
  };
  const timer = setInterval(() => void capture(), intervalMs);
  timer.unref();
  return {
    stop: async (file) => {
      clearInterval(timer);
      await capture();
      await session.post('HeapProfiler.stopSampling');
      session.disconnect();
      if (profile) await writeFile(file, JSON.stringify(profile));
      return { rssAtCaptureBytes: capturedAt };
    },
  };
}
