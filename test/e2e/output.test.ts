// A job writes its output straight into logs/<id>.out|err; the daemon keeps the logs
// to their cap and only a bounded tail goes into the record, so a job that prints
// hundreds of megabytes costs the daemon no more than a few MB.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, mcpq, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

const CAP = 64 * 1024;
const TAIL = 1024 * 1024;

function peakRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]);
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

// The lines `seq 1 n` prints.
function seq(n: number): string {
  return Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');
}

// A shell loop, for the job's side, that waits until its own stdout log was cut back to
// the cap (at most 10 s).
const WAIT_FOR_CUT = `i=0; while [ $(stat -c %s "$MCPQ_QUEUE/logs/$MCPQ_JOB_ID.out") -gt ${CAP} ] && [ $i -lt 200 ]; do i=$((i+1)); sleep 0.05; done`;

describe('job output', () => {
  it('streams 200 MB to logs/ and keeps a 1 MiB tail, flagged truncated', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root);
    const before = peakRssKb(daemon.pid);
    q.drop('big.json', JSON.stringify({ command: 'head -c 200000000 /dev/zero | tr "\\0" x; echo; echo tail-marker' }));
    const rec = await waitForRecord(q, 'big', 60_000);
    expect(rec.result.status).toBe('completed');
    expect(rec.result.truncated).toBe(true);
    expect(rec.result.stdout_bytes).toBe(200_000_000 + 1 + 'tail-marker\n'.length);
    expect(Buffer.byteLength(rec.result.stdout)).toBe(TAIL);
    expect(rec.result.stdout.endsWith('x\ntail-marker\n')).toBe(true);
    expect(statSync(q.path('logs', 'big.out')).size).toBe(rec.result.stdout_bytes);
    expect(statSync(q.path('completed', 'big.json')).size).toBeLessThan(1.1 * 1024 * 1024);
    // A sanity bound, not a benchmark: the daemon did not hold the output in memory.
    expect(peakRssKb(daemon.pid) - before).toBeLessThan(16 * 1024);
  });

  it('keeps stdout and stderr apart, in full, for a small job', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('both.sh', 'for i in 1 2 3; do echo out$i; echo err$i >&2; done\n');
    const rec = await waitForRecord(q, 'both');
    expect(rec.result).toMatchObject({ stdout: 'out1\nout2\nout3\n', stderr: 'err1\nerr2\nerr3\n', truncated: false });
    expect(readFileSync(q.path('logs', 'both.err'), 'utf8')).toBe('err1\nerr2\nerr3\n');
    expect((statSync(q.path('logs', 'both.out')).mode & 0o777).toString(8)).toBe('600');
  });

  it('keeps exactly the first --max-log bytes in the log, and the true total and the last bytes in the record', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--max-log', String(CAP)]);
    q.drop('many.json', JSON.stringify({ command: 'seq', args: ['1', '400000'] }));
    const rec = await waitForRecord(q, 'many');
    const all = seq(400_000);
    expect(rec.result).toMatchObject({ status: 'completed', truncated: true, stdout_bytes: Buffer.byteLength(all) });
    expect(readFileSync(q.path('logs', 'many.out'), 'utf8')).toBe(all.slice(0, CAP));
    expect(all.endsWith(rec.result.stdout)).toBe(true);
    expect(rec.result.stdout.endsWith('\n399999\n400000\n')).toBe(true);
  });

  it('logs and submit --wait say when a log was cut at --max-log, and where its end is', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--max-log', String(CAP)]);
    const waited = await mcpq(['submit', '-q', q.root, '--wait', '--id', 'long', '--', 'seq', '1', '400000']);
    const written = Buffer.byteLength(seq(400_000));
    expect(waited.stdout).toBe(seq(400_000).slice(0, CAP));
    expect(waited.stderr).toContain(`mcpq: long's stdout was cut at ${CAP} of ${written} bytes (mcpq daemon --max-log); the record keeps its end: mcpq show --json long\n`);
    const logs = await mcpq(['logs', '-q', q.root, 'long']);
    expect(logs.stdout).toBe(seq(400_000).slice(0, CAP));
    expect(logs.stderr).toBe(`mcpq: long's stdout was cut at ${CAP} bytes (mcpq daemon --max-log); the record keeps its end: mcpq show --json long\n`);
    const json = JSON.parse((await mcpq(['logs', '-q', q.root, '--json', 'long'])).stdout);
    expect(json.stdout).toMatchObject({ source: 'log', size: CAP, truncated: true });
  });

  it('cuts a log back to the cap while the job runs; the record keeps what came after the cut', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--max-log', String(CAP)]);
    q.drop('cut.json', JSON.stringify({ command: `head -c 204800 /dev/zero | tr '\\0' a; ${WAIT_FOR_CUT}; echo after-cut` }));
    const rec = await waitForRecord(q, 'cut');
    // Only a cut during the run leaves 'after-cut' alone in the tail.
    expect(rec.result).toMatchObject({ status: 'completed', stdout: 'after-cut\n', stdout_bytes: 204_800 + 'after-cut\n'.length, truncated: true });
    expect(readFileSync(q.path('logs', 'cut.out'), 'utf8')).toBe('a'.repeat(CAP));
  });

  it('-f follows a log across a cut without printing it again', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    await startDaemon(q.root, ['--max-log', String(CAP)]);
    q.drop('follow.json', JSON.stringify({ command: `while [ ! -e ${gate} ]; do sleep 0.05; done; head -c 204800 /dev/zero | tr '\\0' a; ${WAIT_FOR_CUT}; echo after-cut` }));
    await waitFor(() => existsSync(q.path('running', 'follow.claim')), { what: 'the job to start' });
    const follower = execa('node', [BIN, 'logs', '-q', q.root, '-f', '--stdout', 'follow'], { reject: false, stripFinalNewline: false, env: { NO_COLOR: '1' } });
    writeFileSync(gate, '');
    const result = await follower;
    expect(result.exitCode).toBe(0);
    // Everything up to the cap, then at most what the job wrote; never the start again.
    expect(String(result.stdout)).toMatch(new RegExp(`^a{${CAP},204800}(after-cut\\n)?$`));
  });

  it('-f starts over for a new attempt', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    const count = join(q.dir, 'count');
    await startDaemon(q.root);
    q.drop('again.json', JSON.stringify({
      command: `echo x >> ${count}; if [ $(wc -l < ${count}) -eq 1 ]; then echo first-attempt-says-a-lot; while [ ! -e ${gate} ]; do sleep 0.05; done; exit 1; fi; echo two`,
      retries: 1,
      retry_delay: 0,
    }));
    const follower = execa('node', [BIN, 'logs', '-q', q.root, '-f', '--stdout', 'again'], { reject: false, stripFinalNewline: false, env: { NO_COLOR: '1' } });
    let out = '';
    follower.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => out === 'first-attempt-says-a-lot\n', { what: 'the first attempt’s line' });
    // The follower looks again only once the second attempt has rewritten the log
    // with less than it showed.
    follower.kill('SIGSTOP');
    writeFileSync(gate, '');
    await waitForRecord(q, 'again');
    follower.kill('SIGCONT');
    expect((await follower).exitCode).toBe(0);
    expect(out).toBe('first-attempt-says-a-lot\ntwo\n');
  });

  it('leaves no log file for a stream the job wrote nothing to', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('quiet.json', JSON.stringify({ command: 'true', args: [] }));
    q.drop('errs.json', JSON.stringify({ command: 'echo only-err >&2' }));
    q.drop('missing.json', JSON.stringify({ command: 'no-such-command-mcpq', args: [] }));
    q.drop('badcwd.json', JSON.stringify({ command: 'echo', args: ['x'], cwd: join(q.dir, 'nowhere') }));
    for (const id of ['quiet', 'errs', 'missing', 'badcwd']) await waitForRecord(q, id);
    expect(q.files('logs')).toEqual(['errs.err']);
    expect(await mcpq(['logs', '-q', q.root, 'quiet'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(await mcpq(['logs', '-q', q.root, 'errs'])).toMatchObject({ exitCode: 0, stdout: '', stderr: 'only-err\n' });
  });

  it('holds no descriptor of a job once it ended, whether it started or not', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, ['--concurrency', '4']);
    q.drop('warm.json', JSON.stringify({ command: 'echo warm' }));
    await waitForRecord(q, 'warm');
    const before = openFds(daemon.pid);
    const kinds = [
      { command: 'echo out; echo err >&2' },
      { command: 'true', args: [] },
      { command: 'no-such-command-mcpq', args: [] },
      { command: 'echo', args: ['x'], cwd: join(q.dir, 'nowhere') },
      { command: 'exit 3' },
    ];
    for (let i = 0; i < 50; i += 1) q.drop(`j${i}.json`, JSON.stringify(kinds[i % kinds.length]));
    for (let i = 0; i < 50; i += 1) await waitForRecord(q, `j${i}`);
    expect(q.record('j2')!.result.error).toMatch(/ENOENT/);
    // A leak would be one or two descriptors per job.
    await waitFor(() => openFds(daemon.pid) <= before, { timeout: 5_000, what: `the daemon's open descriptors to be back to ${before} (now ${openFds(daemon.pid)})` });
  });
});
