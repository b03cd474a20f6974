// mcpq list / ls against the built CLI: run order, why jobs wait, running and
// finished jobs, filters, and a queue with 1,000 finished records.
import { execa } from 'execa';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const DAEMON_FLAGS = ['--kill-grace', '1', '--settle', '300', '--rescan', '200', '--lease', '2'];

function ensureFolders(q: TempQueue): void {
  for (const dir of ['pending', 'running', 'completed', 'failed', 'logs', 'daemons', 'control']) mkdirSync(q.path(dir), { recursive: true });
}

// A pending job file whose mtime (its place in the order) is `age` seconds ago.
function pending(q: TempQueue, name: string, job: unknown, age: number): void {
  q.drop(name, typeof job === 'string' ? job : JSON.stringify(job));
  const t = new Date(Date.now() - age * 1_000);
  utimesSync(q.path('pending', name), t, t);
}

// A finished record written `age` seconds ago.
function finished(q: TempQueue, id: string, result: Record<string, unknown>, age: number, job: Record<string, unknown> = { command: `echo ${id}` }): void {
  const state = result.status === 'completed' ? 'completed' : 'failed';
  const path = q.path(state, `${id}.json`);
  writeFileSync(path, JSON.stringify({ ...job, result: { id, returncode: 0, duration_ms: 5, ...result } }));
  const t = new Date(Date.now() - age * 1_000);
  utimesSync(path, t, t);
}

