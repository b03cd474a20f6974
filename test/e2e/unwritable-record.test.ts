// A record that cannot be written (here: completed/ made read-only by a bind mount,
// root only): the finished job is neither lost nor run again; its record appears once
// the folder can be written, and a restart meanwhile records it instead of running it.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IS_ROOT, mcpq, mount, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

function readOnly(q: TempQueue): void {
  mount(['--bind', q.path('completed')], q.path('completed'));
  execFileSync('mount', ['-o', 'remount,bind,ro', q.path('completed')]);
}

const runs = (q: TempQueue): string[] => {
  try {
    return readFileSync(`${q.dir}/out.txt`, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

describe.skipIf(!IS_ROOT)('a record that cannot be written', () => {
  it('is kept and written once it can be; the slots and the status stay true meanwhile', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    readOnly(q);
    for (const id of ['j1', 'j2', 'j3']) q.drop(`${id}.json`, JSON.stringify({ command: `echo ran ${id} >> ${q.dir}/out.txt` }));
    await waitFor(() => runs(q).length === 3, { what: 'the three jobs to run' });
    const status = await waitFor(async () => {
      const report = JSON.parse((await mcpq(['status', '--queue', q.root, '--json'])).stdout);
      return report.unrecorded.length === 3 && report;
    }, { what: 'status to show the three records pending' });
    expect(status.daemons[0].running).toBe(0);
    expect(status.counts).toMatchObject({ running: 0, unrecorded: 3, completed: 0 });
    execFileSync('umount', [q.path('completed')]);
    for (const id of ['j1', 'j2', 'j3']) expect((await waitForRecord(q, id)).result.status).toBe('completed');
    await waitFor(() => q.files('running').length === 0, { what: 'the claims to go' });
    expect(runs(q)).toHaveLength(3);
    // Each failure is logged once, not at every retry.
    const errors = readFileSync(q.path('daemon.log'), 'utf8').split('\n').filter((l) => l.includes('"record_error"'));
    expect(errors.filter((l) => l.includes('"id":"j1"'))).toHaveLength(1);
  });

  it('is written by the next daemon, not run again, when the daemon stops meanwhile', async () => {
    const q = tempQueue();
    const first = await startDaemon(q.root);
    readOnly(q);
    q.drop('once.json', JSON.stringify({ command: `echo ran >> ${q.dir}/out.txt` }));
    await waitFor(() => JSON.parse(readFileSync(q.path('running', 'once.claim'), 'utf8')).record, { what: 'the record to be kept in the claim' });
    expect(await first.stop()).toBe(0);
    execFileSync('umount', [q.path('completed')]);
    await startDaemon(q.root);
    expect((await waitForRecord(q, 'once')).result.status).toBe('completed');
    await waitFor(() => q.files('running').length === 0, { what: 'the claim to go' });
    expect(runs(q)).toEqual(['ran']);
  });
});

describe.skipIf(!IS_ROOT)('a job that cannot be put back for its retry', () => {
  it('is recorded as it ended, saying why it was not retried, instead of staying claimed', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('again.json', JSON.stringify({ command: `while [ ! -e ${q.dir}/go ]; do sleep 0.02; done; exit 3`, retries: 1 }));
    await waitFor(() => q.files('running').includes('again.claim'), { what: 'the job to start' });
    mount(['--bind', q.path('pending')], q.path('pending'));
    execFileSync('mount', ['-o', 'remount,bind,ro', q.path('pending')]);
    writeFileSync(`${q.dir}/go`, '');
    const rec = await waitForRecord(q, 'again', 5_000);
    expect(rec.result).toMatchObject({ status: 'failed', returncode: 3, attempts: 1 });
    expect(rec.result.error).toMatch(/^not retried: could not put it back in pending\/: EROFS/);
    await waitFor(() => q.files('running').length === 0, { what: 'the claim to go' });
  });
});
