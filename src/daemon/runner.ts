// Runs one job attempt: spawns it as the leader of a new process group with its log
// files as its stdout and stderr (output.ts), enforces the timeout, and reports how
// it ended as an Outcome. A job ends when its main process exits; whatever it left
// running in its group is stopped then, so a job never leaves a process behind, and
// its logs are final once the group is gone.
import { closeSync, openSync } from 'node:fs';
import { execa, type ResultPromise, type StdoutStderrOption } from 'execa';
import { errnoCode, errorMessage } from '../core/errors.js';
import type { Outcome } from '../core/outcome.js';
import { directoryProblem } from '../queue/files.js';
import type { StreamTail } from '../queue/records.js';
import { JobLogs } from './output.js';
import { stopGroup } from './process-group.js';
import { longTimeout, type LongTimer } from './timer.js';

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

export interface RunRequest {
  readonly command: Command;
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number | null;
  readonly killGraceMs: number;
  readonly stdoutLog: string;
  readonly stderrLog: string;
  readonly tailBytes: number;
  readonly maxLogBytes: number;
  readonly alone: boolean; // no other job of this daemon is running or being recorded
}

// Why the daemon stopped a job early, if it did.
export type StopReason = { readonly kind: 'timeout' } | { readonly kind: 'cancel'; readonly by: string } | { readonly kind: 'shutdown' };

export interface RunResult {
  // `requeue` when the daemon stopped the job for its own shutdown: put it back.
  readonly outcome: Outcome | { readonly status: 'requeue' };
  readonly startedAt: Date | undefined;
  readonly endedAt: Date;
  readonly stdout: StreamTail;
  readonly stderr: StreamTail;
}

export interface RunningJob {
  readonly pid: number | undefined;
  // The job's processes are gone (its result still has to be read from its logs).
  readonly exited: Promise<void>;
  readonly done: Promise<RunResult>;
  stop(reason: StopReason): void;
}

// Jobs inherit the daemon's environment, which does not change while it runs; a plain
// copy made once spreads faster than process.env, whose every read is a getenv().
const DAEMON_ENV: Readonly<Record<string, string | undefined>> = Object.freeze({ ...process.env });

const EMPTY_TAIL: StreamTail = Object.freeze({ text: '', bytes: 0, truncated: false });

// What the system lacks for a while (descriptors, room for the logs), not the job: a
// start that fails for it throws, so that the job goes back to pending/ unstarted.
const SYSTEM_FAULTS: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'ENOSPC', 'EDQUOT']);

export function isSystemFault(error: unknown): boolean {
  return SYSTEM_FAULTS.has(errnoCode(error) ?? '');
}

// Rejects with a system fault (isSystemFault) when the job cannot be started for now.
export async function startJob(request: RunRequest): Promise<RunningJob> {
  const cwdProblem = await checkCwd(request.cwd);
  if (cwdProblem !== undefined) return notStarted(cwdProblem);

  let logs: JobLogs;
  try {
    logs = await JobLogs.open({ stdout: request.stdoutLog, stderr: request.stderrLog }, request, request.alone);
  } catch (error) {
    if (isSystemFault(error)) throw error;
    return notStarted(`could not start: cannot open its log: ${errorMessage(error)}`);
  }
  try {
    checkSpawnDescriptors();
  } catch (error) {
    await logs.finish();
    throw error;
  }

  const startedAt = new Date();
  let subprocess: ResultPromise;
  try {
    subprocess = execa(request.command.file, [...request.command.args], {
      cwd: request.cwd,
      env: { ...DAEMON_ENV, ...request.env },
      extendEnv: false, // DAEMON_ENV instead: copying process.env costs ~0.1 ms a job
      detached: true, // own process group (and session): see process-group.ts
      cleanup: false, // the daemon decides when jobs stop, not its exit handler
      stdin: 'ignore',
      stdout: descriptor(logs.fds.stdout),
      stderr: descriptor(logs.fds.stderr),
      buffer: false,
      reject: false,
      stripFinalNewline: false,
    });
  } catch (error) {
    await logs.finish();
    return notStarted(errorMessage(error));
  }
  logs.handedOver();

  const pid = subprocess.pid;
  let stopReason: StopReason | undefined;
  let stopping: Promise<unknown> | undefined; // the group being stopped
  let timer: LongTimer | undefined;
  const stop = (reason: StopReason): void => {
    if (stopReason !== undefined || pid === undefined) return;
    stopReason = reason;
    stopping = stopGroup(pid, request.killGraceMs);
  };
  let exited = false;
  if (request.timeoutMs !== null && pid !== undefined) {
    // Once due, the timeout lets the pending I/O be read first: a job that ended on its
    // own just before it, whose exit Node has not read yet, did not time out (stopped
    // now, it would be recorded "timeout" with its own exit code 0).
    timer = longTimeout(() => setImmediate(() => {
      if (!exited) stop({ kind: 'timeout' });
    }), request.timeoutMs);
  }
  // The main process may exit while children it left behind still run.
  subprocess.once('exit', () => {
    exited = true;
    if (pid !== undefined && stopReason === undefined) stopping = stopGroup(pid, request.killGraceMs);
  });

  const ended = (async () => {
    const result = await subprocess;
    const endedAt = new Date();
    timer?.clear();
    await stopping; // what the group writes on its way out belongs in its logs
    return { result, endedAt };
  })();
  const done = (async (): Promise<RunResult> => {
    const { result, endedAt } = await ended;
    const tails = await logs.finish();
    if (result.failed && pid === undefined) {
      return { outcome: { status: 'failed', returncode: null, error: spawnError(request.command.file, result.code, result.originalMessage) }, startedAt, endedAt, ...tails };
    }
    return { outcome: outcomeOf(result.exitCode, result.signal, stopReason, request.timeoutMs), startedAt, endedAt, ...tails };
  })();

  // A fault while ending shows in `done`; `exited` only says that the job is over.
  return { pid, exited: ended.then(() => undefined, () => undefined), done, stop };
}

