import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

/**
 * The pipeline's stages only look backwards: source → normalise → render → publish. A stage
 * that imports a later one is a second orchestrator in the making.
 */
const SRC = join(REPO_ROOT, 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level folders of src/ that a file imports (relative imports only; `import type` counts too). */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((spec) => relative(SRC, resolve(join(file, '..'), spec)).split(sep).join(posix.sep).split('/')[0]!);
}

const FORBIDDEN: Record<string, string[]> = {
  source: ['normalise', 'render', 'publish', 'links', 'verify', 'cli'],
  normalise: ['render', 'publish', 'verify', 'cli'],
  links: ['render', 'publish', 'verify', 'cli'],
  render: ['publish', 'verify', 'cli'],
  // Reads published snapshots (and the staging one at publish); never talks to Notion.
  // What changed between two snapshots, pure: reading and writing them is publish's.
  history: ['source', 'publish', 'verify', 'cli'],
  // Pure rules over fetched pages: they run before rendering and never write.
  privacy: ['render', 'publish', 'verify', 'cli'],
  // The package's public reader: reads published snapshots, never talks to Notion or runs a sync.
  reader: ['source', 'cli', 'notion-server', 'run-sync.ts', 'verify'],
};

describe('stage boundaries', () => {
  it.each(Object.entries(FORBIDDEN))('src/%s imports none of %j', (stage, later) => {
    const files = filesUnder(join(SRC, stage));
    expect(files.length).toBeGreaterThan(0);
    const offending = files.flatMap((f) => importedFolders(f).filter((folder) => later.includes(folder)).map((folder) => `${relative(REPO_ROOT, f)} → ${folder}/`));
    expect(offending).toEqual([]);
  });

  it('sees an import that crosses a boundary (the check itself works)', () => {
    const renderFile = filesUnder(join(SRC, 'render')).find((f) => importedFolders(f).includes('normalise'));
    expect(renderFile, 'render imports normalise somewhere').toBeDefined();
  });
});
