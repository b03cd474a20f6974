// Why a pending job is not running yet. Pure, and in the same order as the
// scheduler's own checks (daemon/scheduler.ts pickNext), so that `mcpq list` says
// what the daemon will do.
import type { PluginWait } from '../daemon/command.js';
import type { PendingEntry } from '../daemon/pending-index.js';
import { unknownDependency, type DependencyState } from '../daemon/scheduler.js';
import type { Waiting } from './types.js';

export interface WaitingView {
  readonly now: number;
  readonly busyGroups: ReadonlySet<string>; // groups of the jobs running now
  readonly paused: boolean; // mcpq pause
  dependency(id: string): DependencyState;
  pluginWait(plugin: string): PluginWait | undefined; // as the plugin's last help run left it
}

// `error` is why the job will be failed as invalid, if it will: the file is not a
// valid job, or its `after` list is on a dependency cycle.
export function waitingOf(entry: PendingEntry, error: string | undefined, view: WaitingView): Waiting {
  if (entry.waitStable) return { reason: 'unreadable', error: error ?? 'not readable as a job yet' };
  if (error !== undefined) return { reason: 'invalid', error };
  if (entry.notBefore !== undefined && entry.notBefore > view.now) return { reason: 'delayed', until: new Date(entry.notBefore).toISOString() };
  const unfinished: string[] = [];
  for (const id of entry.after) {
    const state = view.dependency(id);
    if (state === 'failed') return { reason: 'dependency_failed', job: id };
    if (state === 'unknown') return { reason: 'invalid', error: unknownDependency(id) };
    if (state !== 'completed') unfinished.push(id);
  }
  if (unfinished.length > 0) return { reason: 'after', jobs: unfinished };
  const wait = entry.plugin === undefined ? undefined : view.pluginWait(entry.plugin);
  if (wait !== undefined) return { reason: 'plugin', plugin: wait.plugin, error: wait.error, tries: wait.tries, since: new Date(wait.since).toISOString() };
  if (entry.group !== undefined && view.busyGroups.has(entry.group)) return { reason: 'group', group: entry.group };
  return view.paused ? { reason: 'paused' } : { reason: 'ready' };
}
