// The status command's body: compute, then print (text or --json).
import { formatDuration } from '../../core/duration.js';
import { ExitCode } from '../../core/errors.js';
import { collectStatus, type StatusReport } from '../../queue/status.js';
import { layoutOf } from '../../queue/layout.js';
import { registryOptions } from '../plugin-roots.js';
import { resolveQueueRoot } from '../queue-root.js';

export function renderStatus(report: StatusReport): string {
  const lines: string[] = [];
  const alive = report.daemons.filter((d) => d.alive);
  if (alive.length === 0) lines.push(`daemon   not running (start one: mcpq daemon)`);
  for (const d of alive) {
    const how = d.supervisor === 'manual' ? 'started by hand' : `under ${d.supervisor}`;
    // Alive by its pid (on this host) but silent: it keeps its jobs, and does nothing.
    const silent = d.heartbeat_age_ms > d.lease_ms ? `, longer than its ${formatDuration(d.lease_ms)} lease: its process is stopped (Ctrl-Z?) or stuck` : '';
    lines.push(`daemon   running: pid ${d.pid} on ${d.host}, up ${formatDuration(d.uptime_ms)}, mcpq ${d.version}, ${d.running}/${d.concurrency} busy, ${how}, heartbeat ${formatDuration(d.heartbeat_age_ms)} ago${silent}`);
  }
  for (const d of report.daemons.filter((x) => !x.alive)) {
    lines.push(`         stale: pid ${d.pid} on ${d.host} (last heartbeat ${d.last_heartbeat}); its jobs are recovered by the next daemon`);
  }
  const c = report.counts;
  lines.push(`queue    ${report.queue}${report.paused ? ` (paused since ${report.paused.paused_at} by ${report.paused.by}: mcpq resume)` : ''}`);
  lines.push(`jobs     ${c.pending} pending · ${c.running} running · ${c.completed} completed · ${c.failed} failed${c.unrecorded > 0 ? ` · ${c.unrecorded} finished, record not written yet` : ''}`);
  for (const r of report.running) {
    lines.push(`running  ${r.id}  ${r.elapsed_ms === null ? 'starting' : formatDuration(r.elapsed_ms)}  (${r.source}, pid ${r.pid ?? '-'} on ${r.host})`);
  }
  for (const w of report.plugins_waiting) {
    lines.push(`plugin   ${w.plugin} cannot describe itself now: ${w.error} (${w.tries} ${w.tries === 1 ? 'try' : 'tries'} since ${w.since}); its jobs wait in pending/ until it answers`);
  }
  for (const u of report.unrecorded) {
    lines.push(`finished ${u.id}  ${u.status}, but its record cannot be written yet (see daemon.log); daemon ${u.daemon} keeps trying`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runStatus(queue: string | undefined, flags: { json?: boolean }): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  // Never a reason for status itself to fail (a bad $MCPQ_PLUGIN_HELP_TIMEOUT is said by the commands that use it).
  const pluginWaits = async () => {
    const { PluginRegistry } = await import('../../plugins/registry.js');
    return new PluginRegistry(registryOptions(layout, undefined, process.env)).waiting();
  };
  const report = await collectStatus(layout.root, Date.now(), () => pluginWaits().catch(() => []));
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  return report.alive ? ExitCode.ok : ExitCode.daemonNotRunning;
}
