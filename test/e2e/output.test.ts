// Output is streamed to logs/ and only a bounded tail is kept in the record, so a job
// that prints hundreds of megabytes costs the daemon no more than a few MB.
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startDaemon, tempQueue, waitForRecord } from '../helpers/mcpq.js';

function peakRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]);
}

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
    expect(Buffer.byteLength(rec.result.stdout)).toBe(1024 * 1024);
    expect(rec.result.stdout.endsWith('x\ntail-marker\n')).toBe(true);
    expect(statSync(q.path('logs', 'big.out')).size).toBe(rec.result.stdout_bytes);
    expect(statSync(q.path('completed', 'big.json')).size).toBeLessThan(1.1 * 1024 * 1024);
    // A sanity bound, not a benchmark: the daemon did not hold the output in memory.
    expect(peakRssKb(daemon.pid) - before).toBeLessThan(64 * 1024);
  });

  it('keeps stdout and stderr apart, in full, for a small job', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('both.sh', 'for i in 1 2 3; do echo out$i; echo err$i >&2; done\n');
    const rec = await waitForRecord(q, 'both');
    expect(rec.result).toMatchObject({ stdout: 'out1\nout2\nout3\n', stderr: 'err1\nerr2\nerr3\n', truncated: false });
    expect(readFileSync(q.path('logs', 'both.err'), 'utf8')).toBe('err1\nerr2\nerr3\n');
  });
});
