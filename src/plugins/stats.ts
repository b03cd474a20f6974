// Job counts and execution times per plugin (and per command), from the records in
// completed/ and failed/: the records are the truth, so nothing extra is kept while
// jobs run. `pluginStats` is pure; `readPluginRecords` reads every record whose job
// names a plugin.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../core/errors.js';
import type { QueueLayout } from '../queue/layout.js';

export interface PluginRecord {
  readonly plugin: string;
  readonly command: string | undefined;
  readonly status: string;
  readonly durationMs: number | undefined; // undefined: never started (invalid, dependency failed)
}

export interface Durations {
  readonly mean_ms: number;
  readonly p50_ms: number;
  readonly max_ms: number;
}

export interface Counts {
  readonly count: number;
  readonly completed: number;
  readonly failed: number; // every other final status
  readonly by_status: Readonly<Record<string, number>>;
  readonly duration: Durations | null; // over the jobs that ran
}

export interface PluginStats extends Counts {
  readonly plugin: string;
  readonly commands: Readonly<Record<string, Counts>>;
}

export function pluginStats(records: Iterable<PluginRecord>): PluginStats[] {
  return sortedGroups(records, (r) => r.plugin).map(([plugin, list]) => {
    const commands = Object.fromEntries(sortedGroups(list, (r) => r.command ?? '').map(([command, rs]) => [command, countsOf(rs)]));
    return { plugin, ...countsOf(list), commands };
  });
}

function sortedGroups<T>(items: Iterable<T>, key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [item]);
    else list.push(item);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function countsOf(list: readonly PluginRecord[]): Counts {
  const byStatus: Record<string, number> = {};
  for (const r of list) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const completed = byStatus.completed ?? 0;
  return { count: list.length, completed, failed: list.length - completed, by_status: byStatus, duration: durationsOf(list) };
}

function durationsOf(list: readonly PluginRecord[]): Durations | null {
  const ms = list.flatMap((r) => (r.durationMs === undefined ? [] : [r.durationMs])).sort((a, b) => a - b);
  if (ms.length === 0) return null;
  return {
    mean_ms: Math.round(ms.reduce((sum, v) => sum + v, 0) / ms.length),
    p50_ms: ms[Math.ceil(ms.length / 2) - 1]!, // nearest rank
    max_ms: ms[ms.length - 1]!,
  };
}

// A record file's JSON to a PluginRecord, or undefined when it is not a plugin job's.
export function pluginRecordOf(value: unknown): PluginRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const job = value as Record<string, unknown>;
  const result = job.result as Record<string, unknown> | undefined;
  if (typeof job.plugin !== 'string' || typeof result !== 'object' || result === null) return undefined;
  const ran = typeof result.started_at === 'string' && typeof result.duration_ms === 'number';
  return {
    plugin: job.plugin,
    command: typeof job.command === 'string' ? job.command : undefined,
    status: String(result.status),
    durationMs: ran ? (result.duration_ms as number) : undefined,
  };
}

export async function readPluginRecords(layout: QueueLayout): Promise<PluginRecord[]> {
  const records: PluginRecord[] = [];
  for (const dir of [layout.completed, layout.failed]) {
    const names = (await readdir(dir).catch((error: unknown) => (errnoCode(error) === 'ENOENT' ? [] : Promise.reject(error)))).filter(
      (n) => n.endsWith('.json') && !n.startsWith('.'),
    );
    for (let i = 0; i < names.length; i += 64) {
      const batch = await Promise.all(names.slice(i, i + 64).map((n) => readJson(join(dir, n))));
      for (const value of batch) {
        const record = pluginRecordOf(value);
        if (record !== undefined) records.push(record);
      }
    }
  }
  return records;
}

// A record that vanished (cleaned) or does not parse (written by hand) is skipped.
async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
