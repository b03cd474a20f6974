// Small filesystem moves with the guarantees the queue relies on: nothing is ever
// overwritten, and a file appears in its folder complete or not at all. Also what a
// queue folder holds, as every reader of it sees it (visibleNames).
import { linkSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { link, lstat, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { describeIoError, errnoCode } from '../core/errors.js';
import { randomHex } from '../core/random.js';
import { isIgnoredName } from './names.js';

// The names in a queue folder, without hidden and temporary ones (isIgnoredName); none
// while the folder is not there.
export async function visibleNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !isIgnoredName(name));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

// Moves `from` into `dir` under `name`, or under `name` with a `-2`, `-3`… before its
// extension if that is taken. link(2) fails rather than replace, which rename(2)
// would not; the source is unlinked only once the new name exists. Returns the name used.
// Idempotent: a move cut short between link and unlink left the file under both
// names; done again, it finds its own file at the new name and only unlinks the old.
// With `exact`, no other name will do: a taken name is an EEXIST error.
export async function moveNoClobber(from: string, dir: string, name: string, exact = false): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? name : withSuffix(name, `-${n}`);
    if (n > 1 && exact) throw Object.assign(new Error(`EEXIST: file already exists, link '${join(dir, name)}'`), { code: 'EEXIST' });
    try {
      await link(from, join(dir, candidate));
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EEXIST') {
        if (!(await sameFile(from, join(dir, candidate)))) continue;
        await unlink(from);
        return candidate;
      }
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS') {
        // Filesystems without hard links: check, then rename.
        if (await exists(join(dir, candidate))) continue;
        await rename(from, join(dir, candidate));
        return candidate;
      }
      throw error;
    }
    await unlink(from);
    return candidate;
  }
}

function withSuffix(name: string, suffix: string): string {
  const ext = extname(name);
  return ext === '' || ext === name ? `${name}${suffix}` : `${name.slice(0, -ext.length)}${suffix}${ext}`;
}

// Writes a complete file into `dir` under a hidden temp name, fsyncs it, then gives it
// its real name without replacing anything (see moveNoClobber; `exact`: that name or
// an EEXIST error). Returns the name used.
export async function publishFile(dir: string, name: string, data: string | Uint8Array, exact = false): Promise<string> {
  const temp = await stageFile(dir, name, data);
  try {
    return await moveNoClobber(temp, dir, name, exact);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

// A hidden temp name in `dir` for a file to become `name` there: the daemon ignores it,
// and leftover-temps.ts removes it should a crash leave it.
export function tempPath(dir: string, name: string): string {
  return join(dir, `.${name}.${randomHex(8)}.tmp`);
}

// The first half of publishFile: the file written complete and fsynced under a hidden
// temp name in `dir` (ignored by the daemon), whose path is returned. A fault (a full
// disk) leaves no temp file behind.
export async function stageFile(dir: string, name: string, data: string | Uint8Array): Promise<string> {
  const temp = tempPath(dir, name);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

// Replaces a file's content atomically (temp file, fsync, rename). Mode 0600 whatever
// the umask: records and result files hold a job's env and output, which may be secret.
export async function writeAtomic(path: string, data: string | Uint8Array, fsync = true): Promise<void> {
  // Imported on first use: `mcpq submit` never needs it and starts faster without it.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  await writeFileAtomic(path, typeof data === 'string' ? data : Buffer.from(data), { fsync, mode: 0o600 });
}

// Whether two paths name one file (hard links of one inode).
export async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [sa, sb] = await Promise.all([lstat(a), lstat(b)]);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

export async function unlinkIfExists(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

// Moves `from` to `to` only while what it holds is still `isStill` (a dead owner's
// claim or group lock, listed a while ago): looked at, renamed, looked at again, and
// given back at once if it changed in that instant. All of it is synchronous, so the
// file is away for a few system calls only. Only one of several takers' renames can
// win; the others get false.
export function takeIfStill(from: string, to: string, isStill: (bytes: Buffer | undefined) => boolean): boolean {
  if (!isStill(readSyncIfExists(from))) return false;
  try {
    renameSync(from, to);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
  if (isStill(readSyncIfExists(to))) return true;
  try {
    linkSync(to, from);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error; // taken anew: the copy is stale
  }
  unlinkSync(to);
  return false;
}

function readSyncIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

// Why a job could not start in `path`, or undefined when it is a directory: "no such
// directory", "not a directory", or what stat(2) said. The daemon's check before a
// start, and the submitters' before a job is queued, so both say it alike.
export async function directoryProblem(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isDirectory() ? undefined : 'not a directory';
  } catch (error) {
    const code = errnoCode(error);
    return code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : describeIoError(error);
  }
}
