import type { WorkspaceData } from './workspace-model.js';
import { WorkspaceBuilder, block } from './builder.js';
import { RATE_LIMIT_REASONS, startNotionServer } from './server.js';
import type { WindowStart } from './rate-limit.js';
import { BUMP_POLICIES, type BumpPolicy } from './mutations.js';

/** The token `npm run notion-server` accepts; it guards nothing but loopback test data. */
export const DEMO_TOKEN = 'secret_local_demo_token';

const USAGE = `Usage: npm run notion-server -- [--port <n>] [--rate <req/s>|off] [--burst <n>] [--budget <n>] [--window-start first-request|clock]
       [--workspace-budget <n>] [--workspace-window <s>] [--connection-reason <text>|none] [--workspace-reason <text>|none]
       [--connections <n>] [--latency <ms>] [--expiry <s>] [--bumps all|documented] [--compress]
  --port               port on 127.0.0.1 (default 0: any free port)
  --rate               per connection: a token bucket's average requests per second before 429s (default 3; "off" disables)
  --burst              token bucket size (default 10)
  --budget             per connection: a budget of requests per 60-second window instead of the token bucket
                       (Notion's newer limits, e.g. 180, 900 or 2700); 429 Retry-After = seconds until the window resets
  --window-start       when a window opens: at the first request after the last one closed (first-request, default)
                       or on the clock, every whole window since the epoch (clock)
  --workspace-budget   requests per workspace window, shared by every connection (default: no workspace limit)
  --workspace-window   length of the workspace window in seconds (default 120; its Retry-After can exceed a minute)
  --connection-reason  additional_data.rate_limit_reason of a per-connection 429 (default ${RATE_LIMIT_REASONS.connection}; none: no additional_data)
  --workspace-reason   the same for the per-workspace limit (default ${RATE_LIMIT_REASONS.workspace})
  --connections        tokens accepted, each a connection of its own: the printed one, then <token>_2, <token>_3, … (default 1)
  --latency            delay added to every API answer, in ms (default 0)
  --expiry             lifetime of signed file URLs, in seconds (default 3600)
  --compress           compress JSON answers (brotli or gzip) when the client accepts it, as Notion's edge does (default off)
  --bumps              what edits bump where Notion's documentation is silent: "all" (default) also bumps
                       the parent page on structural changes and the pages relating to a trashed page;
                       "documented" bumps only the object edited`;

interface MainOptions {
  port: number;
  rate: number | false;
  burst: number;
  /** Per-connection budget per 60-second window (replaces the token bucket), or null. */
  budget: number | null;
  windowStart: WindowStart;
  workspaceBudget: number | null;
  workspaceWindowSeconds: number;
  /** null: the 429 carries no additional_data. */
  connectionReason: string | null;
  workspaceReason: string | null;
  connections: number;
  latencyMs: number;
  expirySeconds: number;
  bumps: BumpPolicy;
  compress: boolean;
}

