// The one-line summaries that open the MCP tools' text answers.
import { describe, expect, it } from 'vitest';
import type { ListedJob } from '../../src/jobs/types.js';
import { jobLine, outcomeLine } from '../../src/mcp/describe.js';

describe('outcomeLine', () => {
  it.each([
    [{ status: 'completed', returncode: 0, duration_ms: 12 }, 'job j completed (exit 0) in 12ms'],
    [{ status: 'failed', returncode: 3, duration_ms: 1500 }, 'job j failed (exit 3) in 1.5s'],
    [{ status: 'timeout', returncode: null, signal: 'SIGTERM', error: 'timed out after 90s' }, 'job j timeout (SIGTERM): timed out after 90s'],
    [{ status: 'invalid', returncode: null, error: 'command: is required' }, 'job j invalid: command: is required'],
  ])('says %j as "%s"', (result, line) => {
    expect(outcomeLine('j', result)).toBe(line);
  });
});

const pending = (waiting: Extract<ListedJob, { state: 'pending' }>['waiting']): ListedJob => ({
  state: 'pending',
  id: 'p',
  name: 'p.json',
  position: 2,
  priority: 0,
  submitted_at: '2026-01-01T00:00:00.000Z',
  attempt: 1,
  retry_of: null,
  waiting,
  description: null,
  command: 'true',
});

describe('jobLine', () => {
  it.each([
    [pending({ reason: 'ready' }), 'job p is pending, 2 in run order (ready to run)'],
    [pending({ reason: 'paused' }), 'job p is pending, 2 in run order (the queue is paused until mcpq resume)'],
    [pending({ reason: 'after', jobs: ['a', 'b'] }), 'job p is pending, 2 in run order (waiting for a, b)'],
    [pending({ reason: 'dependency_failed', job: 'a' }), 'job p is pending, 2 in run order (will fail: its dependency a failed)'],
    [pending({ reason: 'group', group: 'notes' }), 'job p is pending, 2 in run order (waiting for group notes to be free)'],
    [pending({ reason: 'invalid', error: 'timeout: must be a number' }), 'job p is pending, 2 in run order (invalid: timeout: must be a number)'],
  ])('describes a pending job (%#)', (job, line) => {
    expect(jobLine(job)).toBe(line);
  });

  it('describes a running job, and one that is starting', () => {
    const running: ListedJob = {
      state: 'running',
      id: 'r',
      source: 'r.json',
      host: 'box',
      pid: 42,
      daemon: 'abc',
      attempt: 1,
      claimed_at: '2026-01-01T00:00:00.000Z',
      started_at: '2026-01-01T00:00:00.000Z',
      elapsed_ms: 65_000,
      retry_of: null,
      description: null,
      command: 'sleep 100',
    };
    expect(jobLine(running)).toBe('job r is running for 1m05s on box');
    expect(jobLine({ ...running, started_at: null, elapsed_ms: null })).toBe('job r is running (starting) on box');
  });
});
