// A writer killed between writing a temporary file and renaming it leaves that file
// behind; the next daemon removes those that are old enough, and nothing else.
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

describe('leftover temporary files', () => {
  it('are removed once a daemon serves, when older than ten minutes; real files and fresh temporaries stay', async () => {
    const q = tempQueue();
    for (const dir of ['pending', 'running', 'completed', 'failed', 'daemons', 'control']) mkdirSync(q.path(dir), { recursive: true });
    const hourAgo = new Date(Date.now() - 3_600_000);
    const fresh = (path: string, content = '{}') => {
      writeFileSync(path, content);
      return path;
    };
    const old = (path: string, content = '{}') => {
      utimesSync(fresh(path, content), hourAgo, hourAgo);
      return path;
    };
    const stale = [
      old(q.path('completed', 'done.json.3735928559')), // write-file-atomic's record temp
      old(q.path('failed', 'bad.json.42')),
      old(q.path('running', 'job.json@abc123-1.123456')), // a retry's rewrite of a claimed file
      old(q.path('daemons', 'abc123.json.99')),
      old(q.path('control', 'paused.7')),
      old(q.path('control', '.cancel-x.json.0a1b2c3d.tmp')), // publishFile's temp
      old(q.path('pending', '.job.json.deadbeef.tmp')),
    ];
    const kept = [
      fresh(q.path('completed', 'fresh.json.12345')), // being written now
      old(q.path('failed', 'v1.2.original'), 'bytes'),
      old(q.path('daemon.log.1'), ''),
    ];
    // A user's job file in pending/ may have any name: it is a job, never a temporary.
    old(q.path('pending', 'nightly.20261121'), 'echo nightly\n');

    const daemon = await startDaemon(q.root);
    await waitFor(() => stale.every((p) => !existsSync(p)), { what: 'the stale temporary files to be removed' });
    expect(kept.filter((p) => !existsSync(p))).toEqual([]);
    expect((await waitForRecord(q, 'nightly')).result.status).toBe('invalid');
    await waitFor(() => existsSync(q.path('failed', 'nightly.original')), { what: 'its bytes kept beside its record' }); // moved there after the record
    await waitFor(() => readFileSync(q.path('daemon.log'), 'utf8').includes('"event":"temps_removed","count":7'), { what: 'the removal to be logged' });
    await daemon.stop();
  });
});
