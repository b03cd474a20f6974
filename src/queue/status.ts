// Is the queue served, and what does it hold: the live daemons (from their lease
// files), job counts per state and the running claims, read from the folders. Used by
// `mcpq status`, `mcpq service status` and the MCP server's queue_status.
import type { PluginWait } from '../daemon/command.js';
import { countStates, runningClaims, type Counts } from './inventory.js';
import { layoutOf } from './layout.js';
import { listDaemons } from './owner.js';
import { pauseState, type PauseState } from './pause.js';

export interface StatusReport {
  readonly queue: string;
  readonly alive: boolean;
  readonly paused: PauseState | null; // mcpq pause: no daemon claims new jobs
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
    readonly lease_ms: number;
    readonly alive: boolean;
    readonly running: number;
  }[];
  readonly counts: Counts;
  readonly running: readonly { id: string; source: string; host: string; pid: number | null; started_at: string | null; elapsed_ms: number | null }[];
  // Finished jobs whose records their daemon cannot write yet (a full or read-only disk).
  readonly unrecorded: readonly { id: string; status: string; daemon: string }[];
  // Plugins that cannot describe themselves now, for a reason that may pass: their
  // pending jobs wait for them (mcpq list says which).
  readonly plugins_waiting: readonly { plugin: string; error: string; tries: number; since: string }[];
}

// `pluginWaits`: the plugins whose jobs wait (registry.waiting), asked only when jobs are pending.
export async function collectStatus(root: string, now = Date.now(), pluginWaits?: () => Promise<readonly PluginWait[]>): Promise<StatusReport> {
  const layout = layoutOf(root);
  const [leases, counts, claims, paused] = await Promise.all([listDaemons(layout), countStates(layout), runningClaims(layout), pauseState(layout)]);
  const waits = counts.pending > 0 && pluginWaits !== undefined ? await pluginWaits() : [];
  // A lease with no slots is a client holding a claim for a moment (mcpq cancel), not a daemon.
  const daemons = leases.filter((d) => d.info.concurrency > 0);
  return {
    queue: root,
    alive: daemons.some((d) => d.alive),
    paused: paused ?? null,
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
      heartbeat_age_ms: Math.max(0, Math.round(now - d.heartbeatAt)),
      lease_ms: d.info.lease_ms,
      alive: d.alive,
      running: claims.filter((c) => c.tag === d.info.tag && c.record === undefined).length,
    })),
    counts,
    plugins_waiting: waits.map((w) => ({ plugin: w.plugin, error: w.error, tries: w.tries, since: new Date(w.since).toISOString() })),
    unrecorded: claims.flatMap((c) => (c.record === undefined ? [] : [{ id: c.id, status: c.record.result.status, daemon: c.tag }])),
    running: claims.filter((c) => c.record === undefined).map((c) => ({
      id: c.id,
      source: c.source,
      host: c.host,
      pid: c.pgid ?? null,
      started_at: c.started_at ?? null,
      elapsed_ms: c.started_at ? now - Date.parse(c.started_at) : null,
    })),
  };
}
