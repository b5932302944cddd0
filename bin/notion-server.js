#!/usr/bin/env node
// Starts the local Notion API server with the MAGNET demo workspace.
import { register } from 'tsx/esm/api';

register();
const { serverMain } = await import('../src/notion-server/server-main.ts');
await serverMain(process.argv.slice(2));
