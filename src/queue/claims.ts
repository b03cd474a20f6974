// Claiming is one rename(pending/<name>, running/<name>@<tag>-<seq>): whoever's rename
// succeeds owns the job, ENOENT means another daemon won. The destination is unique
// to this daemon and never exists, so the rename cannot replace anything.
//
// The owner then reserves the job's id by creating running/<id>.claim exclusively
// (O_EXCL) and checking that no record has that id: ids are never reused, so records
// are never overwritten. The claim names the job file, the owner, when the job was
// started (noted just before its spawn) and then its process group, so that recovery
// can finish what a dead owner began.
//
// Claiming and reserving lie on the path from a job's arrival to its start, and are a
// few metadata calls on small files: they run synchronously, since a promise's round
// trip through the thread pool costs more than the call itself.
import { closeSync, existsSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode } from '../core/errors.js';
import { moveNoClobber, readIfExists, takeIfStill, unlinkIfExists, writeAtomic } from './files.js';
import { claimPath, recordPath, type QueueLayout } from './layout.js';
import { CLAIM_SUFFIX, claimedName, parseRecoveringName } from './names.js';

export function claim(layout: QueueLayout, name: string, tag: string, seq: number): string | undefined {
  const file = claimedName(name, tag, seq);
  try {
    renameSync(join(layout.pending, name), join(layout.running, file));
    return file;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

export const claimSchema = z.object({
  id: z.string(),
  file: z.string(), // the job file in running/
  source: z.string(), // its name in pending/
  tag: z.string(),
  host: z.string(),
  pid: z.number().int(),
  claimed_at: z.string(),
  attempt: z.number().int().min(1),
  pgid: z.number().int().optional(),
  boot_time: z.number().optional(),
  started_at: z.string().optional(),
  // The job has finished, but its record could not be written (a full disk, a read-only
  // folder): the record waits here, so that its owner, or whoever recovers the claim,
  // writes it rather than running the job again.
  record: z.looseObject({ result: z.looseObject({ status: z.string() }) }).optional(),
});
export type Claim = z.infer<typeof claimSchema>;
export type ClaimFields = Omit<Claim, 'id'>;

function recordExists(layout: QueueLayout, id: string): boolean {
  return existsSync(recordPath(layout, 'completed', id)) || existsSync(recordPath(layout, 'failed', id));
}

function* idCandidates(wanted: string): Generator<string> {
  yield wanted;
  for (let n = 2; n <= 50; n += 1) yield `${wanted}-${n}`;
  for (;;) yield `${wanted}-${Math.random().toString(36).slice(2, 8)}`;
}

// Reserves `wanted` (or `wanted-2`, `wanted-3`… when taken) and writes the claim.
export function reserveId(layout: QueueLayout, wanted: string, claimFields: ClaimFields): Claim {
  for (const id of idCandidates(wanted)) {
    const path = claimPath(layout, id);
    const fd = createExclusive(path);
    if (fd === undefined) continue;
    if (recordExists(layout, id)) {
      closeSync(fd);
      unlinkSync(path);
      continue;
    }
    const claim: Claim = { id, ...claimFields };
    try {
      writeClaim(fd, claim);
    } catch (error) {
      // Not left empty (a full disk): the id is free again. Should even this fail,
      // recovery removes the empty claim at the next start.
      rmSync(path, { force: true });
      throw error;
    }
    return claim;
  }
  throw new Error('unreachable: id candidates are endless');
}

// Puts a claim that recovery took over back under its name, naming its new owner, so
// that its id stays reserved. False when the id was reserved again meanwhile.
export function reclaim(layout: QueueLayout, claim: Claim): boolean {
  const fd = createExclusive(claimPath(layout, claim.id));
  if (fd === undefined) return false;
  writeClaim(fd, claim);
  return true;
}

// Takes over a dead owner's claim for recovery: renames `from` (its claim, or a
// recovery of it that another daemon left unfinished) to `to`, a name of the
// recovering daemon's own. Only one daemon's rename can win; the others get ENOENT
// (false). A claim's name is reused, though: by the time a recovery comes to a claim
// it listed, another daemon may have recovered it and put it back under its name as
// its own, or the job may run again under a new claim. Such a claim is not taken, and
// one taken in the instant it changed is given back at once: all of this is
// synchronous, so that the claim is away for a few system calls only (an owner that
// released it in that instant would find it back, stale, until that owner dies).
export function takeOverClaim(from: string, to: string, dead: Claim): boolean {
  return takeIfStill(from, to, (bytes) => {
    const now = parseClaim(bytes);
    return now !== undefined && now.id === dead.id && now.tag === dead.tag && now.claimed_at === dead.claimed_at;
  });
}

function createExclusive(path: string): number | undefined {
  try {
    return openSync(path, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return undefined;
    throw error;
  }
}

// Written at once after its creation: a claim is seen empty only for that instant, or
// after a crash in it (recovery removes those).
function writeClaim(fd: number, claim: Claim): void {
  try {
    writeSync(fd, JSON.stringify(claim));
  } finally {
    closeSync(fd);
  }
}

// Rewrites the claim as the job starts (started_at, then pgid). The new text only adds
// fields, so writing it over the old from the start replaces it whole.
export function updateClaim(layout: QueueLayout, claim: Claim): void {
  const fd = openSync(claimPath(layout, claim.id), 'r+');
  try {
    writeSync(fd, JSON.stringify(claim), 0);
  } finally {
    closeSync(fd);
  }
}

// Keeps a finished job's record in its claim (see `record` above). Written whole under
// a temp name first: the old claim stays intact if the disk is full.
export async function holdRecordInClaim(layout: QueueLayout, claim: Claim, record: Readonly<Record<string, unknown>>, fsync: boolean): Promise<void> {
  await writeAtomic(claimPath(layout, claim.id), JSON.stringify({ ...claim, record }), fsync);
}

export async function releaseClaim(layout: QueueLayout, id: string): Promise<void> {
  await unlinkIfExists(claimPath(layout, id));
}

// Puts a claimed file (`path`, in running/) back into pending/ as `name`, releasing its
// claim `id` if it has one. The claim goes first: once the file is back, any daemon may
// claim it again and reserve the same id, and that new claim must not be the one
// removed. (A crash in between leaves a claimed file without a claim: recovery puts
// it back.) The move is idempotent, so this may be done again after a crash part-way.
export async function putBack(layout: QueueLayout, path: string, name: string, id?: string): Promise<void> {
  if (id !== undefined) await releaseClaim(layout, id);
  await moveNoClobber(path, layout.pending, name);
}

export async function readClaim(layout: QueueLayout, id: string): Promise<Claim | undefined> {
  return parseClaim(await readIfExists(claimPath(layout, id)));
}

function parseClaim(bytes: Buffer | undefined): Claim | undefined {
  if (bytes === undefined) return undefined;
  try {
    return claimSchema.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    return undefined;
  }
}

export interface RunningListing {
  readonly claims: Claim[];
  // Dead owners' claims being recovered (names.ts recoveringName), by whom.
  readonly recovering: readonly { readonly name: string; readonly tag: string; readonly claim: Claim }[];
  // Claims that do not parse: being written this instant, or left empty by a crash.
  readonly unreadable: readonly { readonly name: string; readonly mtimeMs: number }[];
  readonly files: readonly string[]; // every claimed job file
}

// What running/ holds. A claim is created right after its job file is claimed, so a
// claim seen here has its job file in the same listing.
export async function listRunning(layout: QueueLayout): Promise<RunningListing> {
  const names = await readdir(layout.running);
  const claims: Claim[] = [];
  const recovering: { name: string; tag: string; claim: Claim }[] = [];
  const unreadable: { name: string; mtimeMs: number }[] = [];
  const files: string[] = [];
  for (const name of names) {
    const recoverer = parseRecoveringName(name);
    if (recoverer !== undefined) {
      const c = parseClaim(await readIfExists(join(layout.running, name)));
      if (c !== undefined) recovering.push({ name, tag: recoverer.tag, claim: c });
    } else if (name.startsWith('.')) {
      continue;
    } else if (name.endsWith(CLAIM_SUFFIX)) {
      const path = join(layout.running, name);
      const c = parseClaim(await readIfExists(path));
      if (c !== undefined) {
        claims.push(c);
        continue;
      }
      const mtimeMs = await stat(path).then((st) => st.mtimeMs, () => undefined);
      if (mtimeMs !== undefined) unreadable.push({ name, mtimeMs });
    } else if (name.includes('@')) {
      files.push(name);
    }
  }
  return { claims, recovering, unreadable, files };
}

// The claimed job files that no claim (nor claim being recovered) names.
export function unclaimedFiles(listing: RunningListing): string[] {
  const named = new Set([...listing.claims, ...listing.recovering.map((r) => r.claim)].map((c) => c.file));
  return listing.files.filter((file) => !named.has(file));
}
