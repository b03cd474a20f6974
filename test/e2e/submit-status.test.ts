// The submit and status commands against a real daemon.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

describe('mcpq submit', () => {
  it('queues the exec form and prints the id', async () => {
    const q = tempQueue();
    const { stdout, exitCode } = await mcpq(['submit', '--queue', q.root, '--description', 'greet', '--', 'echo', 'a  b', '$HOME']);
    expect(exitCode).toBe(0);
    const id = stdout.trim();
    const job = JSON.parse(readFileSync(q.path('pending', `${id}.json`), 'utf8'));
    expect(job).toMatchObject({ command: 'echo', args: ['a  b', '$HOME'], description: 'greet' });
    await startDaemon(q.root);
    expect((await waitForRecord(q, id)).result.stdout).toBe('a  b $HOME\n');
  });

  it('--wait prints the output and exits with the job exit code', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const ok = await mcpq(['submit', '-q', q.root, '--wait', '--shell', 'echo out; echo err >&2']);
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'out\n' });
    expect(ok.stderr).toContain('err\n');
    const failed = await mcpq(['submit', '-q', q.root, '--wait', '--', 'sh', '-c', 'exit 7']);
    expect(failed.exitCode).toBe(7);
    expect(failed.stderr).toMatch(/failed: exit code 7/);
    const timeout = await mcpq(['submit', '-q', q.root, '--wait', '--timeout', '0.3', '--', 'sleep', '10']);
    expect(timeout.exitCode).toBe(124);
    expect(timeout.stderr).toMatch(/timeout: timed out after 0.3s/);
  });

  it('--json --wait prints one JSON object, parseable, and exits with the job exit code', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const result = await mcpq(['submit', '-q', q.root, '--json', '--wait', '--id', 'seven', '--shell', 'echo out; exit 7']);
    expect(result.exitCode).toBe(7);
    expect(JSON.parse(result.stdout)).toEqual({ id: 'seven', queue: q.root, state: 'failed', status: 'failed', returncode: 7, exit_code: 7 });
  });

  it.each([
    ['json', 'job.json', JSON.stringify({ command: 'echo', args: ['from json'] }), 'from json\n'],
    ['sh', 'job.sh', 'echo from sh\n', 'from sh\n'],
    ['txt', 'job.txt', 'echo from txt\n', 'from txt\n'],
  ])('copies a %s job file in', async (_, name, content, stdout) => {
    const q = tempQueue();
    await startDaemon(q.root);
    const file = join(q.dir, name);
    writeFileSync(file, content);
    const result = await mcpq(['submit', '-q', q.root, '--wait', file]);
    expect(result).toMatchObject({ exitCode: 0, stdout });
  });

  it('takes the flags after a JSON job file as its own, not as arguments of a command', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const file = join(q.dir, 'job.json');
    writeFileSync(file, JSON.stringify({ command: 'echo', args: ['from json'] }));
    const result = await mcpq(['submit', '-q', q.root, file, '--id', 'after-file', '--timeout', '9', '--wait']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'from json\n' });
    expect(q.record('after-file')).toMatchObject({ command: 'echo', timeout: 9 });
  });

  it('refuses an unknown flag after a JSON job file, as before it, instead of queuing a command', async () => {
    const q = tempQueue();
    const file = join(q.dir, 'job.json');
    writeFileSync(file, JSON.stringify({ command: 'echo', args: ['from json'] }));
    const result = await mcpq(['submit', '-q', q.root, file, '--wiat']);
    expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr: expect.stringMatching(/^mcpq: unknown option '--wiat' \(Did you mean --wait\?\)\n/) });
    expect(q.files('pending')).toEqual([]);
  });

  it('sets cwd, env, id and timeout from flags', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const result = await mcpq(['submit', '-q', q.root, '--id', 'flagged', '--cwd', q.dir, '--env', 'A=1', '--env', 'B=two', '--timeout', '9', '--wait', '--shell', 'echo "$A $B $(pwd)"']);
    expect(result.stdout).toBe(`1 two ${q.dir}\n`);
    expect(q.record('flagged')).toMatchObject({ timeout: 9, env: { A: '1', B: 'two' }, cwd: q.dir });
  });

  it('writes through a hidden temp file, never a partial pending/ file', async () => {
    const q = tempQueue();
    await mcpq(['submit', '-q', q.root, '--', 'true']);
    expect(readdirSync(q.path('pending')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readdirSync(q.path('pending'))).toHaveLength(1);
  });

  it.each([
    [['submit'], /nothing to run/],
    [['submit', '--timeout', 'soon', '--', 'true'], /--timeout.*expected a number of seconds/],
    [['submit', '--timeout', '1e-9', '--', 'true'], /--timeout.*expected a number of seconds, 0 \(none\) or at least 0\.001 \(1 ms\), got "1e-9"/],
    [['submit', '--env', 'NOEQUALS', '--', 'true'], /expected KEY=VALUE/],
    [['submit', '/no/such/job.json'], /no such file/],
    [['submit', '--priority', 'urgent', '--', 'true'], /--priority: expected high, medium, low or an integer/],
    [['submit', '--bogus'], /unknown option '--bogus'/],
    [['submit', '--arg', 'title=x', '--', 'echo', 'hi'], /^mcpq: --arg title=x: --arg gives a plugin's arguments and needs --plugin NAME; a command's arguments go after -- \(mcpq submit -- CMD ARGS…\)\n$/],
  ])('rejects %j with one clear line and exit 2', async (args, message) => {
    const q = tempQueue();
    const result = await mcpq([...args.slice(0, 1), '-q', q.root, ...args.slice(1)]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(q.files('pending')).toEqual([]);
  });

  it.each([
    ['README.md', './README.md'],
    ['./my notes.MD', "'./my notes.MD'"],
  ])('refuses %s, a file that is no job, saying which files are and how to run it as a command', async (name, command) => {
    const q = tempQueue();
    writeFileSync(join(q.dir, name), '# notes\n');
    const result = await mcpq(['submit', '-q', q.root, name], { cwd: q.dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`mcpq: ${name} is not a job file (mcpq takes a .json job or a .sh/.txt shell script); to run it as a command: mcpq submit -- ${command}\n`);
    expect(q.files('pending')).toEqual([]);
  });

  // A shell line missing its --shell was queued as one program of that name, which
  // could only fail as "command not found: ls | wc -l".
  it.each(['ls | wc -l', 'sleep 10'])('refuses %j, one word with spaces, saying how to give it as a shell line', async (word) => {
    const q = tempQueue();
    const result = await mcpq(['submit', '-q', q.root, word], { cwd: q.dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`mcpq: '${word}' is one word with spaces: for a shell line, mcpq submit --shell '${word}'; for a program of that name, mcpq submit -- '${word}'\n`);
    expect(q.files('pending')).toEqual([]);
  });

  it.each([
    [['--', 'ls | wc -l'], { command: 'ls | wc -l', args: [] }],
    [['./my tool'], { command: './my tool', args: [] }],
    [['--', 'notes.md'], { command: 'notes.md', args: [] }],
    [['notes.md', 'x'], { command: 'notes.md', args: ['x'] }],
    [['deploy'], { command: 'deploy', args: [] }],
    [['echo', 'hi'], { command: 'echo', args: ['hi'] }],
    [['absent.md'], { command: 'absent.md', args: [] }],
  ])('still queues %j as a command', async (words, job) => {
    const q = tempQueue();
    for (const name of ['notes.md', 'deploy', 'my tool']) writeFileSync(join(q.dir, name), '#!/bin/sh\n');
    const result = await mcpq(['submit', '-q', q.root, ...words], { cwd: q.dir });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(q.path('pending', `${result.stdout.trim()}.json`), 'utf8'))).toMatchObject(job);
  });

  // Such a job was queued, and then failed to start.
  it.each([
    [['--cwd', '/no/such/dir', '--', 'true'], '--cwd /no/such/dir: no such directory; create it, or make the job wait for the one that does (--after ID)'],
    [['--cwd', 'not-here', '--', 'true'], '--cwd DIR/not-here: no such directory; create it, or make the job wait for the one that does (--after ID)'],
    [['--cwd', 'a-file', '--shell', 'pwd'], '--cwd DIR/a-file: not a directory'],
    [['--cwd', 'a-file/sub', '--', 'true'], '--cwd DIR/a-file/sub: not a directory'],
    [['cwd.json'], 'cwd.json: cwd /no/such/dir: no such directory; create it, or make the job wait for the one that does (--after ID)'],
    [['--cwd', 'not-here', 'job.sh'], '--cwd DIR/not-here: no such directory; create it, or make the job wait for the one that does (--after ID)'],
  ])('refuses %j, a cwd the job could not start in, in one line naming it, with exit 2', async (args, message) => {
    const q = tempQueue();
    writeFileSync(join(q.dir, 'a-file'), '');
    writeFileSync(join(q.dir, 'job.sh'), 'pwd\n');
    writeFileSync(join(q.dir, 'cwd.json'), JSON.stringify({ command: 'true', cwd: '/no/such/dir' }));
    const result = await mcpq(['submit', '-q', q.root, ...args], { cwd: q.dir });
    expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr: `mcpq: ${message.replace('DIR', realpathSync(q.dir))}\n` });
    expect(q.files('pending')).toEqual([]);
  });

  it.each([
    [['--after', 'dep', '--cwd', '/no/such/dir', '--', 'true']],
    [['--delay', '1h', '--cwd', '/no/such/dir', '--', 'true']],
  ])('still queues %j: a job that waits may find its cwd made by then', async (args) => {
    const q = tempQueue();
    expect((await mcpq(['submit', '-q', q.root, '--id', 'dep', '--', 'true'])).exitCode).toBe(0);
    const result = await mcpq(['submit', '-q', q.root, ...args]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(q.path('pending', `${result.stdout.trim()}.json`), 'utf8'))).toMatchObject({ cwd: '/no/such/dir' });
  });

  // A FIFO was opened for reading, which waits for a writer; /dev/zero never ends.
  it.each([
    ['job.json', 'a named pipe (FIFO)', (path: string) => execFileSync('mkfifo', [path])],
    ['job.sh', 'a named pipe (FIFO)', (path: string) => execFileSync('mkfifo', [path])],
    ['folder.json', 'a directory', (path: string) => mkdirSync(path)],
    ['zero.json', 'a character device', (path: string) => symlinkSync('/dev/zero', path)],
    ['null.sh', 'a character device', (path: string) => symlinkSync('/dev/null', path)],
  ])('refuses %s, %s, without reading it, in one line with exit 2', async (name, kind, make) => {
    const q = tempQueue();
    make(join(q.dir, name));
    const result = await mcpq(['submit', '-q', q.root, name], { cwd: q.dir, timeout: 10_000 });
    expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr: `mcpq: ${name} is ${kind}; a job file must be a regular file\n` });
    expect(q.files('pending')).toEqual([]);
  });

  it('refuses a job file the daemon would fail (nested too deep), and queues nothing', async () => {
    const q = tempQueue();
    const file = join(q.dir, 'deep.json');
    writeFileSync(file, `{"command": "true", "x": ${'['.repeat(70)}${']'.repeat(70)}}`);
    const result = await mcpq(['submit', '-q', q.root, file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('mcpq: invalid job: job: nested more than 64 levels deep\n');
    expect(q.files('pending')).toEqual([]);
  });

  it('refuses an id that is already used', async () => {
    const q = tempQueue();
    expect((await mcpq(['submit', '-q', q.root, '--id', 'dup', '--', 'true'])).exitCode).toBe(0);
    const again = await mcpq(['submit', '-q', q.root, '--id', 'dup', '--', 'true']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/job id "dup" is already used \(pending\)/);
  });

  // A daemon claims a job by renaming it into running/, and reserves its id (the
  // .claim file) an instant later: an id is in use in between too, or two jobs would
  // answer to it (the second one run as dup-2, while its submitter was told dup).
  it('refuses an id whose job a daemon has just claimed, before its claim is written', async () => {
    const q = tempQueue();
    expect((await mcpq(['submit', '-q', q.root, '--id', 'dup', '--', 'true'])).exitCode).toBe(0);
    renameSync(q.path('pending', 'dup.json'), q.path('running', 'dup.json@d1a2b3-1'));
    const again = await mcpq(['submit', '-q', q.root, '--id', 'dup', '--', 'true']);
    expect(again).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^mcpq: job id "dup" is already used \(running\)/) });
    expect(q.files('pending')).toEqual([]);
  });
});

