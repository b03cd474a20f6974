// A finished job leaves exactly one record, completed/<id>.json or failed/<id>.json:
// the submitted job object with `result` added (design.md section 3). Records are
// written atomically and never overwritten (the id was reserved by the claim).
import { chmod, lstat } from 'node:fs/promises';
import { z } from 'zod';
import { ExitCode, McpqError } from '../core/errors.js';
import type { Outcome } from '../core/outcome.js';
import { moveNoClobber, readIfExists, writeAtomic } from './files.js';
import { recordPath, type QueueLayout } from './layout.js';

export interface StreamTail {
  readonly text: string;
  readonly bytes: number; // everything the job wrote to the stream
  readonly truncated: boolean; // text holds only the last part
}

// One earlier attempt of a retried or interrupted job, kept in the final record.
export interface AttemptSummary {
  readonly attempt: number;
  readonly status: string;
  readonly returncode?: number | null;
  readonly signal?: string | null;
  readonly error?: string;
  readonly started_at?: string;
  readonly completed_at: string;
}

export interface RecordContext {
  readonly id: string;
  readonly source: string;
  readonly host: string;
  readonly attempts: number;
  readonly earlierAttempts: readonly AttemptSummary[];
  readonly startedAt: Date | undefined;
  readonly completedAt: Date;
  readonly stdout: StreamTail | undefined;
  readonly stderr: StreamTail | undefined;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type JobRecord = Record<string, unknown> & { result: Record<string, unknown> };

export function buildRecord(job: Readonly<Record<string, unknown>>, outcome: Outcome, ctx: RecordContext): JobRecord {
  const stdout = ctx.stdout ?? { text: '', bytes: 0, truncated: false };
  const stderr = ctx.stderr ?? { text: '', bytes: 0, truncated: false };
  const result: Record<string, unknown> = {
    ...outcome,
    returncode: 'returncode' in outcome ? outcome.returncode : null,
    stdout: stdout.text,
    stderr: stderr.text,
    truncated: stdout.truncated || stderr.truncated,
    stdout_bytes: stdout.bytes,
    stderr_bytes: stderr.bytes,
    started_at: ctx.startedAt?.toISOString() ?? null,
    completed_at: ctx.completedAt.toISOString(),
    duration_ms: ctx.startedAt === undefined ? 0 : ctx.completedAt.getTime() - ctx.startedAt.getTime(),
    attempts: ctx.attempts,
    id: ctx.id,
    source: ctx.source,
    host: ctx.host,
    ...ctx.extra,
  };
  if (ctx.earlierAttempts.length > 0) result.earlier_attempts = ctx.earlierAttempts;
  return { ...job, result };
}

// How one attempt ended, for the final record's `earlier_attempts`.
export function summarizeAttempt(attempt: number, outcome: Outcome, startedAt: Date | string | undefined, completedAt: Date): AttemptSummary {
  return {
    attempt,
    status: outcome.status,
    ...('returncode' in outcome ? { returncode: outcome.returncode } : {}),
    ...('signal' in outcome && outcome.signal ? { signal: outcome.signal } : {}),
    ...('error' in outcome && outcome.error ? { error: outcome.error } : {}),
    ...(startedAt === undefined ? {} : { started_at: typeof startedAt === 'string' ? startedAt : startedAt.toISOString() }),
    completed_at: completedAt.toISOString(),
  };
}

export async function writeRecord(layout: QueueLayout, record: JobRecord, fsync = true): Promise<string> {
  const state = record.result.status === 'completed' ? 'completed' : 'failed';
  const path = recordPath(layout, state, String(record.result.id));
  await writeAtomic(path, `${JSON.stringify(record, null, 2)}\n`, fsync);
  return path;
}

// The original bytes of a job that was not valid: failed/<id>.original, beside its
// record, and private like it (it keeps its inode, so its mode is set before the move).
export function originalName(id: string): string {
  return `${id}.original`;
}

export async function keepOriginal(layout: QueueLayout, jobPath: string, id: string): Promise<void> {
  // Not through a symbolic link, nor on a file that is also the user's under another name.
  const file = await lstat(jobPath);
  if (file.isFile() && file.nlink === 1) await chmod(jobPath, 0o600);
  await moveNoClobber(jobPath, layout.failed, originalName(id));
}

const recordFileSchema = z.looseObject({
  result: z.looseObject({ status: z.string(), id: z.string().optional() }),
});

// Reads a job's record from either finished folder, or undefined when it has none.
export async function readRecord(layout: QueueLayout, id: string): Promise<JobRecord | undefined> {
  for (const state of ['completed', 'failed'] as const) {
    const bytes = await readIfExists(recordPath(layout, state, id));
    if (bytes === undefined) continue;
    const parsed = recordFileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (parsed.success) return parsed.data as JobRecord;
  }
  return undefined;
}

// For a reader that waits for a record (wait, logs -f, retry): as readRecord, but a
// file in its place that is no record (written by hand, say) is an error naming it.
// Records are renamed in whole and never rewritten, so such a file will not become
// one: waiting on would be for ever, and undefined would read as "no record".
export async function readRecordOrFail(layout: QueueLayout, id: string): Promise<JobRecord | undefined> {
  let notARecord: string | undefined;
  for (const state of ['completed', 'failed'] as const) {
    const path = recordPath(layout, state, id);
    const bytes = await readIfExists(path);
    if (bytes === undefined) continue;
    const parsed = recordFileSchema.safeParse(parseOrUndefined(bytes.toString('utf8')));
    if (parsed.success) return parsed.data as JobRecord;
    notARecord ??= path;
  }
  if (notARecord !== undefined) throw new McpqError(`${notARecord} is not a valid record (JSON with a "result" object); mcpq cannot tell how job ${id} ended`, ExitCode.failure);
  return undefined;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
