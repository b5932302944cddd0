// What each tuning does to V8, seen from outside: in a fresh process, after the same churn of
// short-lived objects, the young generation stays near its first size under `footprint` and
// grows under `throughput` (and grows again when a footprint run turns to throughput).
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

describe('tuneRuntimeForSync', () => {
  it('footprint keeps the young generation small; throughput lets it grow, also after footprint', async () => {
    const [footprint, thenThroughput] = await newSpaceAfter('footprint', 'throughput');
    const [throughput] = await newSpaceAfter('throughput');
    expect(footprint).toBeLessThanOrEqual(8);
    expect(throughput).toBeGreaterThanOrEqual(4 * footprint!);
    expect(thenThroughput).toBeGreaterThanOrEqual(4 * footprint!);
  });
});
