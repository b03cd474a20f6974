// One claimed job from its claim to its record. The order of steps is what makes a
// crash harmless at any point:
//
//   pending/X ──rename──▶ running/X@tag-n ──▶ running/<id>.claim (O_EXCL)
//        ──▶ started_at into the claim ──▶ spawn ──▶ pgid into the claim
//        ──▶ record written (atomic, fsync) ──▶ running/X@tag-n removed ──▶ claim removed
//
// A record is always written before the claim goes, so recovery (recovery.ts) either
// finds the record and only tidies up, or finds no record and puts the job back. A
// claim notes `started_at` before the spawn, so a job that may have started is never
// taken for one that did not: recovery looks for its processes even without a pgid.
// A plugin job whose plugin cannot be asked now (command.ts PluginWait) goes back to
// pending/ before any of the start, as it was: not run, not counted, in its place.
import { copyFile, readFile, rename, stat, utimes } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode, errorMessage } from '../core/errors.js';
import { META_KEY, recordLinks, type LoadedJob } from '../core/job-file.js';
import { MAX_WAIT_SECONDS } from '../core/job-rules.js';
import { isRetryable, type Outcome } from '../core/outcome.js';
import { redactArgs, redactEnv, redactFlags, redactShellLine } from '../core/redact.js';
import type { RunSpec } from '../core/job-schema.js';
import { holdRecordInClaim, putBack, releaseClaim, updateClaim, type Claim } from '../queue/claims.js';
import { exists, unlinkIfExists, writeAtomic } from '../queue/files.js';
import { logPath } from '../queue/layout.js';
import { buildRecord, keepOriginal, originalName, summarizeAttempt, writeRecord, type AttemptSummary, type JobRecord, type StreamTail } from '../queue/records.js';
import { jsonOutput } from '../plugins/output.js';
import { commandFor, type PluginWait, type Resolved } from './command.js';
import type { DaemonContext } from './context.js';
import { isSystemFault, startJob, type RunResult, type RunningJob, type StopReason } from './runner.js';
import { takePending, type Take } from './take-pending.js';
import { makeDirs } from '../queue/make-dirs.js';

export interface Started {
  readonly id: string;
  readonly stop: (reason: StopReason) => void;
}

export interface Hooks {
  onStarted(started: Started): void;
  // The job's processes are gone: its slot may go to the next job while the record is
  // written (so an fsync never delays the next start).
  onExited(id: string): void;
  stopping(): boolean;
  // Nothing else of this daemon is running or being recorded (see JobLogs.open).
  alone(): boolean;
}

// How a claimed job left this daemon: with a record, or back into pending/.
export type Settled =
  | { readonly kind: 'recorded'; readonly id: string; readonly status: string }
  // Finished, but its record cannot be written yet: `write` tries again (held-records.ts).
  | { readonly kind: 'held'; readonly id: string; readonly status: string; readonly error: unknown; readonly write: () => Promise<void> }
  | { readonly kind: 'requeued'; readonly id: string }
  // Never started: back into pending/ as it was, until its plugin can be asked again.
  | { readonly kind: 'plugin-waits'; readonly id: string; readonly wait: PluginWait }
  // Never started: back into pending/ as it was (take-pending.ts), or claimed by another.
  | Exclude<Take, { kind: 'taken' }>;

let claimSeq = 0;

export async function claimAndRun(ctx: DaemonContext, name: string, hooks: Hooks): Promise<Settled> {
  const taken = await take(ctx, name);
  if (taken.kind !== 'taken') return taken;
  const { claim, loaded, path } = taken;
  if (!loaded.ok) return finishInvalid(ctx, claim, loaded.object, loaded.error);
  const command = await commandFor(loaded.spec.run, path, ctx.resolvePlugin);
  if (!command.ok && command.wait !== undefined) {
    await requeue(ctx, claim);
    ctx.log.info({ event: 'requeue', id: claim.id, reason: 'plugin_waits', plugin: command.wait.plugin }, 'put back: its plugin cannot describe itself now');
    return { kind: 'plugin-waits', id: claim.id, wait: command.wait };
  }
  if (!command.ok) return finishInvalid(ctx, claim, loaded.object, command.error);
  if (hooks.stopping()) {
    await requeue(ctx, claim);
    return { kind: 'requeued', id: claim.id };
  }
  return run(ctx, claim, loaded, command, hooks);
}

// Why the scheduler fails a job without running it.
export type Failure = { readonly kind: 'dependency'; readonly dependency: string } | { readonly kind: 'invalid'; readonly error: string };

