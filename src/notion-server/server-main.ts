import type { WorkspaceData } from './workspace-model.js';
import { WorkspaceBuilder, block } from './builder.js';
import { startNotionServer } from './server.js';
import { BUMP_POLICIES, type BumpPolicy } from './mutations.js';

/** The token `npm run notion-server` accepts; it guards nothing but loopback test data. */
export const DEMO_TOKEN = 'secret_local_demo_token';

const USAGE = `Usage: npm run notion-server -- [--port <n>] [--rate <req/s>|off] [--burst <n>] [--latency <ms>] [--expiry <s>] [--bumps all|documented]
  --port     port on 127.0.0.1 (default 0: any free port)
  --rate     average requests per second before 429s (default 3; "off" disables)
  --burst    token bucket size (default 10)
  --latency  delay added to every API answer, in ms (default 0)
  --expiry   lifetime of signed file URLs, in seconds (default 3600)
  --bumps    what edits bump where Notion's documentation is silent: "all" (default) also bumps
             the parent page on structural changes and the pages relating to a trashed page;
             "documented" bumps only the object edited`;

interface MainOptions {
  port: number;
  rate: number | false;
  burst: number;
  latencyMs: number;
  expirySeconds: number;
  bumps: BumpPolicy;
}

/** Parses the flags; throws an Error naming the bad flag. */
export function parseServerArgs(argv: readonly string[]): MainOptions {
  const opts: MainOptions = { port: 0, rate: 3, burst: 10, latencyMs: 0, expirySeconds: 3600, bumps: 'all' };
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
  const server = await startNotionServer({
    workspace: await loadDemoWorkspace(),
    token: DEMO_TOKEN,
    port: opts.port,
    rateLimit: opts.rate === false ? false : { ratePerSecond: opts.rate, burst: opts.burst },
    latencyMs: opts.latencyMs,
    fileExpirySeconds: opts.expirySeconds,
    bumps: opts.bumps,
  });
  console.log(
    `Local Notion API at ${server.baseUrl} — token: ${DEMO_TOKEN} (export NOTION_BASE_URL=${server.baseUrl} NOTION_TOKEN=${DEMO_TOKEN})`,
  );
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
