// What runs next: pure decisions over the pending index, no I/O. The daemon passes in
// the clock, the groups now running, what it knows of dependencies and the plugins
// jobs wait for, and gets back the job to claim (or the dependent to fail) and when to
// look again.
import type { PendingEntry } from './pending-index.js';

// `unknown`: no job of that id is pending, running or finished, and that has held for
// the settle period (the daemon confirms it: a job can be between folders for a moment).
export type DependencyState = 'completed' | 'failed' | 'waiting' | 'unknown';

export interface SchedulerView {
  readonly now: number;
  readonly settleMs: number;
  readonly busyGroups: ReadonlySet<string>;
  readonly skip: ReadonlySet<string>; // names being claimed right now
  dependency(id: string): DependencyState;
  problem(name: string): string | undefined; // a reason to fail the job as invalid
  pluginWaits(plugin: string): boolean; // its description cannot be read now (plugin-waits.ts)
}

export type Decision =
  | { readonly kind: 'run'; readonly entry: PendingEntry }
  | { readonly kind: 'dependency-failed'; readonly entry: PendingEntry; readonly dependency: string }
  | { readonly kind: 'invalid'; readonly entry: PendingEntry; readonly error: string };

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
    const problem = view.problem(entry.name);
    if (problem !== undefined) return { decision: { kind: 'invalid', entry, error: problem }, wakeAt };
    let blocked = false;
    for (const dependency of entry.after) {
      const state = view.dependency(dependency);
      if (state === 'failed') return { decision: { kind: 'dependency-failed', entry, dependency }, wakeAt };
      if (state === 'unknown') return { decision: { kind: 'invalid', entry, error: unknownDependency(dependency) }, wakeAt };
      if (state !== 'completed') blocked = true;
    }
    if (blocked) continue;
    if (entry.plugin !== undefined && view.pluginWaits(entry.plugin)) continue; // woken when the wait ends
    if (entry.group !== undefined && view.busyGroups.has(entry.group)) continue;
    return { decision: { kind: 'run', entry }, wakeAt };
  }
  return { decision: undefined, wakeAt };
}

// Why a job whose dependency no job answers to is invalid (also said by `mcpq list`).
export function unknownDependency(id: string): string {
  return `after: unknown job id "${id}"`;
}

// Pending jobs whose `after` lists lead back to themselves can never run: each is
// failed as invalid, naming the cycle. Pure; O(jobs + edges).
export function dependencyCycles(entries: readonly PendingEntry[]): Map<string, string> {
  const byId = new Map(entries.map((e) => [e.wantedId, e]));
  const state = new Map<string, 'visiting' | 'done'>();
  const problems = new Map<string, string>();
  const path: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    path.push(id);
    for (const next of byId.get(id)?.after ?? []) {
      if (!byId.has(next)) continue;
      if (state.get(next) === 'visiting') {
        const cycle = [...path.slice(path.indexOf(next)), next];
        for (const member of cycle) problems.set(byId.get(member)!.name, `after: dependency cycle ${cycle.join(' → ')}`);
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const entry of entries) if (entry.after.length > 0 && !state.has(entry.wantedId)) visit(entry.wantedId);
  return problems;
}
