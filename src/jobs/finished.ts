// completed/ and failed/ hold one <id>.json record per finished job, possibly tens of
// thousands. Listing them must not parse them: names come from one readdir, age from
// one stat each (the record's mtime is when it was written), and only the records a
// caller shows are read.
import { readdirSync, statSync } from 'node:fs';
import { errnoCode } from '../core/errors.js';
import { exitCodeOf } from '../core/outcome.js';
import { recordPath, type QueueLayout } from '../queue/layout.js';
import { readRecord, type JobRecord } from '../queue/records.js';
import type { KnownPlugins } from '../core/plugin-args.js';
import { summaryOf } from './describe.js';
import type { FinishedJob, FinishedState } from './types.js';

export interface RecordFile {
  readonly id: string;
  readonly state: FinishedState;
  readonly path: string;
  readonly mtimeMs: number;
  readonly size: number;
}

const RECORD_SUFFIX = '.json';

// The ids that have a record in one finished folder (names only, nothing read).
export function recordIds(layout: QueueLayout, state: FinishedState): string[] {
  let names: string[];
  try {
    names = readdirSync(state === 'completed' ? layout.completed : layout.failed);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  return names.filter((n) => n.endsWith(RECORD_SUFFIX) && !n.startsWith('.')).map((n) => n.slice(0, -RECORD_SUFFIX.length));
}

// Records of the given states, newest first.
export function recordFiles(layout: QueueLayout, states: readonly FinishedState[]): RecordFile[] {
  return newestFirst(states.flatMap((state) => statRecords(layout, state, recordIds(layout, state))));
}

// Synchronous stats on purpose: ten thousand take tens of milliseconds, where as many
// promises take ten times longer in libuv's small thread pool.
export function statRecords(layout: QueueLayout, state: FinishedState, ids: readonly string[]): RecordFile[] {
  const files: RecordFile[] = [];
  for (const id of ids) {
    const path = recordPath(layout, state, id);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st !== undefined) files.push({ id, state, path, mtimeMs: st.mtimeMs, size: st.size });
  }
  return files;
}

export function newestFirst(files: RecordFile[]): RecordFile[] {
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// A record that cannot be parsed (written by hand, say) is shown, not fatal.
export async function readRecordSafely(layout: QueueLayout, id: string): Promise<JobRecord | undefined> {
  try {
    return await readRecord(layout, id);
  } catch {
    return undefined;
  }
}

export function finishedJobOf(file: Pick<RecordFile, 'id' | 'state' | 'mtimeMs'>, record: JobRecord | undefined, now: number, known?: KnownPlugins): FinishedJob {
  const { result, ...job } = record ?? { result: { status: 'unreadable', error: 'the record is not valid JSON' } };
  const r = result as Record<string, unknown>;
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  const status = String(r.status);
  return {
    state: file.state,
    id: file.id,
    status,
    returncode: num(r.returncode),
    signal: str(r.signal),
    exit_code: exitCodeOf({ status, returncode: num(r.returncode), signal: str(r.signal), error: str(r.error) }),
    error: str(r.error),
    started_at: str(r.started_at),
    completed_at: str(r.completed_at),
    duration_ms: num(r.duration_ms),
    age_ms: Math.max(0, Math.round(now - file.mtimeMs)), // mtimes have fractions of a millisecond
    retry_of: str(r.retry_of),
    ...summaryOf(job, known),
  };
}
