import type { ServerSpec } from './bench-protocol.js';

/** The bench scenarios, in the order they run. */
export const SCENARIO_NAMES = ['demo-realistic', 'demo-overdriven', 'generated-scale', 'faults'] as const;
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
}

/** The scenarios at full size, or at `--quick` size (about a minute in total). */
export function benchScenarios(quick: boolean): Scenario[] {
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
  ];
}
