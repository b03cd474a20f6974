// A lease is renewed by the filesystem's clock, not the process's: daemons on hosts
// whose clocks disagree still judge each other's leases by one clock.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { layoutOf } from '../../src/queue/layout.js';
import { filesystemNow, heartbeat, registerDaemon } from '../../src/queue/owner.js';
import { tempQueue } from '../helpers/mcpq.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the lease clock', () => {
  it("is the filesystem's: a process whose clock is an hour ahead renews its lease at the true time, and keeps its content", async () => {
    const layout = layoutOf(tempQueue().root);
    mkdirSync(layout.daemons, { recursive: true });
    const info = { tag: 'skewed', host: 'h', pid: 1, boot_time: 0, started_at: new Date().toISOString(), version: 'x', concurrency: 1, queue: layout.root, lease_ms: 15_000 };
    await registerDaemon(layout, info);
    const before = readFileSync(`${layout.daemons}/skewed.json`, 'utf8');
    const trueNow = Date.now();
    vi.useFakeTimers({ now: trueNow + 3_600_000, toFake: ['Date'] });
    await heartbeat(layout, 'skewed');
    const fsNow = await filesystemNow(layout, 'skewed');
    expect(Math.abs(fsNow - trueNow)).toBeLessThan(60_000);
    expect(readFileSync(`${layout.daemons}/skewed.json`, 'utf8')).toBe(before);
  });
});
