// Which job a user means: an id, or any unique prefix of one (like git). Ids are file
// names, so this reads names only: <id>.json in completed/ and failed/, <id>.claim in
// running/, and the file names in pending/; pending files are read only to confirm
// the id a job asks for (its task_id may differ from its file name), or when no name
// matches at all. A job caught between two states counts in the later one; one on its
// way from pending/ to its claim is in neither for an instant, and is looked for again.
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, McpqError } from '../core/errors.js';
import { unclaimedFiles, type Claim } from '../queue/claims.js';
import { runningListing } from '../queue/inventory.js';
import type { QueueLayout } from '../queue/layout.js';
import { parsePendingName } from '../queue/names.js';
import { recordIds } from './finished.js';
import { pendingNames, readPending, readPendingFile } from './pending.js';
import type { FinishedState } from './types.js';

export type Located =
  | { readonly state: 'pending'; readonly id: string; readonly name: string }
  | { readonly state: 'running'; readonly id: string; readonly claim: Claim }
  | { readonly state: FinishedState; readonly id: string };

const RANK = { pending: 0, running: 1, completed: 2, failed: 2 } as const;
const SHOWN_CANDIDATES = 8;

// Every job the names reveal, by id; and whether a job is on its way from pending/ to
// its claim (claimed by rename, its claim not written yet), in neither listing.
async function candidates(layout: QueueLayout): Promise<{ found: Map<string, Located>; inFlight: boolean }> {
  const found = new Map<string, Located>();
  const add = (job: Located): void => {
    const known = found.get(job.id);
    if (known === undefined || RANK[job.state] > RANK[known.state]) found.set(job.id, job);
  };
  for (const name of await pendingNames(layout)) add({ state: 'pending', id: parsePendingName(name).stem, name });
  const running = await runningListing(layout);
  for (const claim of running?.claims ?? []) add({ state: 'running', id: claim.id, claim });
  for (const state of ['completed', 'failed'] as const) for (const id of recordIds(layout, state)) add({ state, id });
  return { found, inFlight: running !== undefined && unclaimedFiles(running).length > 0 };
}

// The job with exactly this id, or undefined.
export async function locateExact(layout: QueueLayout, id: string): Promise<Located | undefined> {
  const job = (await candidates(layout)).found.get(id);
  if (job?.state === 'pending') return confirmPending(layout, job, id);
  return job ?? (await pendingById(layout, (wanted) => wanted === id))[0];
}

// A ref that matches nothing while a job is between pending/ and its claim is looked
// for again, a moment later, this many times: it may be that job.
const LOOKS = 5;
const LOOK_AGAIN_MS = 20;

// The job `ref` names (exact id first, else a unique prefix). Unknown or ambiguous
// refs are a one-line McpqError (exit 4) naming the candidates.
export async function locate(layout: QueueLayout, ref: string): Promise<Located> {
  if (ref === '') throw new McpqError('a job id must not be empty', ExitCode.usage);
  for (let look = 1; ; look += 1) {
    const { found: all, inFlight } = await candidates(layout);
    const exact = all.get(ref);
    if (exact !== undefined) {
      const confirmed = exact.state === 'pending' ? await confirmPending(layout, exact, ref) : exact;
      if (confirmed !== undefined) return confirmed;
    }
    let matches = [...all.values()].filter((job) => job.id.startsWith(ref));
    if (matches.length === 0) matches = await pendingById(layout, (id) => id.startsWith(ref));
    if (matches.length === 1) {
      const only = matches[0]!;
      return only.state === 'pending' ? ((await confirmPending(layout, only)) ?? only) : only;
    }
    if (matches.length === 0 && inFlight && look < LOOKS) {
      await sleep(LOOK_AGAIN_MS);
      continue;
    }
    return refuse(layout, ref, matches);
  }
}

function refuse(layout: QueueLayout, ref: string, matches: readonly Located[]): never {
  if (matches.length === 0) throw new McpqError(`no job "${ref}" in ${layout.root}`, ExitCode.notFound, undefined, { cli: 'mcpq list shows the jobs', mcp: 'list_jobs shows the jobs' });
  const shown = [...matches]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .slice(0, SHOWN_CANDIDATES)
    .map((job) => `${job.id} (${job.state})`);
  const more = matches.length > SHOWN_CANDIDATES ? `, and ${matches.length - SHOWN_CANDIDATES} more` : '';
  throw new McpqError(`"${ref}" matches ${matches.length} jobs: ${shown.join(', ')}${more}; give more of the id`, ExitCode.notFound);
}

// A pending file's real id is the one it asks for (task_id, or kept from an earlier attempt).
async function confirmPending(layout: QueueLayout, job: Extract<Located, { state: 'pending' }>, id?: string): Promise<Located | undefined> {
  const file = await readPendingFile(layout, job.name);
  if (file === undefined) return undefined;
  if (id !== undefined && file.id !== id) return (await pendingById(layout, (wanted) => wanted === id))[0];
  return { ...job, id: file.id };
}

async function pendingById(layout: QueueLayout, match: (id: string) => boolean): Promise<Located[]> {
  return (await readPending(layout)).filter((f) => match(f.id)).map((f) => ({ state: 'pending', id: f.id, name: f.entry.name }));
}

// The ids several refs name, each once, in order; fails on the first bad ref, so that
// a command acting on many jobs touches none when one is wrong.
export async function locateIds(layout: QueueLayout, refs: readonly string[]): Promise<string[]> {
  const jobs = await Promise.all(refs.map((ref) => locate(layout, ref)));
  return [...new Set(jobs.map((job) => job.id))];
}
