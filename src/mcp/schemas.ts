// The MCP tools' input and output schemas (zod; the SDK publishes them as JSON
// Schema in tools/list and checks every call against them). Inputs are built from
// mcpq's own job file schema, so submit_job accepts exactly what a job file may say.
// Outputs name the fields an agent acts on and let the rest through (loose objects,
// also in the JSON Schema clients validate results with): they describe the
// jobs/types.ts shapes, which only ever gain fields, and the tools assign those
// values to these types, so the compiler notices when the two drift.
import { z } from 'zod';
import { JOB_FIELD_DESCRIPTIONS } from '../core/job-json-schema.js';
import { jobFileSchema } from '../core/job-schema.js';
import { RECORD_OUTPUT_BYTES } from './records.js';

// Longest wait a call may ask for; clients time requests out well before this
// unless they reset their timer on progress (submit_job sends progress while waiting).
export const MAX_WAIT_SECONDS = 3_600;
export const DEFAULT_OUTPUT_LIMIT = 64 * 1024;
export const MAX_OUTPUT_LIMIT = 1024 * 1024;
export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 500;

const job = jobFileSchema.shape;
const described = <K extends keyof typeof job>(key: K, text = JOB_FIELD_DESCRIPTIONS[key]): (typeof job)[K] => job[key].describe(text ?? '') as (typeof job)[K];

const jobRef = z.string().min(1).describe('A job id, or any unique prefix of one (like git).');
const stateSchema = z.enum(['pending', 'running', 'completed', 'failed']);
const record = z.record(z.string(), z.unknown());

// What an output schema promises of a value: every field it names, with its type.
// The data (jobs/types.ts) is read-only and declares no other fields, so this drops
// the index signatures of loose objects and makes everything read-only.
export type Described<T> = T extends readonly (infer E)[]
  ? readonly Described<E>[]
  : T extends object
    ? { readonly [K in keyof T as string extends K ? never : K]: Described<T[K]> }
    : T;

// ---- inputs

export const submitInput = z.strictObject({
  command: described(
    'command',
    'With "args": the program, run without a shell. Without "args": a shell command line, run with /bin/sh -c. For a plugin job: the plugin\'s command (list_plugins shows them).',
  ),
  args: described('args', 'Exec form: the arguments, a list of strings. Plugin job: an object of flags, e.g. {"title": "Call Bob", "tag": ["work", "phone"]}.'),
  shell: described('shell'),
  plugin: described('plugin', 'Run a command of this plugin instead of a program; list_plugins shows the plugins, their commands and arguments.'),
  id: described('id', 'The job id you want (letters, digits, ".", "_", "-"); default: a new random id. Must not be in use.'),
  description: described('description', 'Free text shown in listings.'),
  timeout: described('timeout'),
  priority: described('priority'),
  after: described('after', 'Ids of jobs in this queue (or unique prefixes of them, like git) that must complete successfully first.'),
  cwd: described('cwd', "Working directory of the job; a relative path is taken from the MCP server's working directory, which is also the default."),
  env: described('env'),
  retries: described('retries'),
  retry_delay: described('retry_delay'),
  not_before: described('not_before'),
  group: described('group'),
  result_file: described('result_file'),
  wait_seconds: z
    .number()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .optional()
    .describe('Wait up to this many seconds for the job to finish and return its record. If it has not finished by then it is returned as pending or running (get_job shows it later). Default 0: return at once.'),
});

export const getJobInput = z.strictObject({ id: jobRef });

export const listJobsInput = z.strictObject({
  state: z
    .array(z.enum(['pending', 'running', 'completed', 'failed', 'finished']))
    .optional()
    .describe('Only jobs in these states ("finished" is completed and failed); default: all.'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_LIMIT)
    .optional()
    .describe(`At most this many jobs of each state; finished jobs newest first, pending jobs in run order. Default ${DEFAULT_LIST_LIMIT}.`),
});

export const outputInput = z.strictObject({
  id: jobRef,
  stream: z.enum(['stdout', 'stderr']).optional().describe('Default stdout.'),
  offset: z.number().int().min(0).optional().describe('Byte offset to start at; to read on, pass the next_offset of the previous call. Default 0.'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_OUTPUT_LIMIT)
    .optional()
    .describe(`Bytes to read at most (cut back to a whole character). Default ${DEFAULT_OUTPUT_LIMIT}.`),
  tail_lines: z.number().int().min(1).max(10_000).optional().describe('Instead of offset (not with it): the last this many lines, at most limit bytes of them (longer lines: their end).'),
});

export const cancelInput = z.strictObject({
  id: jobRef,
  wait_seconds: z
    .number()
    .min(0)
    .max(300)
    .optional()
    .describe("A running job is stopped by its daemon: wait up to this many seconds for its record. Default 10; 0: only ask (the job's state says when it is done)."),
});

export const retryInput = z.strictObject({ id: jobRef.describe('A failed job that was not retried yet: its id or a unique prefix. It is submitted again as a new job, <id>-r2.') });

export const pluginsInput = z.strictObject({ name: z.string().min(1).optional().describe('Show only this plugin.') });

export const noInput = z.strictObject({});

// ---- outputs

