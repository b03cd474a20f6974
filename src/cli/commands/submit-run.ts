// The submit command's body. `mcpq submit -- CMD` is the hot path: everything it
// does not need (zod, plugins, pipelines, waiting) is imported only when used.
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { ExitCode, McpqError, errnoCode } from '../../core/errors.js';
import { newJobId } from '../../core/ids.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../../core/job-rules.js';
import { ensureQueue, layoutOf, logPath, type QueueLayout } from '../../queue/layout.js';
import { JOB_FILE_KINDS, formatOf } from '../../queue/names.js';
import type { JobRecord } from '../../queue/records.js';
import { refuseMissingCwd, submit, whereIsId } from '../../queue/submit.js';
import { readJobFile } from '../job-file-input.js';
import { fieldsFromFlags, hasJobFields } from '../job-flags.js';
import type { FindPlugin } from '../plugin-job.js';
import { resolveQueueRoot } from '../queue-root.js';
import type { SubmitFlags } from './submit.js';

type Built = { readonly id: string; readonly content: string; readonly extension: '.json' | '.sh' | '.txt'; readonly after: readonly string[] };

// How the words came: after `--` or not, and the flags given by name (`--timeout`).
export interface SubmitUsage {
  readonly doubleDash: boolean;
  readonly given: readonly string[];
}

export async function runSubmit(queue: string | undefined, words: readonly string[], flags: SubmitFlags, { doubleDash, given }: SubmitUsage): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  await ensureQueue(layout);
  if (!doubleDash && words.length === 1 && formatOf(words[0]!) === 'json') {
    const { pipelineFileOf, submitPipeline } = await import('./submit-pipeline.js');
    const pipeline = await pipelineFileOf(words[0]!);
    if (pipeline !== undefined) return submitPipeline(layout, pipeline, flags, given);
  }
  // --after takes an id or a unique prefix, as show, cancel and wait do (exit 4 when
  // none or several jobs match); the job file gets the full ids.
  const after = flags.after === undefined ? undefined : await (await import('../../jobs/find.js')).locateIds(layout, flags.after);
  const built = await buildSubmission(words, after === undefined ? flags : { ...flags, after }, doubleDash, new Date(), findPluginNoting(layout));
  // A job file's own `after` names whole ids, as in a file dropped into pending/.
  for (const dependency of built.after) {
    if ((await whereIsId(layout, dependency)) === undefined) {
      throw new McpqError(`after: no job "${dependency}" in this queue`, ExitCode.usage);
    }
  }
  const id = await submit(layout, built);
  if (!flags.wait) {
    process.stdout.write(flags.json ? `${JSON.stringify({ id, queue: layout.root })}\n` : `${id}\n`);
    return ExitCode.ok;
  }
  process.stderr.write(`mcpq: submitted ${id}; waiting for it to finish\n`);
  const [{ sayWhyItMayWait, waitForRecord }, { waitResultOf }] = await Promise.all([import('../wait.js'), import('../../jobs/wait.js')]);
  await sayWhyItMayWait(layout, 'the job waits');
  const record = await waitForRecord(layout, id);
  if (!flags.json) return report(layout, record);
  // One JSON object on stdout, as `mcpq wait --json` gives it; the output: mcpq logs ID.
  const result = waitResultOf(id, record);
  process.stdout.write(`${JSON.stringify({ ...result, queue: layout.root })}\n`);
  return result.exit_code;
}

