// Many jobs, many daemons: claims are one rename, so no job runs twice and none is
// lost, whatever the number of daemons or the size of a burst.
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon, tempQueue, waitFor } from '../helpers/mcpq.js';

function ledgerIds(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('several daemons on one queue', () => {
  it('3 daemons, 200 jobs: every id runs exactly once', async () => {
    const q = tempQueue();
    const ledger = join(q.dir, 'ledger');
    mkdirSync(q.path('pending'), { recursive: true });
    await Promise.all([1, 2, 3].map(() => startDaemon(q.root, ['--rescan', '300'])));
    const ids = Array.from({ length: 200 }, (_, i) => `job${String(i).padStart(3, '0')}`);
    for (const id of ids) q.drop(`${id}.json`, JSON.stringify({ command: `echo ${id} >> ${ledger}` }));
    await waitFor(() => q.files('completed').length === 200, { timeout: 90_000, what: '200 records' });
    const seen = ledgerIds(ledger);
    expect(seen.sort()).toEqual(ids);
    expect(q.files('failed')).toEqual([]);
  }, 100_000); // its own deadline, on a loaded machine, not vitest's 60 s
});

describe('bursts', () => {
  it('300 files dropped at once all run', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--concurrency', '4']);
    const staging = join(q.dir, 'staging');
    mkdirSync(staging);
    for (let i = 0; i < 300; i += 1) writeFileSync(join(staging, `b${i}.json`), '{"command": "true", "args": []}');
    for (let i = 0; i < 300; i += 1) renameSync(join(staging, `b${i}.json`), q.path('pending', `b${i}.json`));
    await waitFor(() => q.files('completed').length === 300, { timeout: 120_000, what: '300 records' });
    expect(q.files('pending')).toEqual([]);
    expect(q.files('failed')).toEqual([]);
  }, 130_000); // its own deadline, on a loaded machine, not vitest's 60 s
});

describe('order', () => {
  it('runs the oldest file first, then by name', async () => {
    const q = tempQueue();
    const ledger = join(q.dir, 'order');
    mkdirSync(q.path('pending'), { recursive: true });
    const names = ['c', 'a', 'b', 'd'];
    const mtimes: Record<string, number> = { c: 1000, a: 2000, b: 2000, d: 500 };
    for (const name of names) {
      const file = q.drop(`${name}.json`, JSON.stringify({ command: `echo ${name} >> ${ledger}` }));
      const t = new Date(mtimes[name]! * 1000);
      (await import('node:fs')).utimesSync(q.path('pending', file), t, t);
    }
    await startDaemon(q.root);
    await waitFor(() => ledgerIds(ledger).length === 4, { what: 'four jobs' });
    expect(ledgerIds(ledger)).toEqual(['d', 'c', 'a', 'b']);
  });
});
