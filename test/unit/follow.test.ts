// Following a job's output across its attempts, on files laid out as the daemon leaves
// them: which attempt wrote what was shown decides whether a shorter log is a cut of
// the same attempt (go on from its end) or a new attempt's (start over).
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attemptOf, followOutput } from '../../src/jobs/output.js';
import { claimPath, layoutOf, logPath, recordPath } from '../../src/queue/layout.js';
import { tempQueue } from '../helpers/mcpq.js';

function finishedQueue(attempts: number, stdout: string) {
  const layout = layoutOf(tempQueue().root);
  for (const dir of [layout.logs, layout.completed, layout.failed, layout.running]) mkdirSync(dir, { recursive: true });
  writeFileSync(logPath(layout, 'job', 'out'), stdout);
  writeFileSync(recordPath(layout, 'completed', 'job'), JSON.stringify({ id: 'job', result: { status: 'completed', returncode: 0, attempts, stdout, stdout_bytes: Buffer.byteLength(stdout) } }));
  return layout;
}

async function follow(layout: ReturnType<typeof layoutOf>, shown: { offsets: { stdout?: number }; attempt: number | undefined }): Promise<string> {
  let text = '';
  await followOutput(layout, 'job', ['stdout'], (_stream, part) => (text += part), { shown, pollMs: 20 });
  return text;
}

describe('followOutput', () => {
  it('starts over when a later attempt than the one shown wrote the log, though it began before following did', async () => {
    const layout = finishedQueue(2, 'two\n');
    expect(await follow(layout, { offsets: { stdout: 25 }, attempt: 1 })).toBe('two\n');
  });

  it('starts over when a later attempt wrote more than was shown of the one before', async () => {
    const layout = finishedQueue(2, 'connecting...ok\nuploaded 5 files\n');
    expect(await follow(layout, { offsets: { stdout: 20 }, attempt: 1 })).toBe('connecting...ok\nuploaded 5 files\n');
  });

  it("takes an attempt whose process group is not noted yet for the one before it: its logs may not be opened anew yet", async () => {
    const layout = layoutOf(tempQueue().root);
    mkdirSync(layout.running, { recursive: true });
    const claim = { id: 'job', file: 'job.json@t-1', source: 'job.json', tag: 't', host: 'h', pid: 1, claimed_at: new Date().toISOString(), attempt: 2 };
    writeFileSync(claimPath(layout, 'job'), JSON.stringify(claim));
    expect(await attemptOf(layout, 'job')).toBe(1);
    // started_at is noted before the logs are opened: still the attempt before.
    writeFileSync(claimPath(layout, 'job'), JSON.stringify({ ...claim, started_at: new Date().toISOString() }));
    expect(await attemptOf(layout, 'job')).toBe(1);
    writeFileSync(claimPath(layout, 'job'), JSON.stringify({ ...claim, started_at: new Date().toISOString(), pgid: 4242 }));
    expect(await attemptOf(layout, 'job')).toBe(2);
  });

  it("takes a first attempt's logs for its own before its process group is noted: there is no attempt before", async () => {
    const layout = layoutOf(tempQueue().root);
    mkdirSync(layout.running, { recursive: true });
    const claim = { id: 'job', file: 'job.json@t-1', source: 'job.json', tag: 't', host: 'h', pid: 1, claimed_at: new Date().toISOString(), started_at: new Date().toISOString(), attempt: 1 };
    writeFileSync(claimPath(layout, 'job'), JSON.stringify(claim));
    expect(await attemptOf(layout, 'job')).toBe(1);
  });

  it('goes on from the new end when the log shown was cut back by the daemon', async () => {
    const layout = finishedQueue(1, 'tail\n');
    expect(await follow(layout, { offsets: { stdout: 25 }, attempt: 1 })).toBe('');
  });

  it('shows everything from the start when nothing was shown, whatever the attempt', async () => {
    const layout = finishedQueue(3, 'three\n');
    expect(await follow(layout, { offsets: {}, attempt: 3 })).toBe('three\n');
  });
});
