// Why a pending job is not running yet. Pure, and in the same order as the
// scheduler's own checks (daemon/scheduler.ts pickNext), so that `mcpq list` says
// what the daemon will do.
import type { PendingEntry } from '../daemon/pending-index.js';
import type { DependencyState } from '../daemon/scheduler.js';
import { LATEST_TIME_MS } from '../core/job-rules.js';
import type { Waiting } from './types.js';

export interface WaitingView {
  readonly now: number;
  readonly busyGroups: ReadonlySet<string>; // groups of the jobs running now
  readonly paused: boolean; // mcpq pause
  dependency(id: string): DependencyState;
}

// `error` is why the file is not a valid job, if it is not.
export function waitingOf(entry: PendingEntry, error: string | undefined, view: WaitingView): Waiting {
  if (entry.waitStable) return { reason: 'unreadable', error: error ?? 'not readable as a job yet' };
  if (error !== undefined) return { reason: 'invalid', error };
  if (entry.notBefore !== undefined && entry.notBefore > view.now) return { reason: 'delayed', until: new Date(Math.min(entry.notBefore, LATEST_TIME_MS)).toISOString() };
  const unfinished: string[] = [];
  for (const id of entry.after) {
    const state = view.dependency(id);
    if (state === 'failed') return { reason: 'dependency_failed', job: id };
    if (state !== 'completed') unfinished.push(id);
  }
  if (unfinished.length > 0) return { reason: 'after', jobs: unfinished };
  if (entry.group !== undefined && view.busyGroups.has(entry.group)) return { reason: 'group', group: entry.group };
  return view.paused ? { reason: 'paused' } : { reason: 'ready' };
}
