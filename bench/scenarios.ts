import type { BumpPolicy } from '../src/notion-server/mutations.js';
import type { ServerSpec, WorkspaceSpec } from './bench-protocol.js';

/** The bench scenarios, in the order they run. */
export const SCENARIO_NAMES = ['demo-realistic', 'demo-overdriven', 'generated-scale', 'faults', 'memory-scale', 'incremental', 'rate-auto', 'resume', 'startup'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** One benchmark: a server that behaves in some way, and a client configured in some way. */
export interface Scenario {
  name: ScenarioName;
  /** One line for the terminal: what the scenario shows. */
  about: string;
  server: ServerSpec;
  client: { rate: number; concurrency: number };
  /**
   * Compare the exported page ids with those of an unthrottled, fault-free run of the same
   * workspace ("nothing lost"). Off where the scenario itself is that clean run.
   */
  compareWithCleanRun: boolean;
  /**
   * Server and client rates are this many times Notion's (1 = real). `--quick` speeds the demo
   * scenarios up 10× so they fit in seconds; Retry-After stays whole seconds, so 429 pauses weigh
   * more there than in a real run.
   */
  timeScale: number;
  /** In a scenario made of several exports (a `ScaleScenario`): which one this is, e.g. "10000p". */
  variant?: string;
}

/**
 * What the large run of a scale scenario should stay within. Reported as PASS or MISS; a miss is
 * not a failure of the bench (only an incomplete export is).
 */
export interface ScaleTargets {
  /** Peak RSS of the large run's export process, in MB. */
  rssPeakMB: number;
  /** Peak RSS of the large run over that of the small run. */
  rssGrowth: number;
  /** The large run's CPU time (user + system) per exported page, in ms. */
  cpuMsPerPage: number;
}

/** Two exports of the same kind of workspace at two sizes, each in a fresh process, held against targets. */
export interface ScaleScenario {
  name: ScenarioName;
  about: string;
  /** The small run, then the large one. */
  runs: [Scenario, Scenario];
  targets: ScaleTargets;
}

/**
 * The nightly run: a full export, then incremental syncs (no change, a share of the pages
 * edited, structural changes, a page many others mention renamed), all into one output directory
 * against one server, each sync in a fresh process of the compiled package; at two sizes.
 */
export interface IncrementalScenario {
  name: ScenarioName;
  kind: 'incremental';
  about: string;
  /** The small workspace, then the large one (the CPU and memory targets are judged on the large). */
  workspaces: [Extract<WorkspaceSpec, { kind: 'generated' }>, Extract<WorkspaceSpec, { kind: 'generated' }>];
  /** Share of the pages edited before the 1%-changed sync (and a third of it each moved, trashed and created before the structural one). */
  changed: number;
  /** What the server bumps where Notion's documentation is silent: `documented` is the sync's harder case. */
  bumps: BumpPolicy;
  client: { rate: number; concurrency: number };
  targets: IncrementalTargets;
}

/** What the incremental runs of the large workspace should stay within (PASS or MISS, as for memory-scale). */
export interface IncrementalTargets {
  /** CPU time of a no-change sync per page of the workspace, in ms. */
  noChangeCpuMsPerPage: number;
  /** Peak RSS of a no-change sync, in MB. */
  noChangeRssPeakMB: number;
  /** A sync after edits: at most the no-change CPU plus this many times the edited pages' share of the full export's CPU. */
  changedCpuFactor: number;
}

/** Pages the hub of the incremental scenario's workspaces is mentioned by. */
const HUB_REFERRERS = { full: 500, quick: 100 } as const;

/**
 * `--rate auto` against budgets per 60-second window (Notion's newer per-connection limit), on
 * the real clock: one full export (`notion-kb export`) per budget, each of a workspace that takes
 * a few windows at that budget.
 */
export interface RateAutoScenario {
  name: ScenarioName;
  kind: 'rate-auto';
  about: string;
  runs: Array<{ budgetPerMinute: number; workspace: Extract<WorkspaceSpec, { kind: 'generated' }> }>;
  /** The client's concurrency (the default 3). */
  concurrency: number;
  latencyMs: number;
}

/**
 * Resume after an interruption: exports killed (SIGKILL) after shares of their requests and
 * resumed, and the slowdown of an uninterrupted run keeping its progress against one without.
 */
export interface ResumeScenario {
  name: ScenarioName;
  kind: 'resume';
  about: string;
  kills: { workspace: WorkspaceSpec; latencyMs: number; client: { rate: number; concurrency: number }; at: number[] };
  /** Uninterrupted runs alternately keeping progress and not: the exporter's own work, and an export. */
  slowdown: Array<{ label: string; workspace: WorkspaceSpec; latencyMs: number; client: { rate: number; concurrency: number }; comments: boolean; pairs: number }>;
}

export type BenchScenario = Scenario | ScaleScenario | IncrementalScenario | RateAutoScenario | ResumeScenario;

export function isScaleScenario(s: BenchScenario): s is ScaleScenario {
  return 'runs' in s;
}

export function isIncrementalScenario(s: BenchScenario): s is IncrementalScenario {
  return 'kind' in s && s.kind === 'incremental';
}

export function isRateAutoScenario(s: BenchScenario): s is RateAutoScenario {
  return 'kind' in s && s.kind === 'rate-auto';
}

export function isResumeScenario(s: BenchScenario): s is ResumeScenario {
  return 'kind' in s && s.kind === 'resume';
}

/**
 * The rate-auto workspace: an export (comments included) costs about 26 requests per page of
 * 20 blocks, so `pages` is chosen for the windows wanted at each budget.
 */
function rateAutoRun(budgetPerMinute: number, windows: number): RateAutoScenario['runs'][number] {
  const pages = Math.max(2, Math.round((budgetPerMinute * windows) / 26));
  return { budgetPerMinute, workspace: { kind: 'generated', seed: 'bench-rate-auto', pages, blocksPerPage: 20, imageEvery: 0 } };
}

/** Pages in the full memory-scale runs, and in the `--quick` ones (same 5× ratio). */
const MEMORY_SCALE_PAGES = { full: [2_000, 10_000], quick: [500, 2_500] } as const;

/**
 * The memory-scale workspace: `pages` pages of 40 blocks (every 10th with an image), plus one
 * database of 25 rows per 500 pages, so the mix stays the same at every size.
 */
export function memoryScaleWorkspace(pages: number): Extract<WorkspaceSpec, { kind: 'generated' }> {
  return { kind: 'generated', seed: 'bench-memory', pages, blocksPerPage: 40, databases: Math.max(1, Math.round(pages / 500)), rowsPerDatabase: 25, imageEvery: 10 };
}

/** The scenarios at full size, or at `--quick` size (about a minute in total). */
export function benchScenarios(quick: boolean): BenchScenario[] {
  // At Notion's real 3 req/s the demo's ~270 requests take 90 s per run, too long for --quick.
  const demoScale = quick ? 10 : 1;
  const scaled = demoScale === 1 ? '' : ` (rates ×${demoScale} for --quick)`;
  // Notion's published limit: an average of 3 requests/s, some bursts allowed.
  const notionRate = { ratePerSecond: 3 * demoScale, burst: 10 };
  return [
    {
      name: 'demo-realistic',
      about: `what a nightly run costs: demo workspace, Notion's 3 req/s (burst 10), client at the default rate 3, concurrency 3${scaled}`,
      server: { workspace: { kind: 'demo' }, rateLimit: notionRate, latencyMs: 30 },
      client: { rate: 3 * demoScale, concurrency: 3 },
      compareWithCleanRun: true,
      timeScale: demoScale,
    },
    {
      name: 'demo-overdriven',
      about: `a misconfigured client (rate 10) against 3 req/s: 429s and retries, but nothing lost${scaled}`,
      server: { workspace: { kind: 'demo' }, rateLimit: notionRate, latencyMs: 30 },
      client: { rate: 10 * demoScale, concurrency: 3 },
      compareWithCleanRun: true,
      timeScale: demoScale,
    },
    {
      name: 'generated-scale',
      about: 'exporter throughput and memory with the rate limit off',
      server: {
        workspace: quick
          ? { kind: 'generated', seed: 'bench-scale', pages: 150, blocksPerPage: 20 }
          : { kind: 'generated', seed: 'bench-scale', pages: 500, blocksPerPage: 30 },
        rateLimit: false,
        latencyMs: 20,
      },
      client: { rate: 1000, concurrency: 8 },
      compareWithCleanRun: false,
      timeScale: 1,
    },
    {
      name: 'faults',
      about: '5% of API requests fail (500, HTML 502, 503, 529, connection reset): retried, same pages as a clean run',
      server: {
        workspace: { kind: 'generated', seed: 'bench-faults', pages: 100, blocksPerPage: 20 },
        rateLimit: false,
        latencyMs: 10,
        faults: { seed: 'bench-faults', rate: 0.05, kinds: ['500', '502-html', '503', '529', 'reset'] },
      },
      client: { rate: 1000, concurrency: 8 },
      compareWithCleanRun: true,
      timeScale: 1,
    },
    memoryScale(quick),
    {
      name: 'incremental',
      kind: 'incremental',
      about:
        `the nightly run at ${quick ? '500 and 2,500' : '2,000 and 10,000'} pages × 40 blocks (one page mentioned by ${quick ? HUB_REFERRERS.quick : HUB_REFERRERS.full} others): a full export, then incremental syncs a day apart: no change, then three times the text of 1% of the pages edited (other pages each time) and no change (the 1%-changed CPU target takes the medians), the much-mentioned page renamed, 1% of the pages moved, trashed or created (the server bumping no parent), no change;` +
        ` each sync in a fresh process of the compiled package (no rate limit; time at Notion's 3 req/s estimated from the requests)` +
        (quick ? ' (--quick sizes; the targets are set for 10,000)' : ''),
      workspaces: (quick ? MEMORY_SCALE_PAGES.quick : MEMORY_SCALE_PAGES.full).map((pages) => ({ ...memoryScaleWorkspace(pages), hubReferrers: quick ? HUB_REFERRERS.quick : HUB_REFERRERS.full })) as IncrementalScenario['workspaces'],
      changed: 0.01,
      bumps: 'documented',
      client: { rate: 100_000, concurrency: 8 },
      targets: { noChangeCpuMsPerPage: 1, noChangeRssPeakMB: 150, changedCpuFactor: 2 },
    },
    {
      name: 'rate-auto',
      kind: 'rate-auto',
      about: quick
        ? 'notion-kb export --rate auto against a budget of 900 requests per 60-second window (--quick: 2 windows), never told the budget'
        : "notion-kb export --rate auto against budgets of 180 (3 windows' worth of requests), 900 and 2,700 (4 windows' worth each) requests per 60-second window, never told the budget",
      runs: quick ? [rateAutoRun(900, 2)] : [rateAutoRun(180, 3), rateAutoRun(900, 4), rateAutoRun(2_700, 4)],
      concurrency: 3,
      latencyMs: 20,
    },
    {
      name: 'resume',
      kind: 'resume',
      about: `exports of the demo (comments included) killed (SIGKILL) after ${quick ? '30 and 70' : '10, 30, 50, 70 and 90'} % of their requests, then resumed; and uninterrupted runs alternately keeping their progress and not: syncs of ${quick ? 150 : 500} generated pages (no rate limit, no latency: the exporter's own work) and export-like syncs of the demo (comments and site, 5 ms latency)`,
      kills: { workspace: { kind: 'demo' }, latencyMs: 5, client: { rate: 1000, concurrency: 3 }, at: quick ? [0.3, 0.7] : [0.1, 0.3, 0.5, 0.7, 0.9] },
      slowdown: [
        {
          label: `sync of ${quick ? 150 : 500} generated pages`,
          workspace: quick ? { kind: 'generated', seed: 'bench-resume', pages: 150, blocksPerPage: 20 } : { kind: 'generated', seed: 'bench-resume', pages: 500, blocksPerPage: 30 },
          latencyMs: 0,
          client: { rate: 100_000, concurrency: 8 },
          comments: false,
          pairs: quick ? 2 : 16,
        },
        { label: 'export of the demo (comments, site)', workspace: { kind: 'demo' }, latencyMs: 5, client: { rate: 1000, concurrency: 3 }, comments: true, pairs: quick ? 1 : 8 },
      ],
    },
  ];
}

function memoryScale(quick: boolean): ScaleScenario {
  const [small, large] = quick ? MEMORY_SCALE_PAGES.quick : MEMORY_SCALE_PAGES.full;
  const run = (pages: number): Scenario => ({
    name: 'memory-scale',
    variant: `${pages}p`,
    about: `${pages} pages × 40 blocks`,
    // No rate limit, no latency and a client rate no pacer wait comes from: what the exporter
    // itself costs per page, not the network. Concurrency 8, as in the other unthrottled scenarios.
    server: { workspace: memoryScaleWorkspace(pages), rateLimit: false, latencyMs: 0 },
    client: { rate: 100_000, concurrency: 8 },
    compareWithCleanRun: false,
    timeScale: 1,
  });
  return {
    name: 'memory-scale',
    about:
      `exporter memory and CPU at scale: ${small} then ${large} pages × 40 blocks (images, databases), no rate limit, each in a fresh process` +
      (quick ? ' (--quick sizes; the targets are set for 2,000 and 10,000)' : ''),
    runs: [run(small), run(large)],
    // CPU per page is not a goal in itself (issue 18: at Notion's rate the requests take about 3 s a
    // page): it is held to the 11 ms of a full export when that issue was filed, so that it does not grow.
    targets: { rssPeakMB: 300, rssGrowth: 1.3, cpuMsPerPage: 11 },
  };
}
