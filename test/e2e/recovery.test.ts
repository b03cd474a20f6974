// Recovery of what a crash leaves at every step of a claim, of a job's start and of
// recovery itself: the state a crash leaves is made on disk (or by killing a real
// daemon at the right moment), then a daemon must run each job exactly once, under
// its own id, and leave no process and nothing in running/ behind.
import { linkSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const DEAD = 'deadbeef00'; // the tag of a daemon that never registered: it counts as dead

async function settled(q: TempQueue): Promise<void> {
  await waitFor(() => q.files('pending').length === 0 && readdirSync(q.path('running')).length === 0, { what: 'pending/ and running/ to be empty' });
}

describe('a crash while claiming', () => {
  it('leaves an empty claim that is removed, so the job keeps its id and its dependents run', async () => {
    const q = tempQueue();
    await mcpq(['-q', q.root, 'submit', '--id', 'build', '--', 'echo', 'built']);
    await mcpq(['-q', q.root, 'submit', '--id', 'deploy', '--after', 'build', '--', 'echo', 'deployed']);
    renameSync(q.path('pending', 'build.json'), q.path('running', `build.json@${DEAD}-1`));
    writeFileSync(q.path('running', 'build.claim'), '');
    await startDaemon(q.root);
    expect((await waitForRecord(q, 'deploy')).result.status).toBe('completed');
    await settled(q);
    expect(q.files('completed')).toEqual(['build.json', 'deploy.json']);
  });
});

describe('a crash while moving a job back to pending/', () => {
  it('between link and unlink, the job still runs once', async () => {
    const q = tempQueue();
    await mcpq(['-q', q.root, 'submit', '--id', 'once', '--shell', `echo ran >> ${q.dir}/runs`]);
    linkSync(q.path('pending', 'once.json'), q.path('running', `once.json@${DEAD}-1`));
    await startDaemon(q.root);
    await waitForRecord(q, 'once');
    await settled(q);
    expect(q.files('completed')).toEqual(['once.json']);
    expect(readFileSync(`${q.dir}/runs`, 'utf8')).toBe('ran\n');
  });
});
