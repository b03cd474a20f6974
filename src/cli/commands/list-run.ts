// The list command's body: compute (jobs/list.ts), then print a table or JSON.
import { ExitCode } from '../../core/errors.js';
import { listJobs } from '../../jobs/list.js';
import type { JobState, Listing, PendingJob, Waiting } from '../../jobs/types.js';
import { layoutOf } from '../../queue/layout.js';
import { pluginLookups } from '../plugin-roots.js';
import { resolveQueueRoot } from '../queue-root.js';
import { age, cut, duration, paint, statusColor, styleFor, table, type Style } from '../render.js';
import type { ListFlags } from './list.js';

export async function runList(queue: string | undefined, flags: ListFlags): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const listing = await listJobs(layout, { ...(flags.state ? { states: flags.state } : {}), limit: flags.limit, ...pluginLookups(layout, process.env) });
  process.stdout.write(flags.json ? `${JSON.stringify(listing, null, 2)}\n` : renderListing(listing, styleFor(process.stdout, process.env), Date.now(), flags.state));
  return ExitCode.ok;
}

// `states`: the --state filter, whose finished jobs alone the heading counts.
export function renderListing(listing: Listing, style: Style, now: number, states?: readonly JobState[]): string {
  const parts: string[] = [];
  const t = listing.totals;
  const heading = (text: string) => paint(style, 'bold', text);
  if (listing.pending.length > 0) {
    parts.push(heading(`pending (${listing.pending.length})`));
    parts.push(
      table(
        ['#', 'ID', 'PRI', 'QUEUED', 'WAITING', 'JOB'],
        listing.pending.map((j) => [String(j.position), j.id, String(j.priority), age(now - Date.parse(j.submitted_at)), { text: cut(waitingText(j, now), 48), color: j.waiting.reason === 'ready' ? undefined : 'yellow' }, title(j)]),
        style,
      ),
    );
  }
  if (listing.running.length > 0) {
    parts.push(heading(`running (${listing.running.length})`));
    parts.push(
      table(
        ['ID', 'PID', 'ELAPSED', 'HOST', 'JOB'],
        listing.running.map((j) => [{ text: j.id, color: 'cyan' }, j.pid === null ? '-' : String(j.pid), j.elapsed_ms === null ? 'starting' : duration(j.elapsed_ms), j.host, title(j)]),
        style,
      ),
    );
  }
  if (listing.finished.length > 0) {
    // Only the states asked for: `-s failed` shows every failure, not "1 of" them all.
    const total = (!states || states.includes('completed') ? t.completed : 0) + (!states || states.includes('failed') ? t.failed : 0);
    parts.push(heading(listing.finished.length < total ? `finished (newest ${listing.finished.length} of ${total}; --limit 0 for all)` : `finished (${total})`));
    parts.push(
      table(
        ['ID', 'STATUS', 'EXIT', 'DURATION', 'AGE', 'JOB'],
        listing.finished.map((j) => [
          j.id,
          { text: j.status, color: statusColor(j.status) },
          j.returncode === null ? (j.signal ?? '-') : String(j.returncode),
          duration(j.duration_ms),
          age(j.age_ms),
          title(j),
        ]),
        style,
      ),
    );
  }
  if (parts.length === 0) {
    return `no jobs to show in ${listing.queue} (${t.pending} pending, ${t.running} running, ${t.completed} completed, ${t.failed} failed)\n`;
  }
  return `${parts.join('\n')}\n`;
}

function title(job: { description: string | null; command: string }): string {
  return job.description ?? job.command;
}

export function waitingText(job: Pick<PendingJob, 'waiting' | 'position'>, now: number): string {
  const w: Waiting = job.waiting;
  switch (w.reason) {
    case 'ready':
      return job.position === 1 ? 'next' : 'ready';
    case 'delayed':
      return `delayed ${age(Date.parse(w.until) - now)} (until ${w.until.slice(0, 19).replace('T', ' ')}Z)`;
    case 'after':
      return `after ${w.jobs.join(', ')}`;
    case 'dependency_failed':
      return `dependency ${w.job} failed: will fail`;
    case 'plugin':
      return `waits for plugin ${w.plugin}: ${w.error} (${w.tries} ${w.tries === 1 ? 'try' : 'tries'} since ${w.since.slice(11, 19)}Z)`;
    case 'group':
      return `group ${w.group} busy`;
    case 'unreadable':
      return `unreadable: ${w.error}`;
    case 'invalid':
      return `invalid: ${w.error}`;
    case 'paused':
      return 'paused (mcpq resume)';
  }
}
