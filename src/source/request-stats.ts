/**
 * Counters of one run's traffic to Notion, keyed by route template so the run report can say
 * "412 × GET /v1/blocks/:id/children" without leaking ids or signed URLs.
 */

/** A snapshot of the counters; plain data, safe to serialise into the run report. */
export interface RequestStatsSnapshot {
  /** HTTP attempts sent (retries included). */
  total: number;
  byRoute: Record<string, number>;
  /** Keyed by HTTP status (`"200"`, `"429"`) or by failure kind (`"timeout"`, `"network"`). */
  byStatus: Record<string, number>;
  retries: number;
  /** 429 answers seen. */
  rateLimited: number;
  /** Time callers waited in the pacer (rate and Retry-After pauses), summed over callers. */
  waitedMs: number;
  /** Requests that had to wait for the rate limit (pacing or a Retry-After pause). */
  waitsForRate: number;
  /** Time spent sleeping between retries, summed over callers. */
  retryWaitedMs: number;
  maxInFlight: number;
  /** File downloads (not API requests): attempts, bytes received, statuses. */
  downloads: { total: number; bytes: number; byStatus: Record<string, number> };
}

/** Mutable counters behind `stats()`. */
export interface RequestStats {
  recordAttempt(route: string, status: string): void;
  recordRetry(delayMs: number): void;
  recordDownload(status: string, bytes: number): void;
  snapshot(extra: { waitedMs: number; waitsForRate: number; maxInFlight: number }): RequestStatsSnapshot;
}

// Segments that are part of a route's shape, never an id.
const FIXED_SEGMENTS = new Set([
  'v1',
  'pages',
  'blocks',
  'children',
  'databases',
  'data_sources',
  'query',
  'properties',
  'users',
  'me',
  'comments',
  'search',
  'file_uploads',
  'custom_emojis',
  'views',
  'markdown',
  'templates',
]);

/** Route template of an API URL: `GET /v1/pages/<uuid>/properties/%3Djxv` → `GET /v1/pages/:id/properties/:pid`. */
export function routeOf(method: string, url: string | URL): string {
  const pathname = typeof url === 'string' ? new URL(url, 'http://x').pathname : url.pathname;
  const segments = pathname.split('/').filter((s) => s.length > 0);
  const out = segments.map((segment, i) => {
    if (FIXED_SEGMENTS.has(segment)) return segment;
    return segments[i - 1] === 'properties' ? ':pid' : ':id';
  });
  return `${method.toUpperCase()} /${out.join('/')}`;
}

/** Fresh counters. */
export function createRequestStats(): RequestStats {
  let total = 0;
  let retries = 0;
  let rateLimited = 0;
  let retryWaitedMs = 0;
  const byRoute: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const downloads = { total: 0, bytes: 0, byStatus: {} as Record<string, number> };

  return {
    recordAttempt(route, status) {
      total += 1;
      byRoute[route] = (byRoute[route] ?? 0) + 1;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (status === '429') rateLimited += 1;
    },
    recordRetry(delayMs) {
      retries += 1;
      retryWaitedMs += delayMs;
    },
    recordDownload(status, bytes) {
      downloads.total += 1;
      downloads.bytes += bytes;
      downloads.byStatus[status] = (downloads.byStatus[status] ?? 0) + 1;
    },
    snapshot(extra) {
      return {
        total,
        byRoute: { ...byRoute },
        byStatus: { ...byStatus },
        retries,
        rateLimited,
        waitedMs: extra.waitedMs,
        waitsForRate: extra.waitsForRate,
        retryWaitedMs,
        maxInFlight: extra.maxInFlight,
        downloads: { ...downloads, byStatus: { ...downloads.byStatus } },
      };
    },
  };
}