export async function claimAndFail(ctx: DaemonContext, name: string, failure: Failure): Promise<Settled> {
  const taken = await take(ctx, name);
  if (taken.kind !== 'taken') return taken;
  const { claim, loaded } = taken;
  if (failure.kind === 'invalid') return finishInvalid(ctx, claim, loaded.object, failure.error);
  const outcome: Outcome = { status: 'dependency_failed', dependency: failure.dependency, error: `dependency ${failure.dependency} did not complete` };
  // It never started: only the attempts that ran count, as for a cancel before the start.
  return record(ctx, claim, loaded.object ?? {}, outcome, { attempts: claim.attempt - 1, earlierAttempts: historyOf(loaded), extra: recordLinks(loaded.ok ? loaded.meta : undefined) });
}

async function take(ctx: DaemonContext, name: string): Promise<Take> {
  const taken = await takePending(ctx.layout, name, { tag: ctx.tag, host: ctx.host, seq: (claimSeq += 1), timeoutSeconds: ctx.settings.defaultTimeoutSeconds });
  if (taken.kind === 'taken') ctx.log.info({ event: 'claim', id: taken.claim.id, source: name, attempt: taken.claim.attempt }, 'claimed');
  return taken;
}

async function run(ctx: DaemonContext, claim: Claim, loaded: Extract<LoadedJob, { ok: true }>, resolved: Extract<Resolved, { ok: true }>, hooks: Hooks): Promise<Settled> {
  const { spec } = loaded;
  const { command } = resolved;
  claim.started_at = new Date().toISOString();
  noteClaim(ctx, claim, 'the start');
  let job: RunningJob;
  try {
    job = await startJob({
      command,
      cwd: spec.cwd,
      env: { ...spec.env, MCPQ_JOB_ID: claim.id, MCPQ_QUEUE: ctx.layout.root },
      timeoutMs: spec.timeoutMs,
      killGraceMs: ctx.settings.killGraceMs,
      stdoutLog: logPath(ctx.layout, claim.id, 'out'),
      stderrLog: logPath(ctx.layout, claim.id, 'err'),
      tailBytes: ctx.settings.tailBytes,
      maxLogBytes: ctx.settings.maxLogBytes,
      alone: hooks.alone(),
    });
  } catch (error) {
    if (!isSystemFault(error)) throw error;
    // Not started for want of descriptors or room: back into pending/ as it was, its
    // attempt not counted, and claims back off, as for a job that cannot be claimed.
    await requeue(ctx, claim);
    return { kind: 'put-back', error };
  }
  await noteStart(ctx, claim, job, describeRun(spec.run, resolved.secretKeys), spec.env);
  hooks.onStarted({ id: claim.id, stop: job.stop });
  await job.exited;
  hooks.onExited(claim.id);
  const result = await job.done;
  let outcome = result.outcome;
  if (outcome.status === 'requeue' || (await stoppedWithTheDaemon(outcome, hooks))) {
    ctx.log.info({ event: 'requeue', id: claim.id, reason: 'shutdown' }, 'put back for the next start');
    await requeue(ctx, claim);
    return { kind: 'requeued', id: claim.id };
  }
  outcome = outcome as Outcome;
  const history = historyOf(loaded);
  const attemptsAllowed = 1 + spec.retries;
  // Also while the daemon stops: a restart must not cost a job the retries it has left.
  if (isRetryable(outcome.status) && claim.attempt < attemptsAllowed) {
    const delayMs = retryDelay(spec.retryDelayMs, claim.attempt);
    const summary = summarizeAttempt(claim.attempt, outcome, result.startedAt, result.endedAt);
    ctx.log.info({ event: 'retry', id: claim.id, attempt: claim.attempt, status: outcome.status, delay_ms: delayMs }, 'will retry');
    try {
      await requeue(ctx, claim, { history: [...history, summary], retryAt: Date.now() + delayMs });
      return { kind: 'requeued', id: claim.id };
    } catch (error) {
      if (errnoCode(error) === undefined) throw error; // a bug, not the disk
      // The disk will not take it back (ENOSPC): it is recorded as it ended, saying why
      // it was not retried (a held record waits for room), rather than left claimed by
      // a live daemon, which no one recovers before its next start.
      ctx.log.error({ event: 'retry_error', id: claim.id, error: errorMessage(error) }, 'could not put the job back for its retry: recorded as it ended');
      const why = `not retried: could not put it back in pending/: ${errorMessage(error)}`;
      const ended = outcome as Extract<Outcome, { status: 'failed' | 'timeout' }>;
      outcome = { ...ended, error: ended.error === undefined ? why : `${ended.error}; ${why}` };
    }
  }
  const resultFile = spec.resultFile === undefined ? undefined : await writeResultFile(ctx, claim.id, spec.resultFile, result.stdout);
  return record(ctx, claim, loaded.object, outcome, {
    startedAt: result.startedAt,
    completedAt: result.endedAt,
    stdout: result.stdout,
    stderr: result.stderr,
    earlierAttempts: history,
    extra: { ...resultFile, ...recordLinks(loaded.meta), ...(spec.run.kind === 'plugin' ? jsonOutput(result.stdout) : undefined) },
  });
}

