// The daemon command starts listing and reading pending/ before the daemon's modules
// load (daemon/pending-reader.ts). Files dropped after that listing, but before the
// daemon watches the folder, get no event: the daemon lists pending/ again once its
// first jobs have started, instead of waiting for the periodic rescan.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/daemon/context.js';
import { launchDaemon } from '../../src/daemon/daemon.js';
import { PendingReader } from '../../src/daemon/pending-reader.js';
import { ensureQueue, layoutOf } from '../../src/queue/layout.js';
import { tempQueue, waitForRecord } from '../helpers/mcpq.js';

describe('the listing begun before the daemon started', () => {
  it('runs what it listed, and what was dropped after it, long before the next periodic rescan', async () => {
    const q = tempQueue();
    const layout = layoutOf(q.root);
    await ensureQueue(layout);
    q.drop('listed.json', JSON.stringify({ command: 'true', args: [] }));
    const reader = PendingReader.start(layout.pending);
    expect(reader).toBeDefined(); // the build is there
    expect(await reader!.listing).toEqual(['listed.json']);
    q.drop('later.json', JSON.stringify({ command: 'true', args: [] })); // no watcher yet

    const daemon = launchDaemon({ layout, settings: { ...DEFAULT_SETTINGS, rescanMs: 600_000 }, version: 'test', earlyRead: reader });
    try {
      expect((await waitForRecord(q, 'listed', 10_000)).result.status).toBe('completed');
      expect((await waitForRecord(q, 'later', 10_000)).result.status).toBe('completed');
    } finally {
      await daemon.stop();
    }
  });
});
