// The show command's body: compute (jobs/show.ts), then print.
import { ExitCode } from '../../core/errors.js';
import { getJob } from '../../jobs/show.js';
import type { JobDetail } from '../../jobs/types.js';
import { layoutOf, type QueueLayout } from '../../queue/layout.js';
import { join } from 'node:path';
import { pluginLookups } from '../plugin-roots.js';
import { resolveQueueRoot } from '../queue-root.js';
import { age, duration, paint, printable, statusColor, styleFor, type Style } from '../render.js';
import { waitingText } from './list-run.js';
import { pipelineProgress, type PipelineProgress } from '../../pipelines/progress.js';

export function renderPipeline(p: PipelineProgress, style: Style): string {
  const counts = new Map<string, number>();
  for (const s of p.stages) counts.set(s.status ?? s.state, (counts.get(s.status ?? s.state) ?? 0) + 1);
  const lines = [`pipeline ${p.pipeline} (${p.name}): ${p.stages.length} stages, ${[...counts].map(([k, n]) => `${n} ${k}`).join(' · ')}`];
  const width = Math.max(...p.stages.map((s) => s.stage.length));
  p.stages.forEach((s, i) => {
    const status = s.status ?? s.state;
    const extra = s.duration_ms === null ? '' : `  ${duration(s.duration_ms)}${s.returncode !== null && s.returncode !== 0 ? `  exit ${s.returncode}` : ''}`;
    lines.push(`  ${String(i + 1).padStart(2)}  ${s.stage.padEnd(width)}  ${paint(style, statusColor(status), status.padEnd(17))}${extra}  ${paint(style, 'dim', s.id)}`);
  });
  return `${lines.join('\n')}\n`;
}

export async function runShow(queue: string | undefined, ref: string, flags: { json?: boolean }): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const pipeline = await pipelineProgress(layout, ref);
  if (pipeline !== undefined) {
    process.stdout.write(flags.json ? `${JSON.stringify(pipeline, null, 2)}\n` : renderPipeline(pipeline, styleFor(process.stdout, process.env)));
    return ExitCode.ok;
  }
  const detail = await getJob(layout, ref, pluginLookups(layout, process.env));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(detail.state === 'completed' || detail.state === 'failed' ? detail.record : detail, null, 2)}\n`);
  } else {
    process.stdout.write(renderDetail(detail, styleFor(process.stdout, process.env), Date.now(), layout));
  }
  return ExitCode.ok;
}

export function renderDetail(job: JobDetail, style: Style, now: number, layout: QueueLayout): string {
  const rows: [string, string][] = [];
  // Values come from the job (or are painted here): shown with control characters escaped.
  const add = (key: string, value: string | number | null | undefined, painted = false): void => {
    if (value !== null && value !== undefined && value !== '') rows.push([key, painted ? String(value) : printable(String(value))]);
  };
  add('id', job.id);
  switch (job.state) {
    case 'pending':
      add('state', `pending, ${job.position} of ${job.of} in run order`);
      add('waiting', waitingText(job, now));
      add('file', job.name);
      add('priority', job.priority);
      add('queued', `${job.submitted_at} (${age(now - Date.parse(job.submitted_at))} ago)`);
      if (job.attempt > 1) add('attempt', job.attempt);
      add('error', job.error);
      break;
    case 'running':
      add('state', job.started_at === null ? 'running (starting)' : `running for ${duration(job.elapsed_ms)}`);
      add('pid', job.pid);
      add('host', job.host);
      add('daemon', `${job.daemon}${job.daemon_alive ? '' : ' (not alive: the job will be recovered)'}`);
      add('started', job.started_at);
      add('attempt', job.attempt);
      break;
    case 'completed':
    case 'failed':
      add('state', job.state);
      add('status', paint(style, statusColor(job.status), job.status), true);
      add('exit code', job.returncode ?? (job.signal ? `none (${job.signal})` : null));
      add('error', job.error);
      add('started', job.started_at);
      add('finished', job.completed_at ? `${job.completed_at} (${age(job.age_ms)} ago)` : null);
      add('duration', duration(job.duration_ms));
      add('attempts', job.record.result.attempts as number | undefined);
      add('host', job.record.result.host as string | undefined);
      add('result file', job.record.result.result_path as string | undefined);
      add('original', typeof job.record.result.original_file === 'string' ? join(layout.failed, job.record.result.original_file) : undefined);
      if (job.retried_as.length > 0) add('retried as', job.retried_as.join(', '));
      break;
  }
  add('retry of', job.retry_of);
  add('description', job.description);
  add('command', job.command);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${paint(style, 'dim', `${k}:`.padEnd(width + 1))} ${v}`);
  if ((job.state === 'completed' || job.state === 'failed') && job.status !== 'invalid') {
    const printed = Number(job.record.result.stdout_bytes ?? 0) + Number(job.record.result.stderr_bytes ?? 0);
    lines.push(paint(style, 'dim', printed > 0 ? `output: mcpq logs ${job.id}` : 'output: none'));
  }
  if (job.state === 'running') lines.push(paint(style, 'dim', `follow: mcpq logs -f ${job.id}`));
  return `${lines.join('\n')}\n`;
}