// A spawn takes descriptors of its own: a pipe, and /dev/null as the job's stdin. When
// there are none, Node's spawn fails in a way execa cannot report (it throws a
// TypeError, and the child's 'error' event, left without a listener, ends the daemon),
// so they are looked for first, and EMFILE is thrown here instead.
const SPAWN_DESCRIPTORS = 3;

function checkSpawnDescriptors(): void {
  const fds: number[] = [];
  try {
    while (fds.length < SPAWN_DESCRIPTORS) fds.push(openSync('/dev/null', 'r'));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

// A descriptor goes to spawn as it is: no pipe, no stream in the daemon. execa's types
// name descriptors 3 to 9 only; at run time it passes any integer through
// (lib/stdio/type.js makes a number 'native', native.js leaves it to spawn).
function descriptor(fd: number): StdoutStderrOption {
  return fd as StdoutStderrOption;
}

function outcomeOf(exitCode: number | undefined, signal: string | undefined, stopReason: StopReason | undefined, timeoutMs: number | null): Outcome | { status: 'requeue' } {
  const returncode = exitCode ?? null;
  const sig = signal ?? undefined;
  switch (stopReason?.kind) {
    case 'timeout':
      return {
        status: 'timeout',
        returncode,
        signal: sig ?? 'SIGTERM',
        timed_out: true,
        error: `timed out after ${(timeoutMs ?? 0) / 1_000}s`,
      };
    case 'cancel':
      return { status: 'cancelled', returncode, ...(sig ? { signal: sig } : {}), error: `cancelled by ${stopReason.by}` };
    case 'shutdown':
      return { status: 'requeue' };
    case undefined:
      if (returncode === 0 && sig === undefined) return { status: 'completed', returncode: 0 };
      return { status: 'failed', returncode, ...(sig ? { signal: sig, error: `killed by ${sig}` } : {}) };
  }
}

function spawnError(file: string, code: string | undefined, message: string | undefined): string {
  if (code === 'ENOENT') return `could not start: command not found: ${file} (ENOENT)`;
  if (code === 'EACCES') return `could not start: permission denied: ${file} (EACCES)`;
  return `could not start ${file}: ${message ?? code ?? 'unknown error'}`;
}

async function checkCwd(cwd: string | undefined): Promise<string | undefined> {
  const problem = cwd === undefined ? undefined : await directoryProblem(cwd);
  return problem === undefined ? undefined : `could not start: cwd ${cwd}: ${problem}`;
}

function notStarted(error: string): RunningJob {
  const now = new Date();
  return {
    pid: undefined,
    exited: Promise.resolve(),
    stop: () => undefined,
    done: Promise.resolve({
      outcome: { status: 'failed', returncode: null, error },
      startedAt: undefined,
      endedAt: now,
      stdout: EMPTY_TAIL,
      stderr: EMPTY_TAIL,
    }),
  };
}

