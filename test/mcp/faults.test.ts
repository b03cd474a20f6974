// What an agent meets when something is off: calls racing for one id, a job too large
// or delayed too long, a daemon that died or does not answer, a read-only queue, a
// client that gives up on a call. Each answer says what happened; the session goes on.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IS_ROOT, mount, startDaemon, tempQueue, waitFor, type TempQueue } from '../helpers/mcpq.js';
import { connect } from './client.js';

const FAST = ['--kill-grace', '1', '--settle', '300', '--rescan', '200', '--lease', '2'];

function daemon(q: TempQueue) {
  return startDaemon(q.root, FAST, { XDG_CONFIG_HOME: q.dir });
}

// A daemon running `sleep 30` as job `id`, and an MCP client of its queue.
async function sleeping(id: string) {
  const q = tempQueue();
  const d = await daemon(q);
  const mcp = await connect(q);
  await mcp.call('submit_job', { command: 'sleep 30', id });
  await waitFor(async () => (await mcp.call('get_job', { id })).elapsed_ms !== null, { what: 'the job to start' });
  return { q, d, ...mcp };
}

describe('mcpq mcp when something is off', () => {
  it('queues one of several calls racing for one id, and tells the others it is taken', async () => {
    const q = tempQueue();
    const { client } = await connect(q);
    const results = await Promise.all([1, 2, 3, 4].map((n) => client.callTool({ name: 'submit_job', arguments: { command: `echo ${n}`, id: 'same' } })));
    expect(results.filter((r) => !r.isError)).toHaveLength(1);
    for (const refused of results.filter((r) => r.isError)) expect((refused.content as { text: string }[])[0]!.text).toBe('job id "same" is already used (pending); choose another id');
    expect(q.files('pending')).toEqual(['same.json']);
  });

  it('refuses a job larger than a job file may be, which a daemon would fail as invalid', async () => {
    const q = tempQueue();
    const { fail } = await connect(q);
    expect(await fail('submit_job', { command: `echo ${'x'.repeat(4_300_000)}` })).toMatch(/^the job is 43000\d\d bytes; a job file holds at most 4 MiB \(a daemon would fail it as invalid\); put large data in a file/);
    expect(q.files('pending')).toEqual([]);
  });

  it('refuses a wait longer than a time can hold, and fails a dropped job whose _mcpq times are no times, listing the rest', async () => {
    const q = tempQueue();
    await daemon(q);
    const { call, fail } = await connect(q);
    for (const args of [{ not_before: 1e13 }, { retries: 1, retry_delay: 1e306 }]) {
      expect(await fail('submit_job', { command: 'true', ...args })).toMatch(/must be at most 3155760000 seconds \(100 years\)/);
    }
    writeFileSync(join(q.root, 'pending', 'crafted.json'), JSON.stringify({ command: 'true', _mcpq: { retry_at: 1e300 } }));
    await waitFor(async () => (await call('get_job', { id: 'crafted' })).state === 'failed', { what: 'the crafted job to fail' });
    expect((await call('get_job', { id: 'crafted' })).record.result).toMatchObject({ status: 'invalid', error: expect.stringMatching(/retry_at.*must be a time/) });
    expect((await call('list_jobs')).totals).toMatchObject({ pending: 0, failed: 1 });
  });

  it('says that a running job whose daemon died is not running', async () => {
    const { d, client, call } = await sleeping('orphan');
    await d.stop('SIGKILL');
    const got = await client.callTool({ name: 'get_job', arguments: { id: 'orphan' } });
    expect(got.structuredContent).toMatchObject({ state: 'running', daemon_alive: false });
    expect((got.content as { text: string }[])[0]!.text).toMatch(/^job orphan was started on .* by daemon \w+, which is no longer alive: .* recovers it/);
    expect(await call('cancel_job', { id: 'orphan' })).toMatchObject({ outcome: 'cancelled', was: 'running' });
  });

  it('stops waiting when the client gives up on cancel_job, and leaves the request for the daemon', async () => {
    const { q, d, client, call } = await sleeping('stuck');
    process.kill(d.pid, 'SIGSTOP'); // alive, but does not act on the request
    try {
      const abort = new AbortController();
      const asked = client.callTool({ name: 'cancel_job', arguments: { id: 'stuck', wait_seconds: 1 } }, { signal: abort.signal });
      await waitFor(() => readdirSync(q.path('control')).some((n) => n.startsWith('cancel-stuck')), { what: 'the cancel request' });
      abort.abort();
      await expect(asked).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 2_000)); // past wait_seconds: a wait still going on would withdraw the request
      expect(readdirSync(q.path('control')).filter((n) => n.startsWith('cancel-stuck'))).toHaveLength(1);
    } finally {
      process.kill(d.pid, 'SIGCONT');
    }
    await waitFor(() => q.record('stuck')?.result.status === 'cancelled', { what: 'the daemon to cancel the job' });
  });

  it.skipIf(!IS_ROOT)('says which call a read-only queue refused, not that mcpq has a bug', async () => {
    const q = tempQueue();
    const { call } = await connect(q);
    await call('submit_job', { command: 'true', id: 'waits' });
    mount(['--bind', q.root], q.root);
    execSync(`mount -o remount,bind,ro ${q.root}`);
    const { fail } = await connect(q);
    expect(await fail('submit_job', { command: 'true' })).toBe('cannot write the job: read-only file system (EROFS)');
    const refused = await fail('cancel_job', { id: 'waits' });
    expect(refused).toMatch(/^the queue's filesystem refused: EROFS: read-only file system, open '.*\/daemons\//);
    expect(refused).not.toMatch(/please report/);
    expect(existsSync(q.path('pending', 'waits.json'))).toBe(true);
  });

  it('answers a resource URI with a broken %-escape with a clear error', async () => {
    const q = tempQueue();
    const { client } = await connect(q);
    await expect(client.readResource({ uri: 'mcpq://jobs/%E0%A4%A' })).rejects.toThrow(/"%E0%A4%A" is not a job id: a broken %-escape/);
  });
});
