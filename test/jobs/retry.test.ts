// jobs/retry.ts in process: what `mcpq retry` and MCP retry_job share.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { retryJob } from '../../src/jobs/retry.js';
import { ensureQueue, layoutOf } from '../../src/queue/layout.js';
import { tempQueue } from '../helpers/mcpq.js';

describe('retryJob', () => {
  it('gives retries of one job racing each other (two terminals, two agents) each a new id, refusing none', async () => {
    const q = tempQueue();
    const layout = layoutOf(q.root);
    await ensureQueue(layout);
    mkdirSync(q.path('failed'), { recursive: true });
    writeFileSync(q.path('failed', 'x.json'), JSON.stringify({ command: 'false', result: { status: 'failed', returncode: 1 } }));
    const results = await Promise.all([1, 2, 3, 4].map(() => retryJob(layout, 'x')));
    expect(results.map((r) => r.id).sort()).toEqual(['x-r2', 'x-r3', 'x-r4', 'x-r5']);
    expect(results.every((r) => r.retry_of === 'x')).toBe(true);
    expect(q.files('pending')).toEqual(['x-r2.json', 'x-r3.json', 'x-r4.json', 'x-r5.json']);
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