describe('the daemon\'s banner', () => {
  it('suggests commands for the queue it serves: with --queue, they carry it', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root);
    await waitFor(() => daemon.output().includes('follow it:'), { what: 'the banner' });
    expect(daemon.output()).toContain(`submit a job:  mcpq -q ${q.root} submit -- echo hello`);
    expect(daemon.output()).toContain(`follow it:     mcpq -q ${q.root} status`);
  });
});

describe('mcpq status', () => {
  it('exits 3 and says so when no daemon runs', async () => {
    const q = tempQueue();
    const result = await mcpq(['status', '-q', q.root]);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/daemon\s+not running/);
  });

  it('reports the daemon, the counts and running jobs as JSON', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, ['--concurrency', '2']);
    await mcpq(['submit', '-q', q.root, '--id', 'done', '--wait', '--', 'true']);
    await mcpq(['submit', '-q', q.root, '--id', 'slow', '--', 'sleep', '30']);
    const { waitFor } = await import('../helpers/mcpq.js');
    const report = await waitFor(async () => {
      const r = await mcpq(['status', '-q', q.root, '--json']);
      const parsed = JSON.parse(r.stdout);
      return parsed.running.length === 1 && parsed.running[0].pid ? { ...parsed, exitCode: r.exitCode } : undefined;
    }, { what: 'the slow job to be running' });
    expect(report.exitCode).toBe(0);
    expect(report.alive).toBe(true);
    expect(report.daemons).toEqual([expect.objectContaining({ pid: daemon.pid, concurrency: 2, alive: true, supervisor: 'manual' })]);
    expect(report.counts).toEqual({ pending: 0, running: 1, unrecorded: 0, completed: 1, failed: 0 });
    expect(report.running[0]).toMatchObject({ id: 'slow' });
    const text = await mcpq(['status', '-q', q.root]);
    expect(text.stdout).toMatch(new RegExp(`daemon\\s+running: pid ${daemon.pid}`));
    expect(text.stdout).toMatch(/1 pending|0 pending · 1 running · 1 completed · 0 failed/);
  });
});
