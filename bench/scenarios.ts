import type { ServerSpec, WorkspaceSpec } from './bench-protocol.js';

/** The bench scenarios, in the order they run. */
export const SCENARIO_NAMES = ['demo-realistic', 'demo-overdriven', 'generated-scale', 'faults', 'memory-scale', 'incremental', 'resume', 'startup'] as const;
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
 * The nightly run: a full export, then an incremental sync with no change, then one after a
 * share of the pages was edited, all into one output directory against one server.
 */
export interface IncrementalScenario {
  name: ScenarioName;
  kind: 'incremental';
  about: string;
  workspace: Extract<WorkspaceSpec, { kind: 'generated' }>;
  /** Share of the pages edited before the last sync. */
  changed: number;
  client: { rate: number; concurrency: number };
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

export type BenchScenario = Scenario | ScaleScenario | IncrementalScenario | ResumeScenario;

export function isScaleScenario(s: BenchScenario): s is ScaleScenario {
  return 'runs' in s;
}

export function isIncrementalScenario(s: BenchScenario): s is IncrementalScenario {
  return 'kind' in s && s.kind === 'incremental';
}

export function isResumeScenario(s: BenchScenario): s is ResumeScenario {
  return 'kind' in s && s.kind === 'resume';
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
      about: `the nightly run: a full export of ${quick ? 500 : 2_000} generated pages, then an incremental sync with no change, then one after 1% of the pages were edited (no rate limit; time at Notion's 3 req/s estimated from the requests)`,
      workspace: memoryScaleWorkspace(quick ? 500 : 2_000),
      changed: 0.01,
      client: { rate: 100_000, concurrency: 8 },
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
          pairs: quick ? 2 : 5,
        },
        { label: 'export of the demo (comments, site)', workspace: { kind: 'demo' }, latencyMs: 5, client: { rate: 1000, concurrency: 3 }, comments: true, pairs: quick ? 1 : 5 },
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
    targets: { rssPeakMB: 300, rssGrowth: 1.5, cpuMsPerPage: 5 },
  };
}
