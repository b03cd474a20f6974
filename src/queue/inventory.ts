// What is in the queue right now, read from the folders (for status and listings).
import { errnoCode } from '../core/errors.js';
import { listRunning, type Claim, type RunningListing } from './claims.js';
import { visibleNames } from './files.js';
import type { QueueLayout } from './layout.js';

export interface Counts {
  readonly pending: number;
  readonly running: number;
  readonly unrecorded: number; // finished, their records not written yet (claims.ts `record`)
  readonly completed: number;
  readonly failed: number;
}

export async function countStates(layout: QueueLayout): Promise<Counts> {
  const [pending, running, completed, failed] = await Promise.all([
    visibleNames(layout.pending),
    runningClaims(layout),
    visibleNames(layout.completed),
    visibleNames(layout.failed),
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
