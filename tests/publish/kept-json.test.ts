import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeptJson } from '../../src/publish/kept-json.js';
import { nodeOutputFs, type OutputFs } from '../../src/publish/output-fs.js';
import { tempDir } from '../support/cli.js';

describe('values kept until the run writes its state: parked on disk, or the previous state\'s', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('notion-kb-kept-json-');
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('gives back the JSON of each value parked, whatever the order asked in (text beyond Latin-1 too), else the previous one', async () => {
    const before: Record<string, unknown> = { old: { title: 'from the previous state', links: ['x'] }, 'p-7': { title: 'replaced by what was parked' } };
    const kept = await KeptJson.create(join(tmp.dir, 'a.kept'), nodeOutputFs, (id) => before[id]);
    const values = new Map<string, unknown>();
    // Enough to fill several of its writes (64 K characters each).
    for (let i = 0; i < 3000; i++) values.set(`p-${i}`, { title: `Seite ${i} — Übersicht 🌍`, blocks: i, anchors: [[`b-${i}`, `h-${i}`]] });
    for (const [id, v] of values) kept.park(id, v);
    for (const id of [...values.keys()].reverse()) expect(await kept.text(id)).toBe(JSON.stringify(values.get(id)));
    expect(await kept.text('old')).toBe(JSON.stringify(before.old));
    expect(await kept.text('nobody')).toBeUndefined();
    // Nothing parked stays in memory: the file holds every value.
    expect((await stat(kept.file)).size).toBe([...values.values()].reduce<number>((n, v) => n + Buffer.byteLength(JSON.stringify(v)), 0));
    await kept.remove();
  });

  it('a value parked again replaces the one before; parking after a read goes on where the file ends', async () => {
    const kept = await KeptJson.create(join(tmp.dir, 'b.kept'));
    kept.park('a', { v: 1 });
    kept.park('b', { v: 2 });
    expect(await kept.text('a')).toBe('{"v":1}');
    kept.park('a', { v: 3 });
    kept.park('c', { v: 5 });
    expect(await kept.text('a')).toBe('{"v":3}');
    expect(await kept.text('b')).toBe('{"v":2}');
    expect(await kept.text('c')).toBe('{"v":5}');
    kept.park('b', { v: 6 });
    expect(await kept.text('b')).toBe('{"v":6}');
    await kept.remove();
  });

  it('remove deletes its file', async () => {
    const kept = await KeptJson.create(join(tmp.dir, 'c.kept'));
    kept.park('a', { v: 1 });
    await kept.remove();
    await expect(stat(join(tmp.dir, 'c.kept'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a write that fails (a full disk) is thrown by the next read, never read as a value', async () => {
    const full: OutputFs = {
      ...nodeOutputFs,
      open: (async (...args: Parameters<OutputFs['open']>) => {
        const handle = await nodeOutputFs.open(...args);
        return new Proxy(handle, {
          get: (target, key) => {
            if (key === 'write') return async () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
            const value: unknown = Reflect.get(target, key);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      }) as OutputFs['open'],
    };
    const kept = await KeptJson.create(join(tmp.dir, 'd.kept'), full);
    kept.park('a', { v: 1 });
    await expect(kept.text('a')).rejects.toThrow('ENOSPC');
    expect(() => kept.park('b', { v: 2 })).toThrow('ENOSPC');
    await kept.remove();
    expect(await readFile(join(tmp.dir, 'd.kept')).catch(() => null)).toBeNull();
  });
});
