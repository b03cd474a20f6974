// mcpq retry and mcpq wait against a real daemon.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, mcpq, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

const DAEMON_FLAGS = ['--kill-grace', '1', '--settle', '300', '--rescan', '200', '--lease', '2'];

describe('mcpq retry', () => {
  it('puts a failed job back as a new job <id>-r2 linked both ways; the old record is untouched', async () => {
    const q = tempQueue();
    const flag = `${q.dir}/second-time`;
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('flaky.json', JSON.stringify({ command: `if [ -e ${flag} ]; then echo fine; else touch ${flag}; exit 3; fi`, description: 'flaky', custom: { kept: true } }));
    await waitForRecord(q, 'flaky');
    const before = readFileSync(q.path('failed', 'flaky.json'), 'utf8');

    const retried = await mcpq(['retry', '-q', q.root, 'flak']);
    expect(retried).toMatchObject({ exitCode: 0, stdout: 'flaky-r2\n', stderr: '' });
    const record = await waitForRecord(q, 'flaky-r2');
    expect(record).toMatchObject({ description: 'flaky', custom: { kept: true }, result: { status: 'completed', stdout: 'fine\n', retry_of: 'flaky', id: 'flaky-r2' } });
    expect(record._mcpq).toBeUndefined();
    expect(readFileSync(q.path('failed', 'flaky.json'), 'utf8')).toBe(before);
    expect((await mcpq(['show', '-q', q.root, 'flaky'])).stdout).toMatch(/^retried as: +flaky-r2$/m);
    expect((await mcpq(['show', '-q', q.root, 'flaky-r2'])).stdout).toMatch(/^retry of: +flaky$/m);

    // A job is retried once: asked again, mcpq names the retry and queues nothing.
    expect(await mcpq(['retry', '-q', q.root, '--json', 'flaky'])).toMatchObject({ exitCode: 2, stdout: '[]\n', stderr: 'mcpq: job flaky was already retried as flaky-r2 (completed)\n' });
    expect(q.files('pending')).toEqual([]);
    expect((await mcpq(['show', '-q', q.root, 'flaky'])).stdout).toMatch(/^retried as: +flaky-r2$/m);
  });

  it('retries cancelled and timed-out jobs, and a shell script job', async () => {
    const q = tempQueue();
    mkdirSync(q.path('pending'), { recursive: true });
    q.drop('dropped.json', JSON.stringify({ command: 'echo dropped' }));
    expect((await mcpq(['cancel', '-q', q.root, 'dropped'])).exitCode).toBe(0);
    q.drop('script.sh', 'echo "from script"\nexit 1\n');
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('slow.json', JSON.stringify({ command: 'sleep 5', timeout: 0.2 }));
    expect((await waitForRecord(q, 'slow')).result.status).toBe('timeout');
    expect((await waitForRecord(q, 'script')).result.status).toBe('failed');
    const result = await mcpq(['retry', '-q', q.root, 'dropped', 'slow', 'script']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'dropped-r2\nslow-r2\nscript-r2\n' });
    expect((await waitForRecord(q, 'dropped-r2')).result).toMatchObject({ status: 'completed', stdout: 'dropped\n', retry_of: 'dropped' });
    expect((await waitForRecord(q, 'slow-r2')).result).toMatchObject({ status: 'timeout', retry_of: 'slow' });
    expect((await waitForRecord(q, 'script-r2')).result).toMatchObject({ status: 'failed', returncode: 1, stdout: 'from script\n', retry_of: 'script' });
  });

  it('refuses a job whose retry is running or failed, saying what to do instead; the newest retry is retried', async () => {
    const q = tempQueue();
    const flag = `${q.dir}/second-time`;
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('x.json', JSON.stringify({ command: `if [ -e ${flag} ]; then sleep 30; else touch ${flag}; exit 3; fi` }));
    await waitForRecord(q, 'x');
    expect(await mcpq(['retry', '-q', q.root, 'x'])).toMatchObject({ exitCode: 0, stdout: 'x-r2\n' });
    await waitFor(() => q.files('running').includes('x-r2.claim'), { what: 'x-r2 to start' });
    expect(await mcpq(['retry', '-q', q.root, 'x'])).toMatchObject({ exitCode: 2, stdout: '', stderr: 'mcpq: job x was already retried as x-r2 (running); mcpq wait x-r2\n' });
    expect((await mcpq(['cancel', '-q', q.root, 'x-r2'])).exitCode).toBe(0);
    expect(await mcpq(['retry', '-q', q.root, 'x'])).toMatchObject({ exitCode: 2, stderr: 'mcpq: job x was already retried as x-r2 (failed); mcpq retry x-r2 to run it again\n' });
    rmSync(flag); // so that x-r3 fails at once
    expect(await mcpq(['retry', '-q', q.root, 'x-r2'])).toMatchObject({ exitCode: 0, stdout: 'x-r3\n' });
    expect((await waitForRecord(q, 'x-r3')).result).toMatchObject({ status: 'failed', retry_of: 'x-r2' });
  });

  it('makes one new job of two retries of a job at the same moment, refusing the other with exit 2', async () => {
    const q = tempQueue();
    mkdirSync(q.path('failed'), { recursive: true });
    writeFileSync(q.path('failed', 'x.json'), JSON.stringify({ command: 'false', result: { id: 'x', status: 'failed', returncode: 1 } }));
    const results = await Promise.all([1, 2].map(() => mcpq(['retry', '-q', q.root, 'x'])));
    expect(results.map((r) => r.exitCode).sort()).toEqual([0, 2]);
    expect(results.find((r) => r.exitCode === 0)).toMatchObject({ stdout: 'x-r2\n', stderr: '' });
    expect(results.find((r) => r.exitCode === 2)).toMatchObject({ stdout: '', stderr: 'mcpq: job x was already retried as x-r2 (pending); mcpq wait x-r2\n' });
    expect(q.files('pending')).toEqual(['x-r2.json']);
  });

  it('retries the others of several ids when one was already retried, and says which was not, exit 2', async () => {
    const q = tempQueue();
    mkdirSync(q.path('failed'), { recursive: true });
    for (const id of ['a', 'b']) writeFileSync(q.path('failed', `${id}.json`), JSON.stringify({ command: 'false', result: { id, status: 'failed', returncode: 1 } }));
    expect((await mcpq(['retry', '-q', q.root, 'a'])).stdout).toBe('a-r2\n');
    expect(await mcpq(['retry', '-q', q.root, 'a', 'b'])).toMatchObject({ exitCode: 2, stdout: 'b-r2\n', stderr: 'mcpq: job a was already retried as a-r2 (pending); mcpq wait a-r2\n' });
    expect(q.files('pending')).toEqual(['a-r2.json', 'b-r2.json']);
    // An id that names no job: nothing is retried.
    expect(await mcpq(['retry', '-q', q.root, 'b', 'nope'])).toMatchObject({ exitCode: 4, stdout: '' });
    expect(q.files('pending')).toEqual(['a-r2.json', 'b-r2.json']);
  });

  it.each([
    ['a completed job', 'done', /only failed jobs are retried/],
    ['a pending job', 'queued', /queued is pending; only a finished job can be retried/],
  ])('refuses %s with exit 2', async (_, id, message) => {
    const q = tempQueue();
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('done.json', JSON.stringify({ command: 'true' }));
    await waitForRecord(q, 'done');
    q.drop('queued.json', JSON.stringify({ command: 'true', not_before: 3600 }));
    const result = await mcpq(['retry', '-q', q.root, id]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n')).toHaveLength(2); // one line
  });
});

