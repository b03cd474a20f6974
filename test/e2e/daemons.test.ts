// Several daemons on one queue: exactly-once under load, and claims of a dead daemon
// recovered by the others.
import { readFileSync, existsSync, writeFileSync, utimesSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { execa } from 'execa';
import { bootTime } from '../../src/queue/owner.js';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

function spans(path: string): Map<string, { start: number; end: number; count: number }> {
  const out = new Map<string, { start: number; end: number; count: number }>();
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  for (const line of text.split('\n').filter(Boolean)) {
    const [id, kind, ns] = line.split(' ');
    const span = out.get(id!) ?? { start: NaN, end: NaN, count: 0 };
    if (kind === 'start') span.count += 1;
    span[kind as 'start' | 'end'] = Number(BigInt(ns!) / 1_000_000n);
    out.set(id!, span);
  }
  return out;
}

describe('four daemons, concurrency 2, 300 jobs', () => {
  it('runs every job exactly once, after its dependencies, never two of a group at once', async () => {
    const q = tempQueue();
    const ledger = join(q.dir, 'ledger');
    mkdirSync(q.path('pending'), { recursive: true });
    const staging = join(q.dir, 'staging');
    mkdirSync(staging);
    const jobs: { id: string; after: string[]; group?: string }[] = [];
    for (let i = 0; i < 300; i += 1) {
      const id = `j${String(i).padStart(3, '0')}`;
      // Chains of five (each after the one before), a few groups, mixed priorities.
      const after = i % 5 === 0 ? [] : [`j${String(i - 1).padStart(3, '0')}`];
      const group = i % 7 === 0 ? `g${i % 3}` : undefined;
      jobs.push({ id, after, ...(group ? { group } : {}) });
      const job = {
        command: `echo "$MCPQ_JOB_ID start $(date +%s%N)" >> ${ledger}; ${group ? 'sleep 0.02; ' : ''}echo "$MCPQ_JOB_ID end $(date +%s%N)" >> ${ledger}`,
        priority: ['high', 'medium', 'low', 3, -2][i % 5],
        after,
        ...(group ? { group } : {}),
      };
      writeFileSync(join(staging, `${id}.json`), JSON.stringify(job));
    }
    // Dependencies first, so that no job is dropped before the jobs it names.
    for (const { id } of jobs) renameSync(join(staging, `${id}.json`), q.path('pending', `${id}.json`));
    await Promise.all([1, 2, 3, 4].map(() => startDaemon(q.root, ['--concurrency', '2', '--rescan', '500'])));
    await waitFor(() => q.files('completed').length === 300, { timeout: 150_000, interval: 200, what: '300 records' });
    expect(q.files('failed')).toEqual([]);
    const s = spans(ledger);
    expect(s.size).toBe(300);
    for (const { id, after } of jobs) {
      expect(s.get(id)!.count).toBe(1);
      for (const dep of after) expect(s.get(id)!.start).toBeGreaterThanOrEqual(s.get(dep)!.end);
    }
    for (const group of ['g0', 'g1', 'g2']) {
      const members = jobs.filter((j) => j.group === group).map((j) => s.get(j.id)!).sort((a, b) => a.start - b.start);
      for (let i = 1; i < members.length; i += 1) expect(members[i]!.start).toBeGreaterThanOrEqual(members[i - 1]!.end);
    }
  }, 180_000);
});

describe('a daemon killed while holding claims', () => {
  it('has its jobs recovered by another daemon on the queue, and they complete', async () => {
    const q = tempQueue();
    const victim = await startDaemon(q.root, ['--concurrency', '2', '--lease', '2']);
    for (const id of ['a', 'b']) await mcpq(['submit', '-q', q.root, '--id', id, '--shell', `[ -e "$MCPQ_QUEUE/results/${id}.once" ] || { touch "$MCPQ_QUEUE/results/${id}.once"; sleep 30; }; echo ok`]);
    await waitFor(() => ['a', 'b'].every((id) => existsSync(q.path('results', `${id}.once`))), { what: 'both jobs to start' });
    const survivor = await startDaemon(q.root, ['--lease', '2']);
    await victim.stop('SIGKILL');
    const started = Date.now();
    for (const id of ['a', 'b']) expect((await waitForRecord(q, id)).result).toMatchObject({ status: 'completed', stdout: 'ok\n', attempts: 2 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(survivor.process.exitCode).toBeNull();
    const status = JSON.parse((await mcpq(['status', '-q', q.root, '--json'])).stdout);
    expect(status.daemons.map((d: { pid: number }) => d.pid)).toEqual([survivor.pid]);
  });

  it('recovers the claims of a daemon on another host once its lease has expired', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, ['--lease', '2']);
    await daemon.stop();
    // A daemon "elsewhere" claimed a job and went silent ten minutes ago.
    const old = new Date(Date.now() - 600_000);
    const info = { tag: 'far', host: 'elsewhere.example', pid: 4242, boot_time: 0, started_at: old.toISOString(), version: '0', concurrency: 1, queue: q.root, lease_ms: 2000 };
    writeFileSync(q.path('daemons', 'far.json'), JSON.stringify(info));
    utimesSync(q.path('daemons', 'far.json'), old, old);
    writeFileSync(q.path('running', 'remote.json@far-1'), JSON.stringify({ command: 'echo', args: ['recovered'] }));
    writeFileSync(q.path('running', 'remote.claim'), JSON.stringify({ id: 'remote', file: 'remote.json@far-1', source: 'remote.json', tag: 'far', host: 'elsewhere.example', pid: 4242, claimed_at: old.toISOString(), attempt: 1, pgid: 4242, started_at: old.toISOString() }));
    await startDaemon(q.root, ['--lease', '2']);
    const rec = await waitForRecord(q, 'remote');
    expect(rec.result).toMatchObject({ status: 'completed', stdout: 'recovered\n', attempts: 2 });
    expect(rec.result.earlier_attempts).toMatchObject([{ status: 'interrupted', error: 'daemon elsewhere.example/4242 stopped while the job ran' }]);
    expect(existsSync(q.path('daemons', 'far.json'))).toBe(false);
  });

  it('keeps the jobs of a daemon on this host whose pid lives, however old its lease (a daemon stopped with Ctrl-Z)', async () => {
    const q = tempQueue();
    const stopped = await startDaemon(q.root, ['--lease', '1']);
    const runs = join(q.dir, 'runs');
    const release = join(q.dir, 'release');
    await mcpq(['submit', '-q', q.root, '--id', 'held', '--shell', `echo run >> ${runs}; while [ ! -e ${release} ]; do sleep 0.05; done; echo done`]);
    await waitFor(() => existsSync(runs), { what: 'the job to start' });
    const tag = JSON.parse(readFileSync(q.path('running', 'held.claim'), 'utf8')).tag as string;
    await startDaemon(q.root, ['--lease', '1']);
    process.kill(stopped.pid, 'SIGSTOP');
    try {
      const lease = q.path('daemons', `${tag}.json`);
      await waitFor(() => !existsSync(lease) || Date.now() - statSync(lease).mtimeMs > 2_000, { what: "the stopped daemon's lease to expire" });
      // A daemon of this host that is dead (its host has rebooted since): the other
      // daemon's next look at the leases recovers its job, and sees the stopped one's.
      writeFileSync(q.path('daemons', 'gone.json'), JSON.stringify({ tag: 'gone', host: hostname(), pid: 4242, boot_time: 0, started_at: new Date().toISOString(), version: '0', concurrency: 1, queue: q.root, lease_ms: 1000 }));
      writeFileSync(q.path('running', 'control.json@gone-1'), JSON.stringify({ command: 'echo', args: ['recovered'] }));
      writeFileSync(q.path('running', 'control.claim'), JSON.stringify({ id: 'control', file: 'control.json@gone-1', source: 'control.json', tag: 'gone', host: hostname(), pid: 4242, claimed_at: new Date().toISOString(), attempt: 1 }));
      expect((await waitForRecord(q, 'control')).result).toMatchObject({ status: 'completed', stdout: 'recovered\n' });
      expect(JSON.parse(readFileSync(q.path('running', 'held.claim'), 'utf8')).tag).toBe(tag);
      expect(q.record('held')).toBeUndefined();
      const status = await mcpq(['status', '-q', q.root]);
      expect(status.stdout).toMatch(new RegExp(`pid ${stopped.pid} .*, longer than its 1.0s lease: its process is stopped \\(Ctrl-Z\\?\\) or stuck\n`));
    } finally {
      process.kill(stopped.pid, 'SIGCONT');
    }
    writeFileSync(release, '');
    expect((await waitForRecord(q, 'held')).result).toMatchObject({ status: 'completed', stdout: 'done\n', attempts: 1 });
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
  });

  it('releases the group locks of a dead daemon', async () => {
    const q = tempQueue();
    mkdirSync(q.path('running'), { recursive: true });
    const old = new Date(Date.now() - 600_000);
    writeFileSync(q.path('running', `${Buffer.from('db').toString('hex')}.group`), JSON.stringify({ group: 'db', tag: 'gone', source: 'x.json', locked_at: old.toISOString() }));
    q.drop('grouped.json', JSON.stringify({ command: 'echo', args: ['ran'], group: 'db' }));
    await startDaemon(q.root);
    expect((await waitForRecord(q, 'grouped')).result.stdout).toBe('ran\n');
    // The record comes first; the claim and the claimed file go right after it.
    await waitFor(() => q.files('running').length === 0, { what: 'running/ to be empty (the stale lock gone too)' });
  });
});

describe('a daemon whose pid was reused', () => {
  it('is dead even with a fresh lease when its pid now belongs to a younger process', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root);
    await daemon.stop();
    const stranger = execa('sleep', ['30']);
    const registered = new Date(Date.now() - 60_000); // the "daemon" registered a minute before the stranger started
    const info = { tag: 'reused', host: hostname(), pid: stranger.pid, boot_time: bootTime(), started_at: registered.toISOString(), version: '0', concurrency: 1, queue: q.root, lease_ms: 600_000 };
    writeFileSync(q.path('daemons', 'reused.json'), JSON.stringify(info));
    writeFileSync(q.path('running', 'mine.json@reused-1'), JSON.stringify({ command: 'echo', args: ['back'] }));
    writeFileSync(q.path('running', 'mine.claim'), JSON.stringify({ id: 'mine', file: 'mine.json@reused-1', source: 'mine.json', tag: 'reused', host: hostname(), pid: stranger.pid, claimed_at: registered.toISOString(), attempt: 1 }));
    await startDaemon(q.root);
    expect((await waitForRecord(q, 'mine')).result).toMatchObject({ status: 'completed', stdout: 'back\n' });
    stranger.kill();
    await stranger.catch(() => undefined);
  });
});
