// Finding the job a ref names while a daemon claims it: between the rename out of
// pending/ and the claim's creation the job is in neither listing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locate } from '../../src/jobs/find.js';
import { claimPath, layoutOf } from '../../src/queue/layout.js';
import { tempQueue } from '../helpers/mcpq.js';

function claimingQueue() {
  const layout = layoutOf(tempQueue().root);
  for (const dir of [layout.pending, layout.running, layout.completed, layout.failed]) mkdirSync(dir, { recursive: true });
  writeFileSync(`${layout.running}/later.json@abc123-1`, '{"command": "true"}'); // claimed, its claim not written yet
  return layout;
}

describe('locate', () => {
  it('finds a job that was on its way from pending/ to its claim when it looked', async () => {
    const layout = claimingQueue();
    const found = locate(layout, 'later');
    // The claim appears while locate looks (its first look is done by then).
    setTimeout(() => writeFileSync(claimPath(layout, 'later'), JSON.stringify({ id: 'later', file: 'later.json@abc123-1', source: 'later.json', tag: 'abc123', host: 'h', pid: 1, claimed_at: new Date().toISOString(), attempt: 1 })), 30);
    expect(await found).toMatchObject({ state: 'running', id: 'later' });
  });

  it('still says an unknown ref is unknown, once it has looked again', async () => {
    const layout = claimingQueue();
    await expect(locate(layout, 'nope')).rejects.toThrow(/no job "nope"/);
  });
});