export const submitOutput = z.looseObject({
  id: z.string(),
  queue: z.string(),
  state: stateSchema.describe('Where the job is now.'),
  daemon_alive: z.boolean().describe('false: no daemon serves the queue; the job waits in pending/ until one starts (mcpq daemon).'),
  status: z
    .string()
    .nullable()
    .describe('Once finished, result.status: completed, failed, timeout, cancelled, invalid, interrupted or dependency_failed; else null.'),
  exit_code: z
    .number()
    .nullable()
    .describe("Once finished: 0 for success, the job's own exit code when it failed, 124 timeout, 125 cancelled, 65 invalid, 126/127 could not start; else null."),
  record: record.nullable().describe(`Once finished: the record, the job object plus its "result" (returncode, duration_ms, the last ${RECORD_OUTPUT_BYTES / 1024} KiB of stdout and stderr, …); else null.`),
});

// One job as list_jobs and get_job show it; which fields come depends on its state.
const jobView = z.looseObject({
  state: stateSchema,
  id: z.string(),
  description: z.string().nullable(),
  command: z.string().describe('The command as one line (plugin jobs as "plugin command --flag value").'),
  status: z.string().optional().describe('Finished jobs: result.status.'),
  exit_code: z.number().optional().describe('Finished jobs: 0 for success, else what the failure stands for.'),
  waiting: z.looseObject({ reason: z.string() }).optional().describe('Pending jobs: why it has not started (ready, delayed, after, plugin, group, …).'),
  elapsed_ms: z.number().nullable().optional().describe('Running jobs: for how long.'),
});

export const jobOutput = jobView.extend({
  record: record.optional().describe(`Finished jobs: the record, the job object plus its "result" (stdout and stderr: their last ${RECORD_OUTPUT_BYTES / 1024} KiB; get_job_output reads all).`),
  job: record.nullable().optional().describe('Pending and running jobs: the job object as submitted.'),
});

export const listOutput = z.looseObject({
  queue: z.string(),
  pending: z.array(jobView).describe('In run order.'),
  running: z.array(jobView).describe('Longest running first.'),
  finished: z.array(jobView).describe('Newest first.'),
  totals: z.looseObject({ pending: z.number(), running: z.number(), completed: z.number(), failed: z.number() }).describe('How many jobs each state holds, shown or not.'),
});

export const outputSliceOutput = z.looseObject({
  id: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  source: z.enum(['log', 'record', 'none']).describe('log: the full log file; record: the bounded copy in the record; none: nothing written yet.'),
  text: z.string(),
  offset: z.number().describe('Byte offset of text in the stream.'),
  next_offset: z.number().describe('Where the next read starts.'),
  size: z.number().describe('Bytes in the stream now.'),
  truncated: z.boolean().describe('The record kept only the end of a longer stream.'),
  finished: z.boolean().describe('The job has its record: the stream will not grow.'),
});

export const cancelOutput = z.looseObject({
  id: z.string(),
  outcome: z
    .enum(['cancelled', 'requested', 'already_finished'])
    .describe('cancelled: it has its cancelled record; requested: its daemon was asked to stop it; already_finished: too late.'),
  was: z.enum(['pending', 'running']).optional(),
  status: z.string().optional().describe('already_finished: how it ended.'),
  record: record.optional(),
});

export const retryOutput = z.looseObject({
  id: z.string().describe('The new job.'),
  retry_of: z.string(),
  name: z.string().describe('Its file in pending/.'),
});

const argView = z.looseObject({
  name: z.string().describe('The key in the job\'s "args".'),
  type: z.enum(['string', 'integer', 'number', 'boolean']),
  required: z.boolean(),
  repeatable: z.boolean().describe('A list value repeats the flag.'),
  list: z.boolean().describe('A list value follows one flag (--name a b).'),
  choices: z.array(z.string()).nullable(),
  help: z.string().nullable(),
  usage: z.string(),
});
const example = z.looseObject({ job: record.describe('A job object: pass its fields to submit_job.'), submit: z.string() });

export const pluginsOutput = z.looseObject({
  queue: z.string(),
  roots: z.array(z.string()).describe('Folders searched for plugins, in order.'),
  plugins: z.array(
    z.looseObject({
      name: z.string(),
      status: z.enum(['ok', 'error']).describe('error: the plugin cannot be used (see "error").'),
      description: z.string().nullable().optional(),
      commands: z
        .array(z.looseObject({ name: z.string(), description: z.string().nullable(), args: z.array(argView), example }))
        .optional()
        .describe('Give one as submit_job "command", with its args as "args".'),
      args: z.array(argView).optional().describe('A plugin without commands takes these directly.'),
      error: z.string().optional(),
    }),
  ),
});

export const statusOutput = z.looseObject({
  queue: z.string(),
  alive: z.boolean().describe('Is any daemon serving the queue? If not, jobs wait in pending/ until one starts (mcpq daemon).'),
  paused: z.looseObject({ paused_at: z.string() }).nullable().describe('Set while the queue is paused (mcpq pause): daemons start no new job until mcpq resume.'),
  daemons: z.array(
    z.looseObject({
      tag: z.string(),
      host: z.string(),
      pid: z.number(),
      version: z.string(),
      alive: z.boolean(),
      concurrency: z.number(),
      running: z.number(),
      heartbeat_age_ms: z.number(),
      lease_ms: z.number(),
    }),
  ),
  counts: z.looseObject({ pending: z.number(), running: z.number(), completed: z.number(), failed: z.number() }),
  running: z.array(z.looseObject({ id: z.string(), elapsed_ms: z.number().nullable() })),
});
