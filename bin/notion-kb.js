#!/usr/bin/env node
// The notion-kb command. In a checkout of the repository (src/ next to bin/) it runs the
// TypeScript sources through tsx, so `npm install && npm start` works with no build step and
// never runs stale output. The installed package has no src/: it runs the compiled JavaScript
// in dist/ (`npm run build`, run by `npm pack` before packing) with plain node.
import { existsSync } from 'node:fs';

const fromSources = existsSync(new URL('../src/cli/main.ts', import.meta.url));
let entry = '../dist/cli/';
if (fromSources) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = '../src/cli/';
}
const ext = fromSources ? '.ts' : '.js';
const { tuneRuntimeForSync } = await import(`${entry}runtime-tuning${ext}`);
tuneRuntimeForSync();
const { main } = await import(`${entry}main${ext}`);
process.exitCode = await main(process.argv.slice(2));
