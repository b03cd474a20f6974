// Finishing what dead daemons began. A claim whose owner is dead (owner.ts) is taken
// over by renaming it (only one recovering daemon can win that rename), then:
//   - its record exists: the owner died while tidying up; finish the tidying;
//   - otherwise the job was interrupted: stop what is left of its process group (same
//     host and boot only: elsewhere the pgid means nothing), then put it back with one
//     more attempt counted, or record it `interrupted` once its attempts are used up.
// A claimed job file without a claim never started: it goes back as it was. A dead
// daemon's group locks (queue/group-lock.ts) are released.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, errorMessage } from '../core/errors.js';
import { loadJobFile, recordLinks } from '../core/job-file.js';
import { listRunning, type Claim } from '../queue/claims.js';
import { claimPath } from '../queue/layout.js';
import { listGroupLocks, unlockGroup } from '../queue/group-lock.js';
import { moveNoClobber, unlinkIfExists } from '../queue/files.js';
import { claimedName, parseClaimedName } from '../queue/names.js';
import { bootTime, filesystemNow, listDaemons, thisHost, unregisterDaemon } from '../queue/owner.js';
import { buildRecord, readRecord, summarizeAttempt, writeRecord, type AttemptSummary } from '../queue/records.js';
import type { DaemonContext } from './context.js';
import { requeue } from './job-lifecycle.js';
import { groupExists, stopGroup } from './process-group.js';

export interface RecoveryReport {
  readonly requeued: number;
  readonly interrupted: number;
  readonly tidied: number;
}

// Dead owners' tags, or an empty set when every daemon on the queue is alive.
export async function deadOwners(ctx: DaemonContext): Promise<{ dead: Set<string>; alive: Set<string> }> {
  const fsNow = await filesystemNow(ctx.layout, ctx.tag);
  const daemons = await listDaemons(ctx.layout, fsNow);
  const alive = new Set(daemons.filter((d) => d.alive || d.info.tag === ctx.tag).map((d) => d.info.tag));
  const dead = new Set(daemons.filter((d) => !alive.has(d.info.tag)).map((d) => d.info.tag));
  return { dead, alive };
}

export async function recover(ctx: DaemonContext): Promise<RecoveryReport> {
  const { alive, dead } = await deadOwners(ctx);
  const report = { requeued: 0, interrupted: 0, tidied: 0 };
  const { claims, files } = await listRunning(ctx.layout);
  const claimedFiles = new Set(claims.map((c) => c.file));
  for (const claim of claims) {
    if (alive.has(claim.tag)) continue;
    try {
      const result = await recoverClaim(ctx, claim);
      if (result !== undefined) report[result] += 1;
    } catch (error) {
      ctx.log.error({ event: 'recover', id: claim.id, error: errorMessage(error) }, 'could not recover claim');
    }
  }
  for (const file of files) {
    const owner = parseClaimedName(file);
    if (owner === undefined || alive.has(owner.tag) || claimedFiles.has(file)) continue;
    try {
      const mine = await takeFile(ctx, file);
      if (mine === undefined) continue;
      const name = await moveNoClobber(join(ctx.layout.running, mine), ctx.layout.pending, owner.name);
      ctx.log.warn({ event: 'recover', file, pending: name }, 'put back a job that never started');
      report.requeued += 1;
    } catch (error) {
      ctx.log.error({ event: 'recover', file, error: errorMessage(error) }, 'could not put back');
    }
  }
  for (const lock of await listGroupLocks(ctx.layout)) {
    const orphaned = lock.tag === '' ? lock.ageMs > ctx.settings.leaseMs : !alive.has(lock.tag);
    if (!orphaned) continue;
    await unlockGroup(ctx.layout, lock.group);
    ctx.log.warn({ event: 'recover', group: lock.group, owner: lock.tag }, 'released the group lock of a dead daemon');
  }
  for (const tag of dead) {
    const stillHeld = (await listRunning(ctx.layout)).claims.some((c) => c.tag === tag);
    if (!stillHeld) await unregisterDaemon(ctx.layout, tag);
  }
  if (report.requeued + report.interrupted + report.tidied > 0) ctx.log.info({ event: 'recovered', ...report }, 'recovered claims of dead daemons');
  return report;
}

