// pending/ as the daemon sees it: every job file read once, loaded, and sorted in run
// order (core/order.ts), each with the index entry the scheduler would build for it.
// Files that vanish while we read (claimed meanwhile) are simply left out.
import { join } from 'node:path';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/job-rules.js';
import { loadJobFile, unreadableJob, type LoadedJob } from '../core/job-file.js';
import { compareOrder } from '../core/order.js';
import { indexEntry, readPendingBytes } from '../daemon/indexer.js';
import { noParallelPlugins, type PluginParallel } from '../core/schedule-hints.js';
import type { PendingEntry } from '../daemon/pending-index.js';
import type { QueueLayout } from '../queue/layout.js';
import { visibleNames } from '../queue/files.js';

export interface PendingFile {
  readonly entry: PendingEntry;
  readonly loaded: LoadedJob;
  readonly id: string; // the id the job asks for (a daemon may add -2 if it is taken)
}

export async function pendingNames(layout: QueueLayout): Promise<string[]> {
  return visibleNames(layout.pending);
}

export async function readPendingFile(layout: QueueLayout, name: string, pluginParallel: PluginParallel = noParallelPlugins): Promise<PendingFile | undefined> {
  const file = readPendingBytes(join(layout.pending, name), false);
  if (file === undefined) return undefined;
  const loaded = file.problem === undefined ? loadJobFile(name, file.bytes, { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, submittedAt: file.mtimeMs }) : unreadableJob(name, file.problem);
  return { entry: await indexEntry(name, file.mtimeMs, file.bytes, pluginParallel), loaded, id: loaded.wantedId };
}

// Every pending job, first to run first. `pluginParallel` matters only for the groups
// (and so the waiting reasons) of plugin jobs.
export async function readPending(layout: QueueLayout, pluginParallel: PluginParallel = noParallelPlugins): Promise<PendingFile[]> {
  const names = await pendingNames(layout);
  const files: PendingFile[] = [];
  for (let i = 0; i < names.length; i += 256) {
    const batch = await Promise.all(names.slice(i, i + 256).map((n) => readPendingFile(layout, n, pluginParallel)));
    for (const file of batch) if (file !== undefined) files.push(file);
  }
  return files.sort((a, b) => compareOrder(a.entry, b.entry));
}
