// `mcpq list` (and MCP list_jobs): pending jobs in run order with the reason each
// waits, running jobs with their elapsed time, and the newest finished jobs. Cost is
// bounded by what is shown: all pending files are read (their order depends on their
// content), but of the finished records only names and mtimes are looked at, and only
// the `limit` newest are read.
import type { QueueLayout } from '../queue/layout.js';
import { finishedJobOf, newestFirst, readRecordSafely, recordIds, statRecords } from './finished.js';
import { summaryOf } from './describe.js';
import { pendingNames, readPending, type PendingFile } from './pending.js';
import { groupOf, readRunning, runningJobOf, type RunningFile } from './running.js';
import { dependencyCycles } from '../daemon/scheduler.js';
import { exists } from '../queue/files.js';
import { claimPath, recordPath } from '../queue/layout.js';
import { parsePendingName } from '../queue/names.js';
import { JOB_STATES, type JobState, type Listing, type PendingJob } from './types.js';
import { waitingOf, type WaitingView } from './waiting.js';
import { pauseState } from '../queue/pause.js';
import { noParallelPlugins, type PluginParallel } from '../core/schedule-hints.js';
import { noPluginArgs, type KnownPlugins, type PluginArgsLookup } from '../core/plugin-args.js';
import { pluginsNamed } from '../core/redact.js';
import type { PluginWait } from '../daemon/command.js';

export const DEFAULT_LIST_LIMIT = 20;

export interface ListOptions {
  readonly states?: readonly JobState[]; // default: all
  readonly limit?: number; // finished jobs shown; 0: all (default 20)
  readonly now?: number;
  // Whether a plugin's jobs may run at the same time: they then wait for no group.
  readonly pluginParallel?: PluginParallel;
  // What is known of plugin jobs' args (core/plugin-args.ts): which keys hold secrets,
  // hidden when shown, and how the args become the plugin's command line.
  readonly pluginArgs?: PluginArgsLookup;
  // Whether a plugin's jobs wait for it (registry waitOf); it must not run any --help.
  readonly pluginWait?: (plugin: string) => Promise<PluginWait | undefined>;
}

export async function listJobs(layout: QueueLayout, options: ListOptions = {}): Promise<Listing> {
  const states = new Set(options.states ?? JOB_STATES);
  const now = options.now ?? Date.now();
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  const ids = { completed: recordIds(layout, 'completed'), failed: recordIds(layout, 'failed') };
  const pluginParallel = options.pluginParallel ?? noParallelPlugins;
  const running = await readRunning(layout);
  const pending = states.has('pending') ? await readPending(layout, pluginParallel) : undefined;

  const finishedStates = (['completed', 'failed'] as const).filter((s) => states.has(s));
  const newest = newestFirst(finishedStates.flatMap((s) => statRecords(layout, s, ids[s])));
  const shown = limit === 0 ? newest : newest.slice(0, limit);
  const records = await Promise.all(shown.map((f) => readRecordSafely(layout, f.id)));
  const jobs = [...(pending ?? []).map((f) => f.loaded.object), ...running.map((f) => f.loaded?.object), ...records];
  const known = await (options.pluginArgs ?? noPluginArgs)(pluginsNamed(jobs));
  const finished = shown.map((f, i) => finishedJobOf(f, records[i], now, known));

  const completed = new Set(ids.completed);
  const failed = new Set(ids.failed);
  const unknown = pending === undefined ? new Set<string>() : await unknownDependencies(layout, pending, running, completed, failed);
  const waits = await pluginWaits(pending ?? [], options.pluginWait);
  const view: WaitingView = {
    now,
    busyGroups: new Set((await Promise.all(running.map((f) => groupOf(f, pluginParallel)))).filter((g) => g !== undefined)),
    paused: (await pauseState(layout)) !== undefined,
    dependency: (id) => (completed.has(id) ? 'completed' : failed.has(id) ? 'failed' : unknown.has(id) ? 'unknown' : 'waiting'),
    pluginWait: (plugin) => waits.get(plugin),
  };
  const cycles = pending === undefined ? new Map<string, string>() : dependencyCycles(pending.map((f) => f.entry));
  return {
    queue: layout.root,
    pending: (pending ?? []).map((file, i) => pendingJobOf(file, i + 1, view, cycles.get(file.entry.name), known)),
    running: states.has('running') ? running.map((f) => runningJobOf(f, now, known)) : [],
    finished,
    totals: {
      pending: pending?.length ?? (await pendingNames(layout)).length,
      running: running.length,
      completed: ids.completed.length,
      failed: ids.failed.length,
    },
  };
}

// The ids pending jobs wait for that no job has, pending, running or finished: the
// daemon fails those jobs as invalid. Ids seen nowhere are looked for once more, as a
// job may have moved between folders while they were listed.
async function unknownDependencies(layout: QueueLayout, pending: readonly PendingFile[], running: readonly RunningFile[], completed: ReadonlySet<string>, failed: ReadonlySet<string>): Promise<Set<string>> {
  const known = new Set([...pending.flatMap((f) => [f.id, f.entry.wantedId]), ...running.map((f) => f.claim.id)]);
  const nowhere = new Set(pending.flatMap((f) => f.entry.after).filter((id) => !known.has(id) && !completed.has(id) && !failed.has(id)));
  if (nowhere.size === 0) return nowhere;
  const elsewhere = await Promise.all(
    [...nowhere].map(async (id) => (await exists(recordPath(layout, 'completed', id))) || (await exists(recordPath(layout, 'failed', id))) || (await exists(claimPath(layout, id)))),
  );
  const back = new Set((await pendingNames(layout)).map((name) => parsePendingName(name).stem)); // put back meanwhile
  return new Set([...nowhere].filter((id, i) => !elsewhere[i] && !back.has(id)));
}

// The plugins pending jobs name whose jobs wait for them, each asked once.
async function pluginWaits(pending: readonly PendingFile[], waitOf: ListOptions['pluginWait']): Promise<Map<string, PluginWait>> {
  const plugins = [...new Set(pending.flatMap((f) => (f.entry.plugin === undefined ? [] : [f.entry.plugin])))];
  if (waitOf === undefined || plugins.length === 0) return new Map();
  const waits = await Promise.all(plugins.map(waitOf));
  return new Map(waits.flatMap((w) => (w === undefined ? [] : [[w.plugin, w] as const])));
}

// `problem`: why the daemon will fail the job as invalid though its file is valid.
export function pendingJobOf(file: PendingFile, position: number, view: WaitingView, problem?: string, known?: KnownPlugins): PendingJob {
  const { entry, loaded } = file;
  return {
    state: 'pending',
    id: file.id,
    name: entry.name,
    position,
    priority: entry.priority,
    submitted_at: new Date(entry.mtimeMs).toISOString(),
    attempt: loaded.ok ? loaded.attempt : 1,
    retry_of: (loaded.ok ? loaded.meta.retry_of : undefined) ?? null,
    waiting: waitingOf(entry, loaded.ok ? problem : loaded.error, view),
    ...summaryOf(loaded.object, known),
  };
}
