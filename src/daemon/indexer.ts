// A pending file to its index entry: what the scheduler needs to order it and to know
// whether it may run yet. Reads the file once; returns undefined when it is gone.
//
// Many files at once (a start with a deep queue, a rescan after a burst) are read with
// synchronous calls in slices, yielding to the event loop between slices: for small
// local files that is several times cheaper than one promise chain per file (measured:
// 100,000 jobs indexed in about 1 s instead of 6 s of event-loop time). From
// PARALLEL_FROM files on, a worker thread (index-reader.ts) reads half of them
// meanwhile.
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { heldGroup, noParallelPlugins, scheduleHints, type PluginParallel } from '../core/schedule-hints.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { PendingEntry } from './pending-index.js';
import { READ, RETRY, isFileProblem, readError, readSmallFileSync, type FileBatch } from './small-file.js';

// One file, on a watch event. Most events are for files that just left pending/ (our
// own claims): an lstat that does not throw answers those without the cost of an
// ENOENT exception (and, unlike existsSync, still sees a link that cannot be followed).
export async function readEntry(pendingDir: string, name: string, pluginParallel: PluginParallel = noParallelPlugins): Promise<PendingEntry | undefined> {
  const path = join(pendingDir, name);
  if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return undefined;
  const file = readPendingBytes(path);
  return file === undefined ? undefined : indexEntry(name, file.mtimeMs, file.bytes, pluginParallel);
}

const NOTHING = new Uint8Array(0);

// A file that is there but cannot be read is indexed as not readable yet (no bytes,
// and `problem` says why): once the settle period has passed it is claimed and fails
// as invalid (job-lifecycle.ts), instead of staying in pending/ unseen. A fault of the
// system (too many open files) is thrown: the next rescan tries again. Also used by
// `mcpq list`, which shows such a file as the daemon sees it.
export function readPendingBytes(path: string, reuse = true): { bytes: Uint8Array; mtimeMs: number; problem?: string } | undefined {
  try {
    return readSmallFileSync(path, reuse);
  } catch (error) {
    if (!isFileProblem(error)) throw error;
    return { bytes: NOTHING, mtimeMs: Date.now(), problem: readError(error) };
  }
}

// The index entry of a pending file already read (also used by `mcpq list`).
export async function indexEntry(name: string, mtimeMs: number, bytes: Uint8Array, pluginParallel: PluginParallel): Promise<PendingEntry> {
  // `bytes` may be the reused buffer: everything is taken from it before the await.
  const hints = scheduleHints(name, bytes, mtimeMs);
  const { wantedId, waitStable, priority, after, notBefore, plugin } = hints;
  const size = bytes.length;
  return { name, mtimeMs, size, wantedId, waitStable, priority, after, notBefore, plugin, group: await heldGroup(hints, pluginParallel) };
}

const SLICE = 2_000; // files read between two yields to the event loop

// Below this many files, starting a worker (about 40 ms) costs more than it saves.
const PARALLEL_FROM = 20_000;

// The entries of many pending files (those that vanished meanwhile are left out).
// `parallelFrom`: how many files make a worker worth its start (tests lower it).
export async function readEntries(pendingDir: string, names: readonly string[], pluginParallel: PluginParallel = noParallelPlugins, parallelFrom = PARALLEL_FROM): Promise<PendingEntry[]> {
  const split = names.length >= parallelFrom ? Math.ceil(names.length / 2) : names.length;
  const theirs = names.slice(split);
  const helped = theirs.length > 0 ? readInWorker(pendingDir, theirs) : undefined;
  const entries = await readHere(pendingDir, names.slice(0, split), pluginParallel);
  const batch = await helped;
  if (batch === undefined) return entries.concat(await readHere(pendingDir, theirs, pluginParallel));
  for (let i = 0; i < theirs.length; i += 1) {
    const name = theirs[i]!;
    if (batch.state[i] === READ) {
      entries.push(await indexEntry(name, batch.mtimes[i]!, batch.data.subarray(batch.offsets[i], batch.offsets[i + 1]), pluginParallel));
    } else if (batch.state[i] === RETRY) {
      entries.push(...(await readHere(pendingDir, [name], pluginParallel)));
    }
  }
  return entries;
}

async function readHere(pendingDir: string, names: readonly string[], pluginParallel: PluginParallel): Promise<PendingEntry[]> {
  const entries: PendingEntry[] = [];
  for (let start = 0; start < names.length; start += SLICE) {
    if (start > 0) await yieldToEventLoop();
    for (const name of names.slice(start, start + SLICE)) {
      const file = readPendingBytes(join(pendingDir, name));
      if (file !== undefined) entries.push(await indexEntry(name, file.mtimeMs, file.bytes, pluginParallel));
    }
  }
  return entries;
}

// The worker is the build's dist/index-reader.cjs. Undefined when it is missing (the
// sources run as they are) or fails: the daemon's thread then reads those files too.
const WORKER = join(PACKAGE_ROOT, 'dist', 'index-reader.cjs');

export function readInWorker(dir: string, names: readonly string[]): Promise<FileBatch | undefined> {
  if (!existsSync(WORKER)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, { workerData: { dir, names }, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } });
    worker.once('message', (batch: FileBatch) => resolve(batch));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined)); // after a message, this changes nothing
  });
}
