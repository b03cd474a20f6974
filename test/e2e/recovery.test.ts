// Recovery of what a crash leaves at every step of a claim, of a job's start and of
// recovery itself: the state a crash leaves is made on disk (or by killing a real
// daemon at the right moment), then a daemon must run each job exactly once, under
// its own id, and leave no process and nothing in running/ behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BIN, launchDaemon, mcpq, pidAlive, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const DEAD = 'deadbeef00'; // the tag of a daemon that never registered: it counts as dead

function bootTime(): number {
  return Math.round((Date.now() - uptime() * 1_000) / 10_000) * 10_000; // as queue/owner.ts
}

function claimOf(root: string, id: string): { pgid?: number; tag?: string } | undefined {
  try {
    return JSON.parse(readFileSync(`${root}/running/${id}.claim`, 'utf8'));
  } catch {
    return undefined;
  }
}

// What a dead daemon on this host left in running/: the claimed job file, and a claim
// with the given fields.
function deadClaim(q: TempQueue, id: string, fields: Record<string, unknown>): void {
  const file = `${id}.json@${DEAD}-1`;
  renameSync(q.path('pending', `${id}.json`), q.path('running', file));
  const claim = { id, file, source: `${id}.json`, tag: DEAD, host: hostname(), pid: 1, claimed_at: new Date().toISOString(), attempt: 1, boot_time: bootTime(), ...fields };
  writeFileSync(q.path('running', `${id}.claim`), JSON.stringify(claim));
}

