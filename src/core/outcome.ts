// How a job attempt ended, as data. Each status carries only its own fields; the
// record's `result` is built from one of these (see queue/records.ts).
import { constants } from 'node:os';
import { ExitCode } from './errors.js';

export const JobStatus = Object.freeze({
  completed: 'completed',
  failed: 'failed',
  timeout: 'timeout',
  cancelled: 'cancelled',
  invalid: 'invalid',
  interrupted: 'interrupted',
  dependencyFailed: 'dependency_failed',
} as const);
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export type Outcome =
  | { readonly status: 'completed'; readonly returncode: 0 }
  | { readonly status: 'failed'; readonly returncode: number | null; readonly signal?: string; readonly error?: string }
  | { readonly status: 'timeout'; readonly returncode: number | null; readonly signal: string; readonly timed_out: true; readonly error: string }
  | { readonly status: 'cancelled'; readonly returncode: number | null; readonly signal?: string; readonly error: string }
  | { readonly status: 'invalid'; readonly error: string }
  | { readonly status: 'interrupted'; readonly error: string }
  | { readonly status: 'dependency_failed'; readonly error: string; readonly dependency: string };

export function isSuccess(outcome: Pick<Outcome, 'status'>): boolean {
  return outcome.status === JobStatus.completed;
}

// Statuses a retry may follow; the others are final by nature.
export function isRetryable(status: JobStatus): boolean {
  return status === JobStatus.failed || status === JobStatus.timeout;
}

export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}

// The exit code `mcpq submit --wait` (and `wait`, `logs -f`) reports for a finished job.
export function exitCodeOf(result: { status: string; returncode?: number | null; signal?: string | null; error?: string | null }): number {
  const status = result.status as JobStatus;
  switch (status) {
    case 'completed':
      return ExitCode.ok;
    case 'timeout':
      return ExitCode.timeout;
    case 'cancelled':
      return ExitCode.cancelled;
    case 'invalid':
      return ExitCode.jobInvalid;
    case 'failed':
      if (typeof result.returncode === 'number') return result.returncode;
      if (result.signal) return 128 + signalNumber(result.signal);
      if (result.error?.includes('ENOENT')) return ExitCode.commandNotFound;
      return ExitCode.cannotExecute;
    case 'interrupted':
    case 'dependency_failed':
      return ExitCode.failure;
    default:
      return ExitCode.failure;
  }
}

function signalNumber(signal: string): number {
  return (constants.signals as Record<string, number | undefined>)[signal] ?? 0;
}
