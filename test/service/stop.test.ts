// How launchd and systemd stop the daemon, reproduced on the real daemon:
// - KillMode=mixed (our units) and launchd: SIGTERM to the daemon alone. Running jobs
//   get --grace to finish, then are stopped and put back; the daemon exits 0 well
//   before TimeoutStopSec / ExitTimeOut.
// - KillMode=control-group (systemd's default, or a unit someone edited): SIGTERM to
//   the daemon and to every job's process at the same moment. Nothing is lost either.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, pidAlive, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const GRACE = 2;
const KILL_GRACE = 1;
const FLAGS = ['--grace', String(GRACE), '--kill-grace', String(KILL_GRACE)];

// The unit's and the agent's own numbers, read from the templates.
const UNIT = readFileSync(join(ROOT, 'systemd/mcpq.service'), 'utf8');
const PLIST = readFileSync(join(ROOT, 'launchd/com.mcpq.daemon.plist'), 'utf8');
const TIMEOUT_STOP_SEC = Number(/^TimeoutStopSec=(\d+)$/m.exec(UNIT)![1]);
const EXIT_TIMEOUT = Number(/<key>ExitTimeOut<\/key>\s*<integer>(\d+)</.exec(PLIST)![1]);
const UNIT_BUDGET = (() => {
  const args = /^ExecStart=(.*)$/m.exec(UNIT)![1]!.split(' ');
  return Number(args[args.indexOf('--grace') + 1]) + Number(args[args.indexOf('--kill-grace') + 1]);
})();

function claimOf(q: TempQueue, id: string): { pgid?: number } | undefined {
  try {
    return JSON.parse(readFileSync(q.path('running', `${id}.claim`), 'utf8'));
  } catch {
    return undefined;
  }
}

async function started(q: TempQueue, id: string): Promise<number> {
  return waitFor(() => claimOf(q, id)?.pgid, { what: `${id} to start` });
}

// Where the job is now: each entry is one copy of it.
function whereIs(q: TempQueue, id: string): string[] {
  return [
    ...q.files('pending').filter((n) => n.startsWith(id)).map((n) => `pending/${n}`),
    ...q.files('running').map((n) => `running/${n}`),
    ...['completed', 'failed'].flatMap((s) => q.files(s).filter((n) => n === `${id}.json`).map((n) => `${s}/${n}`)),
  ];
}

describe('SIGTERM to the daemon alone (KillMode=mixed, launchd)', () => {
  it('a job that ends within the grace period finishes and is recorded; the daemon exits 0', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, FLAGS);
    q.drop('short.json', JSON.stringify({ command: 'sleep 0.5; echo finished', timeout: 0 }));
    await started(q, 'short');
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(q.record('short')?.result).toMatchObject({ status: 'completed', stdout: 'finished\n' });
    expect(whereIs(q, 'short')).toEqual(['completed/short.json']);
  });

  it.each([
    ['that stops on SIGTERM', 'sleep 30', GRACE],
    ['that ignores SIGTERM (stopped by SIGKILL)', "trap '' TERM; sleep 30", GRACE + KILL_GRACE],
  ])('a job %s is put back in pending/ and the daemon exits 0, in time for TimeoutStopSec', async (_, command, atLeast) => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, FLAGS);
    q.drop('long.json', JSON.stringify({ command, timeout: 0 }));
    const pgid = await started(q, 'long');
    const t0 = Date.now();
    expect(await daemon.stop('SIGTERM')).toBe(0);
    const seconds = (Date.now() - t0) / 1_000;
    console.info(`stop with a job \`${command}\`: ${seconds.toFixed(2)} s (grace ${GRACE} s, kill grace ${KILL_GRACE} s)`);
    expect(seconds).toBeGreaterThanOrEqual(atLeast - 0.1); // the job had its grace period
    // Beyond grace + kill grace, the stop costs only the requeue and the exit. (Where
    // init is slow to reap a job's orphaned children, as in some containers, the
    // group looks alive until the kill grace ends: that is inside this bound too.)
    const overhead = Math.max(0, seconds - (GRACE + KILL_GRACE));
    expect(overhead).toBeLessThan(1);
    // So with the unit's and the agent's own numbers the stop fits, with room to spare.
    expect(UNIT_BUDGET + overhead + 5).toBeLessThanOrEqual(TIMEOUT_STOP_SEC);
    expect(UNIT_BUDGET + overhead + 5).toBeLessThanOrEqual(EXIT_TIMEOUT);
    expect(whereIs(q, 'long')).toEqual(['pending/long.json']);
    expect(pidAlive(pgid)).toBe(false);
  });
});

describe('SIGTERM to the daemon and the job at once (KillMode=control-group)', () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    child = undefined;
  });

  // The daemon leads its own process group, as the main process of a unit does.
  async function detachedDaemon(q: TempQueue): Promise<{ exited: Promise<number | null> }> {
    const proc = spawn(process.execPath, [BIN, 'daemon', '--queue', q.root, ...FLAGS], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await waitFor(() => output.includes('serving') || proc.exitCode !== null, { what: 'the daemon to start' });
    return { exited };
  }

  // systemd signals the processes of the group one after the other: whichever the
  // daemon sees first, the job's death or its own SIGTERM, the job goes back.
  it.each([
    ['the daemon first', ['daemon', 'job'], 0],
    ['the job first', ['job', 'daemon'], 0],
    ['the job 50 ms before the daemon', ['job', 'daemon'], 50],
  ])('loses nothing (signalled %s): the job is back in pending/ exactly once, and the next daemon completes it', async (_, order, gapMs) => {
    const q = tempQueue();
    const { exited } = await detachedDaemon(q);
    const marker = join(q.dir, 'ran-once');
    q.drop('job.json', JSON.stringify({ command: `if [ -e ${marker} ]; then echo done; else touch ${marker}; sleep 30; fi`, timeout: 0 }));
    const pgid = await started(q, 'job');
    await waitFor(() => existsSync(marker), { what: 'the first run to reach its long sleep' });
    const groups = { daemon: child!.pid!, job: pgid };
    const [first, second] = order as ('daemon' | 'job')[];
    process.kill(-groups[first!], 'SIGTERM');
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    process.kill(-groups[second!], 'SIGTERM');
    expect(await exited).toBe(0);
    const after = whereIs(q, 'job');
    console.info(`control-group stop (${order.join(' then ')}): job is at ${after.join(', ')}`);
    expect(after).toEqual(['pending/job.json']);

    await startDaemon(q.root, FLAGS);
    const record = await waitForRecord(q, 'job');
    expect(record.result).toMatchObject({ status: 'completed', stdout: 'done\n' });
    // The record is written before the claim goes: wait for the claim too.
    await waitFor(() => whereIs(q, 'job').join() === 'completed/job.json', { what: 'only the record to remain' });
  });
});
