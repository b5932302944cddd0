import type { FaultPlan } from '../src/notion-server/faults.js';
import type { GenerateOptions } from '../src/notion-server/generate-workspace.js';
import type { BumpPolicy } from '../src/notion-server/mutations.js';
import type { RateLimitOptions } from '../src/notion-server/rate-limit.js';
import type { ConnectionWindowOptions, ServerStats } from '../src/notion-server/server.js';

/** Which workspace the bench server serves; built inside the server process from this recipe. */
export type WorkspaceSpec = { kind: 'demo' } | ({ kind: 'generated' } & GenerateOptions);

/** How the bench server behaves: Notion's limits and failures, reproduced. */
export interface ServerSpec {
  workspace: WorkspaceSpec;
  /** A token bucket, a budget per 60-second window (Notion's newer limit), or none. */
  rateLimit: RateLimitOptions | ConnectionWindowOptions | false;
  latencyMs: number;
  faults?: FaultPlan;
  /** What edits bump where Notion's documentation is silent (default `all`). */
  bumps?: BumpPolicy;
}

/** What a `restructure` did, for the bench to work out what a sync has to fetch again. */
export interface Restructured {
  /** Sub-pages moved to another parent, and the pages they left and joined. */
  moved: string[];
  /** Sub-pages without sub-pages of their own, moved to the trash. */
  trashed: string[];
  /** New sub-pages, one empty paragraph each. */
  created: string[];
  /** Old and new parents of the moved pages, parents of the trashed and of the new ones. */
  parents: string[];
  /** Pages that mention, link to or relate to a trashed page. */
  referrers: string[];
}

/** Parent → server process. */
export type ToServer =
  | { type: 'start'; spec: ServerSpec; token: string }
  | { type: 'stats' }
  /** Edits this share of the pages (first text block, and title unless `titles` is false), chosen evenly; for incremental syncs. */
  | { type: 'edit'; fraction: number; titles?: boolean; round?: number }
  /** Moves, trashes and creates `count` sub-pages each; for the structural incremental sync. */
  | { type: 'restructure'; count: number }
  /** Renames the hub page of a generated workspace (`hubReferrers`); for the rename incremental sync. */
  | { type: 'rename-hub' }
  | { type: 'stop' };

/**
 * Server process → parent. `cpuMs` is the server process's own CPU time since it started listening;
 * `rssPeakBytes` its resident-set high-water mark (workspace generation included).
 */
export type FromServer =
  /** `latestEditMs`: the workspace's latest last_edited_time (a large generated one's run years ahead of the real clock). */
  | { type: 'listening'; baseUrl: string; latestEditMs: number }
  | { type: 'stats'; stats: ServerStats; cpuMs: number; rssPeakBytes: number }
  | { type: 'edited'; pageIds: string[] }
  | { type: 'restructured'; changes: Restructured }
  /** The hub renamed, and the pages that show it (mention it, list it as a sub-page). */
  | { type: 'renamed'; pageId: string; shownBy: string[] }
  | { type: 'error'; message: string };

/** A stable key for a workspace recipe, so reference runs can be shared between scenarios. */
export function workspaceKey(spec: WorkspaceSpec): string {
  return JSON.stringify(spec);
}
