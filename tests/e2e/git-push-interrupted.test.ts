import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionServer, type NotionServer } from '../../src/notion-server/server.js';
import { spawnCli, tempDir } from '../support/cli.js';
import { smallWorkspace } from '../support/small-workspace.js';

const TOKEN = ['secret', 'git', 'interrupt', 'token', '0123456789abcdefghij'].join('_');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie (its parent gone, not yet reaped) runs no more.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('a sync stopped (SIGTERM) while it pushes to the git archive', () => {
  const { workspace } = smallWorkspace();
  let server: NotionServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    server = await startNotionServer({ workspace, token: TOKEN, rateLimit: false });
    tmp = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it('leaves no git process running after it exits', async () => {
    const remote = join(tmp.dir, 'archive.git');
    execFileSync('git', ['-c', 'init.defaultBranch=main', 'init', '--quiet', '--bare', remote]);
    const marker = join(tmp.dir, 'hook.pid');
    // The push hangs (a slow network, say): the remote's hook sleeps.
    const hook = join(remote, 'hooks', 'pre-receive');
    await writeFile(hook, `#!/bin/sh\necho $$ > '${marker}'\nexec sleep 30\n`);
    await chmod(hook, 0o755);
    const config = join(tmp.dir, 'notion-kb.yaml');
    await writeFile(config, `archive:\n  git:\n    remote: ${JSON.stringify(remote)}\n    branch: archive\nassets:\n  external: none\n`);
    const cli = spawnCli(['sync', '--out', join(tmp.dir, 'out'), '--config', config, '--rate', '1000'], { NOTION_TOKEN: TOKEN, NOTION_BASE_URL: server.baseUrl });
    const exited = new Promise<number | null>((done) => cli.on('exit', (code) => done(code)));
    let pid: number | null = null;
    for (let i = 0; i < 300 && pid === null; i++) {
      pid = await readFile(marker, 'utf8').then((t) => Number(t.trim()) || null, () => null);
      if (pid === null) await sleep(100);
    }
    expect(pid, 'the push reached the hook').not.toBeNull();
    cli.kill('SIGTERM');
    expect(await exited).toBe(143);
    await sleep(500);
    const still = alive(pid!);
    if (still) process.kill(pid!, 'SIGKILL');
    expect(still, 'the git push (its hook) still runs after notion-kb exited').toBe(false);
  }, 60_000);
});
