// The clean command's body: compute and act (jobs/clean.ts), then report.
import { formatDuration } from '../../core/duration.js';
import { ExitCode } from '../../core/errors.js';
import { cleanJobs } from '../../jobs/clean.js';
import type { CleanReport } from '../../jobs/types.js';
import { layoutOf } from '../../queue/layout.js';
import { resolveQueueRoot } from '../queue-root.js';
import type { CleanFlags } from './clean.js';

export async function runClean(queue: string | undefined, flags: CleanFlags): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const report = await cleanJobs(layout, {
    olderThanMs: flags.olderThan,
    ...(flags.state ? { states: [flags.state] } : {}),
    dryRun: flags.dryRun ?? false,
    ...(flags.archive ? { archive: flags.archive } : {}),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderClean(report));
  return ExitCode.ok;
}

export function renderClean(report: CleanReport): string {
  const verb = report.dry_run ? (report.archive ? 'would archive' : 'would remove') : report.archive ? 'archived' : 'removed';
  const lines = report.jobs.map((j) => `${verb} ${j.id} (${j.state}, finished ${j.finished_at}, ${j.files.length} file${j.files.length === 1 ? '' : 's'})`);
  for (const k of report.kept) lines.push(`kept ${k.id}: pending ${k.needed_by.join(', ')} wait${k.needed_by.length === 1 ? 's' : ''} for it`);
  const where = report.archive ? ` into ${report.archive}` : '';
  lines.push(`${verb} ${report.jobs.length} job${report.jobs.length === 1 ? '' : 's'} (${kib(report.bytes)})${where}, older than ${report.older_than_ms === 0 ? '0s' : formatDuration(report.older_than_ms).replace(/(\d[dhm])0+[hms]$/, '$1')}`);
  return `${lines.join('\n')}\n`;
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
