// The one-line summaries that open each tool's text answer: what an agent reads first,
// so each says where the job is and, when it matters, what to call next. Pure.
import { formatDuration } from '../core/duration.js';
import type { ListedJob, RunningJob, Waiting } from '../jobs/types.js';

// "job x completed (exit 0) in 12ms", "job x timeout: stopped after 90s".
export interface Outcome {
  readonly status?: unknown;
  readonly returncode?: unknown;
  readonly signal?: unknown;
  readonly duration_ms?: unknown;
  readonly error?: unknown;
}

export function outcomeLine(id: string, result: Outcome): string {
  const code = typeof result.returncode === 'number' ? ` (exit ${result.returncode})` : typeof result.signal === 'string' ? ` (${result.signal})` : '';
  const took = typeof result.duration_ms === 'number' ? ` in ${formatDuration(result.duration_ms)}` : '';
  const error = typeof result.error === 'string' && result.error !== '' ? `: ${result.error}` : '';
  return `job ${id} ${String(result.status)}${code}${took}${error}`;
}

export function jobLine(job: ListedJob): string {
  switch (job.state) {
    case 'pending':
      return `job ${job.id} is pending, ${job.position} in run order (${waitingLine(job.waiting)})`;
    case 'running':
      return `job ${job.id} is running${job.elapsed_ms === null ? ' (starting)' : ` for ${formatDuration(job.elapsed_ms)}`} on ${job.host}`;
    case 'completed':
    case 'failed':
      return outcomeLine(job.id, job);
  }
}

// A job claimed by a daemon that is gone: it is not running, whatever its claim says.
export function orphanLine(job: RunningJob): string {
  return `job ${job.id} was started on ${job.host} by daemon ${job.daemon}, which is no longer alive: a daemon serving the queue (one alive now, or the next to start) recovers it, running it again or recording it interrupted; cancel_job records it cancelled now`;
}

function waitingLine(w: Waiting): string {
  switch (w.reason) {
    case 'ready':
      return 'ready to run';
    case 'paused':
      return 'the queue is paused until mcpq resume';
    case 'delayed':
      return `delayed until ${w.until}`;
    case 'after':
      return `waiting for ${w.jobs.join(', ')}`;
    case 'dependency_failed':
      return `will fail: its dependency ${w.job} failed`;
    case 'plugin':
      return `waiting for plugin ${w.plugin}, which cannot describe itself now (${w.error}; ${w.tries} ${w.tries === 1 ? 'try' : 'tries'} since ${w.since}); the daemon asks it again and runs the job once it answers`;
    case 'group':
      return `waiting for group ${w.group} to be free`;
    case 'unreadable':
    case 'invalid':
      return `${w.reason}: ${w.error}`;
  }
}
