// What is in the queue right now, read from the folders (for status and listings).
import { readdir } from 'node:fs/promises';
import { errnoCode } from '../core/errors.js';
import { listRunning, type Claim, type RunningListing } from './claims.js';
import type { QueueLayout } from './layout.js';
import { isIgnoredName } from './names.js';

export interface Counts {
  readonly pending: number;
  readonly running: number;
  readonly unrecorded: number; // finished, their records not written yet (claims.ts `record`)
  readonly completed: number;
  readonly failed: number;
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !isIgnoredName(n));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

export async function countStates(layout: QueueLayout): Promise<Counts> {
  const [pending, running, completed, failed] = await Promise.all([
    names(layout.pending),
    runningClaims(layout),
    names(layout.completed),
    names(layout.failed),
  ]);
  const records = (list: string[]) => list.filter((n) => n.endsWith('.json')).length;
  const unrecorded = running.filter((c) => c.record !== undefined).length;
  return { pending: pending.length, running: running.length - unrecorded, unrecorded, completed: records(completed), failed: records(failed) };
}

export async function runningClaims(layout: QueueLayout): Promise<Claim[]> {
  return (await runningListing(layout))?.claims ?? [];
}

// What running/ holds, or undefined while there is no running/ yet.
export async function runningListing(layout: QueueLayout): Promise<RunningListing | undefined> {
  try {
    return await listRunning(layout);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
