// mcpq pause / resume: the drain users ask for, kept across daemon restarts.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { BIN, mcpq, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

describe('pause and resume', () => {
  it('lets the running job finish, starts nothing new, and survives a restart', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    const daemon = await startDaemon(q.root, ['--rescan', '200']);
    await mcpq(['submit', '-q', q.root, '--id', 'running', '--shell', `touch ${q.dir}/started; while [ ! -e ${gate} ]; do sleep 0.05; done`]);
    await waitFor(() => existsSync(join(q.dir, 'started')), { what: 'the first job to start' });
    expect(await mcpq(['pause', '-q', q.root])).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^paused /) });
    await mcpq(['submit', '-q', q.root, '--id', 'held', '--', 'true']);
    writeFileSync(gate, '');
    await waitForRecord(q, 'running');
    const status = JSON.parse((await mcpq(['status', '-q', q.root, '--json'])).stdout);
    expect(status.paused).toMatchObject({ by: expect.stringContaining('@') });
    expect(status.counts).toMatchObject({ pending: 1, running: 0 });
    expect((await mcpq(['status', '-q', q.root])).stdout).toMatch(/paused since/);
    await daemon.stop();
    const restarted = await startDaemon(q.root, ['--rescan', '200']);
    // The new daemon read the pause before it listed pending/ (it logs it), and is idle.
    await waitFor(() => readFileSync(q.path('daemon.log'), 'utf8').split('\n').some((l) => l.includes('"event":"paused"') && l.includes(`"pid":${restarted.pid}`)), { what: 'the restarted daemon to see the pause' });
    expect(q.record('held')).toBeUndefined();
    expect(q.files('pending')).toEqual(['held.json']);
    expect(await mcpq(['resume', '-q', q.root])).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^resumed /) });
    expect((await waitForRecord(q, 'held')).result.status).toBe('completed');
  });

  it('tells submit --wait that the queue is paused, instead of waiting without a word', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    await mcpq(['pause', '-q', q.root]);
    const waiting = execa('node', [BIN, 'submit', '-q', q.root, '--id', 'held', '--wait', '--', 'echo', 'ran'], { reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
    let stderr = '';
    waiting.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await waitFor(() => stderr.includes(`mcpq: ${q.root} is paused; pending jobs start only after mcpq resume\n`), { what: 'submit to say the queue is paused' });
      await mcpq(['resume', '-q', q.root]);
      expect(await waiting).toMatchObject({ exitCode: 0, stdout: 'ran' });
    } finally {
      waiting.kill(); // still waiting if the test failed
    }
  });

  // A daemon takes any file there for a pause; so must whoever reports on the queue.
  it.each(['null\n', '[]\n', '{"by": 7}\n'])('reports a pause file holding %j as a pause, by unknown since its mtime', async (content) => {
    const q = tempQueue();
    mkdirSync(q.path('control'), { recursive: true });
    writeFileSync(q.path('control', 'paused'), content); // edited by hand, or by another tool
    const status = JSON.parse((await mcpq(['status', '-q', q.root, '--json'])).stdout);
    expect(status.paused).toEqual({ paused_at: statSync(q.path('control', 'paused')).mtime.toISOString(), by: 'unknown' });
    expect(await mcpq(['pause', '-q', q.root])).toMatchObject({ exitCode: 0, stderr: '', stdout: `already paused (since ${status.paused.paused_at}, by unknown)\n` });
  });
});
