// The example plugins in queue-example/plugins/ do real work through a real daemon.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, startDaemon, tempQueue, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const FAST = ['--kill-grace', '1', '--grace', '2', '--settle', '300', '--rescan', '200', '--lease', '2'];

async function run(q: TempQueue, id: string, plugin: string, command: string, args: Record<string, unknown> = {}) {
  q.drop(`${id}.json`, JSON.stringify({ task_id: id, plugin, command, args }));
  return (await waitForRecord(q, id)).result as { status: string; returncode: number; output: any; error?: string };
}

describe('queue-example plugins', () => {
  it('notes: add, list by tag, search, delete; errors are JSON too', async () => {
    const q = tempQueue();
    cpSync(join(ROOT, 'queue-example/plugins'), q.path('plugins'), { recursive: true });
    await startDaemon(q.root, FAST, { XDG_CONFIG_HOME: q.dir });
    const first = await run(q, 'add1', 'notes', 'add', { title: 'Renew TLS cert', tag: ['ops', 'urgent'], priority: 'high' });
    expect(first).toMatchObject({ status: 'completed', output: { ok: true, note: { id: 1, title: 'Renew TLS cert', tags: ['ops', 'urgent'], priority: 'high' }, file: q.path('results', 'notes.json') } });
    await run(q, 'add2', 'notes', 'add', { title: 'Water plants', body: 'the fern too', tag: 'home' });
    expect((await run(q, 'list', 'notes', 'list', { tag: 'ops' })).output).toMatchObject({ ok: true, count: 1, notes: [{ id: 1 }] });
    expect((await run(q, 'search', 'notes', 'search', { text: 'FERN' })).output).toMatchObject({ count: 1, notes: [{ id: 2 }] });
    expect((await run(q, 'delete', 'notes', 'delete', { id: 1 })).output).toEqual({ ok: true, deleted: 1, file: q.path('results', 'notes.json') });
    expect(await run(q, 'again', 'notes', 'delete', { id: 1 })).toMatchObject({ status: 'failed', returncode: 1, output: { ok: false, error: 'no note with id 1' } });
    expect((await run(q, 'bad', 'notes', 'add', { title: 'x', priority: 'urgent' })).error).toMatch(/args\.priority: "urgent" is not one of low, normal, high/);
  });

  it('sysinfo: disk, memory, load and uptime of this machine', async () => {
    const q = tempQueue();
    cpSync(join(ROOT, 'queue-example/plugins'), q.path('plugins'), { recursive: true });
    await startDaemon(q.root, [...FAST, '--concurrency', '4'], { XDG_CONFIG_HOME: q.dir });
    const [disk, memory, load, uptime, full] = await Promise.all([
      run(q, 'disk', 'sysinfo', 'disk', { path: ['/', q.dir], unit: 'MiB' }),
      run(q, 'memory', 'sysinfo', 'memory'),
      run(q, 'load', 'sysinfo', 'load'),
      run(q, 'uptime', 'sysinfo', 'uptime'),
      run(q, 'full', 'sysinfo', 'disk', { 'min-free-percent': 100 }),
    ]);
    expect(disk).toMatchObject({ status: 'completed', output: { ok: true, unit: 'MiB', filesystems: [{ path: '/' }, { path: q.dir }] } });
    expect(disk.output.filesystems[0].total).toBeGreaterThan(0);
    expect(memory.output.total).toBeGreaterThan(memory.output.free);
    expect(load.output.cpus).toBeGreaterThan(0);
    expect(uptime.output.uptime_seconds).toBeGreaterThan(0);
    expect(full).toMatchObject({ status: 'failed', returncode: 1, output: { ok: false, error: expect.stringMatching(/^less than 100% free on \//) } });
  });
});