// Whoever renames a dead owner's claim (or claimed file) first does the recovery;
// the others get ENOENT and leave it alone.
async function takeOver(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

let takeSeq = 0;

async function takeFile(ctx: DaemonContext, file: string): Promise<string | undefined> {
  const owner = parseClaimedName(file);
  const mine = claimedName(owner?.name ?? file, ctx.tag, (takeSeq += 1));
  return (await takeOver(join(ctx.layout.running, file), join(ctx.layout.running, mine))) ? mine : undefined;
}

async function recoverClaim(ctx: DaemonContext, dead: Claim): Promise<keyof RecoveryReport | undefined> {
  const hidden = join(ctx.layout.running, `.recovering-${dead.id}-${ctx.tag}`);
  if (!(await takeOver(claimPath(ctx.layout, dead.id), hidden))) return undefined;
  try {
    return await recoverTaken(ctx, dead);
  } finally {
    await unlinkIfExists(hidden);
  }
}

async function recoverTaken(ctx: DaemonContext, dead: Claim): Promise<keyof RecoveryReport> {
  if (dead.pgid !== undefined && dead.host === thisHost() && Math.abs((dead.boot_time ?? 0) - bootTime()) <= 60_000 && groupExists(dead.pgid)) {
    ctx.log.warn({ event: 'recover', id: dead.id, pgid: dead.pgid }, 'stopping what is left of an interrupted job');
    await stopGroup(dead.pgid, ctx.settings.killGraceMs);
  }
  const record = (await readRecord(ctx.layout, dead.id)) ?? (dead.record && (await writeRecord(ctx.layout, dead.record, ctx.settings.fsync), dead.record));
  const file = await takeFile(ctx, dead.file);
  if (record !== undefined) {
    if (file !== undefined) {
      const path = join(ctx.layout.running, file);
      if (record.result.status === 'invalid') await moveNoClobber(path, ctx.layout.failed, `${dead.id}.original`);
      else await unlinkIfExists(path);
    }
    return 'tidied';
  }
  if (file === undefined) {
    ctx.log.warn({ event: 'recover', id: dead.id, file: dead.file }, 'claim without job file or record; dropping the claim');
    return 'tidied';
  }
  const claim: Claim = { ...dead, file, tag: ctx.tag };
  const jobPath = join(ctx.layout.running, file);
  const loaded = loadJobFile(claim.source, await readFile(jobPath), { timeoutSeconds: ctx.settings.defaultTimeoutSeconds, submittedAt: Date.now() });
  const retries = loaded.ok ? loaded.spec.retries : 0;
  const history = [...(((loaded.ok ? loaded.meta.history : undefined) ?? []) as AttemptSummary[])];
  const why = `daemon ${claim.host}/${claim.pid} stopped while the job ran`;
  const interruption = summarizeAttempt(claim.attempt, { status: 'interrupted', error: why }, claim.started_at, new Date());
  // An interruption is no fault of the job's: it always gets at least one more try.
  const attemptsAllowed = 1 + Math.max(retries, 1);
  if (claim.pgid === undefined || claim.attempt < attemptsAllowed) {
    await requeue(ctx, claim, claim.pgid === undefined ? undefined : { history: [...history, interruption] }, false);
    ctx.log.warn({ event: 'recover', id: claim.id, attempt: claim.attempt }, 'put back an interrupted job');
    return 'requeued';
  }
  const rec = buildRecord(loaded.object ?? {}, { status: 'interrupted', error: `${why}, and its ${claim.attempt} attempts are used up` }, {
    id: claim.id,
    source: claim.source,
    host: ctx.host,
    attempts: claim.attempt,
    earlierAttempts: history,
    startedAt: claim.started_at ? new Date(claim.started_at) : undefined,
    completedAt: new Date(),
    stdout: undefined,
    stderr: undefined,
    extra: recordLinks(loaded.ok ? loaded.meta : undefined),
  });
  await writeRecord(ctx.layout, rec, ctx.settings.fsync);
  await unlinkIfExists(jobPath);
  return 'interrupted';
}
