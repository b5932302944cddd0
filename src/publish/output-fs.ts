import * as fsp from 'node:fs/promises';

/**
 * The output file system a sync writes through: the subset of `node:fs/promises` it uses.
 * Handed in with the sync's other effects, so a test can make a disk fill up or a rename fail
 * at a chosen moment.
 */
export type OutputFs = Pick<typeof fsp, 'mkdir' | 'writeFile' | 'readFile' | 'rename' | 'rm' | 'readdir' | 'stat' | 'open' | 'link' | 'copyFile'>;

/** The real file system. */
export const nodeOutputFs: OutputFs = {
  mkdir: fsp.mkdir,
  writeFile: fsp.writeFile,
  readFile: fsp.readFile,
  rename: fsp.rename,
  rm: fsp.rm,
  readdir: fsp.readdir,
  stat: fsp.stat,
  open: fsp.open,
  link: fsp.link,
  copyFile: fsp.copyFile,
};

/** The size of an open file; when it cannot be had, the file is closed before the error is thrown (nothing left for the garbage collector). */
export async function sizeOrClose(handle: fsp.FileHandle): Promise<number> {
  try {
    return (await handle.stat()).size;
  } catch (err) {
    await handle.close().catch(() => {});
    throw err;
  }
}

/**
 * Flushes a folder's entries (a file renamed into it) to the disk. Best effort: a file system or
 * platform that cannot sync a folder (EINVAL, EISDIR, EPERM on some) is not an error.
 */
export async function syncFolder(folder: string): Promise<void> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(folder, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Not supported here: the rename stands, only its durability is the kernel's.
  } finally {
    await handle.close().catch(() => {});
  }
}
