// The installed package's layout, rebuilt in a temporary directory: dist/ compiled there,
// bin/notion-kb.js and package.json copied, the repository's node_modules linked (so tsx is found
// by nothing in it). What `npm install notion-kb` runs: plain node, no TypeScript loader.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');

export interface PackedLayout {
  /** The package root: dist/, bin/, package.json, node_modules. */
  dir: string;
  remove(): void;
}

/** Compiles src/ into a fresh package layout (tsc, about a minute on a busy machine). */
export function buildPackedLayout(prefix = 'notion-kb-packed-'): PackedLayout {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { stdio: 'inherit' });
    cpSync(join(REPO, 'bin', 'notion-kb.js'), join(dir, 'bin', 'notion-kb.js'));
    cpSync(join(REPO, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
