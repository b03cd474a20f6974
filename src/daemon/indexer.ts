// A pending file to its index entry: what the scheduler needs to order it and to know
// whether it may run yet. Reads the file once; returns undefined when it is gone.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../core/errors.js';
import { loadJobFile, type LoadedJob } from '../core/job-file.js';
import type { PendingEntry } from './pending-index.js';

// `pluginParallel`: whether a plugin's jobs may overlap (its plugin.json says so); such
// a job is not held back by the plugin's group unless it names a group itself.
export async function readEntry(
  pendingDir: string,
  name: string,
  defaultTimeoutSeconds: number,
  pluginParallel: (plugin: string) => Promise<boolean> = async () => false,
): Promise<PendingEntry | undefined> {
  const path = join(pendingDir, name);
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) return undefined;
    mtimeMs = st.mtimeMs;
    bytes = await readFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  const loaded = loadJobFile(name, bytes, { timeoutSeconds: defaultTimeoutSeconds, submittedAt: mtimeMs });
  const entry = entryOf(name, mtimeMs, bytes.length, loaded);
  const ungrouped = loaded.ok && loaded.spec.run.kind === 'plugin' && loaded.object.group === undefined && (await pluginParallel(loaded.spec.run.plugin));
  return ungrouped ? { ...entry, group: undefined } : entry;
}

// The index entry of a pending file already read and loaded (also used by `mcpq list`).
export function entryOf(name: string, mtimeMs: number, size: number, loaded: LoadedJob): PendingEntry {
  const common = { name, mtimeMs, size, wantedId: loaded.wantedId };
  if (!loaded.ok) {
    // An invalid job is claimed at once (to be failed); an unreadable one once stable.
    return { ...common, priority: 0, after: [], notBefore: undefined, group: undefined, waitStable: loaded.incomplete };
  }
  const retryAt = loaded.meta.retry_at;
  const notBefore = maxDefined(loaded.spec.notBefore, retryAt);
  return {
    ...common,
    priority: loaded.spec.priority,
    after: loaded.spec.after,
    notBefore,
    group: loaded.spec.group,
    waitStable: false,
  };
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
