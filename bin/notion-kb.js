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
// Before the rest loads: a sync that may find nothing new starts with a small heap and late
// optimisation, and asks for more itself as it finds pages to fetch or render (src/cli/runtime-tuning.ts).
const args = process.argv.slice(2);
tuneRuntimeForSync(args[0] === 'sync' && !args.includes('--full') ? 'footprint' : 'throughput');
const { main } = await import(`${entry}main${ext}`);
process.exitCode = await main(process.argv.slice(2));
