// `mkdir -p`, one level at a time. Node 20's own recursive mkdir never returns (and
// spins at 100% CPU) when a parent exists but cannot hold folders, such as a path
// under /proc or behind a dangling symbolic link: making the child fails with ENOENT,
// so it makes the parent again (EEXIST) and retries, for ever.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from '../core/errors.js';

export async function makeDirs(path: string, mode: number): Promise<void> {
  try {
    await mkdir(path, { mode });
    return;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return; // a file there fails the first use, with ENOTDIR
    if (errnoCode(error) !== 'ENOENT' || dirname(path) === path) throw error;
  }
  await makeDirs(dirname(path), mode);
  try {
    await mkdir(path, { mode }); // ENOENT now, with the parent there, is final
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
}
