// Timeouts stop the job's whole process group: SIGTERM, then SIGKILL after a grace.
import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pidAlive, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

describe('timeouts', () => {
  it('stops a job and its grandchildren, leaving no process behind', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--kill-grace', '1']);
    const pids = `${q.dir}/pids`;
    q.drop('slow.json', JSON.stringify({ command: `sleep 1000 & echo $! > ${pids}; sleep 1000; wait`, timeout: 0.5 }));
    const rec = await waitForRecord(q, 'slow');
    expect(rec.result).toMatchObject({ status: 'timeout', timed_out: true, signal: 'SIGTERM' });
    expect(rec.result.error).toMatch(/timed out after 0.5s/);
    const grandchild = Number(readFileSync(pids, 'utf8'));
    await waitFor(() => !pidAlive(grandchild), { what: `grandchild ${grandchild} to be gone` });
  });

  it('SIGKILLs a job that ignores SIGTERM once the grace period is over', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--kill-grace', '0.5']);
    q.drop('stubborn.json', JSON.stringify({ command: "trap '' TERM; echo $$ > " + q.dir + '/pid; while :; do sleep 0.1; done', timeout: 0.5 }));
    const rec = await waitForRecord(q, 'stubborn');
    expect(rec.result).toMatchObject({ status: 'timeout', signal: 'SIGKILL' });
    expect(pidAlive(Number(readFileSync(`${q.dir}/pid`, 'utf8')))).toBe(false);
  });

  it('uses the daemon default, lets a job override it, and 0 means none', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--timeout', '0.5', '--kill-grace', '1']);
    q.drop('default.json', JSON.stringify({ command: 'sleep', args: ['5'] }));
    q.drop('longer.json', JSON.stringify({ command: 'sleep', args: ['1'], timeout: 3 }));
    q.drop('none.json', JSON.stringify({ command: 'sleep', args: ['1'], timeout: 0 }));
    expect((await waitForRecord(q, 'default')).result.status).toBe('timeout');
    expect((await waitForRecord(q, 'longer')).result.status).toBe('completed');
    expect((await waitForRecord(q, 'none')).result.status).toBe('completed');
  });

  it('leaves no background process behind when a job exits normally', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--kill-grace', '1']);
    q.drop('bg.sh', `sleep 1000 >/dev/null 2>&1 &\necho $! > ${q.dir}/bg\n`);
    expect((await waitForRecord(q, 'bg')).result.status).toBe('completed');
    const pid = Number(readFileSync(`${q.dir}/bg`, 'utf8'));
    await waitFor(() => !pidAlive(pid), { what: 'the background sleep to be stopped' });
    expect(existsSync(q.path('running', 'bg.claim'))).toBe(false);
  });
});
