// How jobs enter the queue from mcpq itself: written complete under a hidden name,
// fsynced, then renamed into pending/ (files.ts stageFile, moveNoClobber). The daemon
// never sees a half-written job from us.
import { McpqError, ExitCode, describeIoError, errnoCode } from '../core/errors.js';
import { MAX_JOB_FILE_BYTES } from '../core/job-rules.js';
import { directoryProblem, exists, moveNoClobber, stageFile, unlinkIfExists, visibleNames } from './files.js';
import { recordPath, type QueueLayout } from './layout.js';
import { CLAIM_SUFFIX, parseClaimedName, parsePendingName } from './names.js';

// Where an id is already in use, or undefined when it is free. Looked for in the order
// jobs move (pending/, running/, then the records), so that a job moving on meanwhile
// is seen in its next place: a claimed job file is in running/ an instant before its
// claim is, and a record is written before the claim goes.
export async function whereIsId(layout: QueueLayout, id: string): Promise<string | undefined> {
  const named = (pendingName: string | undefined) => pendingName !== undefined && parsePendingName(pendingName).stem === id;
  if ((await visibleNames(layout.pending)).some(named)) return 'pending';
  if ((await visibleNames(layout.running)).some((name) => name === `${id}${CLAIM_SUFFIX}` || named(parseClaimedName(name)?.name))) return 'running';
  if (await exists(recordPath(layout, 'completed', id))) return 'completed';
  if (await exists(recordPath(layout, 'failed', id))) return 'failed';
  return undefined;
}

// A job that would start in a folder that is not there can only fail: refused before
// it is queued, saying what a daemon would say (daemon/runner.ts). Not when it first
// waits for another job or a time (`after`, `not_before`), which may make the folder
// meanwhile. `name` is how the user gave the cwd (--cwd, cwd); `job.cwd` is absolute.
export async function refuseMissingCwd(job: Readonly<Record<string, unknown>>, name: string): Promise<void> {
  if (typeof job.cwd !== 'string' || (Array.isArray(job.after) && job.after.length > 0) || job.not_before !== undefined) return;
  const problem = await directoryProblem(job.cwd);
  if (problem === undefined) return;
  const next = problem === 'no such directory' ? { cli: 'create it, or make the job wait for the one that does (--after ID)', mcp: 'create it, or make the job wait for the one that does ("after")' } : undefined;
  throw new McpqError(`${name} ${job.cwd}: ${problem}`, ExitCode.usage, undefined, next);
}

export interface Submission {
  readonly id: string;
  readonly content: string | Uint8Array;
  readonly extension: '.json' | '.sh' | '.txt';
}

// The code of the error submit throws when the id is taken, for callers that pick
// the id themselves and can take another.
export const ID_TAKEN = 'EIDTAKEN';

// Publishes the job under exactly <id><extension>: a submission racing another for
// the same id (two agents' calls at once) is refused, not queued under <id>-2 while
// its caller is told <id>.
export async function submit(layout: QueueLayout, submission: Submission): Promise<string> {
  await submitAll(layout, [submission]);
  return submission.id;
}

// Publishes several jobs together (a pipeline's stages). Each is first written and
// fsynced under a hidden name; only once all are on disk do they get their names, in
// order. So a fault while writing (a full disk) queues none of them, rather than the
// first stages without the rest.
export async function submitAll(layout: QueueLayout, submissions: readonly Submission[]): Promise<void> {
  for (const submission of submissions) {
    const size = typeof submission.content === 'string' ? Buffer.byteLength(submission.content) : submission.content.length;
    if (size > MAX_JOB_FILE_BYTES) {
      throw new McpqError(`the job is ${size} bytes; a job file holds at most ${MAX_JOB_FILE_BYTES / 2 ** 20} MiB (a daemon would fail it as invalid)`, ExitCode.usage, undefined, {
        cli: 'put large data in a file and pass its path to the command',
        mcp: 'put large data in a file and pass its path to the command',
      });
    }
    const taken = await whereIsId(layout, submission.id);
    if (taken !== undefined) throw alreadyUsed(submission.id, taken);
  }
  const staged: string[] = [];
  try {
    for (const { id, extension, content } of submissions) staged.push(await stageFile(layout.pending, `${id}${extension}`, content));
    for (const [i, { id, extension }] of submissions.entries()) {
      await moveNoClobber(staged[i]!, layout.pending, `${id}${extension}`, true);
      staged[i] = '';
    }
  } catch (error) {
    await Promise.all(staged.filter((temp) => temp !== '').map((temp) => unlinkIfExists(temp)));
    const failed = submissions[staged.findIndex((temp) => temp !== '')]?.id;
    if (errnoCode(error) === 'EEXIST' && failed !== undefined) throw alreadyUsed(failed, 'pending');
    // A fault of the disk (ENOSPC, EROFS, EIO…), not of mcpq: say which, in one line.
    if (errnoCode(error) === undefined) throw error;
    throw new McpqError(`cannot write the job: ${describeIoError(error)}`, ExitCode.failure, errnoCode(error));
  }
}

function alreadyUsed(id: string, where: string): McpqError {
  return new McpqError(`job id "${id}" is already used (${where})`, ExitCode.usage, ID_TAKEN, { cli: 'choose another --id', mcp: 'choose another id' });
}
