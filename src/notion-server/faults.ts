/**
 * Seeded fault injection: the failures an exporter meets against the real API
 * (5xx with Notion bodies, a Cloudflare HTML 502, overload, hung and reset connections).
 */

export type FaultKind =
  | '500'
  | '502-html'
  | '503'
  | '529'
  | 'hang'
  | 'reset'
  /** 200 whose JSON body stops halfway (a proxy that cut it short, with a matching Content-Length). */
  | 'truncated-json'
  /** 200 whose body is not JSON at all. */
  | 'invalid-json'
  /** 200 headers and part of the body, then the connection is reset. */
  | 'reset-mid-body'
  /** 429 with a long Retry-After (60 s): one of a storm. */
  | 'long-429'
  /** 401 unauthorized, as for a token revoked while a run goes on: the run must stop. */
  | 'revoked-token';

/** The kinds drawn at random when a plan names none (the classic ones; the others are asked for by name). */
export const FAULT_KINDS: readonly FaultKind[] = ['500', '502-html', '503', '529', 'hang', 'reset'];

/** Faults of file downloads (the file host, not the API), by the n-th download. */
export type FileFaultKind = 'stall' | 'reset-mid-body' | '500';

export interface FaultScriptEntry {
  /** `route` is the route pattern, e.g. 'POST /v1/search' or 'GET /v1/blocks/:id/children'; `nth` counts matching requests from 1. */
  match: {
    method?: string;
    route?: string;
    nth?: number;
    /** This matching request (counted from 1) and every later one: an outage that begins part-way through a run. */
    from?: number;
    /** Only requests whose path contains this (e.g. one block id). */ pathIncludes?: string;
  };
  fault: FaultKind;
}

/** Which faults to inject: random ones at `rate` per API request (drawn from `kinds`), and scripted ones. */
export interface FaultPlan {
  seed: number | string;
  rate?: number;
  kinds?: FaultKind[];
  script?: FaultScriptEntry[];
  /** File downloads that fail: download number (from 1, in arrival order) → fault. */
  files?: Record<number, FileFaultKind>;
}

/** Decides, deterministically from the seed and the order of requests, which request gets which fault. */
export class FaultInjector {
  private readonly random: () => number;
  private readonly seen = new Map<number, number>();

  constructor(private readonly plan: FaultPlan) {
    this.random = mulberry32(hashSeed(String(plan.seed)));
  }

  /** The fault for this request, or null. `route` is the matched pattern ('GET /v1/users/:id'). */
  next(method: string, route: string, path = ''): FaultKind | null {
    let scripted: FaultKind | null = null;
    (this.plan.script ?? []).forEach((entry, i) => {
      const m = entry.match;
      if (m.method && m.method.toUpperCase() !== method) return;
      if (m.route && m.route !== route) return;
      if (m.pathIncludes && !path.includes(m.pathIncludes)) return;
      const count = (this.seen.get(i) ?? 0) + 1;
      this.seen.set(i, count);
      const hits = m.nth !== undefined ? m.nth === count : m.from !== undefined ? count >= m.from : true;
      if (scripted === null && hits) scripted = entry.fault;
    });
    if (scripted !== null) return scripted;
    const rate = this.plan.rate ?? 0;
    if (rate <= 0) return null;
    // Always draw both numbers so one request's outcome never shifts the next one's.
    const hit = this.random();
    const pick = this.random();
    if (hit >= rate) return null;
    const kinds = this.plan.kinds?.length ? this.plan.kinds : FAULT_KINDS;
    return kinds[Math.floor(pick * kinds.length)]!;
  }
}

function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The Cloudflare-style HTML page Notion's edge answers a 502 with (the SDK cannot parse it as JSON). */
export const CLOUDFLARE_502_HTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
`;