// A process group (a detached `sleep`) left running, with `env`; its exit is awaited, so
// that it leaves no zombie that would still look alive.
function leftover(env: Record<string, string> = {}, [command, ...args] = ['sleep', '1000']): { child: ChildProcess; exited: () => boolean } {
  const child = spawn(command!, args, { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  let gone = false;
  child.once('exit', () => {
    gone = true;
  });
  return { child, exited: () => gone };
}

async function settled(q: TempQueue): Promise<void> {
  await waitFor(() => q.files('pending').length === 0 && readdirSync(q.path('running')).length === 0, { what: 'pending/ and running/ to be empty' });
}

describe('a crash while claiming', () => {
  it('leaves an empty claim that is removed, so the job keeps its id and its dependents run', async () => {
    const q = tempQueue();
    await mcpq(['-q', q.root, 'submit', '--id', 'build', '--', 'echo', 'built']);
    await mcpq(['-q', q.root, 'submit', '--id', 'deploy', '--after', 'build', '--', 'echo', 'deployed']);
    renameSync(q.path('pending', 'build.json'), q.path('running', `build.json@${DEAD}-1`));
    writeFileSync(q.path('running', 'build.claim'), '');
    await startDaemon(q.root);
    expect((await waitForRecord(q, 'deploy')).result.status).toBe('completed');
    await settled(q);
    expect(q.files('completed')).toEqual(['build.json', 'deploy.json']);
  });
});

describe('a crash while moving a job back to pending/', () => {
  it('between link and unlink, the job still runs once', async () => {
    const q = tempQueue();
    await mcpq(['-q', q.root, 'submit', '--id', 'once', '--shell', `echo ran >> ${q.dir}/runs`]);
    linkSync(q.path('pending', 'once.json'), q.path('running', `once.json@${DEAD}-1`));
    await startDaemon(q.root);
    await waitForRecord(q, 'once');
    await settled(q);
    expect(q.files('completed')).toEqual(['once.json']);
    expect(readFileSync(`${q.dir}/runs`, 'utf8')).toBe('ran\n');
  });

  it('between link and unlink, with the copy in pending/ claimed since by a live daemon, the job is not put back again', async () => {
    const q = tempQueue();
    await mcpq(['-q', q.root, 'submit', '--id', 'once', '--', 'echo', 'ran']);
    linkSync(q.path('pending', 'once.json'), q.path('running', `once.json@${DEAD}-1`));
    // A live daemon (this test's process stands in for it) claimed the copy in pending/.
    mkdirSync(q.path('daemons'), { recursive: true });
    const live = 'a11ea11ea1';
    writeFileSync(q.path('daemons', `${live}.json`), JSON.stringify({ tag: live, host: hostname(), pid: process.pid, boot_time: bootTime(), started_at: new Date().toISOString(), version: '0', concurrency: 1, queue: q.root, lease_ms: 600_000 }));
    renameSync(q.path('pending', 'once.json'), q.path('running', `once.json@${live}-1`));
    writeFileSync(q.path('running', 'once.claim'), JSON.stringify({ id: 'once', file: `once.json@${live}-1`, source: 'once.json', tag: live, host: hostname(), pid: process.pid, claimed_at: new Date().toISOString(), attempt: 1 }));
    await startDaemon(q.root);
    await waitFor(() => readFileSync(q.path('daemon.log'), 'utf8').includes('dropped the leftover'), { what: 'the leftover to be dropped' });
    expect(readdirSync(q.path('running')).sort()).toEqual(['once.claim', `once.json@${live}-1`]);
    expect(q.files('pending')).toEqual([]);
    expect(q.record('once-2')).toBeUndefined();
  });
});

describe('a crash during recovery', () => {
  it('is found and finished by the next daemon: the old job is stopped first and the job runs once more', async () => {
    const q = tempQueue();
    const counter = `${q.dir}/runs`;
    // The first run ignores SIGTERM (with a grandchild); the second run finishes.
    q.drop('job.json', JSON.stringify({ command: `echo run >> ${counter}; if [ $(wc -l < ${counter}) -eq 1 ]; then trap '' TERM; sleep 1000 & sleep 1000; fi; echo done`, timeout: 0 }));
    const first = await startDaemon(q.root);
    const claim = await waitFor(() => claimOf(q.root, 'job')?.pgid && claimOf(q.root, 'job'), { what: 'the job to start' });
    await first.stop('SIGKILL');
    // The second daemon takes the claim over and waits for the job to give way to SIGTERM.
    // (It serves only once recovery is done: it is not waited for.)
    const second = spawn('node', [BIN, 'daemon', '--queue', q.root, '--kill-grace', '60'], { stdio: 'ignore' });
    const secondExit = new Promise((resolve) => second.once('exit', resolve));
    const takenOver = () => claimOf(q.root, 'job')?.tag !== claim.tag || readdirSync(q.path('running')).some((n) => n.startsWith('.recovering-'));
    try {
      await waitFor(takenOver, { what: 'the recovery to begin' });
    } finally {
      second.kill('SIGKILL');
      await secondExit;
    }
    expect(pidAlive(claim.pgid!)).toBe(true);
    await startDaemon(q.root, ['--kill-grace', '0.3']);
    const rec = await waitForRecord(q, 'job');
    expect(rec.result).toMatchObject({ status: 'completed', stdout: 'done\n', attempts: 2 });
    expect(rec.result.earlier_attempts).toMatchObject([{ attempt: 1, status: 'interrupted' }]);
    expect(readFileSync(counter, 'utf8')).toBe('run\nrun\n');
    await waitFor(() => !pidAlive(claim.pgid!), { what: 'the orphaned job to be stopped (and reaped)' });
    await settled(q);
  });

  it('between taking the claim and putting it back, is found by its name and finished', async () => {
    const q = tempQueue();
    const counter = `${q.dir}/runs`;
    q.drop('job.json', JSON.stringify({ command: `echo run >> ${counter}; if [ $(wc -l < ${counter}) -eq 1 ]; then sleep 1000 & sleep 1000; fi; echo done`, timeout: 0 }));
    const first = await startDaemon(q.root);
    const claim = await waitFor(() => claimOf(q.root, 'job')?.pgid && claimOf(q.root, 'job'), { what: 'the job to start' });
    await first.stop('SIGKILL');
    renameSync(q.path('running', 'job.claim'), q.path('running', `.recovering-job-${DEAD}`));
    await startDaemon(q.root, ['--kill-grace', '0.3']);
    const rec = await waitForRecord(q, 'job');
    expect(rec.result).toMatchObject({ status: 'completed', stdout: 'done\n', attempts: 2 });
    expect(readFileSync(counter, 'utf8')).toBe('run\nrun\n');
    await waitFor(() => !pidAlive(claim.pgid!), { what: 'the orphaned job to be stopped (and reaped)' });
    await settled(q);
  });
});

describe.runIf(process.platform === 'linux')('a crash around the spawn', () => {
  it('before the process group is noted: the job is found by its environment and stopped', async () => {
    const q = tempQueue();
    await mcpq(['-q', q.root, 'submit', '--id', 'win', '--shell', `echo ran >> ${q.dir}/runs`]);
    const orphan = leftover({ MCPQ_JOB_ID: 'win', MCPQ_QUEUE: q.root });
    deadClaim(q, 'win', { started_at: new Date().toISOString() });
    await startDaemon(q.root, ['--kill-grace', '0.3']);
    const rec = await waitForRecord(q, 'win');
    expect(rec.result).toMatchObject({ status: 'completed', attempts: 2 });
    expect(rec.result.earlier_attempts).toMatchObject([{ attempt: 1, status: 'interrupted' }]);
    await waitFor(orphan.exited, { what: 'the orphaned job to be stopped' });
    expect(readFileSync(`${q.dir}/runs`, 'utf8')).toBe('ran\n');
    await settled(q);
  });

  it('a process group whose pid now leads another process is left alone', async () => {
    const q = tempQueue();
    await mcpq(['-q', q.root, 'submit', '--id', 'old', '--', 'echo', 'ran']);
    const stranger = leftover();
    try {
      // The job started an hour ago as the leader of group <pid>; that pid is now the stranger's.
      deadClaim(q, 'old', { started_at: new Date(Date.now() - 3_600_000).toISOString(), pgid: stranger.child.pid });
      await startDaemon(q.root, ['--kill-grace', '0.3']);
      expect((await waitForRecord(q, 'old')).result).toMatchObject({ status: 'completed', attempts: 2 });
      expect(stranger.exited()).toBe(false);
      expect(readFileSync(`/proc/${stranger.child.pid}/stat`, 'utf8')).not.toMatch(/\) Z /);
      await waitFor(() => existsSync(q.path('daemon.log')) && readFileSync(q.path('daemon.log'), 'utf8').includes('pid reused'), { what: 'the daemon to log why' });
    } finally {
      stranger.child.kill('SIGKILL');
    }
  });
});

describe.runIf(process.platform === 'linux')('two daemons recovering the same dead daemon', () => {
  it('a claim that a live daemon took over after the listing was made is left to that daemon', async () => {
    const q = tempQueue();
    const ids = ['one', 'two'];
    for (const id of ids) q.drop(`${id}.json`, JSON.stringify({ command: 'echo', args: ['ran'] }));
    mkdirSync(q.path('running'));
    // Each job left a group that ignores SIGTERM: stopping it takes the whole kill grace.
    const groups = new Map(ids.map((id) => [id, leftover({}, ['sh', '-c', "trap '' TERM; exec sleep 1000"])]));
    for (const id of ids) deadClaim(q, id, { started_at: new Date().toISOString(), pgid: groups.get(id)!.child.pid });
    const live = 'a11ea11ea1'; // another daemon, alive (this test's process stands in for it)
    mkdirSync(q.path('daemons'), { recursive: true });
    writeFileSync(q.path('daemons', `${live}.json`), JSON.stringify({ tag: live, host: hostname(), pid: process.pid, boot_time: bootTime(), started_at: new Date().toISOString(), version: '0', concurrency: 1, queue: q.root, lease_ms: 600_000 }));
    launchDaemon(q.root, ['--kill-grace', '0.5']);
    // While the daemon stops what is left of one job, the live daemon takes the other
    // claim over, as its own recovery would: the claim is back under its name, as its.
    const first = await waitFor(() => ids.find((id) => claimOf(q.root, id)?.tag !== DEAD), { what: 'the recovery to begin' });
    const other = ids.find((id) => id !== first)!;
    writeFileSync(q.path('running', `${other}.claim`), JSON.stringify({ ...claimOf(q.root, other), tag: live }));
    await waitFor(() => readFileSync(q.path('daemon.log'), 'utf8').includes('"event":"recovered"'), { what: 'the recovery to end' });
    expect(claimOf(q.root, other)?.tag).toBe(live);
    expect(readdirSync(q.path('running'))).toContain(`${other}.json@${DEAD}-1`);
    expect(q.files('pending')).not.toContain(`${other}.json`);
    expect(q.record(other)).toBeUndefined();
    expect(groups.get(other)!.exited()).toBe(false);
  });
});

describe.runIf(process.platform === 'linux')('group locks during a long recovery', () => {
  it('the lock of a daemon that started while the recovery ran is left alone', async () => {
    const q = tempQueue();
    q.drop('slow.json', JSON.stringify({ command: 'echo', args: ['ran'] }));
    mkdirSync(q.path('running'));
    const stubborn = leftover({}, ['sh', '-c', "trap '' TERM; exec sleep 1000"]); // stopping it takes the kill grace
    deadClaim(q, 'slow', { started_at: new Date().toISOString(), pgid: stubborn.child.pid });
    launchDaemon(q.root, ['--kill-grace', '0.5']);
    await waitFor(() => claimOf(q.root, 'slow')?.tag !== DEAD, { what: 'the recovery to begin' });
    // Meanwhile a new daemon (this test's process stands in for it) starts and runs a job of group "g".
    const live = 'a11ea11ea1';
    mkdirSync(q.path('daemons'), { recursive: true });
    writeFileSync(q.path('daemons', `${live}.json`), JSON.stringify({ tag: live, host: hostname(), pid: process.pid, boot_time: bootTime(), started_at: new Date().toISOString(), version: '0', concurrency: 1, queue: q.root, lease_ms: 600_000 }));
    const lock = q.path('running', `${Buffer.from('g').toString('hex')}.group`);
    writeFileSync(lock, JSON.stringify({ group: 'g', tag: live, source: 'other.json', locked_at: new Date().toISOString() }));
    await waitFor(() => readFileSync(q.path('daemon.log'), 'utf8').includes('"event":"recovered"'), { what: 'the recovery to end' });
    expect(JSON.parse(readFileSync(lock, 'utf8')).tag).toBe(live);
  });
});
