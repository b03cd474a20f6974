// A pending file to its index entry: what the scheduler needs to order it and to know
// whether it may run yet. Reads the file once; returns undefined when it is gone.
//
// Many files at once (a start with a deep queue, a rescan after a burst) are read with
// synchronous calls in chunks, yielding to the event loop between chunks: for small
// local files that is several times cheaper than one promise chain per file (measured:
// 100,000 jobs indexed in about 1 s instead of 6 s of event-loop time). A worker
// thread (pending-reader.ts) takes chunks too: from PARALLEL_FROM files on, and at the
// daemon's start whatever their number.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { heldGroup, noParallelPlugins, scheduleHints, type PluginParallel } from '../core/schedule-hints.js';
import type { PendingEntry } from './pending-index.js';
import { CHUNK, PendingReader } from './pending-reader.js';
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
  const entries = new Entries();
  entries.add(name, mtimeMs, bytes);
  return (await entries.resolved(pluginParallel))[0]!;
}

// Index entries as files are read. All is taken from a file's bytes at once (they may
// be the reused buffer, see small-file.ts); only a plugin job's group waits, for the
// plugin's word on whether its jobs may overlap (heldGroup), once all are read.
class Entries {
  readonly #entries: PendingEntry[] = [];
  readonly #pluginGroups: number[] = []; // where the entries holding their plugin's group are

  add(name: string, mtimeMs: number, bytes: Uint8Array): void {
    const hints = scheduleHints(name, bytes, mtimeMs);
    const { wantedId, waitStable, priority, after, notBefore, plugin, group } = hints;
    if (plugin !== undefined && !hints.explicitGroup) this.#pluginGroups.push(this.#entries.length);
    this.#entries.push({ name, mtimeMs, size: bytes.length, wantedId, waitStable, priority, after, notBefore, plugin, group });
  }

  async resolved(pluginParallel: PluginParallel): Promise<PendingEntry[]> {
    for (const i of this.#pluginGroups) {
      const entry = this.#entries[i]!;
      this.#entries[i] = { ...entry, group: await heldGroup({ group: entry.group, plugin: entry.plugin, explicitGroup: false }, pluginParallel) };
    }
    return this.#entries;
  }
}

// Below this many files, starting a worker (about 40 ms) costs more than it saves.
const PARALLEL_FROM = 20_000;

export interface ReadTuning {
  readonly parallelFrom?: number; // how many files make a worker worth its start
  readonly chunk?: number;
}

// The entries of many pending files, in no particular order (those that vanished
// meanwhile are left out). `reader`: a worker already reading these names (the ones it
// listed as the daemon started); else one is started for a deep pending/. Tests tune
// the sharing out.
export async function readEntries(pendingDir: string, names: readonly string[], pluginParallel: PluginParallel = noParallelPlugins, tuning: ReadTuning = {}, reader?: PendingReader): Promise<PendingEntry[]> {
  const { parallelFrom = PARALLEL_FROM } = tuning;
  const helper = reader ?? (names.length >= parallelFrom ? PendingReader.start(pendingDir, names, tuning.chunk) : undefined);
  const chunk = helper?.chunk ?? tuning.chunk ?? CHUNK;
  const next = helper?.next ?? new Int32Array(1);
  const entries = new Entries();
  const chunks = Math.ceil(names.length / chunk);
  const namesOf = (c: number) => names.slice(c * chunk, (c + 1) * chunk);
  const added = new Uint8Array(chunks); // 1 once a chunk's entries are in
  let fault: unknown; // a fault of the system (readPendingBytes), met in a worker's chunk
  helper?.take((c, batch) => {
    if (fault !== undefined) return;
    try {
      addBatch(entries, pendingDir, namesOf(c), batch);
      added[c] = 1;
    } catch (error) {
      fault = error;
    }
  });
  try {
    for (let c = Atomics.add(next, 0, 1); c < chunks && fault === undefined; c = Atomics.add(next, 0, 1)) {
      readHere(entries, pendingDir, namesOf(c));
      added[c] = 1;
      await yieldToEventLoop(); // and take in what the worker has read
    }
  } finally {
    Atomics.store(next, 0, chunks); // the worker takes no more
  }
  await helper?.ended;
  if (fault !== undefined) throw fault;
  // Chunks the worker took and never sent (it failed): read here.
  for (let c = 0; c < chunks; c += 1) if (added[c] === 0) readHere(entries, pendingDir, namesOf(c));
  return entries.resolved(pluginParallel);
}

function readHere(entries: Entries, pendingDir: string, names: readonly string[]): void {
  for (const name of names) {
    const file = readPendingBytes(join(pendingDir, name));
    if (file !== undefined) entries.add(name, file.mtimeMs, file.bytes);
  }
}

// A file the worker could not read is read again here, to tell why as usual.
function addBatch(entries: Entries, pendingDir: string, names: readonly string[], batch: FileBatch): void {
  for (let i = 0; i < names.length; i += 1) {
    if (batch.state[i] === READ) entries.add(names[i]!, batch.mtimes[i]!, batch.data.subarray(batch.offsets[i], batch.offsets[i + 1]));
    else if (batch.state[i] === RETRY) readHere(entries, pendingDir, [names[i]!]);
  }
}
