// The rules of a job's fields that need no schema: priority names, defaults and
// limits. The zod schema (job-schema.ts) and the submit flags (cli/job-flags.ts) both
// apply them, so a job built from flags and a job file obey the same rules, and the
// CLI's `submit -- CMD` path starts without loading zod.
export const PRIORITY_NAMES = Object.freeze({ high: 10, medium: 0, low: -10 });
export type PriorityName = keyof typeof PRIORITY_NAMES;
export const DEFAULT_TIMEOUT_SECONDS = 300;
// The shortest timeout: the daemon counts whole milliseconds, and a shorter one would
// come to 0 ms, stopping the job before it had started. 0 itself means none.
export const MIN_TIMEOUT_SECONDS = 0.001;
export const MAX_RETRIES = 100;
// The longest wait a job may ask for (a relative not_before, a retry delay): 100 years.
// Much further, a time no longer fits in a Date (±8.64e15 ms), which mcpq list could
// not show.
export const MAX_WAIT_SECONDS = 100 * 365.25 * 86_400;

// Whether `value` is a time a Date can hold (epoch ms up to year 275760), as the times
// mcpq writes into a job (_mcpq.retry_at, submitted_at) are. One from elsewhere that is
// not is refused by the schema (the job fails as invalid), and is not shown as a date.
export function isTime(value: unknown): value is number {
  return typeof value === 'number' && Math.abs(value) <= 8.64e15;
}

// A job file is a command line and its settings, or a script: far below this. A larger
// file (a log or an archive dropped by mistake) is not read, so that it cannot swell
// the daemon's memory: it fails as invalid, its bytes kept as they are. mcpq's own
// ways in (submit, MCP submit_job) refuse such a job before it is queued.
export const MAX_JOB_FILE_BYTES = 4 * 2 ** 20;

// Whether `seconds` may be a job's timeout: 0 (none), or at least MIN_TIMEOUT_SECONDS.
export function isTimeout(seconds: number): boolean {
  return seconds === 0 || (Number.isFinite(seconds) && seconds >= MIN_TIMEOUT_SECONDS);
}

export function isPriorityName(value: unknown): value is PriorityName {
  return typeof value === 'string' && Object.hasOwn(PRIORITY_NAMES, value);
}

export function priorityValue(p: number | PriorityName | undefined): number {
  if (p === undefined) return PRIORITY_NAMES.medium;
  return typeof p === 'number' ? p : PRIORITY_NAMES[p];
}

// not_before as epoch ms: an ISO time, or seconds after submission. Undefined for one
// the schema refuses (a job is then claimed and fails as invalid, saying why).
export function notBeforeOf(value: string | number | undefined, submittedAt: number): number | undefined {
  if (value === undefined || (typeof value === 'number' && value > MAX_WAIT_SECONDS)) return undefined;
  const at = typeof value === 'number' ? submittedAt + value * 1_000 : Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
