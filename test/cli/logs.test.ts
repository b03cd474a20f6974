// mcpq logs against a real daemon: complete output, --stderr, --tail, --json, the
// record's copy when there is no log, and -f following a job as it writes.
import { execa } from 'execa';
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, mcpq, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

const DAEMON_FLAGS = ['--kill-grace', '1', '--settle', '300', '--rescan', '200', '--lease', '2'];

describe('mcpq logs', () => {
  it('prints stdout on stdout and stderr on stderr; --stderr, --stdout, --tail and --json select', async () => {
    const q = tempQueue();
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('talk.json', JSON.stringify({ command: 'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done' }));
    await waitForRecord(q, 'talk');
    expect(await mcpq(['logs', '-q', q.root, 'talk'])).toMatchObject({ exitCode: 0, stdout: 'out 1\nout 2\nout 3\nout 4\nout 5\n', stderr: 'err 1\nerr 2\nerr 3\nerr 4\nerr 5\n' });
    expect(await mcpq(['logs', '-q', q.root, '--stderr', 'talk'])).toMatchObject({ stdout: 'err 1\nerr 2\nerr 3\nerr 4\nerr 5\n', stderr: '' });
    expect(await mcpq(['logs', '-q', q.root, '--stdout', '--tail', '2', 'talk'])).toMatchObject({ stdout: 'out 4\nout 5\n', stderr: '' });
    const json = JSON.parse((await mcpq(['logs', '-q', q.root, '--json', '--tail', '1', 'talk'])).stdout);
    expect(json).toMatchObject({
      id: 'talk',
      state: 'completed',
      stdout: { source: 'log', text: 'out 5\n', offset: 24, next_offset: 30, size: 30, finished: true },
      stderr: { source: 'log', text: 'err 5\n', finished: true },
    });
  });

  it("falls back to the record's copy when a job printed nothing or its logs are gone", async () => {
    const q = tempQueue();
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('quiet.json', JSON.stringify({ command: 'true' }));
    q.drop('gone.json', JSON.stringify({ command: 'echo kept' }));
    await waitForRecord(q, 'quiet');
    await waitForRecord(q, 'gone');
    expect(await mcpq(['logs', '-q', q.root, 'quiet'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    rmSync(q.path('logs', 'gone.out'));
    expect(await mcpq(['logs', '-q', q.root, 'gone'])).toMatchObject({ exitCode: 0, stdout: 'kept\n' });
    const json = JSON.parse((await mcpq(['logs', '-q', q.root, '--json', 'gone'])).stdout);
    expect(json.stdout).toMatchObject({ source: 'record', text: 'kept\n', truncated: false });
  });

  it('-f prints output as the job produces it, then exits with the job exit code', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    await startDaemon(q.root, DAEMON_FLAGS);
    q.drop('stream.json', JSON.stringify({ command: `echo first; echo oops >&2; while [ ! -e ${gate} ]; do sleep 0.05; done; echo second; exit 5` }));
    const follower = execa('node', [BIN, 'logs', '-q', q.root, '-f', 'stream'], { reject: false, env: { NO_COLOR: '1' } });
    let out = '';
    let err = '';
    follower.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    follower.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    // The first line arrives while the job still waits for the gate: it was streamed.
    await waitFor(() => out === 'first\n' && err === 'oops\n', { what: 'the first line' });
    expect(q.record('stream')).toBeUndefined();
    writeFileSync(gate, '');
    const result = await follower;
    expect(result.exitCode).toBe(5);
    expect(out).toBe('first\nsecond\n');
    expect(err).toBe('oops\n');
  });

  it('-f on a pending job waits for it to run; -f on a finished job prints and exits at once', async () => {
    const q = tempQueue();
    mkdirSync(q.path('pending'), { recursive: true });
    q.drop('later.json', JSON.stringify({ command: 'echo ran; exit 0' }));
    const follower = execa('node', [BIN, 'logs', '-q', q.root, '-f', '--stdout', 'later'], { reject: false, stripFinalNewline: false, env: { NO_COLOR: '1' } });
    await startDaemon(q.root, DAEMON_FLAGS);
    expect(await follower).toMatchObject({ exitCode: 0, stdout: 'ran\n' });
    expect(await mcpq(['logs', '-q', q.root, '-f', 'later'])).toMatchObject({ exitCode: 0, stdout: 'ran\n' });
  });

  // Both streams of a pending job printed nothing and exited 0, as for a job that
  // ran and printed nothing.
  it.each([
    [[], 'no output yet'],
    [['--stderr'], 'no stderr yet'],
  ])('%j on a job that has not run yet says so on stderr', async (args, what) => {
    const q = tempQueue();
    mkdirSync(q.path('pending'), { recursive: true });
    q.drop('later.json', JSON.stringify({ command: 'echo ran' }));
    expect(await mcpq(['logs', '-q', q.root, ...args, 'later'])).toMatchObject({ exitCode: 0, stdout: '', stderr: `mcpq: later is pending; ${what} (mcpq logs -f follows it)\n` });
  });

  it('-f shows what a starting job wrote once, though its claim notes the start only after it wrote', async () => {
    // The daemon's steps laid out by hand: a claimed job whose process group is not
    // noted yet, which has already written its first line.
    const q = tempQueue();
    for (const dir of ['running', 'logs', 'completed', 'failed']) mkdirSync(q.path(dir), { recursive: true });
    writeFileSync(q.path('running', 'job.json@t-1'), JSON.stringify({ command: 'true' }));
    const claim = { id: 'job', file: 'job.json@t-1', source: 'job.json', tag: 't', host: 'h', pid: process.pid, claimed_at: new Date().toISOString(), started_at: new Date().toISOString(), attempt: 1 };
    writeFileSync(q.path('running', 'job.claim'), JSON.stringify(claim));
    writeFileSync(q.path('logs', 'job.out'), 'ran\n');
    const follower = execa('node', [BIN, 'logs', '-q', q.root, '-f', '--stdout', 'job'], { reject: false, stripFinalNewline: false, env: { NO_COLOR: '1' } });
    let out = '';
    follower.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => out === 'ran\n', { what: 'the first line' });
    writeFileSync(q.path('running', 'job.claim'), JSON.stringify({ ...claim, pgid: 4242 }));
    appendFileSync(q.path('logs', 'job.out'), 'more\n');
    await waitFor(() => out.endsWith('more\n'), { what: 'the second line' });
    // Whole at once, as the daemon writes records: a half-written one is no record.
    writeFileSync(q.path('completed', '.job.json.tmp'), JSON.stringify({ id: 'job', result: { status: 'completed', returncode: 0, attempts: 1, stdout: 'ran\nmore\n', stdout_bytes: 9 } }));
    renameSync(q.path('completed', '.job.json.tmp'), q.path('completed', 'job.json'));
    expect(await follower).toMatchObject({ exitCode: 0, stdout: 'ran\nmore\n' });
  });

  it('rejects --json with --follow, and an unknown job', async () => {
    const q = tempQueue();
    const both = await mcpq(['logs', '-q', q.root, '--json', '-f', 'x']);
    expect(both).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^mcpq: --json and --follow do not go together.*\n$/) });
    expect((await mcpq(['logs', '-q', q.root, 'nope'])).exitCode).toBe(4);
  });
});
