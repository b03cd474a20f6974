// Submit flags to job-file fields. Pure: the same flags always give the same job.
import { McpqError, ExitCode } from '../core/errors.js';
import type { SubmitFlags } from './commands/submit.js';

export function priorityFlag(value: string): number | 'high' | 'medium' | 'low' {
  if (value === 'high' || value === 'medium' || value === 'low') return value;
  if (/^-?\d+$/.test(value)) return Number(value);
  throw new McpqError(`--priority: expected high, medium, low or an integer, got "${value}"`, ExitCode.usage);
}

// The fields the flags set, to lay over a job object. `now` makes --delay absolute.
export function fieldsFromFlags(flags: SubmitFlags, now: Date): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (flags.id !== undefined) fields.task_id = flags.id;
  if (flags.timeout !== undefined) fields.timeout = flags.timeout;
  if (flags.cwd !== undefined) fields.cwd = flags.cwd;
  if (flags.env !== undefined) fields.env = flags.env;
  if (flags.description !== undefined) fields.description = flags.description;
  if (flags.priority !== undefined) fields.priority = priorityFlag(flags.priority);
  if (flags.after !== undefined) fields.after = flags.after;
  if (flags.retries !== undefined) fields.retries = flags.retries;
  if (flags.retryDelay !== undefined) fields.retry_delay = flags.retryDelay;
  if (flags.delay !== undefined && flags.at !== undefined) throw new McpqError('give --delay or --at, not both', ExitCode.usage);
  if (flags.delay !== undefined) fields.not_before = new Date(now.getTime() + flags.delay).toISOString();
  if (flags.at !== undefined) {
    const at = Date.parse(flags.at);
    if (Number.isNaN(at)) throw new McpqError(`--at: expected an ISO time like 2026-07-26T13:42:00Z, got "${flags.at}"`, ExitCode.usage);
    fields.not_before = new Date(at).toISOString();
  }
  if (flags.group !== undefined) fields.group = flags.group;
  if (flags.resultFile !== undefined) fields.result_file = flags.resultFile;
  return fields;
}

// Flags that change how a job runs (as opposed to --wait, --json).
export function hasJobFields(fields: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(fields).some((k) => k !== 'task_id');
}
