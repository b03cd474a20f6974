// Finishing what dead daemons began. A claim whose owner is dead (owner.ts) is taken
// over by renaming it to running/.recovering-<id>-<tag> (names.ts; only one recovering
// daemon can win that rename), and put straight back under its name as the recovering
// daemon's, so that its id stays reserved. Then:
//   - its record exists: the owner died while tidying up; finish the tidying;
//   - otherwise the job was interrupted: stop what is left of its process group (same
//     host and boot only, and only a group that is still the job's: pids are reused),
//     then put it back with one more attempt counted, or record it `interrupted` once
//     its attempts are used up, or `cancelled` if someone asked to cancel it
//     (control/: mcpq cancel, which may also recover that one claim itself).
// Every step may be done twice. The job file stays where the claim says, and the claim
// stays, until the job is back in pending/ or recorded: a recovery cut short by its
// own daemon's death leaves a dead daemon's claim (or, between the two renames, its
// .recovering- name), which the next daemon recovers in turn; the job is never taken
// for one that never started.
//
// A claimed job file that no claim names never started: it goes back as it was. A
// claim left empty by a crash is removed (abandonedClaims). A dead daemon's group locks
// (queue/group-lock.ts) are released.
import { lstat, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, errorMessage } from '../core/errors.js';
import { loadJobFile, recordLinks } from '../core/job-file.js';
import type { Outcome } from '../core/outcome.js';
import { listRunning, reclaim, releaseClaim, unclaimedFiles, type Claim, type RunningListing } from '../queue/claims.js';
import { readRequests, removeRequest } from '../queue/control.js';
import { claimPath } from '../queue/layout.js';
import { listGroupLocks, removeGroupLock } from '../queue/group-lock.js';
import { moveNoClobber, sameFile, unlinkIfExists } from '../queue/files.js';
import { claimedName, parseClaimedName, recoveringName } from '../queue/names.js';
import { bootTime, filesystemNow, listDaemons, thisHost, unregisterDaemon } from '../queue/owner.js';
import { buildRecord, keepOriginal, readRecord, summarizeAttempt, writeRecord, type AttemptSummary } from '../queue/records.js';
import type { DaemonContext } from './context.js';
import { requeue } from './job-lifecycle.js';
import { groupExists, groupsOfJob, isJobGroup, stopGroup } from './process-group.js';

export interface RecoveryReport {
  readonly requeued: number;
  readonly interrupted: number;
  readonly cancelled: number;
  readonly tidied: number;
}

// Dead owners' tags (an empty set when every daemon on the queue is alive), and the
// filesystem's clock as it was read to tell.
export async function deadOwners(ctx: DaemonContext): Promise<{ dead: Set<string>; alive: Set<string>; fsNow: number }> {
  const fsNow = await filesystemNow(ctx.layout, ctx.tag);
  const daemons = await listDaemons(ctx.layout, fsNow);
  const alive = new Set(daemons.filter((d) => d.alive || d.info.tag === ctx.tag).map((d) => d.info.tag));
  const dead = new Set(daemons.filter((d) => !alive.has(d.info.tag)).map((d) => d.info.tag));
  return { dead, alive, fsNow };
}

