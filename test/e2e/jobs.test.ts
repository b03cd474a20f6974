// Jobs of every form end with a record that holds the job and its result.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

describe('JSON jobs', () => {
  it('runs the exec form and records the job object plus its result', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('my_job.json', JSON.stringify({ command: 'echo', args: ['Hello, World!'], description: 'Test echo command', result_file: 'optional_output.txt', extra: { kept: true } }));
    const rec = await waitForRecord(q, 'my_job');
    expect(rec).toMatchObject({ command: 'echo', args: ['Hello, World!'], description: 'Test echo command', extra: { kept: true } });
    expect(rec.result).toMatchObject({ status: 'completed', returncode: 0, stdout: 'Hello, World!\n', stderr: '', attempts: 1, id: 'my_job', source: 'my_job.json' });
    for (const field of ['started_at', 'completed_at']) expect(Date.parse(rec.result[field])).not.toBeNaN();
    expect(rec.result.duration_ms).toBeGreaterThanOrEqual(0);
    expect(existsSync(q.path('completed', 'my_job.json'))).toBe(true);
    expect(q.files('pending')).toEqual([]);
    // The record comes first; the claim and the claimed file go right after it.
    await waitFor(() => q.files('running').length === 0, { what: 'the claim to go' });
  });

  it('keeps records, logs and result files private (mode 0600) under a umask of 022', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('secret.json', JSON.stringify({ command: 'echo', args: ['s3cr3t'], env: { API_TOKEN: 'x' }, result_file: 'secret.txt' }));
    q.drop('broken.json', '{ not json');
    await waitForRecord(q, 'secret');
    await waitForRecord(q, 'broken');
    for (const path of [q.path('completed', 'secret.json'), q.path('logs', 'secret.out'), q.path('results', 'secret.txt'), q.path('failed', 'broken.json')]) {
      expect((statSync(path).mode & 0o777).toString(8), path).toBe('600');
    }
  });

  it('runs the shell form under the id given by task_id', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('whatever.json', JSON.stringify({ task_id: 'unique_id', command: 'python3 -c "print(6*7)" | tr 4 X', purpose: 'Description of the job' }));
    const rec = await waitForRecord(q, 'unique_id');
    expect(rec.result).toMatchObject({ status: 'completed', stdout: 'X2\n', id: 'unique_id', source: 'whatever.json' });
    expect(rec.purpose).toBe('Description of the job');
  });

  it('passes env and cwd to the job', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('env.json', JSON.stringify({ command: 'echo "$GREETING from $(pwd) as $MCPQ_JOB_ID"', env: { GREETING: 'hi' }, cwd: q.dir }));
    const rec = await waitForRecord(q, 'env');
    expect(rec.result.stdout).toBe(`hi from ${q.dir} as env\n`);
  });

  it('never reuses an id: a second job asking for a taken id gets a suffix', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('a.json', JSON.stringify({ task_id: 'same', command: 'echo first' }));
    await waitForRecord(q, 'same');
    q.drop('b.json', JSON.stringify({ task_id: 'same', command: 'echo second' }));
    const second = await waitForRecord(q, 'same-2');
    expect(second.result.stdout).toBe('second\n');
    expect(q.record('same')!.result.stdout).toBe('first\n');
  });
});

describe('text jobs', () => {
  it.each([
    ['script.sh', 'echo "sh says $((2+3))"\n', 'sh says 5\n'],
    ['notes.txt', 'printf "%s\\n" txt-job\n', 'txt-job\n'],
    ['py.sh', '#!/usr/bin/env python3\nprint("from python", 1 + 1)\n', 'from python 2\n'],
  ])('runs %s and records its text as the command', async (name, text, stdout) => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop(name, text);
    const id = name.replace(/\.(sh|txt)$/, '');
    const rec = await waitForRecord(q, id);
    expect(rec.command).toBe(text);
    expect(rec.result).toMatchObject({ status: 'completed', stdout });
  });
});

describe('error handling', () => {
  it.each([
    ['missing command', { command: 'no-such-program-mcpq', args: [] }, /command not found: no-such-program-mcpq/],
    ['bad cwd', { command: 'true', args: [], cwd: '/no/such/dir' }, /cwd \/no\/such\/dir: no such directory/],
    ['cwd not a directory', { command: 'true', args: [], cwd: '/dev/null' }, /^could not start: cwd \/dev\/null: not a directory$/],
  ])('a job that cannot start (%s) fails with a clear error', async (_, job, error) => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('x.json', JSON.stringify(job));
    const rec = await waitForRecord(q, 'x');
    expect(rec.result.status).toBe('failed');
    expect(rec.result.returncode).toBeNull();
    expect(rec.result.error).toMatch(error);
    expect(existsSync(q.path('failed', 'x.json'))).toBe(true);
  });

  it('a non-zero exit fails with its returncode and keeps stderr', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('bad.sh', 'echo partial; echo oops >&2; exit 7\n');
    const rec = await waitForRecord(q, 'bad');
    expect(rec.result).toMatchObject({ status: 'failed', returncode: 7, stdout: 'partial\n', stderr: 'oops\n' });
  });
});

describe('result files', () => {
  it('writes stdout to a relative result_file under results/ and to an absolute path', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const absolute = join(q.dir, 'out', 'abs.txt');
    q.drop('r1.json', JSON.stringify({ command: 'seq', args: ['1', '3'], result_file: 'sub/rel.txt' }));
    q.drop('r2.json', JSON.stringify({ command: 'echo', args: ['abs'], result_file: absolute }));
    const r1 = await waitForRecord(q, 'r1');
    await waitForRecord(q, 'r2');
    expect(readFileSync(q.path('results', 'sub', 'rel.txt'), 'utf8')).toBe('1\n2\n3\n');
    expect(r1.result.result_path).toBe(q.path('results', 'sub', 'rel.txt'));
    expect(readFileSync(absolute, 'utf8')).toBe('abs\n');
  });
});