/** Parses the flags; throws an Error naming the bad flag. */
export function parseServerArgs(argv: readonly string[]): MainOptions {
  const opts: MainOptions = {
    port: 0,
    rate: 3,
    burst: 10,
    budget: null,
    windowStart: 'first-request',
    workspaceBudget: null,
    workspaceWindowSeconds: 120,
    connectionReason: RATE_LIMIT_REASONS.connection,
    workspaceReason: RATE_LIMIT_REASONS.workspace,
    connections: 1,
    latencyMs: 0,
    expirySeconds: 3600,
    bumps: 'all',
    compress: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? (flag.split(/=(.*)/s) as [string, string]) : [flag, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    const number = (min: number) => {
      const raw = value();
      const n = Number(raw);
      if (!Number.isFinite(n) || n < min) throw new Error(`${name}: expected a number ≥ ${min}, got "${raw}"`);
      return n;
    };
    const whole = (min: number) => {
      const n = number(min);
      if (!Number.isInteger(n)) throw new Error(`${name}: expected a whole number ≥ ${min}, got "${n}"`);
      return n;
    };
    const reason = () => {
      const v = value();
      return v === 'none' ? null : v;
    };
    switch (name) {
      case '--port':
        opts.port = number(0);
        break;
      case '--rate': {
        const raw = inline ?? argv[i + 1];
        if (raw === 'off' || raw === '0') {
          if (inline === undefined) i++;
          opts.rate = false;
        } else opts.rate = number(0.001);
        break;
      }
      case '--burst':
        opts.burst = number(1);
        break;
      case '--budget':
        opts.budget = whole(1);
        break;
      case '--window-start': {
        const v = value();
        if (v !== 'first-request' && v !== 'clock') throw new Error(`--window-start: expected first-request or clock, got "${v}"`);
        opts.windowStart = v;
        break;
      }
      case '--workspace-budget':
        opts.workspaceBudget = whole(1);
        break;
      case '--workspace-window':
        opts.workspaceWindowSeconds = number(1);
        break;
      case '--connection-reason':
        opts.connectionReason = reason();
        break;
      case '--workspace-reason':
        opts.workspaceReason = reason();
        break;
      case '--connections':
        opts.connections = whole(1);
        break;
      case '--latency':
        opts.latencyMs = number(0);
        break;
      case '--expiry':
        opts.expirySeconds = number(1);
        break;
      case '--bumps': {
        const raw = value();
        if (!BUMP_POLICIES.includes(raw as BumpPolicy)) throw new Error(`--bumps: expected ${BUMP_POLICIES.join(' or ')}, got "${raw}"`);
        opts.bumps = raw as BumpPolicy;
        break;
      }
      case '--compress':
        if (inline !== undefined) throw new Error('--compress takes no value');
        opts.compress = true;
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${name}\n${USAGE}`);
    }
  }
  return opts;
}

/** The MAGNET demo workspace, or a tiny stand-in while demo-workspace.ts does not exist yet. */
async function loadDemoWorkspace(): Promise<WorkspaceData> {
  const modulePath = './demo-workspace.js';
  try {
    const mod = (await import(modulePath)) as { buildDemoWorkspace?: () => WorkspaceData };
    if (mod.buildDemoWorkspace) return mod.buildDemoWorkspace();
  } catch (err) {
    if (!(err instanceof Error && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(`${(err as { code?: string }).code} ${err.message}`))) throw err;
  }
  const b = new WorkspaceBuilder({ seed: 'stand-in', integrationName: 'notion-kb local', workspaceName: 'Stand-in workspace' });
  b.page({ parent: 'workspace', title: 'Stand-in home', children: [block.paragraph('The demo workspace is not built yet.')] });
  return b.build();
}

/** `npm run notion-server`: serves the demo workspace on 127.0.0.1 until SIGINT/SIGTERM. */
export async function serverMain(argv: readonly string[]): Promise<void> {
  let opts: MainOptions;
  try {
    opts = parseServerArgs(argv);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
    return;
  }
  const otherTokens = Array.from({ length: opts.connections - 1 }, (_, i) => `${DEMO_TOKEN}_${i + 2}`);
  const server = await startNotionServer({
    workspace: await loadDemoWorkspace(),
    token: DEMO_TOKEN,
    otherTokens,
    port: opts.port,
    rateLimit:
      opts.budget !== null
        ? { requests: opts.budget, start: opts.windowStart }
        : opts.rate === false
          ? false
          : { ratePerSecond: opts.rate, burst: opts.burst },
    workspaceLimit: opts.workspaceBudget === null ? false : { requests: opts.workspaceBudget, windowSeconds: opts.workspaceWindowSeconds, start: opts.windowStart },
    rateLimitReasons: { connection: opts.connectionReason, workspace: opts.workspaceReason },
    latencyMs: opts.latencyMs,
    fileExpirySeconds: opts.expirySeconds,
    bumps: opts.bumps,
    compression: opts.compress,
  });
  console.log(
    `Local Notion API at ${server.baseUrl} — token: ${DEMO_TOKEN} (export NOTION_BASE_URL=${server.baseUrl} NOTION_TOKEN=${DEMO_TOKEN})`,
  );
  if (otherTokens.length > 0) console.log(`Other connections of the same workspace: ${otherTokens.join(', ')}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  console.log('Local Notion API stopped.');
}
