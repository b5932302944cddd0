// What each tuning does to V8, seen from outside, in a fresh process:
// - after the same churn of short-lived objects, the young generation stays near its first size
//   under `footprint` and grows under `brief` and `throughput` (also when a footprint run turns to either);
// - after the same calls of a small function, V8 has optimised it under `throughput` and not yet
//   under `footprint` or `brief` (and optimises early again when a run turns to throughput).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const SCRIPT = `
import { getHeapSpaceStatistics } from 'node:v8';
import { tuneRuntimeForSync } from ${JSON.stringify(join(REPO_ROOT, 'src/cli/runtime-tuning.ts'))};
const newSpaceMb = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
const churn = () => {
  let keep = [];
  for (let i = 0; i < 400000; i++) {
    keep.push({ i, s: 'x' + i });
    if (keep.length > 50000) keep = [];
  }
};
const sizes = [];
for (const tuning of process.argv.slice(1)) {
  tuneRuntimeForSync(tuning);
  churn();
  sizes.push(newSpaceMb());
}
console.log(JSON.stringify(sizes));
`;

const newSpaceAfter = (...tunings: string[]) =>
  new Promise<number[]>((done, fail) =>
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, ...tunings], { cwd: REPO_ROOT }, (err, stdout) =>
      err ? fail(err) : done(JSON.parse(stdout) as number[]),
    ),
  );

// V8's own view of a function (--allow-natives-syntax), optimised as it asks (no background compiler).
const OPTIMISED = `
import { tuneRuntimeForSync } from ${JSON.stringify(join(REPO_ROOT, 'src/cli/runtime-tuning.ts'))};
const status = new Function('f', 'return %GetOptimizationStatus(f)');
const optimised = [];
for (const tuning of process.argv.slice(1)) {
  tuneRuntimeForSync(tuning);
  // A new function each time: its budget is set as it first runs. Optimised after about 3,000
  // calls under V8's own budget, 50,000 under sixteen times that.
  const hot = new Function('x', 'return ((x * 31 + 7) % 1013) ^ (x >>> 3);');
  let sum = 0;
  for (let i = 0; i < 25000; i++) sum += hot(i);
  if (sum === 0) throw new Error('never');
  optimised.push((status(hot) & 16) !== 0);
}
console.log(JSON.stringify(optimised));
`;

const optimisedAfter = (...tunings: string[]) =>
  new Promise<boolean[]>((done, fail) =>
    execFile(
      process.execPath,
      ['--allow-natives-syntax', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', OPTIMISED, ...tunings],
      { cwd: REPO_ROOT },
      (err, stdout) => (err ? fail(err) : done(JSON.parse(stdout) as boolean[])),
    ),
  );

describe('tuneRuntimeForSync', () => {
  it('brief and footprint optimise code later than throughput, and throughput early again after them', async () => {
    expect(await optimisedAfter('throughput')).toEqual([true]);
    expect(await optimisedAfter('footprint', 'brief', 'throughput')).toEqual([false, false, true]);
  });

  it('footprint keeps the young generation small; brief and throughput let it grow, also after footprint', async () => {
    const [footprint, thenThroughput] = await newSpaceAfter('footprint', 'throughput');
    const [, thenBrief] = await newSpaceAfter('footprint', 'brief');
    const [throughput] = await newSpaceAfter('throughput');
    expect(footprint).toBeLessThanOrEqual(8);
    expect(throughput).toBeGreaterThanOrEqual(4 * footprint!);
    expect(thenThroughput).toBeGreaterThanOrEqual(4 * footprint!);
    expect(thenBrief).toBeGreaterThanOrEqual(4 * footprint!);
  });
});
