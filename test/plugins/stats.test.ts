// Job counts and execution times per plugin, from records.
import { describe, expect, it } from 'vitest';
import { pluginRecordOf, pluginStats, type PluginRecord } from '../../src/plugins/stats.js';

const rec = (plugin: string, command: string | undefined, status: string, durationMs?: number): PluginRecord => ({ plugin, command, status, durationMs });

describe('pluginStats', () => {
  it('counts jobs by outcome and summarises durations per plugin and command', () => {
    const stats = pluginStats([
      rec('notes', 'add', 'completed', 100),
      rec('notes', 'add', 'completed', 300),
      rec('notes', 'list', 'failed', 50),
      rec('notes', 'add', 'invalid'),
      rec('sysinfo', 'disk', 'timeout', 1000),
    ]);
    expect(stats).toEqual([
      {
        plugin: 'notes',
        count: 4,
        completed: 2,
        failed: 2,
        by_status: { completed: 2, failed: 1, invalid: 1 },
        duration: { mean_ms: 150, p50_ms: 100, max_ms: 300 },
        commands: {
          add: { count: 3, completed: 2, failed: 1, by_status: { completed: 2, invalid: 1 }, duration: { mean_ms: 200, p50_ms: 100, max_ms: 300 } },
          list: { count: 1, completed: 0, failed: 1, by_status: { failed: 1 }, duration: { mean_ms: 50, p50_ms: 50, max_ms: 50 } },
        },
      },
      {
        plugin: 'sysinfo',
        count: 1,
        completed: 0,
        failed: 1,
        by_status: { timeout: 1 },
        duration: { mean_ms: 1000, p50_ms: 1000, max_ms: 1000 },
        commands: { disk: { count: 1, completed: 0, failed: 1, by_status: { timeout: 1 }, duration: { mean_ms: 1000, p50_ms: 1000, max_ms: 1000 } } },
      },
    ]);
  });

  it('has no durations for jobs that never ran', () => {
    expect(pluginStats([rec('x', 'a', 'invalid')])[0]!.duration).toBeNull();
  });
});

describe('pluginRecordOf', () => {
  it.each([
    ['a plugin job', { plugin: 'p', command: 'c', result: { status: 'completed', started_at: 't', duration_ms: 5 } }, rec('p', 'c', 'completed', 5)],
    ['one that never started', { plugin: 'p', result: { status: 'invalid', started_at: null, duration_ms: 0 } }, rec('p', undefined, 'invalid')],
    ['a command job', { command: 'echo', result: { status: 'completed' } }, undefined],
    ['not a record', 'text', undefined],
  ])('%s', (_, value, expected) => {
    expect(pluginRecordOf(value)).toEqual(expected);
  });
});
