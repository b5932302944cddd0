import { resolveConfig } from '../../src/config/resolve-config.js';
import { runSync, type SyncDeps, type SyncOutcome } from '../../src/run-sync.js';

/**
 * Runs a sync in this process against a local Notion server (faster than the CLI, and lets a
 * test hand in effects). `file` is what the YAML config file would hold.
 */
export async function syncInProcess(opts: {
  baseUrl: string;
  token: string;
  out: string;
  file?: Record<string, unknown>;
  deps?: Omit<SyncDeps, 'config'>;
}): Promise<SyncOutcome> {
  const resolved = resolveConfig({
    fileValue: { requests: { rate: 1000, concurrency: 4 }, assets: { external: 'none' }, ...opts.file },
    env: { NOTION_TOKEN: opts.token, NOTION_BASE_URL: opts.baseUrl },
    flags: { out: opts.out },
  });
  if (!resolved.ok) throw new Error(`bad test config: ${resolved.issues.join('; ')}`);
  return runSync({ config: resolved.config, ...opts.deps });
}
