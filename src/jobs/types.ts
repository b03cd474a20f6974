// The data the job commands compute, in one place (and nothing that costs an import:
// command definitions load this at every start). These are also the exact `--json`
// shapes of `mcpq list`, `show`, `logs`, `cancel`, `retry`, `clean` and `wait`
// (documented in the README, under each command) and what the MCP server returns:
// plain, serialisable values, snake_case like the records. Change them only by adding
// fields. A job's command, args and env appear in them redacted (core/redact.ts), as
// in daemon.log.
import type { Claim } from '../queue/claims.js';
import type { JobRecord } from '../queue/records.js';

export type FinishedState = 'completed' | 'failed';
export type JobState = 'pending' | 'running' | FinishedState;
export const JOB_STATES: readonly JobState[] = Object.freeze(['pending', 'running', 'completed', 'failed']);

// `--state` values: the four states, and `finished` for completed and failed.
// Undefined when one is none of these.
export function parseStates(values: readonly string[]): JobState[] | undefined {
  const out = new Set<JobState>();
  for (const value of values.flatMap((v) => v.split(','))) {
    const v = value.trim();
    if (v === 'finished') ['completed', 'failed'].forEach((s) => out.add(s as FinishedState));
    else if ((JOB_STATES as readonly string[]).includes(v)) out.add(v as JobState);
    else return undefined;
  }
  return [...out];
}

// Why a pending job is not running yet, one variant per cause, checked in the order
// the scheduler checks them.
export type Waiting =
  | { readonly reason: 'ready' } // runs when a daemon has a free slot
  | { readonly reason: 'delayed'; readonly until: string } // not_before, or a retry's backoff
  | { readonly reason: 'after'; readonly jobs: readonly string[] } // unfinished dependencies
  | { readonly reason: 'dependency_failed'; readonly job: string } // will be failed without running
  // its plugin cannot describe itself now, for a reason that may pass (its --help timed
  // out…): the daemon asks it again, and fails the job only if that goes on (README)
  | { readonly reason: 'plugin'; readonly plugin: string; readonly error: string; readonly tries: number; readonly since: string }
  | { readonly reason: 'group'; readonly group: string } // a job of its group is running
  | { readonly reason: 'paused' } // would run, but the queue is paused (mcpq resume)
  | { readonly reason: 'unreadable'; readonly error: string } // not a job yet; failed once stable
  | { readonly reason: 'invalid'; readonly error: string }; // will be failed as invalid

// What a listing shows of any job: its description, and its command as one line.
export interface JobSummary {
  readonly description: string | null;
  readonly command: string;
}

export interface PendingJob extends JobSummary {
  readonly state: 'pending';
  readonly id: string;
  readonly name: string; // the file in pending/
  readonly position: number; // 1 = next in run order
  readonly priority: number;
  readonly submitted_at: string; // the file's mtime
  readonly attempt: number;
  readonly retry_of: string | null;
  readonly waiting: Waiting;
}

export interface RunningJob extends JobSummary {
  readonly state: 'running';
  readonly id: string;
  readonly source: string; // its name in pending/
  readonly host: string;
  readonly pid: number | null; // the job's process (group leader), once started
  readonly daemon: string; // the owner's tag
  readonly attempt: number;
  readonly claimed_at: string;
  readonly started_at: string | null;
  readonly elapsed_ms: number | null;
  readonly retry_of: string | null;
}

export interface FinishedJob extends JobSummary {
  readonly state: FinishedState;
  readonly id: string;
  readonly status: string; // result.status
  readonly returncode: number | null;
  readonly signal: string | null;
  readonly exit_code: number; // what `mcpq wait` / `logs -f` exit with for it
  readonly error: string | null;
  readonly started_at: string | null;
  readonly completed_at: string | null;
  readonly duration_ms: number | null;
  readonly age_ms: number; // since the record was written (its mtime)
  readonly retry_of: string | null;
}

export type ListedJob = PendingJob | RunningJob | FinishedJob;

export interface Listing {
  readonly queue: string;
  readonly pending: readonly PendingJob[]; // in run order
  readonly running: readonly RunningJob[]; // longest running first
  readonly finished: readonly FinishedJob[]; // newest first, at most `limit`
  // How many jobs each state holds, shown or not.
  readonly totals: { readonly pending: number; readonly running: number; readonly completed: number; readonly failed: number };
}

// `mcpq show`: everything about one job, as its state has it.
export type JobDetail =
  | (PendingJob & { readonly of: number; readonly job: Readonly<Record<string, unknown>> | null; readonly error: string | null })
  | (RunningJob & { readonly claim: Claim; readonly daemon_alive: boolean; readonly job: Readonly<Record<string, unknown>> | null })
  | (FinishedJob & { readonly record: JobRecord; readonly retried_as: readonly string[] });

export type LogStream = 'stdout' | 'stderr';

// A slice of one output stream (`mcpq logs --json`, MCP get_job_output).
export interface OutputSlice {
  readonly id: string;
  readonly stream: LogStream;
  readonly source: 'log' | 'record' | 'none'; // logs/<id>.out|err, the record's bounded copy, or nothing yet
  readonly text: string;
  readonly offset: number; // byte offset of `text` in the stream
  readonly next_offset: number; // where the next read starts (ends on a character boundary)
  readonly size: number; // bytes available now
  readonly truncated: boolean; // the stream is longer: the record kept only its end, or the log only its first --max-log bytes
  readonly finished: boolean; // the job has its record: the stream will not grow
}

export type CancelResult =
  | { readonly id: string; readonly outcome: 'cancelled'; readonly was: 'pending' | 'running'; readonly record: JobRecord }
  | { readonly id: string; readonly outcome: 'requested'; readonly request: string } // a running job: its daemon will stop it
  | { readonly id: string; readonly outcome: 'already_finished'; readonly status: string };

export interface RetryResult {
  readonly id: string; // the new job
  readonly retry_of: string;
  readonly name: string; // its file in pending/
}

export interface CleanedJob {
  readonly id: string;
  readonly state: FinishedState;
  readonly finished_at: string; // the record's mtime
  readonly files: readonly string[]; // paths removed (or moved into the archive)
  readonly bytes: number;
}

export interface CleanReport {
  readonly dry_run: boolean;
  readonly archive: string | null;
  readonly older_than_ms: number;
  readonly jobs: readonly CleanedJob[];
  readonly bytes: number;
  // Old enough, but a pending job waits on it (`after`): removing the record would
  // leave that job waiting forever.
  readonly kept: readonly { readonly id: string; readonly needed_by: readonly string[] }[];
}

export interface WaitResult {
  readonly id: string;
  readonly state: FinishedState;
  readonly status: string;
  readonly returncode: number | null;
  readonly exit_code: number;
}