describe('mcpq wait', () => {
  it('blocks until every job ends and exits with the first failure exit code', async () => {
    const q = tempQueue();
    mkdirSync(q.path('pending'), { recursive: true });
    q.drop('good.json', JSON.stringify({ command: 'true' }));
    q.drop('bad.json', JSON.stringify({ command: 'exit 6' }));
    const waiting = mcpq(['wait', '-q', q.root, 'good', 'bad']);
    await startDaemon(q.root, DAEMON_FLAGS);
    const result = await waiting;
    expect(result.exitCode).toBe(6);
    expect(result.stdout.split('\n').sort()).toEqual(['', 'bad failed (exit 6)', 'good completed (exit 0)']);
    const json = await mcpq(['wait', '-q', q.root, '--json', 'good']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([{ id: 'good', state: 'completed', status: 'completed', returncode: 0, exit_code: 0 }]);
    expect((await mcpq(['wait', '-q', q.root, 'missing'])).exitCode).toBe(4);
  });

  it('prints (exit N) for every status, as the exit code table gives it, also when the job has no exit code of its own', async () => {
    const q = tempQueue();
    mkdirSync(q.path('pending'), { recursive: true });
    q.drop('broken.json', JSON.stringify({ command: 'exit 3' }));
    q.drop('child.json', JSON.stringify({ command: 'true', after: ['broken'] }));
    q.drop('slow.json', JSON.stringify({ command: 'sleep 10', timeout: 0.3 }));
    q.drop('bad.json', JSON.stringify({ command: 'true', timeout: 'soon' }));
    const waiting = mcpq(['wait', '-q', q.root, 'broken', 'child', 'slow', 'bad']);
    await startDaemon(q.root, DAEMON_FLAGS);
    const result = await waiting;
    expect(result.exitCode).toBe(3);
    expect(result.stdout.split('\n').sort()).toEqual(['', 'bad invalid (exit 65)', 'broken failed (exit 3)', 'child dependency_failed (exit 1)', 'slow timeout (exit 124)']);
  });

  // Without a daemon (none started, or one serving another --queue) they waited in
  // silence, where submit --wait said why.
  it.each([
    [['wait'], 'the job waits', 'later completed (exit 0)\n'],
    [['logs', '-f'], 'later waits', 'ran\n'],
  ])('%j says on stderr that no daemon serves the queue, then waits for one', async (args, waits, stdout) => {
    const q = tempQueue();
    mkdirSync(q.path('pending'), { recursive: true });
    q.drop('later.json', JSON.stringify({ command: 'echo ran' }));
    const waiting = execa('node', [BIN, ...args, '-q', q.root, 'later'], { reject: false, stripFinalNewline: false, env: { NO_COLOR: '1' } });
    let stderr = '';
    waiting.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await waitFor(() => stderr.includes('\n'), { what: 'the note' });
      expect(stderr).toBe(`mcpq: no daemon is serving ${q.root}; ${waits} until one starts (mcpq daemon)\n`);
      await startDaemon(q.root, DAEMON_FLAGS);
      expect(await waiting).toMatchObject({ exitCode: 0, stdout });
    } finally {
      waiting.kill(); // left waiting when the test fails
    }
    // With a daemon alive, or nothing left to wait for, there is nothing to say.
    expect(await mcpq([...args, '-q', q.root, 'later'])).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it('--timeout gives up with exit 124, naming what has not finished, and still reports what has', async () => {
    const q = tempQueue();
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('quick.json', JSON.stringify({ command: 'true' }));
    q.drop('slow.json', JSON.stringify({ command: 'sleep 1000', timeout: 0 }));
    await waitForRecord(q, 'quick');
    const text = await mcpq(['wait', '-q', q.root, '--timeout', '0.5', 'quick', 'slow']);
    expect(text.exitCode).toBe(124);
    expect(text.stdout.split('\n').sort()).toEqual(['', 'quick completed (exit 0)', 'slow not finished after 0.5s']);
    const json = await mcpq(['wait', '-q', q.root, '--timeout', '0.2', '--json', 'slow']);
    expect(json.exitCode).toBe(124);
    expect(JSON.parse(json.stdout)).toEqual([{ id: 'slow', state: 'unfinished', exit_code: 124 }]);
    expect((await mcpq(['wait', '-q', q.root, '--timeout', 'soon', 'slow'])).stderr).toMatch(/--timeout.*expected a number of seconds/);
  });
});

describe('a file in failed/ or completed/ that is no record', () => {
  // Written by hand, say. Records are renamed in whole and never rewritten, so it
  // will not become one: wait and logs -f waited for ever, and a file that is not
  // JSON gave wait, retry and cancel a stack trace.
  const NOT_RECORDS = [
    ['not JSON', '{"command": "true", "res'],
    ['JSON without a result', '{"command": "true"}'],
  ];
  it.each(NOT_RECORDS)('%s: wait, logs -f and retry say so in one line, exit 1', async (_, content) => {
    const q = tempQueue();
    mkdirSync(q.path('failed'), { recursive: true });
    writeFileSync(q.path('failed', 'byhand.json'), content);
    for (const args of [['wait'], ['logs', '-f'], ['retry']]) {
      const result = await mcpq([...args, '-q', q.root, 'byhand'], { timeout: 10_000 });
      expect(result.stderr, args.join(' ')).toBe(`mcpq: ${q.path('failed', 'byhand.json')} is not a valid record (JSON with a "result" object); mcpq cannot tell how job byhand ended\n`);
      expect(result.exitCode, args.join(' ')).toBe(1);
    }
  });

  it.each(NOT_RECORDS)('%s: cancel says the job had already finished, exit 1', async (_, content) => {
    const q = tempQueue();
    mkdirSync(q.path('failed'), { recursive: true });
    writeFileSync(q.path('failed', 'byhand.json'), content);
    const result = await mcpq(['cancel', '-q', q.root, 'byhand'], { timeout: 10_000 });
    expect(result).toMatchObject({ exitCode: 1, stdout: 'byhand had already finished: failed\n', stderr: '' });
  });
});