export async function recover(ctx: DaemonContext): Promise<RecoveryReport> {
  const { alive, dead, fsNow } = await deadOwners(ctx);
  const report = { requeued: 0, interrupted: 0, cancelled: 0, tidied: 0 };
  const listing = await listRunning(ctx.layout);
  for (const name of abandonedClaims(ctx, listing, alive, fsNow)) {
    try {
      await unlinkIfExists(join(ctx.layout.running, name));
      ctx.log.warn({ event: 'recover', claim: name }, 'removed a claim that a crash left unwritten');
    } catch (error) {
      ctx.log.error({ event: 'recover', claim: name, error: errorMessage(error) }, 'could not remove an unwritten claim');
    }
  }
  const toRecover = listing.claims.filter((c) => !alive.has(c.tag)).map((claim) => ({ from: claimPath(ctx.layout, claim.id), claim }));
  // Recoveries whose daemon died (and this daemon's own that failed earlier): finished
  // from where they were taken, unless their claim was back in place already.
  const back = new Set(listing.claims.map(sameClaim));
  for (const r of listing.recovering.filter((r) => r.tag === ctx.tag || !alive.has(r.tag))) {
    const from = join(ctx.layout.running, r.name);
    if (back.has(sameClaim(r.claim))) await unlinkIfExists(from);
    else toRecover.push({ from, claim: r.claim });
  }
  for (const { from, claim } of toRecover) {
    try {
      const result = await recoverClaim(ctx, from, claim);
      if (result !== undefined) report[result] += 1;
    } catch (error) {
      ctx.log.error({ event: 'recover', id: claim.id, error: errorMessage(error) }, 'could not recover claim; it is left for a later recovery');
    }
  }
  for (const file of await neverStarted(ctx, alive)) {
    try {
      if (await putBack(ctx, file)) report.requeued += 1;
    } catch (error) {
      ctx.log.error({ event: 'recover', file, error: errorMessage(error) }, 'could not put back');
    }
  }
  for (const lock of await listGroupLocks(ctx.layout)) {
    const orphaned = lock.tag === '' ? lock.ageMs > ctx.settings.leaseMs : !alive.has(lock.tag);
    if (!orphaned) continue;
    await removeGroupLock(ctx.layout, lock.file);
    ctx.log.warn({ event: 'recover', group: lock.group, owner: lock.tag }, 'released the group lock of a dead daemon');
  }
  const left = await listRunning(ctx.layout);
  const holders = new Set([...left.claims.map((c) => c.tag), ...left.recovering.flatMap((r) => [r.tag, r.claim.tag])]);
  for (const tag of dead) {
    if (!holders.has(tag)) await unregisterDaemon(ctx.layout, tag);
  }
  if (report.requeued + report.interrupted + report.cancelled + report.tidied > 0) ctx.log.info({ event: 'recovered', ...report }, 'recovered claims of dead daemons');
  return report;
}

// Recovers the claim of job `id` now, if its owner is dead: how `mcpq cancel` (under a
// lease of its own) cancels a job whose daemon is gone. Undefined when the job has no
// such claim, or another daemon took it over first.
export async function recoverJob(ctx: DaemonContext, id: string): Promise<keyof RecoveryReport | undefined> {
  const { alive } = await deadOwners(ctx);
  const claim = (await listRunning(ctx.layout)).claims.find((c) => c.id === id && !alive.has(c.tag));
  return claim === undefined ? undefined : recoverClaim(ctx, claimPath(ctx.layout, id), claim);
}

// One claim, whoever holds it now.
function sameClaim(claim: Claim): string {
  return `${claim.id}\n${claim.claimed_at}`;
}

// A claim is written the moment it is created (claims.ts reserveId), so one that does
// not parse is being written this instant by a live daemon, or was left unwritten by
// a crash. It is the crash's when it is older than a lease, or when no live daemon
// holds a claimed file without a readable claim: a claim is created only after its
// job file is claimed, so its writer's file is in the same listing, provided that the
// claim existed when the listing began (its mtime, from the kernel's coarse clock, is
// compared with some slack against the time read just before).
const CLOCK_SLACK_MS = 50;

function abandonedClaims(ctx: DaemonContext, listing: RunningListing, alive: ReadonlySet<string>, fsNow: number): string[] {
  const writing = unclaimedFiles(listing).some((file) => {
    const owner = parseClaimedName(file);
    return owner !== undefined && alive.has(owner.tag);
  });
  return listing.unreadable
    .filter(({ mtimeMs }) => fsNow - mtimeMs > ctx.settings.leaseMs || (!writing && mtimeMs < fsNow - CLOCK_SLACK_MS))
    .map(({ name }) => name);
}

// Dead owners' claimed files that no claim names, in two listings one after the other:
// a listing made while a claim was being renamed (taken over) may show neither of
// its names; the next one shows it.
async function neverStarted(ctx: DaemonContext, alive: ReadonlySet<string>): Promise<string[]> {
  const orphans = (listing: RunningListing) =>
    unclaimedFiles(listing).filter((file) => {
      const owner = parseClaimedName(file);
      return owner !== undefined && !alive.has(owner.tag);
    });
  const first = orphans(await listRunning(ctx.layout));
  if (first.length === 0) return [];
  const second = new Set(orphans(await listRunning(ctx.layout)));
  return first.filter((file) => second.has(file));
}

