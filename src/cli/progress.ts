import type { SyncProgress } from '../run-sync.js';

/** Where progress goes: a live status line on a terminal, occasional plain lines elsewhere. */
export interface ProgressReporter {
  update(p: SyncProgress): void;
  done(): void;
}

const PLAIN_INTERVAL_MS = 10_000;
/** Plain progress lines start only once a run has taken this long. */
const PLAIN_QUIET_START_MS = 3_000;

function line(p: SyncProgress): string {
  const waits = p.rateLimited > 0 ? `, ${p.rateLimited} rate-limited` : '';
  if (p.phase === 'write' && p.pagesWritten !== undefined) return `write: pages ${p.pagesWritten}/${p.pagesDone} written, files ${p.assetsDone}, requests ${p.requests}`;
  return `${p.phase}: pages ${p.pagesDone}/${p.pagesFound}, databases ${p.databasesDone}/${p.databasesFound}, files ${p.assetsDone}, requests ${p.requests} (${p.waitsForRate} paced${waits})`;
}

/** A reporter for the stream (stderr): redraws one line on a TTY, prints a line every 10 s otherwise. */
export function createProgressReporter(stream: NodeJS.WriteStream, opts: { quiet: boolean; plain?: boolean; now?: () => number }): ProgressReporter {
  const now = opts.now ?? Date.now;
  if (opts.quiet) return { update() {}, done() {} };
  if (stream.isTTY && !opts.plain) {
    let last = 0;
    let drawn = false;
    return {
      update(p) {
        if (now() - last < 100) return;
        last = now();
        const text = line(p).slice(0, Math.max(20, (stream.columns || 100) - 1));
        stream.write(`\r\x1b[2K${text}`);
        drawn = true;
      },
      done() {
        if (drawn) stream.write('\r\x1b[2K');
      },
    };
  }
  let lastPhase = '';
  let last = now();
  const start = last;
  return {
    update(p) {
      // A run that ends (or fails) within seconds needs no progress lines before its answer.
      if (now() - start < PLAIN_QUIET_START_MS) return;
      if (p.phase !== lastPhase || now() - last >= PLAIN_INTERVAL_MS) {
        lastPhase = p.phase;
        last = now();
        stream.write(`${line(p)}\n`);
      }
    },
    done() {},
  };
}
