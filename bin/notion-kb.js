#!/usr/bin/env node
// The notion-kb command. The sources are TypeScript, loaded through tsx so that
// `node bin/notion-kb.js` works straight after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { tuneRuntimeForSync } = await import('../src/cli/runtime-tuning.ts');
tuneRuntimeForSync();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
