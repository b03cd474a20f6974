// `mcpq submit pipeline.json`: one job per stage, chained with `after`.
import { resolve } from 'node:path';
import { ExitCode, McpqError } from '../../core/errors.js';
import { newJobId } from '../../core/ids.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../../core/job-rules.js';
import { parseJobObject } from '../../core/job-schema.js';
import { isSuccess } from '../../core/outcome.js';
import type { QueueLayout } from '../../queue/layout.js';
import { refuseMissingCwd, submitAll } from '../../queue/submit.js';
import { expandPipeline, isPipeline } from '../../pipelines/pipeline.js';
import { readJobFile } from '../job-file-input.js';
import { waitForRecord } from '../wait.js';
import { sayWhyItMayWait } from '../wait.js';

// The parsed pipeline file when `path` holds one, else undefined.
export async function pipelineFileOf(path: string): Promise<{ path: string; value: unknown } | undefined> {
  try {
    const value: unknown = JSON.parse((await readJobFile(path)).toString('utf8'));
    return isPipeline(value) ? { path, value } : undefined;
  } catch {
    return undefined; // not ours to report: the single-job path says what is wrong
  }
}

// The submit flags a pipeline takes; `given` names those on the command line. The job
// flags (--timeout, --id, --after…) are refused: each stage sets its own fields.
const PIPELINE_FLAGS: ReadonlySet<string> = new Set(['--wait', '--json', '--queue']);

export async function submitPipeline(layout: QueueLayout, file: { path: string; value: unknown }, flags: { wait?: boolean; json?: boolean }, given: readonly string[]): Promise<number> {
  const refused = given.filter((flag) => !PIPELINE_FLAGS.has(flag));
  if (refused.length > 0) {
    throw new McpqError(`${refused.join(', ')}: ${file.path} is a pipeline, whose stages each set their own; a pipeline takes only ${[...PIPELINE_FLAGS].join(', ')}`, ExitCode.usage);
  }
  const name = (file.value as { pipeline?: unknown }).pipeline;
  const pipelineId = `${typeof name === 'string' ? name : 'pipeline'}-${newJobId(6)}`;
  const expanded = expandPipeline(file.value, pipelineId);
  if (!expanded.ok) throw new McpqError(`${file.path}: ${expanded.error}`, ExitCode.usage);
  const now = Date.now();
  for (const { stage, job } of expanded.jobs) {
    const parsed = parseJobObject(job, { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, submittedAt: now });
    if (!parsed.ok) throw new McpqError(`${file.path}: stage "${stage}": ${parsed.error}`, ExitCode.usage);
    // As in a job file: a relative cwd is the submitter's, and a stage that waits for
    // nothing needs its folder now.
    if (typeof job.cwd === 'string') job.cwd = resolve(job.cwd);
    await refuseMissingCwd(job, `${file.path}: stage "${stage}": cwd`);
  }
  await submitAll(
    layout,
    expanded.jobs.map(({ id, job }) => ({ id, content: `${JSON.stringify(job, null, 2)}\n`, extension: '.json' })),
  );
  const ids = expanded.jobs.map((j) => j.id);
  if (flags.json) process.stdout.write(`${JSON.stringify({ pipeline: pipelineId, jobs: ids, queue: layout.root })}\n`);
  else process.stdout.write(`${pipelineId}\n`);
  if (!flags.wait) return ExitCode.ok;
  process.stderr.write(`mcpq: pipeline ${pipelineId}: ${ids.length} stages queued; waiting\n`);
  await sayWhyItMayWait(layout, 'the stages wait');
  let failed = 0;
  for (const { id, stage } of expanded.jobs) {
    const record = await waitForRecord(layout, id);
    const status = String(record.result.status);
    if (!isSuccess({ status: status as 'completed' })) failed += 1;
    process.stderr.write(`mcpq: ${stage}: ${status}\n`);
  }
  return failed === 0 ? ExitCode.ok : ExitCode.failure;
}
