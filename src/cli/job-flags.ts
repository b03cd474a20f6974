// Submit flags to job-file fields. Pure: the same flags always give the same job.
import { McpqError, ExitCode } from '../core/errors.js';
import { MAX_WAIT_SECONDS, isPriorityName, type PriorityName } from '../core/job-rules.js';
import type { SubmitFlags } from './commands/submit.js';

export function priorityFlag(value: string): number | PriorityName {
  if (isPriorityName(value)) return value;
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
  if (flags.retryDelay !== undefined) fields.retry_delay = atMostAWait('--retry-delay', flags.retryDelay * 1_000) / 1_000;
  if (flags.delay !== undefined && flags.at !== undefined) throw new McpqError('give --delay or --at, not both', ExitCode.usage);
  if (flags.delay !== undefined) fields.not_before = new Date(now.getTime() + atMostAWait('--delay', flags.delay)).toISOString();
  if (flags.at !== undefined) {
    const at = Date.parse(flags.at);
    if (Number.isNaN(at)) throw new McpqError(`--at: expected an ISO time like 2026-07-26T13:42:00Z, got "${flags.at}"`, ExitCode.usage);
    fields.not_before = new Date(now.getTime() + atMostAWait('--at', at - now.getTime())).toISOString();
  }
  if (flags.group !== undefined) fields.group = flags.group;
  if (flags.resultFile !== undefined) fields.result_file = flags.resultFile;
  return fields;
}

function atMostAWait(flag: string, ms: number): number {
  if (ms > MAX_WAIT_SECONDS * 1_000) throw new McpqError(`${flag}: at most 100 years${flag === '--at' ? ' ahead' : ''}`, ExitCode.usage);
  return ms;
}

// Flags that change how a job runs (as opposed to --wait, --json).
export function hasJobFields(fields: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(fields).some((k) => k !== 'task_id');
}

// `--arg key=value` (repeatable) to a plugin job's "args": a key given twice becomes a
// list (the flag is repeated), `--arg flag` alone is true. Values stay strings here;
// the plugin's own description decides what is a number (plugins/validate.ts).
export function pluginArgs(pairs: readonly string[]): Record<string, string | true | string[]> {
  // A Map: in a plain object "__proto__", "constructor" or "toString" would find
  // Object's own members, and "--arg __proto__=x" would vanish from the job.
  const args = new Map<string, string | true | string[]>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key === '') throw new McpqError(`--arg: expected key=value or a flag name, got "${pair}"`, ExitCode.usage);
    const value = eq === -1 ? true : pair.slice(eq + 1);
    const previous = args.get(key);
    if (previous === undefined) args.set(key, value);
    else if (previous === true || value === true) throw new McpqError(`--arg ${key}: given both as a flag and with a value`, ExitCode.usage);
    else args.set(key, [...(Array.isArray(previous) ? previous : [previous]), value]);
  }
  return Object.fromEntries(args);
}
