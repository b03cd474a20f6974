// The job file contract (design.md section 2) as one zod schema. Every job read from
// disk or built by the CLI passes through `parseJobObject` exactly once; the result is
// a frozen JobSpec whose fields are already normalised (priority as an integer,
// timeout in milliseconds). Unknown fields are kept untouched for the record.
import { z } from 'zod';
import { SAFE_ID_RULE, isSafeId } from './ids.js';
import { MAX_RETRIES, MAX_WAIT_SECONDS, MIN_TIMEOUT_SECONDS, PRIORITY_NAMES, isTimeout, notBeforeOf, priorityValue, type PriorityName } from './job-rules.js';

const TOO_LONG = `must be at most ${MAX_WAIT_SECONDS} seconds (100 years)`;

const safeId = z.string().refine(isSafeId, { error: `must be a safe file name (${SAFE_ID_RULE})` });

const envValue = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean',
});

const pluginArgValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number()])),
]);

// The JSON shape a job file may have. Exported for `mcpq schema`.
export const jobFileSchema = z
  .looseObject({
    command: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
    args: z
      .union([z.array(z.string({ error: 'must be a string' })), z.record(z.string(), pluginArgValue)], {
        error: 'must be an array of strings (or, for a plugin job, an object of flags)',
      })
      .optional(),
    shell: z.boolean({ error: 'must be true or false' }).optional(),
    task_id: safeId.optional(),
    id: safeId.optional(),
    description: z.string({ error: 'must be a string' }).optional(),
    purpose: z.string({ error: 'must be a string' }).optional(),
    timeout: z
      .number({ error: 'must be a number of seconds' })
      .nonnegative({ error: 'must be >= 0 (0 means none)', abort: true })
      .refine(isTimeout, { error: `must be 0 (none) or at least ${MIN_TIMEOUT_SECONDS} (1 ms)` })
      .optional(),
    cwd: z.string({ error: 'must be a directory path' }).min(1).optional(),
    env: z.record(z.string(), envValue, { error: 'must be an object of NAME: value' }).optional(),
    priority: z
      .union([z.number().int(), z.enum(Object.keys(PRIORITY_NAMES) as [PriorityName, ...PriorityName[]])], {
        error: 'must be an integer or one of "high", "medium", "low"',
      })
      .optional(),
    retries: z.number({ error: 'must be a whole number' }).int().min(0).max(MAX_RETRIES).optional(),
    retry_delay: z.number({ error: 'must be a number of seconds' }).nonnegative().max(MAX_WAIT_SECONDS, { error: TOO_LONG }).optional(),
    after: z.array(safeId, { error: 'must be a list of job ids' }).optional(),
    not_before: z
      .union(
        [
          z.iso.datetime({ offset: true, error: 'must be an ISO date-time (2026-07-26T13:42:00Z) or a number of seconds' }),
          z.number().nonnegative(),
        ],
        { error: 'must be an ISO date-time (2026-07-26T13:42:00Z) or a number of seconds' },
      )
      .refine((v) => typeof v !== 'number' || v <= MAX_WAIT_SECONDS, { error: TOO_LONG })
      .optional(),
    group: z.string({ error: 'must be a string' }).min(1).optional(),
    result_file: z.string({ error: 'must be a file path' }).min(1).optional(),
    plugin: z.string({ error: 'must be a plugin name' }).min(1).optional(),
  })
  .superRefine((job, ctx) => {
    if (job.plugin === undefined && job.command === undefined) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'is required (or set "plugin")' });
    }
    if (job.plugin === undefined && job.args !== undefined && !Array.isArray(job.args)) {
      ctx.addIssue({ code: 'custom', path: ['args'], message: 'must be an array of strings for a command job' });
    }
    if (job.plugin !== undefined && Array.isArray(job.args)) {
      ctx.addIssue({ code: 'custom', path: ['args'], message: 'must be an object of flags for a plugin job' });
    }
    if (job.shell === false && job.args === undefined && job.command !== undefined && /\s/.test(job.command.trim())) {
      // exec form without args: the whole string is the program name; usually a mistake
      ctx.addIssue({ code: 'custom', path: ['shell'], message: 'is false but "command" has spaces and no "args"' });
    }
  });

export type JobFile = z.infer<typeof jobFileSchema>;

