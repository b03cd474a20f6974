// Claiming is one rename(pending/<name>, running/<name>@<tag>-<seq>): whoever's rename
// succeeds owns the job, ENOENT means another daemon won. The destination is unique
// to this daemon and never exists, so the rename cannot replace anything.
//
// The owner then reserves the job's id by creating running/<id>.claim exclusively
// (O_EXCL) and checking that no record has that id: ids are never reused, so records
// are never overwritten. The claim names the job file, the owner and, once the job
// has started, its process group, so that recovery can finish what a dead owner began.
//
// Claiming and reserving lie on the path from a job's arrival to its start, and are a
// few metadata calls on small files: they run synchronously, since a promise's round
// trip through the thread pool costs more than the call itself.
import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode } from '../core/errors.js';
import { unlinkIfExists, writeAtomic } from './files.js';
import { claimPath, recordPath, type QueueLayout } from './layout.js';
import { CLAIM_SUFFIX, claimedName } from './names.js';

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
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') continue;
      throw error;
    }
    try {
      if (recordExists(layout, id)) {
        closeSync(fd);
        fd = -1;
        unlinkSync(path);
        continue;
      }
      const claim: Claim = { id, ...claimFields };
      writeSync(fd, JSON.stringify(claim));
      return claim;
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
  throw new Error('unreachable: id candidates are endless');
}

// Rewrites the claim once the job's process group is known. The new text only adds
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

export async function readClaim(layout: QueueLayout, id: string): Promise<Claim | undefined> {
  try {
    return claimSchema.parse(JSON.parse(await readFile(claimPath(layout, id), 'utf8')));
  } catch {
    return undefined;
  }
}

// All claims in running/, and the job files whose claims are missing or unreadable.
export async function listRunning(layout: QueueLayout): Promise<{ claims: Claim[]; files: string[] }> {
  const names = await readdir(layout.running);
  const claims: Claim[] = [];
  const files: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (name.endsWith(CLAIM_SUFFIX)) {
      const c = await readClaim(layout, name.slice(0, -CLAIM_SUFFIX.length));
      if (c !== undefined) claims.push(c);
    } else if (name.includes('@')) {
      files.push(name);
    }
  }
  return { claims, files };
}
