// The nightly workflow kept in examples/ must stay a valid workflow that takes the token from a
// secret and never holds one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/cli.js';

const FILE = 'examples/github-actions/notion-kb-nightly.yml';
const text = readFileSync(join(REPO_ROOT, FILE), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { schedule?: Array<{ cron: string }> };
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

describe(FILE, () => {
  const workflow = parse(text, { strict: true, uniqueKeys: true }) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('parses as YAML and runs on a schedule (a five-field cron line)', () => {
    expect(workflow.on.schedule).toHaveLength(1);
    expect(workflow.on.schedule![0]!.cron.split(/\s+/)).toHaveLength(5);
    expect(workflow.permissions).toEqual({ contents: 'write' });
  });

  it('runs the sync with the token from the NOTION_TOKEN secret, in that step only', () => {
    const sync = steps.filter((s) => s.run?.includes('bin/notion-kb.js sync'));
    expect(sync).toHaveLength(1);
    expect(sync[0]!.env).toEqual({ NOTION_TOKEN: '${{ secrets.NOTION_TOKEN }}' });
    expect(sync[0]!.run).toContain('--json');
    expect(steps.filter((s) => JSON.stringify(s).includes('NOTION_TOKEN'))).toEqual(sync);
  });

  it('holds no token value and caches nothing but npm downloads', () => {
    expect(text).not.toMatch(/\b(?:secret|ntn)_[A-Za-z0-9]{10,}/);
    expect(text.match(/secrets\.[A-Z_]+/g)).toEqual(['secrets.NOTION_TOKEN']);
    expect(steps.filter((s) => s.uses?.startsWith('actions/cache'))).toEqual([]);
    const caching = steps.filter((s) => s.with?.cache !== undefined);
    expect(caching.map((s) => s.with!.cache)).toEqual(['npm']);
  });

  it('verifies the snapshot before it pushes the output to the archive branch', () => {
    const runs = steps.map((s) => s.run ?? '');
    const verify = runs.findIndex((r) => r.includes('bin/notion-kb.js verify'));
    const push = runs.findIndex((r) => r.includes('git push'));
    expect(verify).toBeGreaterThan(-1);
    expect(push).toBeGreaterThan(verify);
  });
});
