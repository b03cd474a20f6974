// jobs/retry.ts in process: what `mcpq retry` and MCP retry_job share.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { retryJob } from '../../src/jobs/retry.js';
import { ensureQueue, layoutOf } from '../../src/queue/layout.js';
import { tempQueue } from '../helpers/mcpq.js';

describe('retryJob', () => {
  it('makes one new job of retries of one job racing each other (two terminals, two agents), refusing the rest', async () => {
    const q = tempQueue();
    const layout = layoutOf(q.root);
    await ensureQueue(layout);
    writeFileSync(q.path('failed', 'x.json'), JSON.stringify({ command: 'false', result: { status: 'failed', returncode: 1 } }));
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => retryJob(layout, 'x')));
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([{ id: 'x-r2', retry_of: 'x', name: 'x-r2.json' }]);
    const refusals = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    expect(refusals).toHaveLength(3);
    for (const error of refusals) expect(error).toMatchObject({ exitCode: 2, message: 'job x was already retried as x-r2 (pending); mcpq wait x-r2' });
    expect(q.files('pending')).toEqual(['x-r2.json']);
  });

  // x failed; x-r2, its retry, failed too; x-r3 retried x-r2. Each line: where x-r3
  // is, and what retrying x says then, at the CLI and to an agent.
  it.each([
    ['pending', 'job x was already retried as x-r3 (pending); mcpq wait x-r3', 'job x was already retried as x-r3 (pending); get_job x-r3 shows how it goes'],
    ['failed', 'job x was already retried as x-r3 (failed); mcpq retry x-r3 to run it again', 'job x was already retried as x-r3 (failed); retry_job x-r3 to run it again'],
    ['completed', 'job x was already retried as x-r3 (completed)', 'job x was already retried as x-r3 (completed)'],
  ])('refuses a job already retried, naming the newest retry down the chain while it is %s', async (state, cli, mcp) => {
    const q = tempQueue();
    const layout = layoutOf(q.root);
    await ensureQueue(layout);
    const failed = (id: string, fields: object) => writeFileSync(q.path('failed', `${id}.json`), JSON.stringify({ command: 'false', result: { id, status: 'failed', ...fields } }));
    failed('x', {});
    failed('x-r2', { retry_of: 'x' });
    if (state === 'pending') q.drop('x-r3.json', JSON.stringify({ command: 'false', _mcpq: { retry_of: 'x-r2' } }));
    else writeFileSync(q.path(state, 'x-r3.json'), JSON.stringify({ command: 'false', result: { id: 'x-r3', status: state, retry_of: 'x-r2' } }));
    for (const ref of ['x', 'x-r2']) {
      const refusal = await retryJob(layout, ref).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ exitCode: 2, message: cli.replace('job x ', `job ${ref} `), forAgents: mcp.replace('job x ', `job ${ref} `) });
    }
    expect(q.files('pending')).toEqual(state === 'pending' ? ['x-r3.json'] : []);
    if (state === 'failed') expect(await retryJob(layout, 'x-r3')).toMatchObject({ id: 'x-r4', retry_of: 'x-r3' });
  });

  it('makes pending/ when a queue has records but no pending/ yet (records copied in by hand)', async () => {
    const q = tempQueue();
    mkdirSync(q.path('failed'), { recursive: true });
    writeFileSync(q.path('failed', 'x.json'), JSON.stringify({ command: 'false', result: { status: 'failed', returncode: 1 } }));
    expect(await retryJob(layoutOf(q.root), 'x')).toMatchObject({ id: 'x-r2', name: 'x-r2.json' });
    expect(q.files('pending')).toEqual(['x-r2.json']);
  });

  it('has a retried job wait for the newest retry of a failed dependency, so a fixed pipeline stage lets the rest run again', async () => {
    const q = tempQueue();
    const layout = layoutOf(q.root);
    await ensureQueue(layout);
    const record = (state: string, id: string, fields: object) =>
      writeFileSync(q.path(state === 'completed' ? 'completed' : 'failed', `${id}.json`), JSON.stringify({ command: 'true', ...fields, result: { id, status: state } }));
    record('completed', 'p.a', {});
    record('failed', 'p.b', { after: ['p.a'] }); // the stage that broke
    writeFileSync(q.path('failed', 'p.b-r2.json'), JSON.stringify({ command: 'true', after: ['p.a'], result: { id: 'p.b-r2', status: 'failed', retry_of: 'p.b' } })); // retried, broke again
    writeFileSync(q.path('completed', 'p.b-r3.json'), JSON.stringify({ command: 'true', after: ['p.a'], result: { id: 'p.b-r3', status: 'completed', retry_of: 'p.b-r2' } })); // fixed
    record('dependency_failed', 'p.c', { after: ['p.a', 'p.b'] });
    expect(await retryJob(layout, 'p.c')).toMatchObject({ id: 'p.c-r2' });
    expect(JSON.parse(readFileSync(q.path('pending', 'p.c-r2.json'), 'utf8')).after).toEqual(['p.a', 'p.b-r3']);
    record('dependency_failed', 'lone', { after: ['p.b-none'] }); // no such job: left as written
    await retryJob(layout, 'lone');
    expect(JSON.parse(readFileSync(q.path('pending', 'lone-r2.json'), 'utf8')).after).toEqual(['p.b-none']);
  });
});
