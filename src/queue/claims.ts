// Claiming is one rename(pending/<name>, running/<name>@<tag>-<seq>): whoever's rename
// succeeds owns the job, ENOENT means another daemon won. The destination is unique
// to this daemon and never exists, so the rename cannot replace anything.
//
// The owner then reserves the job's id by creating running/<id>.claim exclusively
// (O_EXCL) and checking that no record has that id: ids are never reused, so records
// are never overwritten. The claim names the job file, the owner and, once the job
// has started, its process group, so that recovery can finish what a dead owner began.
import { open, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode } from '../core/errors.js';
import { exists, unlinkIfExists } from './files.js';
import { recordPath, type QueueLayout } from './layout.js';
import { CLAIM_SUFFIX, claimedName } from './names.js';

export async function claim(layout: QueueLayout, name: string, tag: string, seq: number): Promise<string | undefined> {
  const file = claimedName(name, tag, seq);
  try {
    await rename(join(layout.pending, name), join(layout.running, file));
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
});
export type Claim = z.infer<typeof claimSchema>;
export type ClaimFields = Omit<Claim, 'id'>;

export function claimPath(layout: QueueLayout, id: string): string {
  return join(layout.running, `${id}${CLAIM_SUFFIX}`);
}

async function recordExists(layout: QueueLayout, id: string): Promise<boolean> {
  return (await exists(recordPath(layout, 'completed', id))) || (await exists(recordPath(layout, 'failed', id)));
}

function* idCandidates(wanted: string): Generator<string> {
  yield wanted;
  for (let n = 2; n <= 50; n += 1) yield `${wanted}-${n}`;
  for (;;) yield `${wanted}-${Math.random().toString(36).slice(2, 8)}`;
}

// Reserves `wanted` (or `wanted-2`, `wanted-3`… when taken) and writes the claim.
export async function reserveId(layout: QueueLayout, wanted: string, claimFields: ClaimFields): Promise<Claim> {
  for (const id of idCandidates(wanted)) {
    const path = claimPath(layout, id);
    let handle;
    try {
      handle = await open(path, 'wx', 0o600);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') continue;
      throw error;
    }
    try {
      if (await recordExists(layout, id)) {
        await handle.close();
        handle = undefined;
        await unlinkIfExists(path);
        continue;
      }
      const claim: Claim = { id, ...claimFields };
      await handle.writeFile(JSON.stringify(claim));
      return claim;
    } finally {
      await handle?.close();
    }
  }
  throw new Error('unreachable: id candidates are endless');
}

// Rewrites the claim, e.g. once the job's process group is known.
export async function updateClaim(layout: QueueLayout, claim: Claim): Promise<void> {
  const handle = await open(claimPath(layout, claim.id), 'r+');
  try {
    const text = JSON.stringify(claim);
    await handle.truncate(0);
    await handle.write(text, 0);
  } finally {
    await handle.close();
  }
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