async function putBack(ctx: DaemonContext, file: string): Promise<boolean> {
  const name = parseClaimedName(file)?.name ?? file;
  const mine = await takeFile(ctx, file);
  if (mine === undefined) return false;
  const path = join(ctx.layout.running, mine);
  if (await claimedAgain(ctx, path)) {
    await unlink(path);
    ctx.log.warn({ event: 'recover', file }, 'dropped the leftover of a job already put back and claimed again');
    return false;
  }
  const pending = await moveNoClobber(path, ctx.layout.pending, name);
  ctx.log.warn({ event: 'recover', file, pending }, 'put back a job that never started');
  return true;
}

// A move into pending/ cut short between its link and its unlink (files.ts
// moveNoClobber) leaves the job under two names, and a live daemon may have claimed
// the one in pending/ since: then the job is in running/ under another name too.
async function claimedAgain(ctx: DaemonContext, path: string): Promise<boolean> {
  if ((await lstat(path)).nlink <= 1) return false;
  for (const name of await readdir(ctx.layout.running)) {
    const other = join(ctx.layout.running, name);
    if (name.includes('@') && other !== path && (await sameFile(path, other))) return true;
  }
  return false;
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

// `from` is the dead claim, or a recovery of it that its daemon left unfinished. Once
// taken, the claim goes back under its name as this daemon's (so that its id stays
// reserved: a record under that id can only be this job's): should this daemon die
// too, the next one recovers it like any other claim.
async function recoverClaim(ctx: DaemonContext, from: string, dead: Claim): Promise<keyof RecoveryReport | undefined> {
  const taken = join(ctx.layout.running, recoveringName(dead.id, ctx.tag));
  if (!(await takeOver(from, taken))) return undefined;
  const claim: Claim = { ...dead, tag: ctx.tag };
  const held = reclaim(ctx.layout, claim); // false: the id was reserved in between; the taken claim stays the only one
  if (held) await unlink(taken);
  return recoverTaken(ctx, claim, held, held ? () => releaseClaim(ctx.layout, claim.id) : () => unlinkIfExists(taken));
}

// `release` drops the claim; it goes last, once the job is recorded or back in pending/.
async function recoverTaken(ctx: DaemonContext, claim: Claim, held: boolean, release: () => Promise<void>): Promise<keyof RecoveryReport> {
  const signal = await stopLeftovers(ctx, claim);
  // A record its daemon could not write (a full disk) waits in the claim: write it now.
  const record = (await readRecord(ctx.layout, claim.id)) ?? (claim.record && (await writeRecord(ctx.layout, claim.record, ctx.settings.fsync), claim.record));
  const jobPath = join(ctx.layout.running, claim.file);
  const present = await lstat(jobPath).then(
    () => true,
    (error: unknown) => (errnoCode(error) === 'ENOENT' ? false : Promise.reject(error)),
  );
  if (record !== undefined) {
    if (present) {
      if (record.result.status === 'invalid') await keepOriginal(ctx.layout, jobPath, claim.id);
      else await unlinkIfExists(jobPath);
    }
    await release();
    return 'tidied';
  }
  if (!present) {
    ctx.log.warn({ event: 'recover', id: claim.id, file: claim.file }, 'claim without job file or record (already put back); dropping the claim');
    await release();
    return 'tidied';
  }
  if (await claimedAgain(ctx, jobPath)) {
    await unlink(jobPath);
    ctx.log.warn({ event: 'recover', id: claim.id, file: claim.file }, 'dropped the leftover of a job already put back and claimed again');
    await release();
    return 'tidied';
  }
  const loaded = loadJobFile(claim.source, await readFile(jobPath), { timeoutSeconds: ctx.settings.defaultTimeoutSeconds, submittedAt: Date.now() });
  const retries = loaded.ok ? loaded.spec.retries : 0;
  const history = [...(((loaded.ok ? loaded.meta.history : undefined) ?? []) as AttemptSummary[])];
  const why = `daemon ${claim.host}/${claim.pid} stopped while the job ran`;
  // A claim without started_at was never spawned: it goes back as it was.
  const started = claim.started_at !== undefined;
  const finish = async (outcome: Extract<Outcome, { status: 'interrupted' | 'cancelled' }>, attempts: number): Promise<void> => {
    const rec = buildRecord(loaded.object ?? {}, outcome, {
      id: claim.id,
      source: claim.source,
      host: ctx.host,
      attempts,
      earlierAttempts: history,
      startedAt: claim.started_at ? new Date(claim.started_at) : undefined,
      completedAt: new Date(),
      stdout: undefined,
      stderr: undefined,
      extra: recordLinks(loaded.ok ? loaded.meta : undefined),
    });
    await writeRecord(ctx.layout, rec, ctx.settings.fsync);
    await unlinkIfExists(jobPath);
    await release();
  };
  // Someone cancelled the job while its daemon was gone (mcpq cancel waits for this):
  // it is cancelled, not run again.
  const cancel = (await readRequests(ctx.layout)).filter((r) => r.request.id === claim.id);
  if (cancel.length > 0) {
    await finish({ status: 'cancelled', returncode: null, ...(signal ? { signal } : {}), error: `cancelled by ${cancel[0]!.request.by}; ${why}` }, started ? claim.attempt : claim.attempt - 1);
    for (const { name } of cancel) await removeRequest(ctx.layout, name);
    ctx.log.warn({ event: 'recover', id: claim.id, by: cancel[0]!.request.by }, 'cancelled an interrupted job, as requested');
    return 'cancelled';
  }
  const interruption = summarizeAttempt(claim.attempt, { status: 'interrupted', error: why }, claim.started_at, new Date());
  // An interruption is no fault of the job's: it always gets at least one more try.
  const attemptsAllowed = 1 + Math.max(retries, 1);
  if (!started || claim.attempt < attemptsAllowed) {
    await requeue(ctx, claim, started ? { history: [...history, interruption] } : undefined, held);
    if (!held) await release();
    ctx.log.warn({ event: 'recover', id: claim.id, attempt: claim.attempt }, 'put back an interrupted job');
    return 'requeued';
  }
  await finish({ status: 'interrupted', error: `${why}, and its ${claim.attempt} attempts are used up` }, claim.attempt);
  return 'interrupted';
}

// What is left of the dead claim's job, stopped; resolves with the last signal that
// stopping it took, if any. Process groups mean something only on the host and boot
// where the claim was made; a noted group is stopped only while it is still the job's
// (process-group.ts isJobGroup); a job whose daemon died before it could note the
// group is found by its environment.
async function stopLeftovers(ctx: DaemonContext, dead: Claim): Promise<'SIGTERM' | 'SIGKILL' | undefined> {
  if (dead.started_at === undefined && dead.pgid === undefined) return undefined; // never spawned
  if (dead.host !== thisHost() || Math.abs((dead.boot_time ?? 0) - bootTime()) > 60_000) return undefined;
  const startedAt = dead.started_at === undefined ? undefined : Date.parse(dead.started_at);
  let groups: number[];
  if (dead.pgid === undefined) {
    groups = groupsOfJob(dead.id, ctx.layout.root);
  } else if (startedAt === undefined || isJobGroup(dead.pgid, startedAt)) {
    groups = [dead.pgid];
  } else {
    ctx.log.warn({ event: 'recover', id: dead.id, pgid: dead.pgid }, 'not stopping the process group: its leader is no longer the job (pid reused)');
    groups = [];
  }
  let signal: 'SIGTERM' | 'SIGKILL' | undefined;
  for (const pgid of groups) {
    if (!groupExists(pgid)) continue;
    ctx.log.warn({ event: 'recover', id: dead.id, pgid }, 'stopping what is left of an interrupted job');
    const sent = await stopGroup(pgid, ctx.settings.killGraceMs);
    if (signal !== 'SIGKILL') signal = sent ?? signal;
  }
  return signal;
}
