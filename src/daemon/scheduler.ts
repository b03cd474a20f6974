// What runs next: pure decisions over the pending index, no I/O. The daemon passes in
// the clock, the groups now running and what it knows of dependencies, and gets back
// the job to claim (or the dependent to fail) and when to look again.
import type { PendingEntry } from './pending-index.js';

export type DependencyState = 'completed' | 'failed' | 'waiting';

export interface SchedulerView {
  readonly now: number;
  readonly settleMs: number;
  readonly busyGroups: ReadonlySet<string>;
  readonly skip: ReadonlySet<string>; // names being claimed right now
  dependency(id: string): DependencyState;
}

export type Decision =
  | { readonly kind: 'run'; readonly entry: PendingEntry }
  | { readonly kind: 'dependency-failed'; readonly entry: PendingEntry; readonly dependency: string };

export interface Pick {
  readonly decision: Decision | undefined;
  // Earliest time a job that waits on the clock (delay, settle) becomes ready.
  readonly wakeAt: number | undefined;
}

export function pickNext(entries: Iterable<PendingEntry>, view: SchedulerView): Pick {
  let wakeAt: number | undefined;
  const later = (t: number): void => {
    wakeAt = wakeAt === undefined ? t : Math.min(wakeAt, t);
  };
  for (const entry of entries) {
    if (view.skip.has(entry.name)) continue;
    if (entry.waitStable) {
      const stableAt = entry.mtimeMs + view.settleMs;
      if (stableAt <= view.now) return { decision: { kind: 'run', entry }, wakeAt };
      later(stableAt);
      continue;
    }
    if (entry.notBefore !== undefined && entry.notBefore > view.now) {
      later(entry.notBefore);
      continue;
    }
    let blocked = false;
    for (const dependency of entry.after) {
      const state = view.dependency(dependency);
      if (state === 'failed') return { decision: { kind: 'dependency-failed', entry, dependency }, wakeAt };
      if (state === 'waiting') blocked = true;
    }
    if (blocked) continue;
    if (entry.group !== undefined && view.busyGroups.has(entry.group)) continue;
    return { decision: { kind: 'run', entry }, wakeAt };
  }
  return { decision: undefined, wakeAt };
}
