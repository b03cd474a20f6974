// jobs/clean.ts in process: what `mcpq clean` does, with several cleans at once.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanJobs } from '../../src/jobs/clean.js';
import { ensureQueue, layoutOf } from '../../src/queue/layout.js';
import { tempQueue } from '../helpers/mcpq.js';

describe('cleanJobs', () => {
  it('lets two archiving cleans at once (a cron one and one by hand) share the work without failing', async () => {
    const q = tempQueue();
    const layout = layoutOf(q.root);
    await ensureQueue(layout);
    for (let i = 0; i < 40; i += 1) {
      writeFileSync(q.path('completed', `j${i}.json`), JSON.stringify({ command: 'true', result: { id: `j${i}`, status: 'completed' } }));
      writeFileSync(q.path('logs', `j${i}.out`), 'out\n');
    }
    const archive = join(q.dir, 'archive');
    await Promise.all([cleanJobs(layout, { olderThanMs: 0, archive }), cleanJobs(layout, { olderThanMs: 0, archive })]);
    expect(q.files('completed')).toEqual([]);
    expect(q.files('logs')).toEqual([]);
    expect(readdirSync(join(archive, 'completed'))).toHaveLength(40);
    expect(readdirSync(join(archive, 'logs'))).toHaveLength(40);
  });
});
