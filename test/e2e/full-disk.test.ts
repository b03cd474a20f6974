// A full disk: nothing the daemon logs may take it down, and `mcpq submit` says what is
// wrong in one line. Each test fills a small tmpfs of its own (root only).
import { appendFileSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IS_ROOT, mcpq, pidAlive, startDaemon, tmpfsQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

// Pads daemon.log up to a 64 KiB boundary with one valid line, so that once the disk
// is full the daemon's very next line needs a page the filesystem does not have.
function padToBoundary(log: string): void {
  const size = statSync(log).size;
  const room = 65_536 - (size % 65_536);
  const line = JSON.stringify({ pad: '' });
  appendFileSync(log, `${JSON.stringify({ pad: 'x'.repeat(Math.max(0, room - line.length - 1)) })}\n`);
}

describe.skipIf(!IS_ROOT)('a full disk', () => {
  it('does not stop the daemon when daemon.log cannot be written: it says so once, and writes the lines kept once there is room', async () => {
    const q = tmpfsQueue('4m');
    const daemon = await startDaemon(q.root);
    q.drop('before.json', JSON.stringify({ command: 'true' }));
    await waitForRecord(q, 'before');
    await waitFor(() => readFileSync(q.path('daemon.log'), 'utf8').includes('"finish"'), { what: 'the log to be written' });
    // A job made while there is room, moved in once the disk is full (a rename needs none).
    mkdirSync(q.path('..', 'spare'));
    writeFileSync(q.path('..', 'spare', 'late.json'), JSON.stringify({ command: 'true' }));
    padToBoundary(q.path('daemon.log'));
    q.fill();
    renameSync(q.path('..', 'spare', 'late.json'), q.path('pending', 'late.json'));
    await waitFor(() => daemon.output().includes('cannot write') || !pidAlive(daemon.pid), { what: 'the daemon to notice' });
    expect(pidAlive(daemon.pid)).toBe(true);
    expect(daemon.output()).toMatch(/mcpq: cannot write \S+daemon\.log \(ENOSPC/);
    q.unfill();
    const log = await waitFor(() => {
      const text = readFileSync(q.path('daemon.log'), 'utf8');
      return text.includes('"log_recovered"') && text;
    }, { what: 'the log to recover' });
    expect(log).toMatch(/"source":"late\.json"|"id":"late"/); // what happened meanwhile was kept
    expect(daemon.output().match(/cannot write \S+daemon\.log/g)).toHaveLength(1);
    expect(await daemon.stop()).toBe(0);
  });

  it('puts a job it cannot claim back in pending/, with no empty claim, and runs it once there is room', async () => {
    const q = tmpfsQueue('4m');
    const daemon = await startDaemon(q.root);
    mkdirSync(q.path('..', 'spare'));
    writeFileSync(q.path('..', 'spare', 'late.json'), JSON.stringify({ command: 'echo ran' }));
    q.fill();
    renameSync(q.path('..', 'spare', 'late.json'), q.path('pending', 'late.json')); // a rename needs no room
    // Claimed, its id not reservable (the claim cannot be written), and put back.
    await waitFor(() => daemon.output().includes('cannot write') || readFileSync(q.path('daemon.log'), 'utf8').includes('claim_error'), { what: 'the failed claim' });
    await waitFor(() => readdirSync(q.path('running')).length === 0 && readdirSync(q.path('pending')).includes('late.json'), {
      what: `late.json back in pending/ and nothing in running/ (running: ${readdirSync(q.path('running')).join(', ')})`,
    });
    q.unfill();
    expect((await waitForRecord(q, 'late')).result).toMatchObject({ status: 'completed', stdout: 'ran\n' });
    const log = await waitFor(() => {
      const text = readFileSync(q.path('daemon.log'), 'utf8');
      return text.includes('"claims_resumed"') && text;
    }, { what: 'claims to be logged as resumed' });
    expect(log.match(/"claim_error"/g)).toHaveLength(1); // once for the whole streak
    expect(await daemon.stop()).toBe(0);
  });

  it('leaves a pending job in pending/ when `mcpq cancel` cannot record it, and says why in one line', async () => {
    const q = tmpfsQueue('4m');
    expect((await mcpq(['submit', '-q', q.root, '--id', 'victim', '--delay', '1h', '--', 'true'])).exitCode).toBe(0);
    // Room for mcpq's short lease (one page), and none for the claim that follows it.
    writeFileSync(join(q.dir, 'spare'), Buffer.alloc(4096));
    q.fill();
    unlinkSync(join(q.dir, 'spare'));
    const result = await mcpq(['cancel', '-q', q.root, 'victim']);
    expect(result).toMatchObject({ exitCode: 1, stdout: '', stderr: expect.stringMatching(/^mcpq: ENOSPC: no space left on device.*\n$/) });
    expect(q.files('pending')).toEqual(['victim.json']);
    expect(q.files('running')).toEqual([]);
    expect(q.files('daemons')).toEqual([]);
    q.unfill();
    expect(await mcpq(['cancel', '-q', q.root, 'victim'])).toMatchObject({ exitCode: 0, stdout: 'victim cancelled (had not started)\n' });
  });

  it('makes `mcpq submit` fail in one line, leaving no temporary file', async () => {
    const q = tmpfsQueue('4m');
    await mcpq(['status', '--queue', q.root]); // the queue's folders exist
    q.fill();
    const result = await mcpq(['submit', '--queue', q.root, '--', 'true']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toBe('mcpq: cannot write the job: no space left on device (ENOSPC)\n');
    expect(readdirSync(q.path('pending'))).toEqual([]);
  });

  it('queues no stage of a pipeline when the disk fills while its stages are written', async () => {
    const q = tmpfsQueue('4m');
    await mcpq(['status', '--queue', q.root]); // the queue's folders exist
    const big = 'x'.repeat(400_000); // room for the first stage, not for the second
    const stages = ['one', 'two', 'three'].map((name) => ({ name, description: big, command: 'true' }));
    const file = join(q.dir, '..', `pipeline-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ pipeline: 'p', stages }));
    q.fill();
    truncateSync(join(q.dir, 'filler'), statSync(join(q.dir, 'filler')).size - 600_000);
    const result = await mcpq(['submit', '--queue', q.root, file]);
    unlinkSync(file);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toBe('mcpq: cannot write the job: no space left on device (ENOSPC)\n');
    expect(readdirSync(q.path('pending'))).toEqual([]);
  });
});
