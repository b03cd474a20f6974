// What the scheduler needs to know of a pending file, read without validating it:
// its id, priority, dependencies, delay and group. Validation (job-file.ts) happens
// once, when the job is claimed, and fails an invalid job then; here a field of the
// wrong type simply counts as absent. So does an `after` that is not a list of job
// ids: the job is then claimed and failed with the schema's message, the one `mcpq
// list` shows, rather than waiting on (or looking on disk for) ids no job can have.
// This keeps indexing a deep queue cheap (JSON.parse only: 100,000 jobs take a
// fraction of the zod parse's time). Pure.
import { formatOf, parsePendingName } from '../queue/names.js';
import { isSafeId } from './ids.js';
import { META_KEY } from './job-file.js';
import { isPriorityName, isTime, notBeforeOf, priorityValue } from './job-rules.js';

export interface ScheduleHints {
  readonly wantedId: string;
  // Not readable as a job yet (empty, not JSON, not text, unknown format): claimed only
  // once the file has been stable for the settle period, then failed as invalid.
  readonly waitStable: boolean;
  readonly priority: number;
  readonly after: readonly string[];
  readonly notBefore: number | undefined; // epoch ms; a retry's backoff included
  readonly group: string | undefined; // explicit, or the plugin's
  readonly plugin: string | undefined;
  readonly explicitGroup: boolean;
}

const NONE: readonly string[] = Object.freeze([]);

// Whether a plugin's jobs may overlap (its plugin.json says "parallel": true).
export type PluginParallel = (plugin: string) => Promise<boolean>;
export const noParallelPlugins: PluginParallel = async () => false;

// The group a job holds while it runs: the one it names, else its plugin's, unless
// that plugin's jobs may run at the same time.
export async function heldGroup(hints: Pick<ScheduleHints, 'group' | 'plugin' | 'explicitGroup'>, pluginParallel: PluginParallel): Promise<string | undefined> {
  if (hints.plugin === undefined || hints.explicitGroup) return hints.group;
  return (await pluginParallel(hints.plugin)) ? undefined : hints.group;
}

export function scheduleHints(name: string, bytes: Uint8Array, submittedAt: number): ScheduleHints {
  const { stem } = parsePendingName(name);
  const plain: ScheduleHints = { wantedId: stem, waitStable: false, priority: 0, after: NONE, notBefore: undefined, group: undefined, plugin: undefined, explicitGroup: false };
  const format = formatOf(name);
  if (bytes.length === 0 || format === 'unknown' || bytes.includes(0)) return { ...plain, waitStable: true };
  if (format === 'script') return plain;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch {
    return { ...plain, waitStable: true };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return plain; // invalid: fails when claimed
  const job = value as Record<string, unknown>;
  const meta = (typeof job[META_KEY] === 'object' && job[META_KEY] !== null ? job[META_KEY] : {}) as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const id = [meta.id, job.task_id, job.id].map(text).find((v) => v !== undefined && isSafeId(v));
  const priority = job.priority;
  const base = isTime(meta.submitted_at) ? meta.submitted_at : submittedAt;
  const notBefore = typeof job.not_before === 'number' || typeof job.not_before === 'string' ? notBeforeOf(job.not_before, base) : undefined;
  const retryAt = isTime(meta.retry_at) ? meta.retry_at : undefined;
  const plugin = text(job.plugin);
  const group = text(job.group);
  return {
    wantedId: id ?? stem,
    waitStable: false,
    priority: Number.isInteger(priority) ? (priority as number) : isPriorityName(priority) ? priorityValue(priority) : 0,
    after: Array.isArray(job.after) && job.after.every((a) => typeof a === 'string' && isSafeId(a)) ? (job.after as string[]) : NONE,
    notBefore: notBefore === undefined ? retryAt : retryAt === undefined ? notBefore : Math.max(notBefore, retryAt),
    group: group ?? plugin,
    plugin,
    explicitGroup: group !== undefined,
  };
}
