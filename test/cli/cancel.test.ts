// mcpq cancel against the built CLI: pending jobs without a daemon, running jobs
// through control/ and a real daemon, and jobs that refuse SIGTERM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpq, pidAlive, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const DAEMON_FLAGS = ['--kill-grace', '1', '--settle', '300', '--rescan', '200', '--lease', '2'];

function folders(q: TempQueue): void {
  for (const dir of ['pending', 'running', 'completed', 'failed', 'daemons', 'control']) mkdirSync(q.path(dir), { recursive: true });
}

describe('mcpq cancel', () => {
  it('records a pending job as cancelled at once, and leaves no claim or lease behind', async () => {
    const q = tempQueue();
    folders(q);
    q.drop('waiting.json', JSON.stringify({ command: 'echo never', description: 'not wanted', _mcpq: { retry_of: 'older' } }));
    const result = await mcpq(['cancel', '-q', q.root, 'wait']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'waiting cancelled (had not started)\n', stderr: '' });
    expect(q.record('waiting')).toMatchObject({
      command: 'echo never',
      description: 'not wanted',
      result: { status: 'cancelled', id: 'waiting', attempts: 0, retry_of: 'older', error: expect.stringMatching(/^cancelled by .+@.+ before it started$/) },
    });
    expect(q.files('pending')).toEqual([]);
    expect(q.files('running')).toEqual([]);
    expect(q.files('daemons')).toEqual([]);
  });

  it("keeps a pending file that is not a valid job beside its record, as the daemon would", async () => {
    const q = tempQueue();
    folders(q);
    q.drop('junk.json', '[1, 2]');
    const result = await mcpq(['cancel', '-q', q.root, '--json', 'junk']);
    expect(JSON.parse(result.stdout)).toMatchObject([{ id: 'junk', outcome: 'cancelled', was: 'pending', record: { result: { status: 'cancelled', original_file: 'junk.original' } } }]);
    expect(readFileSync(q.path('failed', 'junk.original'), 'utf8')).toBe('[1, 2]');
  });

  it('cancels a pending FIFO as the daemon would fail it, without blocking on it', async () => {
    const q = tempQueue();
    folders(q);
    execFileSync('mkfifo', [q.path('pending', 'pipe.json')]);
    const result = await mcpq(['cancel', '-q', q.root, 'pipe'], { timeout: 20_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'pipe cancelled (had not started)\n' });
    expect(q.record('pipe')!.result).toMatchObject({ status: 'cancelled', original_file: 'pipe.original' });
    expect(q.files('running')).toEqual([]);
  });

  it('stops a running job that ignores SIGTERM (SIGKILL after the grace), leaving no process behind', async () => {
    const q = tempQueue();
    const pids = join(q.dir, 'pids');
    const daemon = await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('stubborn.json', JSON.stringify({ command: `trap '' TERM; sleep 1000 & echo "$$ $!" > ${pids}; while :; do sleep 0.1; done` }));
    await waitFor(() => existsSync(pids) && readFileSync(pids, 'utf8').includes(' '), { what: 'the job to start' });
    const [shell, child] = readFileSync(pids, 'utf8').trim().split(' ').map(Number) as [number, number];

    const result = await mcpq(['cancel', '-q', q.root, 'stub']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('stubborn cancelled (was running, stopped by SIGKILL)\n');
    expect(result.stderr).toMatch(/stubborn is running; asked its daemon to stop it/);
    const record = q.record('stubborn')!;
    expect(record.result).toMatchObject({ status: 'cancelled', signal: 'SIGKILL', error: expect.stringMatching(/^cancelled by /) });
    expect(pidAlive(shell)).toBe(false);
    await waitFor(() => !pidAlive(child), { what: `background child ${child} to be gone` });
    expect(q.files('control')).toEqual([]);
    // The record comes first; the claim and the claimed file go right after it.
    await waitFor(() => q.files('running').length === 0, { what: 'the claim to go' });
    // The daemon carries on with the next job.
    q.drop('next.json', JSON.stringify({ command: 'echo next' }));
    expect((await waitForRecord(q, 'next')).result.status).toBe('completed');
    expect(readFileSync(q.path('daemon.log'), 'utf8')).toMatch(/"event":"cancel","id":"stubborn"/);
    await daemon.stop();
  });

  it('cancels several jobs at once: running and pending ones', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('first.json', JSON.stringify({ command: `while [ ! -e ${gate} ]; do sleep 0.05; done` }));
    await waitFor(() => q.files('running').includes('first.claim'), { what: 'first to run' });
    // Delayed, so that it stays pending when the daemon's slot frees up.
    q.drop('second.json', JSON.stringify({ command: 'echo second', not_before: 3600 }));
    const result = await mcpq(['cancel', '-q', q.root, '--json', 'first', 'second']);
    expect(result.exitCode).toBe(0);
    const outcomes = JSON.parse(result.stdout).map((r: any) => [r.id, r.outcome, r.was]);
    expect(outcomes).toEqual([
      ['first', 'cancelled', 'running'],
      ['second', 'cancelled', 'pending'],
    ]);
    expect(q.record('first')!.result.status).toBe('cancelled');
    expect(q.record('second')!.result).toMatchObject({ status: 'cancelled', stdout: '' });
  });

  it('says a finished job was not cancelled (exit 1), and an unknown one is not found (exit 4)', async () => {
    const q = tempQueue();
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('quick.json', JSON.stringify({ command: 'true' }));
    await waitForRecord(q, 'quick');
    const done = await mcpq(['cancel', '-q', q.root, 'quick']);
    expect(done).toMatchObject({ exitCode: 1, stdout: 'quick had already finished: completed\n' });
    const unknown = await mcpq(['cancel', '-q', q.root, 'quick', 'nothing']);
    expect(unknown).toMatchObject({ exitCode: 4, stdout: '', stderr: expect.stringMatching(/^mcpq: no job "nothing"/) });
  });

  it('--no-wait only leaves the request; the daemon acts on it and removes it', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('slow.json', JSON.stringify({ command: `while [ ! -e ${gate} ]; do sleep 0.05; done` }));
    await waitFor(() => q.files('running').includes('slow.claim'), { what: 'slow to run' });
    const result = await mcpq(['cancel', '-q', q.root, '--no-wait', 'slow']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'slow is being stopped by its daemon (mcpq wait slow)\n' });
    expect((await waitForRecord(q, 'slow')).result.status).toBe('cancelled');
    await waitFor(() => readdirSync(q.path('control')).length === 0, { what: 'the request to be removed' });
    writeFileSync(gate, '');
  });

  it('cancels a running job whose daemon died: stops what is left of it and records it, with no daemon running', async () => {
    const q = tempQueue();
    const pids = join(q.dir, 'pids');
    const runs = join(q.dir, 'runs');
    const daemon = await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('orphan.json', JSON.stringify({ command: `echo run >> ${runs}; sleep 1000 & echo "$$ $!" > ${pids}; wait`, retries: 2 }));
    await waitFor(() => existsSync(pids) && readFileSync(pids, 'utf8').includes(' '), { what: 'the job to start' });
    const [shell, child] = readFileSync(pids, 'utf8').trim().split(' ').map(Number) as [number, number];
    await daemon.stop('SIGKILL');
    expect(pidAlive(shell)).toBe(true); // the job outlived its daemon

    const result = await mcpq(['cancel', '-q', q.root, 'orphan']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'orphan cancelled (was running, stopped by SIGTERM)\n' });
    expect(result.stderr).toMatch(new RegExp(`^mcpq: orphan's daemon \\(.+/${daemon.pid}\\) is gone; stopping what is left of the job here$`, 'm'));
    expect(q.record('orphan')!.result).toMatchObject({ status: 'cancelled', signal: 'SIGTERM', attempts: 1, error: expect.stringMatching(/^cancelled by .+; daemon .+ stopped while the job ran$/) });
    await waitFor(() => !pidAlive(shell) && !pidAlive(child), { what: `the job's processes ${shell} and ${child} to be gone` });
    expect(q.files('running')).toEqual([]);
    expect(q.files('pending')).toEqual([]);
    expect(q.files('control')).toEqual([]);
    // mcpq's own short lease is gone; the dead daemon's is the next daemon's to remove.
    expect(q.files('daemons').map((n) => JSON.parse(readFileSync(q.path('daemons', n), 'utf8')).pid)).toEqual([daemon.pid]);

    // A daemon started afterwards has nothing to run again.
    const next = await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('after.json', JSON.stringify({ command: 'true', args: [] }));
    await waitForRecord(q, 'after');
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    await next.stop();
  });

  it('a request left for a job whose daemon died is honoured by the next daemon: the job is cancelled, not run again', async () => {
    const q = tempQueue();
    const runs = join(q.dir, 'runs');
    const daemon = await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('left.json', JSON.stringify({ command: `echo run >> ${runs}; sleep 1000`, retries: 2 }));
    await waitFor(() => existsSync(runs), { what: 'the job to start' });
    await daemon.stop('SIGKILL');
    expect(await mcpq(['cancel', '-q', q.root, '--no-wait', 'left'])).toMatchObject({ exitCode: 0, stdout: 'left is being stopped by its daemon (mcpq wait left)\n' });

    const next = await startDaemon(q.root, DAEMON_FLAGS);
    expect((await waitForRecord(q, 'left')).result).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    expect(q.files('control')).toEqual([]);
    await waitFor(() => /"event":"recover","id":"left".*cancelled an interrupted job/.test(readFileSync(q.path('daemon.log'), 'utf8')), { what: 'the recovery to be logged' });
    await next.stop();
  });

  it("cancels a job that is finishing in its daemon's shutdown grace: recorded cancelled, not put back", async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, [...DAEMON_FLAGS, '--grace', '60']);
    q.drop('graced.json', JSON.stringify({ command: 'sleep 1000' }));
    await waitFor(() => q.files('running').includes('graced.claim'), { what: 'the job to run' });
    daemon.process.kill('SIGTERM');
    await waitFor(() => daemon.output().includes('finishing running jobs'), { what: 'the daemon to begin its grace' });
    const result = await mcpq(['cancel', '-q', q.root, 'graced']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'graced cancelled (was running, stopped by SIGTERM)\n' });
    expect(q.record('graced')!.result).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(await daemon.stop()).toBe(0); // long before its 60 s of grace
    expect(q.files('pending')).toEqual([]);
  });
});
