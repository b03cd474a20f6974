// What happens on a crash or a stop: every job ends with exactly one record, and no
// process of a job outlives the daemon that ran it.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pidAlive, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

function claimOf(root: string, id: string): { pgid?: number; tag?: string } | undefined {
  try {
    return JSON.parse(readFileSync(`${root}/running/${id}.claim`, 'utf8'));
  } catch {
    return undefined;
  }
}

describe('kill -9 of the daemon while a job runs', () => {
  it('a restarted daemon stops what is left of the job, requeues it, and it completes once', async () => {
    const q = tempQueue();
    const first = await startDaemon(q.root, ['--kill-grace', '1']);
    const counter = `${q.dir}/runs`;
    // The first run hangs (with a grandchild); the second run finishes.
    q.drop('job.json', JSON.stringify({ command: `echo run >> ${counter}; if [ $(wc -l < ${counter}) -eq 1 ]; then sleep 1000 & sleep 1000; fi; echo done`, timeout: 0 }));
    const claim = await waitFor(() => claimOf(q.root, 'job')?.pgid && claimOf(q.root, 'job'), { what: 'the job to start' });
    await first.stop('SIGKILL');
    expect(pidAlive(claim.pgid!)).toBe(true); // the orphaned job is still running
    await startDaemon(q.root, ['--kill-grace', '1']);
    const rec = await waitForRecord(q, 'job');
    expect(rec.result).toMatchObject({ status: 'completed', stdout: 'done\n', attempts: 2 });
    expect(rec.result.earlier_attempts).toMatchObject([{ attempt: 1, status: 'interrupted' }]);
    expect(readFileSync(counter, 'utf8')).toBe('run\nrun\n');
    await waitFor(() => !pidAlive(claim.pgid!), { what: 'the orphaned job to be stopped' });
    // The record comes first; the claim and the claimed file go right after it.
    await waitFor(() => q.files('running').length === 0, { what: 'the claim to go' });
    expect(q.files('completed')).toEqual(['job.json']);
    expect(q.files('failed')).toEqual([]);
  });

  it('the requeued job keeps its place: it runs before jobs queued after it', async () => {
    const q = tempQueue();
    const ledger = `${q.dir}/ledger`;
    const once = `${q.dir}/once`;
    const first = await startDaemon(q.root, ['--kill-grace', '1']);
    q.drop('early.json', JSON.stringify({ command: `echo early >> ${ledger}; [ -e ${once} ] || { touch ${once}; sleep 1000; }`, timeout: 0 }));
    await waitFor(() => claimOf(q.root, 'early')?.pgid, { what: 'the job to start' });
    for (const id of ['later1', 'later2']) q.drop(`${id}.json`, JSON.stringify({ command: `echo ${id} >> ${ledger}` }));
    await first.stop('SIGKILL');
    await startDaemon(q.root, ['--kill-grace', '1']);
    await waitForRecord(q, 'later2');
    await waitForRecord(q, 'early');
    expect(readFileSync(ledger, 'utf8')).toBe('early\nearly\nlater1\nlater2\n');
  });

  it('records `interrupted` once the attempts are used up, linked to the job it retried', async () => {
    const q = tempQueue();
    q.drop('hang.json', JSON.stringify({ command: 'sleep 1000', timeout: 0, _mcpq: { retry_of: 'hang-before' } }));
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const daemon = await startDaemon(q.root, ['--kill-grace', '1']);
      await waitFor(() => claimOf(q.root, 'hang')?.pgid, { what: `attempt ${attempt} to start` });
      await daemon.stop('SIGKILL');
    }
    await startDaemon(q.root, ['--kill-grace', '1']);
    const rec = await waitForRecord(q, 'hang');
    expect(rec.result.status).toBe('interrupted');
    expect(rec.result.error).toMatch(/attempts are used up/);
    expect(rec.result.earlier_attempts).toHaveLength(1);
    expect(rec.result.retry_of).toBe('hang-before');
  });
});

describe('SIGTERM', () => {
  it('lets a short job finish within the grace period and exits 0', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, ['--grace', '10']);
    q.drop('short.json', JSON.stringify({ command: `touch ${q.dir}/started; sleep 0.5; echo finished` }));
    await waitFor(() => existsSync(`${q.dir}/started`), { what: 'the job to start' });
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(q.record('short')?.result.stdout).toBe('finished\n');
  });

  it('stops a long job after the grace period, puts it back in pending/, and leaves no process', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, ['--grace', '0.5', '--kill-grace', '0.5']);
    q.drop('long.json', JSON.stringify({ command: "trap '' TERM; sleep 1000 & sleep 1000", timeout: 0 }));
    const claim = await waitFor(() => claimOf(q.root, 'long')?.pgid && claimOf(q.root, 'long'), { what: 'the job to start' });
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(pidAlive(claim.pgid!)).toBe(false);
    expect(q.files('pending')).toEqual(['long.json']);
    expect(readdirSync(q.path('running'))).toEqual([]);
    expect(q.files('daemons')).toEqual([]);
    // It keeps its place and runs again with the next daemon.
    expect(JSON.parse(readFileSync(q.path('pending', 'long.json'), 'utf8'))).toEqual({ command: "trap '' TERM; sleep 1000 & sleep 1000", timeout: 0 });
  });

  it('a job whose start was under way when the grace ended is stopped too, and the daemon exits', async () => {
    const q = tempQueue();
    // The second job's log is a FIFO: opening it (to start the job) waits for a reader,
    // as a slow disk would make it wait.
    mkdirSync(q.path('logs'), { recursive: true });
    execFileSync('mkfifo', [q.path('logs', 'second.out')]);
    const daemon = await startDaemon(q.root, ['--concurrency', '2', '--grace', '0', '--kill-grace', '0.3']);
    q.drop('first.json', JSON.stringify({ command: 'sleep 1000', timeout: 0 }));
    await waitFor(() => claimOf(q.root, 'first')?.pgid, { what: 'the first job to start' });
    q.drop('second.json', JSON.stringify({ command: 'sleep 1000', timeout: 0 }));
    await waitFor(() => claimOf(q.root, 'second'), { what: 'the second job to be claimed' });
    const exit = daemon.stop('SIGTERM');
    await waitFor(() => q.files('pending').includes('first.json'), { what: 'the first job to be stopped and put back' });
    const reader = openSync(q.path('logs', 'second.out'), constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await waitFor(() => daemon.process.exitCode !== null, { timeout: 3_000, what: 'the daemon to exit' });
    } finally {
      closeSync(reader);
    }
    expect(await exit).toBe(0);
    expect(q.files('pending')).toEqual(['first.json', 'second.json']);
    expect(readdirSync(q.path('running'))).toEqual([]);
  });

  it('a daemon whose stop lasts longer than its lease keeps its jobs: another daemon does not take them over', async () => {
    const q = tempQueue();
    const runs = `${q.dir}/runs`;
    const daemons = await Promise.all([1, 2].map(() => startDaemon(q.root, ['--lease', '1', '--grace', '5'])));
    q.drop('job.json', JSON.stringify({ command: `echo run >> ${runs}; sleep 1.6; echo done`, timeout: 0 }));
    const claim = await waitFor(() => claimOf(q.root, 'job')?.pgid && claimOf(q.root, 'job'), { what: 'the job to start' });
    const owner = daemons.find((d) => d.output().includes(`daemon ${claim.tag} `))!;
    expect(await owner.stop('SIGTERM')).toBe(0);
    expect(q.record('job')?.result).toMatchObject({ status: 'completed', stdout: 'done\n', attempts: 1 });
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
  });
});
