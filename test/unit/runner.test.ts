// The runner's timeout against a job that ends on its own at about the same moment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startJob, type RunRequest } from '../../src/daemon/runner.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function request(file: string, args: readonly string[], timeoutMs: number): RunRequest {
  const dir = mkdtempSync(join(tmpdir(), 'mcpq-runner-'));
  dirs.push(dir);
  return { command: { file, args }, cwd: dir, env: {}, timeoutMs, killGraceMs: 1_000, stdoutLog: join(dir, 'out'), stderrLog: join(dir, 'err'), tailBytes: 1_024, maxLogBytes: 2 ** 20, alone: true };
}

// Holds the daemon's one thread, as a busy moment does: meanwhile the job can end and
// its timer fall due, both seen only once the thread is free again.
function busy(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('a job timeout', () => {
  // The timer was read first: the job got a SIGTERM after it had exited, and was
  // recorded "timeout" with its own exit code 0.
  it('does not count against a job that ended before its timer was read', async () => {
    const job = await startJob(request('true', [], 20));
    busy(500);
    expect((await job.done).outcome).toEqual({ status: 'completed', returncode: 0 });
  });

  it('still stops a job that runs past it', async () => {
    const job = await startJob(request('sleep', ['10'], 20));
    busy(200);
    expect((await job.done).outcome).toMatchObject({ status: 'timeout', timed_out: true, signal: 'SIGTERM', returncode: null });
  });
});