// What to run, one variant per job form.
export type RunSpec =
  | { readonly kind: 'exec'; readonly file: string; readonly args: readonly string[] }
  | { readonly kind: 'shell'; readonly line: string }
  | { readonly kind: 'script'; readonly text: string; readonly interpreter: readonly string[] }
  | {
      readonly kind: 'plugin';
      readonly plugin: string;
      readonly command: string | undefined;
      readonly flags: Readonly<Record<string, z.infer<typeof pluginArgValue>>>;
    };

export interface JobSpec {
  readonly run: RunSpec;
  readonly requestedId: string | undefined;
  readonly description: string | undefined;
  readonly timeoutMs: number | null; // null: no timeout
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly priority: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly after: readonly string[];
  readonly notBefore: number | undefined; // epoch ms
  readonly group: string | undefined;
  readonly resultFile: string | undefined;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

// Turns zod issues into one line naming each bad field and what was expected.
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : 'job';
      let message = issue.message;
      if (issue.code === 'invalid_type' && issue.input === undefined && issue.path.length === 0) {
        message = 'must be a JSON object';
      }
      return `${field}: ${message}`;
    })
    .join('; ');
}

export interface JobDefaults {
  readonly timeoutSeconds: number;
  // Reference time for a relative not_before (the job's submission time).
  readonly submittedAt: number;
}

// Validates a parsed JSON value as a job and normalises it.
// No job needs deeper JSON, and much deeper JSON (about 10,000 levels) makes
// JSON.stringify overflow the stack when the record is written: the job would run and
// never be recorded.
export const MAX_JSON_DEPTH = 64;

// Why a job is too deep to take, or undefined. Checked by parseJobObject for every way
// in (a file, the CLI, MCP), and by the daemon before anything else of a job file.
export function depthProblem(value: unknown): string | undefined {
  return nestedDeeperThan(value, MAX_JSON_DEPTH) ? `job: nested more than ${MAX_JSON_DEPTH} levels deep` : undefined;
}

function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

export function parseJobObject(value: unknown, defaults: JobDefaults): ParseResult<JobSpec> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `job: must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}` };
  }
  const tooDeep = depthProblem(value);
  if (tooDeep !== undefined) return { ok: false, error: tooDeep };
  const parsed = jobFileSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error.issues) };
  const job = parsed.data;
  return { ok: true, value: Object.freeze(toSpec(job, defaults)) };
}

function toSpec(job: JobFile, defaults: JobDefaults): JobSpec {
  const timeoutSeconds = job.timeout ?? defaults.timeoutSeconds;
  return {
    run: runSpecOf(job),
    requestedId: job.task_id ?? job.id,
    description: job.description ?? job.purpose,
    timeoutMs: timeoutSeconds === 0 ? null : Math.round(timeoutSeconds * 1_000),
    cwd: job.cwd,
    env: Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, String(v)])),
    priority: priorityValue(job.priority),
    retries: job.retries ?? 0,
    retryDelayMs: Math.round((job.retry_delay ?? 1) * 1_000),
    after: job.after ?? [],
    notBefore: notBeforeOf(job.not_before, defaults.submittedAt),
    group: job.group ?? job.plugin,
    resultFile: job.result_file,
  };
}

function runSpecOf(job: JobFile): RunSpec {
  if (job.plugin !== undefined) {
    const flags = job.args !== undefined && !Array.isArray(job.args) ? job.args : {};
    return { kind: 'plugin', plugin: job.plugin, command: job.command, flags };
  }
  const command = job.command!;
  const args = Array.isArray(job.args) ? job.args : undefined;
  const shell = job.shell ?? args === undefined;
  if (shell) {
    const line = args === undefined ? command : [command, ...args.map(shellQuote)].join(' ');
    return { kind: 'shell', line };
  }
  return { kind: 'exec', file: command, args: args ?? [] };
}

// POSIX single-quoting, for the rare job that forces shell form with an args array.
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

// A script job: `#!` picks the interpreter, otherwise /bin/sh.
export function scriptSpec(text: string): RunSpec {
  const firstLine = text.startsWith('#!') ? text.slice(2, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')).trim() : '';
  const interpreter = firstLine === '' ? ['/bin/sh'] : firstLine.split(/\s+/);
  return { kind: 'script', text, interpreter };
}
