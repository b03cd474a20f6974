// The rules of a job's fields that need no schema: priority names, defaults and
// limits. The zod schema (job-schema.ts) and the submit flags (cli/job-flags.ts) both
// apply them, so a job built from flags and a job file obey the same rules, and the
// CLI's `submit -- CMD` path starts without loading zod.
export const PRIORITY_NAMES = Object.freeze({ high: 10, medium: 0, low: -10 });
export type PriorityName = keyof typeof PRIORITY_NAMES;
export const DEFAULT_TIMEOUT_SECONDS = 300;
export const MAX_RETRIES = 100;

// The latest time a Date holds (year 275760). not_before and retry_delay have no upper
// bound of their own: a wait past this is taken as lasting until then, so that every
// time a job asks for stays a number in JSON and a date in listings.
export const LATEST_TIME_MS = 8.64e15;

// A job file is a command line and its settings, or a script: far below this. A larger
// file (a log or an archive dropped by mistake) is not read, so that it cannot swell
// the daemon's memory: it fails as invalid, its bytes kept as they are. mcpq's own
// ways in (submit, MCP submit_job) refuse such a job before it is queued.
export const MAX_JOB_FILE_BYTES = 4 * 2 ** 20;

export function isPriorityName(value: unknown): value is PriorityName {
  return typeof value === 'string' && Object.hasOwn(PRIORITY_NAMES, value);
}

export function priorityValue(p: number | PriorityName | undefined): number {
  if (p === undefined) return PRIORITY_NAMES.medium;
  return typeof p === 'number' ? p : PRIORITY_NAMES[p];
}

// not_before as epoch ms: an ISO time, or seconds after submission.
export function notBeforeOf(value: string | number | undefined, submittedAt: number): number | undefined {
  if (value === undefined) return undefined;
  const at = typeof value === 'number' ? submittedAt + value * 1_000 : Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
