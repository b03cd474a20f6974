// The status command's body: compute, then print (text or --json).
import { formatDuration } from '../../core/duration.js';
import { ExitCode } from '../../core/errors.js';
import { countStates, runningClaims, type Counts } from '../../queue/inventory.js';
import { layoutOf } from '../../queue/layout.js';
import { listDaemons } from '../../queue/owner.js';
import { resolveQueueRoot } from '../queue-root.js';

export interface StatusReport {
  readonly queue: string;
  readonly alive: boolean;
  readonly daemons: readonly {
    readonly tag: string;
    readonly host: string;
    readonly pid: number;
    readonly version: string;
    readonly started_at: string;
    readonly uptime_ms: number;
    readonly concurrency: number;
    readonly supervisor: string;
    readonly last_heartbeat: string;
    readonly heartbeat_age_ms: number;
    readonly alive: boolean;
    readonly running: number;
  }[];
  readonly counts: Counts;
  readonly running: readonly { id: string; source: string; host: string; pid: number | null; started_at: string | null; elapsed_ms: number | null }[];
}

export async function collectStatus(root: string, now = Date.now()): Promise<StatusReport> {
  const layout = layoutOf(root);
  const [daemons, counts, claims] = await Promise.all([listDaemons(layout), countStates(layout), runningClaims(layout)]);
  return {
    queue: root,
    alive: daemons.some((d) => d.alive),
    daemons: daemons.map((d) => ({
      tag: d.info.tag,
      host: d.info.host,
      pid: d.info.pid,
      version: d.info.version,
      started_at: d.info.started_at,
      uptime_ms: now - Date.parse(d.info.started_at),
      concurrency: d.info.concurrency,
      supervisor: d.info.supervisor ?? 'manual',
      last_heartbeat: new Date(d.heartbeatAt).toISOString(),
      heartbeat_age_ms: Math.max(0, now - d.heartbeatAt),
      alive: d.alive,
      running: claims.filter((c) => c.tag === d.info.tag).length,
    })),
    counts,
    running: claims.map((c) => ({
      id: c.id,
      source: c.source,
      host: c.host,
      pid: c.pgid ?? null,
      started_at: c.started_at ?? null,
      elapsed_ms: c.started_at ? now - Date.parse(c.started_at) : null,
    })),
  };
}

export function renderStatus(report: StatusReport): string {
  const lines: string[] = [];
  const alive = report.daemons.filter((d) => d.alive);
  if (alive.length === 0) lines.push(`daemon   not running (start one: mcpq daemon)`);
  for (const d of alive) {
    const how = d.supervisor === 'manual' ? 'started by hand' : `under ${d.supervisor}`;
    lines.push(`daemon   running: pid ${d.pid} on ${d.host}, up ${formatDuration(d.uptime_ms)}, mcpq ${d.version}, ${d.running}/${d.concurrency} busy, ${how}, heartbeat ${formatDuration(d.heartbeat_age_ms)} ago`);
  }
  for (const d of report.daemons.filter((x) => !x.alive)) {
    lines.push(`         stale: pid ${d.pid} on ${d.host} (last heartbeat ${d.last_heartbeat}); its jobs are recovered by the next daemon`);
  }
  const c = report.counts;
  lines.push(`queue    ${report.queue}`);
  lines.push(`jobs     ${c.pending} pending · ${c.running} running · ${c.completed} completed · ${c.failed} failed`);
  for (const r of report.running) {
    lines.push(`running  ${r.id}  ${r.elapsed_ms === null ? 'starting' : formatDuration(r.elapsed_ms)}  (${r.source}, pid ${r.pid ?? '-'} on ${r.host})`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runStatus(queue: string | undefined, flags: { json?: boolean }): Promise<number> {
  const report = await collectStatus(resolveQueueRoot(queue, process.env));
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  return report.alive ? ExitCode.ok : ExitCode.daemonNotRunning;
}