async function listJson(q: TempQueue, ...args: string[]): Promise<any> {
  const result = await mcpq(['list', '-q', q.root, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout);
}

describe('mcpq list', () => {
  it('shows pending jobs in run order, each with its position and the reason it waits', async () => {
    const q = tempQueue();
    ensureFolders(q);
    finished(q, 'done', { status: 'completed' }, 60);
    finished(q, 'broke', { status: 'failed', returncode: 2 }, 50);
    pending(q, 'old.json', { command: 'echo old', description: 'the oldest' }, 30);
    pending(q, 'urgent.json', { command: 'echo urgent', priority: 'high' }, 10);
    pending(q, 'later.json', { command: 'echo later', not_before: new Date(Date.now() + 3_600_000).toISOString() }, 40);
    pending(q, 'waits.json', { command: 'echo waits', after: ['done', 'old'] }, 20);
    pending(q, 'doomed.json', { command: 'echo doomed', after: ['broke'] }, 15);
    pending(q, 'torn.json', '{"command": "ech', 5);
    pending(q, 'script.sh', 'echo from a script\n', 1);

    const listing = await listJson(q);
    expect(listing.pending.map((j: any) => [j.position, j.id])).toEqual([
      [1, 'urgent'],
      [2, 'later'],
      [3, 'old'],
      [4, 'waits'],
      [5, 'doomed'],
      [6, 'torn'],
      [7, 'script'],
    ]);
    const why = Object.fromEntries(listing.pending.map((j: any) => [j.id, j.waiting]));
    expect(why.urgent).toEqual({ reason: 'ready' });
    expect(why.later).toMatchObject({ reason: 'delayed' });
    expect(Date.parse(why.later.until)).toBeGreaterThan(Date.now());
    expect(why.waits).toEqual({ reason: 'after', jobs: ['old'] });
    expect(why.doomed).toEqual({ reason: 'dependency_failed', job: 'broke' });
    expect(why.torn).toMatchObject({ reason: 'unreadable' });
    expect(listing.pending[2]).toMatchObject({ description: 'the oldest', command: 'echo old', priority: 0, attempt: 1, retry_of: null });
    expect(listing.pending[6]).toMatchObject({ name: 'script.sh', command: 'echo from a script\n' });
    expect(listing.totals).toEqual({ pending: 7, running: 0, completed: 1, failed: 1 });

    const text = await mcpq(['ls', '-q', q.root]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/pending \(7\)/);
    expect(text.stdout).toMatch(/1 +urgent +10 .*next +echo urgent/);
    expect(text.stdout).toMatch(/after old/);
    expect(text.stdout).toMatch(/dependency broke failed/);
    expect(text.stdout).toMatch(/old .*the oldest/);
    expect(text.stdout).toMatch(/finished \(2\)/);
    expect(text.stdout).toMatch(/broke +failed +2 /);
  });

  it('says that a job waiting for an id no job has, or on a dependency cycle, will fail as invalid, as the daemon then does', async () => {
    const q = tempQueue();
    ensureFolders(q);
    pending(q, 'orphan.json', { command: 'true', after: ['ghost'] }, 30);
    pending(q, 'a.json', { command: 'true', after: ['b'] }, 20);
    pending(q, 'b.json', { command: 'true', after: ['a'] }, 10);
    pending(q, 'fine.json', { command: 'true', after: ['a'] }, 5);
    const why = Object.fromEntries((await listJson(q)).pending.map((j: any) => [j.id, j.waiting]));
    expect(why).toEqual({
      orphan: { reason: 'invalid', error: 'after: unknown job id "ghost"' },
      a: { reason: 'invalid', error: 'after: dependency cycle a → b → a' },
      b: { reason: 'invalid', error: 'after: dependency cycle a → b → a' },
      fine: { reason: 'after', jobs: ['a'] },
    });
    expect((await mcpq(['show', '-q', q.root, 'orphan'])).stdout).toMatch(/^waiting: +invalid: after: unknown job id "ghost"$/m);
    await startDaemon(q.root, DAEMON_FLAGS);
    for (const id of ['orphan', 'a', 'b']) expect((await waitForRecord(q, id)).result).toMatchObject({ status: 'invalid', error: why[id].error });
    expect((await waitForRecord(q, 'fine')).result).toMatchObject({ status: 'dependency_failed', dependency: 'a' });
  });

  it('shows a job that asks to wait longer than a time can hold as invalid, and lists the rest, and the daemon fails it so', async () => {
    const q = tempQueue();
    ensureFolders(q);
    pending(q, 'far.json', { command: 'true', not_before: 1e13 }, 20);
    pending(q, 'day.json', { command: 'true', not_before: 86_400 }, 10);
    const listed = await mcpq(['list', '-q', q.root, '--json']);
    expect(listed).toMatchObject({ exitCode: 0, stderr: '' });
    const why = Object.fromEntries(JSON.parse(listed.stdout).pending.map((j: any) => [j.id, j.waiting]));
    const error = 'not_before: must be at most 3155760000 seconds (100 years)';
    expect(why).toEqual({ far: { reason: 'invalid', error }, day: { reason: 'delayed', until: expect.any(String) } });
    expect(await mcpq(['show', '-q', q.root, 'far'])).toMatchObject({ exitCode: 0, stdout: expect.stringContaining(`invalid: ${error}`) });
    await startDaemon(q.root, DAEMON_FLAGS);
    expect((await waitForRecord(q, 'far')).result).toMatchObject({ status: 'invalid', error });
  });

  it('shows running jobs with their elapsed time and pid, and why a job of the same group waits', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    await startDaemon(q.root, [...DAEMON_FLAGS, '--concurrency', '2']);
    q.drop('holder.json', JSON.stringify({ command: `while [ ! -e ${gate} ]; do sleep 0.05; done`, group: 'g' }));
    const running = await waitFor(async () => (await listJson(q)).running.find((j: any) => j.id === 'holder' && j.pid !== null), { what: 'holder to run' });
    expect(running).toMatchObject({ state: 'running', attempt: 1, command: expect.stringContaining('gate') });
    expect(running.elapsed_ms).toBeGreaterThanOrEqual(0);
    q.drop('same.json', JSON.stringify({ command: 'true', group: 'g' }));
    const listing = await waitFor(async () => {
      const l = await listJson(q);
      return l.pending.length === 1 ? l : undefined;
    });
    expect(listing.pending[0]).toMatchObject({ id: 'same', waiting: { reason: 'group', group: 'g' } });
    const text = await mcpq(['list', '-q', q.root, '--state', 'running']);
    expect(text.stdout).toMatch(new RegExp(`running \\(1\\)\\n.*\\n  holder +${running.pid} +\\S+`));
    expect(text.stdout).not.toMatch(/pending/);
    writeFileSync(gate, '');
    await waitForRecord(q, 'same');
  });

  it('filters by --state, limits finished jobs with --limit, newest first', async () => {
    const q = tempQueue();
    ensureFolders(q);
    for (let i = 0; i < 30; i += 1) finished(q, `ok${i}`, { status: 'completed' }, 1000 - i);
    finished(q, 'bad', { status: 'timeout', returncode: null, signal: 'SIGTERM' }, 2000);
    pending(q, 'p.json', { command: 'true' }, 1);
    const all = await listJson(q);
    expect(all.finished).toHaveLength(20);
    expect(all.finished[0].id).toBe('ok29');
    const failed = await listJson(q, '--state', 'failed');
    expect(failed.pending).toEqual([]);
    expect(failed.finished.map((j: any) => [j.id, j.status, j.exit_code, j.signal])).toEqual([['bad', 'timeout', 124, 'SIGTERM']]);
    const some = await listJson(q, '-s', 'completed', '-n', '3');
    expect(some.finished.map((j: any) => j.id)).toEqual(['ok29', 'ok28', 'ok27']);
    expect((await listJson(q, '--limit', '0')).finished).toHaveLength(31);
    const text = await mcpq(['ls', '-q', q.root]);
    expect(text.stdout).toMatch(/finished \(newest 20 of 31; --limit 0 for all\)/);
    expect((await mcpq(['ls', '-q', q.root, '--state', 'done'])).exitCode).toBe(2);
  });

  it.each([
    [['-s', 'failed'], 'finished (1)'],
    [['-s', 'completed', '-n', '0'], 'finished (3)'],
    [['-s', 'completed', '-n', '2'], 'finished (newest 2 of 3; --limit 0 for all)'],
    [['-n', '2'], 'finished (newest 2 of 4; --limit 0 for all)'],
  ])('with %j the finished heading counts only the states asked for', async (args, heading) => {
    const q = tempQueue();
    ensureFolders(q);
    for (let i = 0; i < 3; i += 1) finished(q, `ok${i}`, { status: 'completed' }, 10 - i);
    finished(q, 'bad', { status: 'failed', returncode: 1 }, 20);
    const result = await mcpq(['ls', '-q', q.root, ...args]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(heading);
  });

  it('cuts the job column to the terminal width, and colors only when asked', async () => {
    const q = tempQueue();
    ensureFolders(q);
    pending(q, 'wide.json', { command: 'echo', args: ['x'.repeat(200)] }, 1);
    const cut = await mcpq(['ls', '-q', q.root], { env: { COLUMNS: '60' } });
    const line = cut.stdout.split('\n').find((l) => l.includes('wide'))!;
    expect(line.length).toBe(60);
    expect(line.endsWith('…')).toBe(true);
    expect(cut.stdout).not.toMatch(/\u001b\[/);
    const colored = await mcpq(['ls', '-q', q.root], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(colored.stdout).toMatch(/\u001b\[1mpending/);
    const noColor = await mcpq(['ls', '-q', q.root], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(noColor.stdout).not.toMatch(/\u001b\[/);
  });

  it('says so when there is nothing to show', async () => {
    const q = tempQueue();
    const result = await mcpq(['list', '-q', q.root]);
    expect(result).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^no jobs to show in .* \(0 pending, 0 running, 0 completed, 0 failed\)\n$/) });
  });

  // With 1,000 finished records, list must not read them all. All but the newest
  // 20 are named pipes: stat works on them, but reading one blocks forever, so this
  // answers only if list reads just the records it shows.
  it('answers on a queue of 1,000 finished records by reading only the newest', async () => {
    const q = tempQueue();
    ensureFolders(q);
    const pipes = Array.from({ length: 980 }, (_, i) => q.path(i % 2 ? 'completed' : 'failed', `old${String(i).padStart(5, '0')}.json`));
    await execa('mkfifo', pipes);
    const past = new Date(Date.now() - 86_400_000);
    for (const pipe of pipes) utimesSync(pipe, past, past);
    for (let i = 0; i < 20; i += 1) finished(q, `new${String(i).padStart(2, '0')}`, { status: i % 5 ? 'completed' : 'failed', returncode: i % 5 ? 0 : 1 }, 100 - i);

    const started = Date.now();
    const listing = await listJson(q);
    const elapsed = Date.now() - started;
    console.log(`mcpq list --json on 1,000 finished records: ${elapsed} ms (whole CLI process)`);
    expect(listing.totals).toEqual({ pending: 0, running: 0, completed: 490 + 16, failed: 490 + 4 });
    expect(listing.finished.map((j: any) => j.id)).toEqual(Array.from({ length: 20 }, (_, i) => `new${String(19 - i).padStart(2, '0')}`));
    expect((await mcpq(['show', '-q', q.root, 'new07'])).stdout).toMatch(/status: +completed/);
  });
});

describe('control characters in a job', () => {
  it('reach neither list nor show raw: an escape sequence in a description is shown as \\x1b', async () => {
    const q = tempQueue();
    ensureFolders(q);
    q.drop('sneaky.json', JSON.stringify({ command: 'true', description: 'clear \u001b[2J\u001b]0;title\u0007 done' }));
    for (const args of [['list'], ['show', 'sneaky']]) {
      const result = await mcpq([...args, '-q', q.root], { env: { NO_COLOR: '1' } });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
      expect(result.stdout).toContain('clear \\x1b[2J\\x1b]0;title\\x07 done');
    }
  });
});

describe('mcpq show', () => {
  it('shows a finished job, its raw record with --json, and resolves unique prefixes', async () => {
    const q = tempQueue();
    ensureFolders(q);
    finished(q, 'abc123', { status: 'failed', returncode: 3, error: 'boom' }, 10, { command: 'make', args: ['all'], description: 'build', extra_field: 7 });
    finished(q, 'abd999', { status: 'completed', stdout_bytes: 6, stdout: 'hello\n' }, 10);
    const text = await mcpq(['show', '-q', q.root, 'abc']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^output: none$/m); // it printed nothing: no pointer to empty logs
    expect((await mcpq(['show', '-q', q.root, 'abd'])).stdout).toMatch(/^output: mcpq logs abd999$/m);
    expect(text.stdout).toMatch(/^id: +abc123$/m);
    expect(text.stdout).toMatch(/^status: +failed$/m);
    expect(text.stdout).toMatch(/^exit code: +3$/m);
    expect(text.stdout).toMatch(/^description: +build$/m);
    expect(text.stdout).toMatch(/^command: +make all$/m);
    const raw = await mcpq(['show', '-q', q.root, '--json', 'abc1']);
    expect(JSON.parse(raw.stdout)).toEqual({ command: 'make', args: ['all'], description: 'build', extra_field: 7, result: expect.objectContaining({ id: 'abc123', status: 'failed' }) });

    const ambiguous = await mcpq(['show', '-q', q.root, 'ab']);
    expect(ambiguous.exitCode).toBe(4);
    expect(ambiguous.stderr).toBe('mcpq: "ab" matches 2 jobs: abc123 (failed), abd999 (completed); give more of the id\n');
    const unknown = await mcpq(['show', '-q', q.root, 'zzz']);
    expect(unknown.exitCode).toBe(4);
    expect(unknown.stderr).toMatch(/^mcpq: no job "zzz" in .*; mcpq list shows the jobs\n$/);
  });

  it('shows a pending job with its position, and finds it by the id it asks for', async () => {
    const q = tempQueue();
    ensureFolders(q);
    pending(q, 'first.json', { command: 'true' }, 20);
    pending(q, 'named.json', { command: 'true', task_id: 'wanted-id', after: ['first'] }, 10);
    const text = await mcpq(['show', '-q', q.root, 'wanted']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^state: +pending, 2 of 2 in run order$/m);
    expect(text.stdout).toMatch(/^waiting: +after first$/m);
    const json = JSON.parse((await mcpq(['show', '-q', q.root, '--json', 'wanted-id'])).stdout);
    expect(json).toMatchObject({ state: 'pending', id: 'wanted-id', name: 'named.json', position: 2, of: 2, job: { task_id: 'wanted-id' } });
  });

  it('shows a running job with its claim and elapsed time', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('busy.json', JSON.stringify({ command: `while [ ! -e ${gate} ]; do sleep 0.05; done` }));
    const json = await waitFor(async () => {
      const r = await mcpq(['show', '-q', q.root, '--json', 'busy']);
      const value = JSON.parse(r.stdout);
      return value.state === 'running' && value.pid !== null ? value : undefined;
    });
    expect(json).toMatchObject({ id: 'busy', daemon_alive: true, claim: { id: 'busy', source: 'busy.json' } });
    const text = await mcpq(['show', '-q', q.root, 'busy']);
    expect(text.stdout).toMatch(/^state: +running for \S+$/m);
    expect(text.stdout).toMatch(new RegExp(`^pid: +${json.pid}$`, 'm'));
    writeFileSync(gate, '');
    await waitForRecord(q, 'busy');
  });
});
