// `mcpq retry` (and MCP retry_job): a failed job goes back into pending/ as a new job.
// Records are never modified and ids never reused, so the new job gets a new id,
// `<id>-r2` (or the next free `-rN`; retrying `x-r2` gives `x-r3`), and carries the old
// id in `_mcpq.retry_of`, which the daemon copies into its record as
// `result.retry_of`. The link back (old → new) is found by that naming: `retriesOf`.
//
// The new job is the old record minus `result`, except that an `after` id which failed
// and was retried since names its newest retry. A script job (.sh/.txt) is resubmitted
// as a JSON shell job when /bin/sh runs it anyway; a script with its own interpreter
// (#!/usr/bin/env python3) goes back as a script file, whose record cannot carry the
// link (only its id tells where it came from).
import { ExitCode, McpqError, errnoCode } from '../core/errors.js';
import { isSafeId, newJobId } from '../core/ids.js';
import { META_KEY, type QueueMeta } from '../core/job-file.js';
import { scriptSpec } from '../core/job-schema.js';
import { runningClaims } from '../queue/inventory.js';
import { ensureQueue, type QueueLayout } from '../queue/layout.js';
import { formatOf, parsePendingName } from '../queue/names.js';
import { readRecordOrFail, type JobRecord } from '../queue/records.js';
import { ID_TAKEN, submit, whereIsId } from '../queue/submit.js';
import { readRecordSafely, recordIds } from './finished.js';
import { locate } from './find.js';
import { pendingNames, readPendingFile } from './pending.js';
import { readClaimedJob } from './running.js';
import type { RetryResult } from './types.js';

const RETRY_SUFFIX = /-r\d+$/;

export async function retryJob(layout: QueueLayout, ref: string, now = Date.now()): Promise<RetryResult> {
  const job = await locate(layout, ref);
  if (job.state === 'pending' || job.state === 'running') {
    throw new McpqError(`job ${job.id} is ${job.state}; only a finished job can be retried`, ExitCode.usage, undefined, { cli: 'mcpq cancel stops it', mcp: 'cancel_job stops it' });
  }
  if (job.state === 'completed') {
    throw new McpqError(`job ${job.id} completed; only failed jobs are retried`, ExitCode.usage, undefined, {
      cli: `to run it again: mcpq show --json ${job.id}, then submit`,
      mcp: `to run it again: get_job, then submit_job with its command`,
    });
  }
  const record = await readRecordOrFail(layout, job.id);
  if (record === undefined) throw new McpqError(`job ${job.id}: its record is gone (cleaned?)`, ExitCode.notFound);
  if (record.result.status === 'invalid') {
    throw new McpqError(`job ${job.id} is invalid as written (${String(record.result.error)}); fix ${layout.failed}/${job.id}.original and submit it`, ExitCode.usage);
  }
  await ensureQueue(layout); // pending/ may not exist yet beside records put there by hand
  const after = await retriedAfter(layout, record.after);
  const again = after === record.after ? record : { ...record, after };
  // Another retry of the same job (a second terminal, another agent) may take the id
  // we found free before we publish ours: then we take the next one, as we would
  // have a moment later.
  for (let attempt = 1; ; attempt += 1) {
    const id = await nextRetryId(layout, job.id);
    try {
      return await submitRetry(layout, again, job.id, id, now);
    } catch (error) {
      if (errnoCode(error) !== ID_TAKEN || attempt >= 100) throw error;
    }
  }
}

async function submitRetry(layout: QueueLayout, record: JobRecord, retryOf: string, id: string, now: number): Promise<RetryResult> {
  const meta: QueueMeta = { id, retry_of: retryOf, submitted_at: now };
  const { result, ...object } = record;
  const script = asScript(record);
  if (script !== undefined) {
    await submit(layout, { id, content: script, extension: '.sh' });
    return { id, retry_of: retryOf, name: `${id}.sh` };
  }
  await submit(layout, { id, content: `${JSON.stringify({ ...object, [META_KEY]: meta }, null, 2)}\n`, extension: '.json' });
  return { id, retry_of: retryOf, name: `${id}.json` };
}

// A job waits for its `after` ids to complete. One that failed and was retried since
// (a pipeline's stage, fixed and retried) is waited for as its newest retry: waiting
// for the old failure would fail the new job again at once, and the rest of a
// pipeline could never be run again.
async function retriedAfter(layout: QueueLayout, after: unknown): Promise<unknown> {
  if (!Array.isArray(after)) return after;
  const ids = await Promise.all(after.map(async (dep: unknown) => (typeof dep === 'string' && (await whereIsId(layout, dep)) === 'failed' ? newestRetryOf(layout, dep) : dep)));
  return ids.every((id, i) => id === after[i]) ? after : ids;
}

// The end of the chain id → its newest retry → that one's newest retry…
export async function newestRetryOf(layout: QueueLayout, id: string): Promise<string> {
  let current = id;
  for (let depth = 0; depth < 100; depth += 1) {
    const next = (await retriesOf(layout, current)).at(-1);
    if (next === undefined) break;
    current = next;
  }
  return current;
}

// The text of a script job that only runs right as a script (its own interpreter).
function asScript(record: JobRecord): string | undefined {
  const { result, ...object } = record;
  const source = typeof result.source === 'string' ? result.source : '';
  if (formatOf(source) !== 'script' || typeof object.command !== 'string' || Object.keys(object).length !== 1) return undefined;
  const spec = scriptSpec(object.command);
  return spec.kind === 'script' && spec.interpreter.join(' ') !== '/bin/sh' ? object.command : undefined;
}

// `<base>-rN` for the first N >= 2 that no job uses.
export async function nextRetryId(layout: QueueLayout, id: string): Promise<string> {
  const base = id.replace(RETRY_SUFFIX, '');
  for (let n = 2; n < 10_000; n += 1) {
    const candidate = `${base}-r${n}`;
    if (!isSafeId(candidate)) break;
    if ((await whereIsId(layout, candidate)) === undefined) return candidate;
  }
  return newJobId();
}

// The jobs retried from `id` (the link old → new), oldest first.
export async function retriesOf(layout: QueueLayout, id: string): Promise<string[]> {
  const base = id.replace(RETRY_SUFFIX, '');
  const isRetryName = (candidate: string) => RETRY_SUFFIX.test(candidate) && candidate.replace(RETRY_SUFFIX, '') === base;
  const links: { id: string; retry_of: unknown }[] = [];
  for (const state of ['completed', 'failed'] as const) {
    for (const candidate of recordIds(layout, state).filter(isRetryName)) {
      links.push({ id: candidate, retry_of: (await readRecordSafely(layout, candidate))?.result.retry_of });
    }
  }
  for (const claim of (await runningClaims(layout)).filter((c) => isRetryName(c.id))) {
    const { loaded } = await readClaimedJob(layout, claim);
    links.push({ id: claim.id, retry_of: loaded?.ok ? loaded.meta.retry_of : undefined });
  }
  for (const name of (await pendingNames(layout)).filter((n) => isRetryName(parsePendingName(n).stem))) {
    const file = await readPendingFile(layout, name);
    if (file?.loaded.ok) links.push({ id: file.id, retry_of: file.loaded.meta.retry_of });
  }
  const order = (x: string) => Number(RETRY_SUFFIX.exec(x)?.[0].slice(2) ?? 0);
  return links.filter((l) => l.retry_of === id).map((l) => l.id).sort((a, b) => order(a) - order(b));
}
