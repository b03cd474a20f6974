// `mcpq retry` (and MCP retry_job): a failed job goes back into pending/ as a new job.
// Records are never modified and ids never reused, so the new job gets a new id,
// `<id>-r2` (or the next free `-rN`; retrying `x-r2` gives `x-r3`), and carries the old
// id in `_mcpq.retry_of`, which the daemon copies into its record as
// `result.retry_of`. The link back (old → new) is found by that naming: `retriesOf`.
// A job is retried once: asked again (another terminal, an agent that missed the
// answer), mcpq names the retry rather than run the work twice.
//
// The new job is the old record minus `result`, except that an `after` id which failed
// and was retried since names its newest retry. A script job (.sh/.txt) is resubmitted
// as a JSON shell job when /bin/sh runs it anyway; a script with its own interpreter
// (#!/usr/bin/env python3) goes back as a script file, whose record cannot carry the
// link (only its id tells where it came from).
import { ExitCode, McpqError, errnoCode, type NextStep } from '../core/errors.js';
import { isSafeId, newJobId } from '../core/ids.js';
import { META_KEY, type LoadedJob, type QueueMeta } from '../core/job-file.js';
import { scriptSpec } from '../core/job-schema.js';
import { unclaimedFiles } from '../queue/claims.js';
import { runningListing } from '../queue/inventory.js';
import { ensureQueue, type QueueLayout } from '../queue/layout.js';
import { formatOf, parseClaimedName, parsePendingName } from '../queue/names.js';
import { readRecordOrFail, type JobRecord } from '../queue/records.js';
import { ID_TAKEN, submit, whereIsId } from '../queue/submit.js';
import { readRecordSafely, recordIds } from './finished.js';
import { locate } from './find.js';
import { pendingNames, readPendingFile } from './pending.js';
import { readClaimedFile, readClaimedJob } from './running.js';
import type { JobState, RetryResult } from './types.js';

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
  // The id is picked before looking for an earlier retry. A retry of the same job
  // published after that look picked its id before being published, as we did ours:
  // both took the same first free id, so the later publish fails with ID_TAKEN, looks
  // again and is refused. ID_TAKEN with no retry found is another job that took the
  // id meanwhile: then the next one.
  for (let attempt = 1; ; attempt += 1) {
    const id = await nextRetryId(layout, job.id);
    await refuseIfRetried(layout, job.id);
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
  return (await chainEnd(layout, id))?.id ?? id;
}

async function chainEnd(layout: QueueLayout, id: string): Promise<RetryLink | undefined> {
  let end: RetryLink | undefined;
  for (let depth = 0; depth < 100; depth += 1) {
    const next = (await retryLinks(layout, end?.id ?? id)).at(-1);
    if (next === undefined) break;
    end = next;
  }
  return end;
}

async function refuseIfRetried(layout: QueueLayout, id: string): Promise<void> {
  const end = await chainEnd(layout, id);
  if (end === undefined) return;
  throw new McpqError(`job ${id} was already retried as ${end.id} (${end.state})`, ExitCode.usage, undefined, nextStepFor(end));
}

function nextStepFor({ id, state }: RetryLink): NextStep | undefined {
  switch (state) {
    case 'pending':
    case 'running':
      return { cli: `mcpq wait ${id}`, mcp: `get_job ${id} shows how it goes` };
    case 'failed':
      return { cli: `mcpq retry ${id} to run it again`, mcp: `retry_job ${id} to run it again` };
    case 'completed':
      return undefined;
  }
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
  return (await retryLinks(layout, id)).map((link) => link.id);
}

interface RetryLink {
  readonly id: string;
  readonly state: JobState;
}

// `retriesOf`, each with where it is now. Looked for in the order jobs move (pending/,
// running/, then the records), so that one moving on meanwhile is seen in its next
// place: a claimed file is in running/ before its claim, a record is written before
// its claim goes.
async function retryLinks(layout: QueueLayout, id: string): Promise<RetryLink[]> {
  const base = id.replace(RETRY_SUFFIX, '');
  const isRetryName = (candidate: string) => RETRY_SUFFIX.test(candidate) && candidate.replace(RETRY_SUFFIX, '') === base;
  const found = new Map<string, JobState>();
  const note = (candidate: string, loaded: LoadedJob | undefined, state: JobState): void => {
    if (loaded?.ok && loaded.meta.retry_of === id) found.set(candidate, state);
  };
  for (const name of (await pendingNames(layout)).filter((n) => isRetryName(parsePendingName(n).stem))) {
    const file = await readPendingFile(layout, name);
    if (file !== undefined) note(file.id, file.loaded, 'pending');
  }
  const running = await runningListing(layout);
  for (const file of running === undefined ? [] : unclaimedFiles(running)) {
    const source = parseClaimedName(file)?.name;
    if (source === undefined || !isRetryName(parsePendingName(source).stem)) continue;
    const loaded = await readClaimedFile(layout, file, source, Date.now());
    note(loaded?.wantedId ?? source, loaded, 'running');
  }
  for (const claim of (running?.claims ?? []).filter((c) => isRetryName(c.id))) note(claim.id, (await readClaimedJob(layout, claim)).loaded, 'running');
  for (const state of ['completed', 'failed'] as const) {
    for (const candidate of recordIds(layout, state).filter(isRetryName)) {
      if ((await readRecordSafely(layout, candidate))?.result.retry_of === id) found.set(candidate, state);
    }
  }
  const order = (x: string) => Number(RETRY_SUFFIX.exec(x)?.[0].slice(2) ?? 0);
  return [...found].map(([retry, state]) => ({ id: retry, state })).sort((a, b) => order(a.id) - order(b.id));
}