// `findPlugin` lets a plugin job be checked and typed against the plugin's description.
export async function buildSubmission(words: readonly string[], flags: SubmitFlags, doubleDash: boolean, now: Date, findPlugin?: FindPlugin): Promise<Built> {
  const fields = fieldsFromFlags(flags, now);
  if (flags.plugin === undefined && flags.arg !== undefined) {
    throw new McpqError(`--arg ${flags.arg[0]}: --arg gives a plugin's arguments and needs --plugin NAME; a command's arguments go after -- (mcpq submit -- CMD ARGS…)`, ExitCode.usage);
  }
  if (flags.plugin !== undefined) {
    const { pluginJob } = await import('../plugin-job.js');
    return asJson({ ...(await pluginJob(flags.plugin, words, flags, findPlugin)), cwd: process.cwd(), ...fields }, now, cwdName(fields));
  }
  // One word and no --: a job file if its extension says so (FILE in the usage).
  const single = !doubleDash && flags.shell === undefined && words.length === 1 ? words[0]! : undefined;
  if (single !== undefined && formatOf(single) !== 'unknown') return fromFile(single, fields);
  if (single !== undefined) await refuseOtherFile(single);
  if (single !== undefined) await refuseLineAsProgram(single);
  if (flags.shell !== undefined && words.length > 0) throw new McpqError('give either --shell LINE or a command after --, not both', ExitCode.usage);
  if (flags.shell === undefined && words.length === 0) {
    throw new McpqError('nothing to run: give a command after --, --shell "LINE", or a job file', ExitCode.usage);
  }
  if ((flags.shell ?? words[0]) === '') throw new McpqError(`${flags.shell === undefined ? 'the command' : '--shell'} must not be empty`, ExitCode.usage);
  const base = flags.shell !== undefined ? { command: flags.shell } : { command: words[0]!, args: words.slice(1) };
  // Every field came from a flag its parser already checked against core/job-rules.ts
  // (test/unit/submit-flags.test.ts holds such jobs to the schema), so no zod here.
  const job: Record<string, unknown> = { ...base, cwd: process.cwd(), ...fields };
  const content = jobJson(job);
  await refuseMissingCwd(job, cwdName(fields));
  return { id: flags.id ?? newJobId(), content, extension: '.json', after: flags.after ?? [] };
}

// `mcpq submit README.md` means the file, but it is no job: refused, not queued as a
// command named README.md that can only fail. A word without an extension (./deploy,
// make) stays a command, as do names that are no file here.
async function refuseOtherFile(word: string): Promise<void> {
  if (extname(word) === '' || !(await stat(word).then((s) => s.isFile(), () => false))) return;
  const { shellQuote } = await import('../../core/job-schema.js');
  const path = word.includes('/') ? word : `./${word}`;
  throw new McpqError(`${word} is not a job file (mcpq takes ${JOB_FILE_KINDS}); to run it as a command: mcpq submit -- ${shellQuote(path)}`, ExitCode.usage);
}

// `mcpq submit "ls | wc -l"` is a shell line without its --shell: run as the one
// program of that name, it could only fail as not found. A path with spaces to a
// file that is there ("/opt/My App/run") stays a command.
async function refuseLineAsProgram(word: string): Promise<void> {
  if (!/\s/.test(word) || (await stat(word).then(() => true, () => false))) return;
  const { shellQuote } = await import('../../core/job-schema.js');
  throw new McpqError(`${shellQuote(word)} is one word with spaces: for a shell line, mcpq submit --shell ${shellQuote(word)}; for a program of that name, mcpq submit -- ${shellQuote(word)}`, ExitCode.usage);
}

