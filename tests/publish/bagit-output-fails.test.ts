import { randomBytes } from 'node:crypto';
import * as realFs from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/cli.js';

// Every read stream writeBag opens is kept track of; the bundle's own file can be made to fail.
const streams: realFs.ReadStream[] = [];
let outputTo: string | null = null;
/** The bundle's file as writeBag opened it. */
let output: realFs.WriteStream | null = null;
/** The payload's first stat waits until the bundle's file has failed and closed (the window before writeBag first races its output). */
let statAfterOutputFails = false;
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    createReadStream: ((...args: Parameters<typeof fs.createReadStream>) => {
      const s = fs.createReadStream(...args);
      streams.push(s);
      return s;
    }) as typeof fs.createReadStream,
    // /dev/full: every write fails with ENOSPC (a disk that fills up while the bundle is written).
    createWriteStream: ((path: realFs.PathLike, o?: unknown) => (output = fs.createWriteStream(outputTo ?? path, o as never))) as typeof fs.createWriteStream,
  };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fsp,
    stat: (async (...args: Parameters<typeof fsp.stat>) => {
      const out = output;
      if (statAfterOutputFails && out && !out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      return fsp.stat(...args);
    }) as typeof fsp.stat,
  };
});

const { writeBag } = await import('../../src/publish/bagit.js');

const info = [['Source-Organization', 'test']] as const;

describe('a bundle that cannot be written', () => {
  afterEach(() => {
    streams.length = 0;
    outputTo = null;
    output = null;
    statAfterOutputFails = false;
  });

  for (const format of ['zip', 'tar.gz'] as const) {
    it(`${format}: disk full while a payload file is read: every payload file is closed`, async () => {
      const t = await tempDir();
      try {
        const payload = join(t.dir, 'payload');
        await mkdir(payload);
        await writeFile(join(payload, 'a.bin'), randomBytes(8 * 1024 * 1024));
        await writeFile(join(payload, 'b.txt'), 'hello');
        outputTo = '/dev/full';
        await expect(writeBag({ payloadDir: payload, file: join(t.dir, `x.${format}`), format, bagName: 'x', info })).rejects.toThrow();
        await sleep(200);
        expect(streams.map((s) => ({ path: String(s.path), closed: s.closed }))).toEqual(streams.map((s) => ({ path: String(s.path), closed: true })));
      } finally {
        await t.cleanup();
      }
    });

    it(`${format}: the bundle file cannot be created: writeBag rejects (no unhandled rejection), leaves nothing`, async () => {
      const t = await tempDir();
      try {
        const payload = join(t.dir, 'payload');
        await mkdir(payload);
        await writeFile(join(payload, 'b.txt'), 'hello');
        // The output fails before writeBag awaits it anywhere: it must not be left without a handler.
        statAfterOutputFails = true;
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => unhandled.push(reason);
        process.on('unhandledRejection', onUnhandled);
        try {
          await expect(writeBag({ payloadDir: payload, file: join(t.dir, 'missing-dir', `x.${format}`), format, bagName: 'x', info })).rejects.toThrow();
          await sleep(200);
        } finally {
          process.off('unhandledRejection', onUnhandled);
        }
        expect(unhandled).toEqual([]);
        expect(await readdir(t.dir)).toEqual(['payload']);
      } finally {
        await t.cleanup();
      }
    });
  }
});
