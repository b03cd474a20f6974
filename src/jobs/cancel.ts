// `mcpq cancel` (and MCP cancel_job).
//
// A pending job is cancelled here, by the caller, the way a daemon would fail it:
// claim it (rename into running/), reserve its id (running/<id>.claim), write its
// `cancelled` record, remove the claim. Recovery (daemon/recovery.ts) takes over any
// claim whose owner has no live lease in daemons/, so the caller first registers a
// short lease of its own (its pid, this host) and removes it when done. Should the
// caller die half-way, its lease is dead and a daemon finishes the job's story: a
// claim without a record is put back in pending/ (the cancel did not happen), a
// record without a removed claim is tidied. A daemon that tries to claim the same
// file meanwhile gets ENOENT and moves on; if a daemon wins instead, the job is
// running and is cancelled as such.
//
// A running job belongs to a daemon, perhaps on another host: the request travels
// through control/ (queue/control.ts); that daemon stops the job's process group
// (SIGTERM, SIGKILL after its --kill-grace) and records it `cancelled` as usual.
// `awaitCancelled` waits for that record, and cancels the job in pending/ if its
// daemon died and recovery put it back there. If its daemon is dead and the job still
// claimed, mcpq recovers that claim itself, as a daemon would (daemon/recovery.ts):
// it stops what is left of the job, finds the request and records the job cancelled.
// A daemon that recovers the claim first does the same.
import { ExitCode, McpqError } from '../core/errors.js';
import { randomHex } from '../core/random.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/job-rules.js';
import { recordLinks } from '../core/job-file.js';
import { noPluginArgs, type PluginArgsLookup } from '../core/plugin-args.js';
import { pluginsNamed, redactJob } from '../core/redact.js';
import { takePending } from '../daemon/take-pending.js';
import { putBack, readClaim, releaseClaim, type Claim } from '../queue/claims.js';
import { requestCancel, removeRequest } from '../queue/control.js';
import { unlinkIfExists } from '../queue/files.js';
import { ensureQueue, type QueueLayout } from '../queue/layout.js';
import { bootTime, listDaemons, registerDaemon, thisHost, unregisterDaemon } from '../queue/owner.js';
import { buildRecord, keepOriginal, originalName, readRecord, writeRecord, type AttemptSummary, type JobRecord } from '../queue/records.js';
import { VERSION } from '../version.js';
import { readRecordSafely } from './finished.js';
import { locate, locateExact, type Located } from './find.js';
import type { CancelResult } from './types.js';
import { waitForRecord } from './wait.js';

const LEASE_MS = 60_000;
const LOOKS = 5; // a job may change state while we act; look again this many times

export interface CancelOptions {
  readonly by: string; // who cancels, e.g. "alice@laptop"
  // What is known of a plugin job's args, for the record shown (see ListOptions).
  readonly pluginArgs?: PluginArgsLookup;
}

// Cancels a pending job at once; asks the daemon of a running job to stop it.
export async function cancelJob(layout: QueueLayout, ref: string, options: CancelOptions): Promise<CancelResult> {
  let job: Located | undefined = await locate(layout, ref);
  await ensureQueue(layout); // daemons/ and control/ may not exist yet in a queue no daemon served
  for (let look = 1; job !== undefined && look <= LOOKS; look += 1) {
    const done = await cancelLocated(layout, job, options);
    if (done !== undefined) return done;
    job = await locateExact(layout, job.id); // claimed or finished meanwhile
  }
  if (job === undefined) throw new McpqError(`job ${ref} vanished while it was cancelled (cleaned?)`, ExitCode.notFound);
  throw new McpqError(`job ${job.id} kept changing state while it was cancelled; try again`, ExitCode.failure);
}

async function cancelLocated(layout: QueueLayout, job: Located, { by, pluginArgs }: CancelOptions): Promise<CancelResult | undefined> {
  switch (job.state) {
    case 'completed':
    case 'failed': {
      // Finished, whatever its record holds: a file that is no record still says so.
      const record = await readRecordSafely(layout, job.id);
      return { id: job.id, outcome: 'already_finished', status: String(record?.result.status ?? job.state) };
    }
    case 'running':
      return { id: job.id, outcome: 'requested', request: await requestCancel(layout, job.id, by) };
    case 'pending': {
      const record = await cancelPending(layout, job.name, by);
      return record === undefined ? undefined : finished(String(record.result.id), record, 'pending', pluginArgs);
    }
  }
}

export interface AwaitOptions extends CancelOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  // The job's daemon is dead: mcpq stops what is left of the job itself (its claim).
  readonly onOrphan?: (claim: Claim) => void;
  // Stop waiting (an MCP client cancelled its call, or left): the request stays, as
  // when it is made without waiting, and the result says it was requested.
  readonly signal?: AbortSignal;
}

