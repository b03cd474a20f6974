// A daemon out of file descriptors (EMFILE): a job it cannot start for want of them is
// neither failed nor the end of the daemon; it goes back to pending/, and runs once
// descriptors are free again. The daemon's limit is lowered from outside (prlimit,
// Linux), to just above what it holds while idle.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pidAlive, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

const HAS_PRLIMIT = existsSync('/proc/self/fd') && (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function limitDescriptors(pid: number, soft: number | 'unlimited'): void {
  const hard = execFileSync('prlimit', ['--nofile', '--raw', '--noheadings', '--output', 'HARD', '--pid', String(pid)], { encoding: 'utf8' }).trim();
  execFileSync('prlimit', [`--nofile=${soft === 'unlimited' ? hard : soft}:${hard}`, '--pid', String(pid)]);
}

describe.skipIf(!HAS_PRLIMIT)('a daemon out of file descriptors', () => {
  it.each([1, 2])('puts back a job it cannot start with %i descriptors to spare, and runs it once there are more', async (spare) => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, ['--rescan', '300']); // out of descriptors, it cannot read the put-back file when told of it: a rescan finds it
    limitDescriptors(daemon.pid, readdirSync(`/proc/${daemon.pid}/fd`).length + spare);
    q.drop('job.json', JSON.stringify({ command: 'echo', args: ['ran'] }));
    await waitFor(() => readFileSync(q.path('daemon.log'), 'utf8').includes('"claim_error"') || !pidAlive(daemon.pid), { what: 'the start to fail' });
    expect(pidAlive(daemon.pid)).toBe(true);
    expect(q.record('job')).toBeUndefined();
    limitDescriptors(daemon.pid, 'unlimited');
    expect((await waitForRecord(q, 'job')).result).toMatchObject({ status: 'completed', stdout: 'ran\n', attempts: 1 });
    expect(await daemon.stop()).toBe(0);
  });
});