// A job killed by a signal the daemon did not send while the daemon stops (systemd
// signalling the whole control group) was interrupted, not failed: it goes back. The
// job's death may be seen before the daemon's own SIGTERM of the same stop is
// handled, so a signalled job waits a moment for that SIGTERM before it counts as failed.
const STOP_SIGNAL_WINDOW_MS = 500;

async function stoppedWithTheDaemon(outcome: RunResult['outcome'], hooks: Hooks): Promise<boolean> {
  if (outcome.status !== 'failed' || !('signal' in outcome) || outcome.signal === undefined) return false;
  if (!hooks.stopping()) await sleep(STOP_SIGNAL_WINDOW_MS);
  return hooks.stopping();
}

async function noteStart(ctx: DaemonContext, claim: Claim, job: RunningJob, run: Record<string, unknown>, env: Readonly<Record<string, string>>): Promise<void> {
  if (job.pid !== undefined) {
    claim.pgid = job.pid;
    noteClaim(ctx, claim, 'the process group');
  }
  ctx.log.info({ event: 'start', id: claim.id, pid: job.pid, run, env: redactEnv(env) }, 'started');
}

// The job runs (or is about to) whatever happens here: supervise it to its end all the
// same; only a crash from now on would find the claim without this note.
function noteClaim(ctx: DaemonContext, claim: Claim, what: string): void {
  try {
    updateClaim(ctx.layout, claim);
  } catch (error) {
    ctx.log.error({ event: 'claim_error', id: claim.id, error: errorMessage(error) }, `could not note ${what} in the claim`);
  }
}

// What the log may say about a job: its form and redacted arguments. `secretKeys`:
// a plugin job's keys that give secret options, as its plugin's description says.
export function describeRun(run: RunSpec, secretKeys?: ReadonlySet<string>): Record<string, unknown> {
  switch (run.kind) {
    case 'exec':
      return { kind: run.kind, command: run.file, args: redactArgs(run.args) };
    case 'shell':
      return { kind: run.kind, command: redactShellLine(run.line) };
    case 'script':
      return { kind: run.kind, interpreter: run.interpreter };
    case 'plugin':
      return { kind: run.kind, plugin: run.plugin, command: run.command, args: redactFlags(run.flags, secretKeys) };
  }
}

// Doubling from the first delay, with ±20% jitter so that retries of many jobs that
// failed together do not all come back at once; never longer than a job may ask to
// wait (a later retry_at would not fit in a Date).
export function retryDelay(firstMs: number, attempt: number, random: () => number = Math.random): number {
  const base = firstMs * 2 ** (attempt - 1);
  return Math.min(Math.round(base * (1 + (random() * 0.4 - 0.2))), MAX_WAIT_SECONDS * 1_000);
}

function historyOf(loaded: LoadedJob): AttemptSummary[] {
  return loaded.ok ? ((loaded.meta.history ?? []) as AttemptSummary[]) : [];
}

interface RecordParts {
  readonly attempts?: number; // default: the claim's attempt
  readonly startedAt?: Date | undefined;
  readonly completedAt?: Date;
  readonly stdout?: StreamTail;
  readonly stderr?: StreamTail;
  readonly earlierAttempts: readonly AttemptSummary[];
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
}

async function record(ctx: DaemonContext, claim: Claim, job: Readonly<Record<string, unknown>>, outcome: Outcome, parts: RecordParts): Promise<Settled> {
  const rec = buildRecord(job, outcome, {
    id: claim.id,
    source: claim.source,
    host: ctx.host,
    attempts: parts.attempts ?? claim.attempt,
    earlierAttempts: parts.earlierAttempts,
    startedAt: parts.startedAt,
    completedAt: parts.completedAt ?? new Date(),
    stdout: parts.stdout,
    stderr: parts.stderr,
    extra: parts.extra,
  });
  const r = rec.result;
  return publish(ctx, claim, rec, async () => {
    await unlinkIfExists(join(ctx.layout.running, claim.file));
    await releaseClaim(ctx.layout, claim.id);
    ctx.log.info(
      { event: 'finish', id: claim.id, status: r.status, returncode: r.returncode, signal: r.signal, error: r.error, duration_ms: r.duration_ms },
      'finished',
    );
  });
}