// After a request: the job's record, or an McpqError once `timeoutMs` has passed (the
// request is then withdrawn, so that it does not stop a later run by surprise).
export async function awaitCancelled(layout: QueueLayout, id: string, request: string, options: AwaitOptions): Promise<CancelResult> {
  const deadline = Date.now() + options.timeoutMs;
  let withdraw = true;
  try {
    for (;;) {
      const slice = Math.max(0, Math.min(1_000, deadline - Date.now()));
      const record = await waitForRecord(layout, id, { timeoutMs: slice, ...(options.pollMs ? { pollMs: options.pollMs } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      if (record !== undefined) return finished(id, record, 'running', options.pluginArgs);
      if (options.signal?.aborted) {
        withdraw = false;
        return { id, outcome: 'requested', request };
      }
      const now = await locateExact(layout, id);
      if (now?.state === 'pending') {
        const cancelled = await cancelPending(layout, now.name, options.by);
        if (cancelled !== undefined) return finished(id, cancelled, 'pending', options.pluginArgs);
      }
      const orphan = now?.state === 'running' ? await deadOwnersClaim(layout, id) : undefined;
      if (orphan !== undefined) {
        options.onOrphan?.(orphan);
        const cancelled = await cancelOrphan(layout, id);
        if (cancelled !== undefined) return finished(id, cancelled, 'running', options.pluginArgs);
      }
      if (Date.now() >= deadline) {
        throw new McpqError(`job ${id} was not stopped within ${Math.round(options.timeoutMs / 1_000)}s`, ExitCode.failure, undefined, {
          cli: 'is the daemon that runs it alive? mcpq status tells',
          mcp: 'is the daemon that runs it alive? queue_status tells',
        });
      }
    }
  } finally {
    if (withdraw) await removeRequest(layout, request);
  }
}

// The result of a cancel that has its record; the record shown is redacted.
async function finished(id: string, record: JobRecord, was: 'pending' | 'running', pluginArgs = noPluginArgs): Promise<CancelResult> {
  const status = String(record.result.status);
  if (status !== 'cancelled') return { id, outcome: 'already_finished', status };
  return { id, outcome: 'cancelled', was, record: redactJob(record, await pluginArgs(pluginsNamed([record]))) };
}

// Job `id`'s claim, when the daemon holding it is dead (a first look; recovery looks
// again, with the filesystem's clock).
async function deadOwnersClaim(layout: QueueLayout, id: string): Promise<Claim | undefined> {
  const held = await readClaim(layout, id);
  if (held === undefined) return undefined;
  return (await listDaemons(layout)).some((d) => d.info.tag === held.tag && d.alive) ? undefined : held;
}

// Recovers the dead daemon's claim of job `id` here, which finds the cancel request.
// The recovery modules and the logger are loaded only for this.
async function cancelOrphan(layout: QueueLayout, id: string): Promise<JobRecord | undefined> {
  const [{ recoverJob }, { DEFAULT_SETTINGS }, { noPlugins }, { pino }] = await Promise.all([
    import('../daemon/recovery.js'),
    import('../daemon/context.js'),
    import('../daemon/command.js'),
    import('pino'),
  ]);
  return underOwnLease(layout, async (tag, host) => {
    const ctx = { layout, settings: DEFAULT_SETTINGS, tag, host, log: pino({ enabled: false }), resolvePlugin: noPlugins, version: VERSION };
    return (await recoverJob(ctx, id)) === 'cancelled' ? readRecord(layout, id) : undefined;
  });
}

// Runs `act` under a short lease of our own in daemons/, so that a daemon's recovery
// sees a live owner of the claims `act` makes, and takes them over if mcpq dies.
async function underOwnLease<T>(layout: QueueLayout, act: (tag: string, host: string) => Promise<T>): Promise<T> {
  const tag = randomHex(10);
  const host = thisHost();
  await registerDaemon(layout, {
    tag,
    host,
    pid: process.pid,
    boot_time: bootTime(),
    started_at: new Date().toISOString(),
    version: VERSION,
    concurrency: 0, // runs nothing: holds claims only while it cancels
    queue: layout.root,
    lease_ms: LEASE_MS,
    supervisor: 'mcpq cancel',
  });
  try {
    return await act(tag, host);
  } finally {
    await unregisterDaemon(layout, tag);
  }
}

// Claims pending/<name> under a lease of our own and records it cancelled. Undefined
// when a daemon claimed it first. A fault of the system before the record is written
// (a full disk, EMFILE) puts the job back into pending/ as it was, as a daemon does
// with a job it cannot claim, and is thrown: the job was not cancelled.
async function cancelPending(layout: QueueLayout, name: string, by: string): Promise<JobRecord | undefined> {
  return underOwnLease(layout, async (tag, host) => {
    const taken = await takePending(layout, name, { tag, host, seq: 1, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS });
    if (taken.kind === 'lost-race') return undefined;
    if (taken.kind === 'put-back') throw taken.error;
    const { claim, loaded, path } = taken;
    const original = loaded.ok ? undefined : originalName(claim.id);
    const record = buildRecord(
      loaded.object ?? {},
      { status: 'cancelled', returncode: null, error: `cancelled by ${by} before it started` },
      {
        id: claim.id,
        source: name,
        host,
        attempts: claim.attempt - 1, // this attempt never started
        earlierAttempts: (loaded.ok ? (loaded.meta.history ?? []) : []) as AttemptSummary[],
        startedAt: undefined,
        completedAt: new Date(),
        stdout: undefined,
        stderr: undefined,
        extra: { ...recordLinks(loaded.ok ? loaded.meta : undefined), ...(original ? { original_file: original } : {}) },
      },
    );
    try {
      await writeRecord(layout, record);
    } catch (error) {
      await putBack(layout, path, name, claim.id);
      throw error;
    }
    // A file that was not a valid job keeps its bytes beside the record, as an invalid job would.
    if (original !== undefined) await keepOriginal(layout, path, claim.id);
    else await unlinkIfExists(path);
    await releaseClaim(layout, claim.id);
    return record;
  });
}