async function fromFile(path: string, fields: Record<string, unknown>): Promise<Built> {
  const bytes = await readJobFile(path);
  const now = new Date();
  const extension = extname(path).toLowerCase() as '.json' | '.sh' | '.txt';
  if (extension !== '.json') {
    const text = bytes.toString('utf8');
    if (!hasJobFields(fields)) return { id: fields.task_id === undefined ? newJobId() : String(fields.task_id), content: text, extension, after: [] };
    if (text.startsWith('#!') && !/^#!\s*\/bin\/(ba|da)?sh\b/.test(text)) {
      throw new McpqError(`${path} has its own interpreter (${text.split('\n')[0]}); to add job settings write a .json job`, ExitCode.usage);
    }
    return asJson({ command: text, description: resolve(path), ...fields }, now, cwdName(fields));
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new McpqError(`${path} is not valid JSON: ${(error as Error).message}`, ExitCode.usage);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new McpqError(`${path}: a job must be a JSON object`, ExitCode.usage);
  return asJson({ ...(value as Record<string, unknown>), ...fields }, now, cwdName(fields, path));
}

// A job from a file or a plugin: checked against the schema before it is queued.
async function asJson(job: Record<string, unknown>, now: Date, cwdIs: string): Promise<Built> {
  const { parseJobObject } = await import('../../core/job-schema.js');
  const parsed = parseJobObject(job, { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, submittedAt: now.getTime() });
  if (!parsed.ok) throw new McpqError(`invalid job: ${parsed.error}`, ExitCode.usage);
  const content = jobJson(job);
  await refuseMissingCwd(job, cwdIs);
  const id = parsed.value.requestedId ?? newJobId();
  return { id, content, extension: '.json', after: parsed.value.after };
}

// How an error names the job's cwd: the flag that set it, else the file's field.
function cwdName(fields: Record<string, unknown>, file?: string): string {
  return fields.cwd !== undefined ? '--cwd' : file === undefined ? 'cwd' : `${file}: cwd`;
}

function jobJson(job: Record<string, unknown>): string {
  if (job.cwd !== undefined) job.cwd = resolve(String(job.cwd));
  return `${JSON.stringify(job, null, 2)}\n`;
}

// Finds a plugin for `submit --plugin`; one this queue does not have may still be a
// daemon's (its --plugins DIR), so the job is queued with a note rather than refused.
function findPluginNoting(layout: QueueLayout): FindPlugin {
  return async (name) => {
    const [{ PluginRegistry }, { registryOptions }] = await Promise.all([import('../../plugins/registry.js'), import('../plugin-roots.js')]);
    const registry = new PluginRegistry(registryOptions(layout, undefined, process.env));
    const plugin = await registry.find(name);
    if (plugin === undefined) {
      const { unknownPlugin } = await import('../../plugins/validate.js');
      process.stderr.write(`mcpq: note: ${unknownPlugin(name, await registry.names()).replace(/^plugin: /, '')}; queued for a daemon that has it\n`);
    }
    return plugin;
  };
}

// Prints a finished job's output (the full logs when there are any) and returns the
// exit code that stands for its outcome.
export async function report(layout: QueueLayout, record: JobRecord): Promise<number> {
  const result = record.result as { id: string; status: string; returncode?: number | null; signal?: string | null; error?: string | null; stdout?: string; stderr?: string };
  for (const [stream, to] of [['stdout', process.stdout], ['stderr', process.stderr]] as const) {
    const copied = await copyOut(logPath(layout, result.id, stream === 'stdout' ? 'out' : 'err'), result[stream] ?? '', to);
    const written = record.result[`${stream}_bytes`];
    if (copied !== undefined && typeof written === 'number' && written > copied) {
      process.stderr.write(`mcpq: ${result.id}'s ${stream} was cut at ${copied} of ${written} bytes (mcpq daemon --max-log); the record keeps its end: mcpq show --json ${result.id}\n`);
    }
  }
  if (result.status !== 'completed') {
    const detail = result.error ?? (typeof result.returncode === 'number' ? `exit code ${result.returncode}` : result.signal ?? '');
    process.stderr.write(`mcpq: job ${result.id} ${result.status}${detail ? `: ${detail}` : ''}\n`);
  }
  return (await import('../../core/outcome.js')).exitCodeOf(result);
}

// Loaded here, not at the top: only --wait prints output. Returns the bytes copied from
// the log, or undefined when there was none (the record's copy was printed instead).
async function copyOut(path: string, fallback: string, to: NodeJS.WritableStream): Promise<number | undefined> {
  const [{ createReadStream }, { pipeline }] = await Promise.all([import('node:fs'), import('node:stream/promises')]);
  const file = createReadStream(path);
  try {
    await pipeline(file, to, { end: false });
    return file.bytesRead;
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
    to.write(fallback);
    return undefined;
  }
}