// Writes a finished job's record, then tidies its claim away. When the disk will not
// take the record (ENOSPC, EROFS, EIO), the job is not lost nor run again: the record
// is kept in its claim (if that can be written) and in memory, and handed back to be
// tried again; the job's processes are gone, so it no longer holds a slot.
async function publish(ctx: DaemonContext, claim: Claim, rec: JobRecord, tidy: () => Promise<void>): Promise<Settled> {
  const status = String(rec.result.status);
  let written = false;
  const write = async (): Promise<void> => {
    if (!written) await writeRecord(ctx.layout, rec, ctx.settings.fsync);
    written = true;
    await tidy();
  };
  try {
    await write();
    return { kind: 'recorded', id: claim.id, status };
  } catch (error) {
    if (errnoCode(error) === undefined) throw error; // a bug, not the disk
    if (!written) {
      await holdRecordInClaim(ctx.layout, claim, rec, ctx.settings.fsync).catch((why: unknown) => {
        ctx.log.error({ event: 'record_held', id: claim.id, error: errorMessage(why) }, 'could not keep the record in the claim either: it is in memory only');
      });
    }
    return { kind: 'held', id: claim.id, status, error, write };
  }
}

// An invalid job: its original bytes move to failed/<id>.original, beside the record.
async function finishInvalid(ctx: DaemonContext, claim: Claim, object: Readonly<Record<string, unknown>> | undefined, error: string): Promise<Settled> {
  const rec = buildRecord(object ?? {}, { status: 'invalid', error }, {
    id: claim.id,
    source: claim.source,
    host: ctx.host,
    attempts: 0,
    earlierAttempts: [],
    startedAt: undefined,
    completedAt: new Date(),
    stdout: undefined,
    stderr: undefined,
    extra: { original_file: originalName(claim.id) },
  });
  return publish(ctx, claim, rec, async () => {
    await keepOriginal(ctx.layout, join(ctx.layout.running, claim.file), claim.id);
    await releaseClaim(ctx.layout, claim.id);
    ctx.log.warn({ event: 'invalid', id: claim.id, source: claim.source, error }, 'invalid job');
  });
}

export interface RequeueChange {
  readonly history?: readonly AttemptSummary[];
  readonly retryAt?: number;
}

// Puts a claimed job back into pending/ under its original name (putBack). A JSON job
// carries its id and history in `_mcpq`; a script job carries its attempt in its name.
// `holdsClaim` is false in recovery, whose claim is already out of the way.
//
// Done again after a crash part-way (recovery does), it does the same: a job file that
// already carries the next attempt is not rewritten, and the move is idempotent.
export async function requeue(ctx: DaemonContext, claim: Claim, change?: RequeueChange, holdsClaim = true): Promise<void> {
  const path = join(ctx.layout.running, claim.file);
  let name = claim.source;
  if (change !== undefined) {
    const attempt = claim.attempt + 1;
    if (claim.source.toLowerCase().endsWith('.json')) {
      const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      const old = value[META_KEY] as { attempt?: unknown } | undefined;
      if (old?.attempt !== attempt) {
        const meta = { ...old, id: claim.id, attempt, history: change.history ?? [], ...(change.retryAt ? { retry_at: change.retryAt } : {}) };
        const { atimeMs, mtimeMs } = await stat(path);
        await writeAtomic(path, `${JSON.stringify({ ...value, [META_KEY]: meta }, null, 2)}\n`, ctx.settings.fsync);
        // The mtime is the job's place in the run order and the start of a relative
        // not_before: rewritten, the job keeps both, as a job put back by rename does.
        await utimes(path, atimeMs / 1_000, mtimeMs / 1_000); // seconds: finer than a Date's ms
      }
    } else {
      const dot = claim.source.lastIndexOf('.');
      name = `${claim.id}~${attempt}${dot > 0 ? claim.source.slice(dot) : ''}`;
    }
  }
  await putBack(ctx.layout, path, name, holdsClaim ? claim.id : undefined);
}

// result_file: the job's whole stdout (from its log), written atomically. A relative
// path lands in results/. Problems are reported in the record, not thrown.
async function writeResultFile(ctx: DaemonContext, id: string, resultFile: string, stdout: StreamTail): Promise<Record<string, unknown>> {
  const target = isAbsolute(resultFile) ? resultFile : join(ctx.layout.results, resultFile);
  try {
    await makeDirs(dirname(target), 0o777); // the user's own folder: their umask decides
    const log = logPath(ctx.layout, id, 'out');
    if (stdout.bytes > 0 && (await exists(log))) {
      const temp = `${target}.${process.pid}.tmp`;
      await copyFile(log, temp);
      await rename(temp, target);
    } else {
      await writeAtomic(target, stdout.text, ctx.settings.fsync);
    }
    return { result_path: target };
  } catch (error) {
    ctx.log.warn({ event: 'result_file', id, error: errorMessage(error), code: errnoCode(error) }, 'could not write result_file');
    return { result_path: target, result_file_error: errorMessage(error) };
  }
}
