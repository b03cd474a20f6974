// A stop signal at any moment of the daemon's start leads to the orderly stop: jobs
// may already run while plugins are still being looked at, and must not be orphaned.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launchDaemon, tempQueue, waitFor, type TempQueue } from '../helpers/mcpq.js';

// A plugin whose --help takes seconds: the daemon's start is not over until it answers.
function slowPlugin(q: TempQueue): void {
  mkdirSync(q.path('plugins', 'slow'), { recursive: true });
  writeFileSync(q.path('plugins', 'slow', 'cli'), '#!/bin/sh\nsleep 5\necho "usage: cli [-h] {go} ..."\n');
  chmodSync(q.path('plugins', 'slow', 'cli'), 0o755);
}

describe('SIGTERM while the daemon starts', () => {
  it('lets a job that already runs finish, records it and exits 0', async () => {
    const q = tempQueue();
    slowPlugin(q);
    q.drop('early.json', JSON.stringify({ command: `touch ${q.dir}/started; sleep 0.5; echo finished` }));
    const daemon = launchDaemon(q.root);
    await waitFor(() => existsSync(`${q.dir}/started`), { what: 'the job to start' });
    expect(daemon.output()).not.toContain('serving'); // the plugin scan is not over yet
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(q.record('early')?.result).toMatchObject({ status: 'completed', stdout: 'finished\n' });
    expect(q.files('running')).toEqual([]);
    expect(q.files('daemons')).toEqual([]);
  });

  it('exits 0 and leaves nothing behind when it comes before any job', async () => {
    const q = tempQueue();
    slowPlugin(q);
    const daemon = launchDaemon(q.root);
    await waitFor(() => q.files('daemons').length > 0, { what: 'the daemon to register' });
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(q.files('daemons')).toEqual([]);
    expect(daemon.output()).toContain('daemon stopped');
  });
});
