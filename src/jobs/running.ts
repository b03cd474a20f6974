// Jobs that daemons hold right now: one claim each in running/ (queue/claims.ts), with
// the claimed job file beside it. Read-only: the owner may finish any moment, so a
// file that is gone is simply not there any more.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/job-rules.js';
import { heldGroup, type PluginParallel } from '../core/schedule-hints.js';
import { loadJobFile, type LoadedJob } from '../core/job-file.js';
import type { KnownPlugins } from '../core/plugin-args.js';
import type { Claim } from '../queue/claims.js';
import { runningClaims } from '../queue/inventory.js';
import type { QueueLayout } from '../queue/layout.js';
import { summaryOf } from './describe.js';
import type { RunningJob } from './types.js';

export interface RunningFile {
  readonly claim: Claim;
  readonly loaded: LoadedJob | undefined; // undefined: the job file is already gone
}

export async function readClaimedJob(layout: QueueLayout, claim: Claim): Promise<RunningFile> {
  return { claim, loaded: await readClaimedFile(layout, claim.file, claim.source, Date.parse(claim.claimed_at)) };
}

// A claimed job file in running/ (`source` its name in pending/), or undefined once gone.
export async function readClaimedFile(layout: QueueLayout, file: string, source: string, claimedAt: number): Promise<LoadedJob | undefined> {
  try {
    return loadJobFile(source, await readFile(join(layout.running, file)), { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, submittedAt: claimedAt });
  } catch {
    return undefined;
  }
}

// Longest running first.
export async function readRunning(layout: QueueLayout): Promise<RunningFile[]> {
  const claims = await runningClaims(layout);
  const files = await Promise.all(claims.map((c) => readClaimedJob(layout, c)));
  const started = (f: RunningFile) => Date.parse(f.claim.started_at ?? f.claim.claimed_at);
  return files.sort((a, b) => started(a) - started(b));
}

export function runningJobOf(file: RunningFile, now: number, known?: KnownPlugins): RunningJob {
  const { claim, loaded } = file;
  return {
    state: 'running',
    id: claim.id,
    source: claim.source,
    host: claim.host,
    pid: claim.pgid ?? null,
    daemon: claim.tag,
    attempt: claim.attempt,
    claimed_at: claim.claimed_at,
    started_at: claim.started_at ?? null,
    elapsed_ms: claim.started_at ? Math.max(0, now - Date.parse(claim.started_at)) : null,
    retry_of: (loaded?.ok ? loaded.meta.retry_of : undefined) ?? null,
    ...summaryOf(loaded?.object, known),
  };
}

// The group a running job holds (see heldGroup).
export async function groupOf(file: RunningFile, pluginParallel: PluginParallel): Promise<string | undefined> {
  if (!file.loaded?.ok) return undefined;
  const { spec, object } = file.loaded;
  const plugin = spec.run.kind === 'plugin' ? spec.run.plugin : undefined;
  return heldGroup({ group: spec.group, plugin, explicitGroup: object.group !== undefined }, pluginParallel);
}
