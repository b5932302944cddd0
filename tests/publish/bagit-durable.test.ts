import type * as realFs from 'node:fs';
import type * as realFsp from 'node:fs/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/cli.js';

// What writeBag asks of the file system, in order: the bundle's write stream (its options, and when
// it closed, which is after its flush), renames, and syncs of opened files and folders.
const events: string[] = [];
const streamOptions: unknown[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof realFs>();
  return {
    ...fs,
    createWriteStream: ((path: realFs.PathLike, o?: unknown) => {
      streamOptions.push(o);
      const s = fs.createWriteStream(path, o as never);
      s.once('close', () => events.push(`closed ${basename(String(path))}`));
      return s;
    }) as typeof fs.createWriteStream,
  };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof realFsp>();
  return {
    ...fsp,
    rename: (async (from: string, to: string) => {
      await fsp.rename(from, to);
      events.push(`renamed ${basename(from)} to ${basename(to)}`);
    }) as typeof fsp.rename,
    open: (async (...args: Parameters<typeof fsp.open>) => {
      const handle = await fsp.open(...args);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        await sync();
        events.push(`synced ${basename(String(args[0]))}`);
      };
      return handle;
    }) as typeof fsp.open,
  };
});

const { writeBag } = await import('../../src/publish/bagit.js');

describe('a bundle is on the disk before it is under its name', () => {
  afterEach(() => {
    events.length = 0;
    streamOptions.length = 0;
  });

  for (const format of ['zip', 'tar.gz'] as const) {
    it(`${format}: flushed as it is closed, renamed after that, and the rename synced`, async () => {
      const t = await tempDir();
      try {
        const payload = join(t.dir, 'payload');
        await mkdir(payload);
        await writeFile(join(payload, 'a.txt'), 'hello');
        const out = join(t.dir, 'bundles');
        await mkdir(out);
        await writeBag({ payloadDir: payload, file: join(out, `x.${format}`), format, bagName: 'x', info: [['Source-Organization', 'test']] });
        // The bundle's stream is the only one written: flushed (fsync) before it closes.
        expect(streamOptions).toEqual([expect.objectContaining({ flush: true })]);
        expect(events.filter((e) => !e.startsWith('synced ') || e === 'synced bundles')).toEqual([`closed x.${format}.partial`, `renamed x.${format}.partial to x.${format}`, 'synced bundles']);
      } finally {
        await t.cleanup();
      }
    });
  }
});
