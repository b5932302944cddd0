// Loaded into a notion-kb process by NODE_OPTIONS="--import <this file>" (tests/chaos/kill-at-every-step.test.ts):
// counts the calls of node:fs/promises that change the output (renames, links, removals, whole
// file writes, copies) and SIGKILLs the process right after the one numbered NOTION_KB_KILL_AT
// (from 1) completes. NOTION_KB_FS_OPS_LOG, if set, gets one line per call counted: its number,
// its name and its first path. A real kill at an exact step, not a thrown error: nothing after
// it runs, no catch, no finally, no flush.
import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const fs = require('node:fs');
const killAt = Number(process.env.NOTION_KB_KILL_AT ?? 0);
const logFile = process.env.NOTION_KB_FS_OPS_LOG;
let count = 0;
for (const name of ['rename', 'link', 'rm', 'unlink', 'writeFile', 'copyFile', 'rmdir']) {
  const original = fs.promises[name];
  fs.promises[name] = async function (...args) {
    const result = await original.apply(this, args);
    count++;
    if (logFile) appendFileSync(logFile, `${count} ${name} ${String(args[0])}\n`);
    if (count === killAt) process.kill(process.pid, 'SIGKILL');
    return result;
  };
}
syncBuiltinESMExports();
