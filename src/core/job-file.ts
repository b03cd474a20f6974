// A job file's bytes to a job the daemon can run, or the reason it cannot. Pure.
//
// Two outcomes are told apart: `incomplete` (empty, or JSON that does not parse yet:
// perhaps a writer is still at work, so wait until the file is stable) and plain
// invalid (well-formed but wrong: fail at once). `_mcpq` holds the queue's own
// bookkeeping on a job that was put back (attempt count, earlier attempts, id).
import { z } from 'zod';
import { JOB_FILE_KINDS, formatOf, parsePendingName } from '../queue/names.js';
import { FILE_NAME_ID_RULE, isFileNameId } from './ids.js';
import { depthProblem, describeIssues, parseJobObject, scriptSpec, type JobDefaults, type JobSpec } from './job-schema.js';
import { isTime } from './job-rules.js';

export const META_KEY = '_mcpq';

const attemptSummarySchema = z.looseObject({
  attempt: z.number().int(),
  status: z.string(),
  completed_at: z.string(),
});

export const queueMetaSchema = z.looseObject({
  // The job's id, kept when it goes back to pending/. It names the job's files, so a
  // file that brings its own (any tool may write _mcpq) cannot name files elsewhere.
  id: z.string().refine(isFileNameId, { error: `must be ${FILE_NAME_ID_RULE}` }).optional(),
  attempt: z.number().int().min(1).optional(),
  history: z.array(attemptSummarySchema).optional(),
  retry_at: z.number().refine(isTime, { error: 'must be a time (epoch ms)' }).optional(),
  retry_of: z.string().optional(),
  submitted_at: z.number().refine(isTime, { error: 'must be a time (epoch ms)' }).optional(),
});
export type QueueMeta = z.infer<typeof queueMetaSchema>;

// What a record keeps of the bookkeeping: the job it retries (`mcpq retry`), if any.
export function recordLinks(meta: QueueMeta | undefined): { retry_of?: string } {
  return meta?.retry_of === undefined ? {} : { retry_of: meta.retry_of };
}

export type LoadedJob =
  | {
      readonly ok: true;
      readonly spec: JobSpec;
      readonly object: Readonly<Record<string, unknown>>; // as submitted, without _mcpq
      readonly meta: QueueMeta;
      readonly wantedId: string;
      readonly attempt: number;
    }
  | {
      readonly ok: false;
      readonly incomplete: boolean; // wait until the file is stable before failing it
      readonly error: string;
      readonly object: Readonly<Record<string, unknown>> | undefined;
      readonly wantedId: string;
    };

// A pending name whose file could not be read as bytes at all (not a regular file).
export function unreadableJob(name: string, error: string): LoadedJob {
  return { ok: false, incomplete: false, error, object: undefined, wantedId: parsePendingName(name).stem };
}

export function loadJobFile(name: string, bytes: Uint8Array, defaults: JobDefaults): LoadedJob {
  const { stem, attempt: markedAttempt } = parsePendingName(name);
  const wantedFromName = stem;
  const fail = (error: string, incomplete: boolean, object?: Record<string, unknown>): LoadedJob => ({
    ok: false,
    incomplete,
    error,
    object,
    wantedId: wantedFromName,
  });
  if (bytes.length === 0) return fail('empty file', true);
  const format = formatOf(name);
  if (format === 'unknown') {
    return fail(`unknown job format "${name}": expected ${JOB_FILE_KINDS}`, true);
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) return fail(`not a text file: ${format === 'json' ? 'JSON' : 'a script'} must be UTF-8 without NUL bytes`, true);

  if (format === 'script') {
    return {
      ok: true,
      spec: Object.freeze({ ...scriptDefaults(defaults), run: scriptSpec(text) }),
      object: { command: text },
      meta: {},
      wantedId: wantedFromName,
      attempt: markedAttempt ?? 1,
    };
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the file around the fault, newlines included: keep it one line.
    return fail(`not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`, true);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`job: must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, false);
  }
  const tooDeep = depthProblem(value);
  if (tooDeep !== undefined) return fail(tooDeep, false); // not kept in the record either: writing it back would hit the same limit
  const { [META_KEY]: rawMeta, ...object } = value as Record<string, unknown>;
  const meta = queueMetaSchema.safeParse(rawMeta ?? {});
  if (!meta.success) return fail(`${META_KEY}: ${describeIssues(meta.error.issues)}`, false, object);
  const spec = parseJobObject(object, { ...defaults, submittedAt: meta.data.submitted_at ?? defaults.submittedAt });
  if (!spec.ok) return fail(spec.error, false, object);
  return {
    ok: true,
    spec: spec.value,
    object,
    meta: meta.data,
    wantedId: meta.data.id ?? spec.value.requestedId ?? wantedFromName,
    attempt: meta.data.attempt ?? markedAttempt ?? 1,
  };
}

function scriptDefaults(defaults: JobDefaults): Omit<JobSpec, 'run'> {
  return {
    requestedId: undefined,
    description: undefined,
    timeoutMs: defaults.timeoutSeconds === 0 ? null : defaults.timeoutSeconds * 1_000,
    cwd: undefined,
    env: {},
    priority: 0,
    retries: 0,
    retryDelayMs: 1_000,
    after: [],
    notBefore: undefined,
    group: undefined,
    resultFile: undefined,
  };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
