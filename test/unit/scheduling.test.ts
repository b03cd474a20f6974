import { describe, expect, it } from 'vitest';
import { compareOrder } from '../../src/core/order.js';
import { PendingIndex, type PendingEntry } from '../../src/daemon/pending-index.js';
import { dependencyCycles, pickNext, type SchedulerView } from '../../src/daemon/scheduler.js';
import { retryDelay } from '../../src/daemon/job-lifecycle.js';
import { MAX_WAIT_SECONDS } from '../../src/core/job-rules.js';
import { Dependencies } from '../../src/daemon/dependencies.js';
import { ensureQueue, layoutOf } from '../../src/queue/layout.js';
import { tempQueue } from '../helpers/mcpq.js';

function entry(name: string, fields: Partial<PendingEntry> = {}): PendingEntry {
  return { name, mtimeMs: 1000, size: 10, priority: 0, wantedId: name, after: [], notBefore: undefined, group: undefined, plugin: undefined, waitStable: false, ...fields };
}

const view = (fields: Partial<SchedulerView> = {}): SchedulerView => ({
  now: 10_000,
  settleMs: 3_000,
  busyGroups: new Set(),
  skip: new Set(),
  dependency: () => 'waiting',
  problem: () => undefined,
  pluginWaits: () => false,
  ...fields,
});

describe('run order', () => {
  it('is highest priority first, then oldest mtime, then name', () => {
    const entries = [
      entry('b', { mtimeMs: 2 }),
      entry('a', { mtimeMs: 2 }),
      entry('old', { mtimeMs: 1 }),
      entry('urgent', { mtimeMs: 9, priority: 10 }),
      entry('later', { mtimeMs: 0, priority: -10 }),
    ];
    expect([...entries].sort(compareOrder).map((e) => e.name)).toEqual(['urgent', 'old', 'a', 'b', 'later']);
  });

  it('the index keeps that order through inserts, loads and removals', () => {
    const index = new PendingIndex();
    index.load([entry('c', { mtimeMs: 3 }), entry('a', { mtimeMs: 1 })]);
    index.upsert(entry('b', { mtimeMs: 2 }));
    index.upsert(entry('z', { mtimeMs: 0, priority: 5 }));
    index.upsert(entry('a', { mtimeMs: 4 })); // changed: moves
    index.remove('c');
    expect([...index.inOrder()].map((e) => e.name)).toEqual(['z', 'b', 'a']);
    expect(index.hasId('b')).toBe(true);
    expect(index.hasId('c')).toBe(false);
    expect(index.size).toBe(3);
  });
});

describe('PendingIndex', () => {
  it('stays in order while claims take jobs from the front, past its compaction', () => {
    const index = new PendingIndex();
    index.load(Array.from({ length: 3000 }, (_, i) => entry(`j${String(i).padStart(4, '0')}`, { mtimeMs: i })));
    for (let i = 0; i < 2500; i += 1) index.remove(`j${String(i).padStart(4, '0')}`);
    index.remove('j2750'); // one from the middle
    index.upsert(entry('urgent', { priority: 10 }));
    index.upsert(entry('late', { mtimeMs: 9_999 }));
    const names = [...index.inOrder()].map((e) => e.name);
    expect(index.size).toBe(501);
    expect(names).toHaveLength(501);
    expect(names.slice(0, 3)).toEqual(['urgent', 'j2500', 'j2501']);
    expect(names.at(-1)).toBe('late');
    expect(names).not.toContain('j2750');
    expect(index.hasDependencies()).toBe(false);
  });

  it('knows the ids pending jobs ask for, whether first asked before or after changes', () => {
    const index = new PendingIndex();
    index.load([entry('a'), entry('b', { wantedId: 'x' }), entry('c', { wantedId: 'x' })]);
    expect(index.hasId('x')).toBe(true);
    index.remove('b');
    expect(index.hasId('x')).toBe(true); // c still asks for it
    index.remove('c');
    expect(index.hasId('x')).toBe(false);
    index.upsert(entry('d', { wantedId: 'y' }));
    index.upsert(entry('a', { wantedId: 'z' })); // changed: asks for another id
    expect([index.hasId('y'), index.hasId('z'), index.hasId('a')]).toEqual([true, true, false]);
  });
});

describe('pickNext', () => {
  it.each([
    ['the first runnable entry', [entry('a'), entry('b')], view(), 'a'],
    ['past a delayed job', [entry('a', { notBefore: 20_000 }), entry('b')], view(), 'b'],
    ['past a busy group', [entry('a', { group: 'g' }), entry('b')], view({ busyGroups: new Set(['g']) }), 'b'],
    ['past a job being claimed', [entry('a'), entry('b')], view({ skip: new Set(['a']) }), 'b'],
    ['past unfinished dependencies', [entry('a', { after: ['x'] }), entry('b')], view(), 'b'],
    ['a job whose dependencies completed', [entry('a', { after: ['x'] })], view({ dependency: () => 'completed' }), 'a'],
    ['an unreadable file once stable', [entry('a', { waitStable: true, mtimeMs: 5_000 })], view(), 'a'],
    ['past a job whose plugin cannot describe itself now', [entry('a', { plugin: 'slow' }), entry('b', { plugin: 'fast' })], view({ pluginWaits: (p) => p === 'slow' }), 'b'],
  ])('picks %s', (_, entries, v, name) => {
    const pick = pickNext(entries, v);
    expect(pick.decision).toMatchObject({ kind: 'run', entry: { name } });
  });

  it('fails a job whose dependency failed', () => {
    const pick = pickNext([entry('a', { after: ['ok', 'bad'] })], view({ dependency: (id) => (id === 'bad' ? 'failed' : 'completed') }));
    expect(pick.decision).toMatchObject({ kind: 'dependency-failed', dependency: 'bad' });
  });

  it('still fails a job whose dependency failed while its plugin cannot describe itself', () => {
    const pick = pickNext([entry('a', { plugin: 'slow', after: ['bad'] })], view({ pluginWaits: () => true, dependency: () => 'failed' }));
    expect(pick.decision).toMatchObject({ kind: 'dependency-failed', dependency: 'bad' });
  });

  it('returns nothing, and no time to look again, while the only job waits for its plugin', () => {
    expect(pickNext([entry('a', { plugin: 'slow' })], view({ pluginWaits: () => true }))).toEqual({ decision: undefined, wakeAt: undefined });
  });

  it('returns nothing, and when to look again, while jobs wait on the clock', () => {
    const pick = pickNext([entry('a', { notBefore: 20_000 }), entry('b', { waitStable: true, mtimeMs: 9_000 })], view());
    expect(pick.decision).toBeUndefined();
    expect(pick.wakeAt).toBe(12_000);
  });
});

describe('dependency problems', () => {
  it('fails a job whose dependency is unknown', () => {
    const e = entry('a', { after: ['ghost'] });
    expect(pickNext([e], view({ dependency: () => 'unknown' })).decision).toMatchObject({ kind: 'invalid', error: 'after: unknown job id "ghost"' });
  });

  it('fails a job the view reports a problem for', () => {
    expect(pickNext([entry('a')], view({ problem: () => 'after: dependency cycle a → a' })).decision).toMatchObject({ kind: 'invalid' });
  });

  it('finds every job on a dependency cycle, and none off it', () => {
    const problems = dependencyCycles([
      entry('a.json', { wantedId: 'a', after: ['b'] }),
      entry('b.json', { wantedId: 'b', after: ['c'] }),
      entry('c.json', { wantedId: 'c', after: ['a'] }),
      entry('d.json', { wantedId: 'd', after: ['a'] }),
      entry('e.json', { wantedId: 'e', after: ['done-elsewhere'] }),
    ]);
    expect([...problems.keys()].sort()).toEqual(['a.json', 'b.json', 'c.json']);
    expect(problems.get('a.json')).toBe('after: dependency cycle a → b → c → a');
  });
});

describe('retryDelay', () => {
  it.each([
    [1, 0.5, 1_000],
    [2, 0.5, 2_000],
    [3, 0.5, 4_000],
    [1, 0, 800],
    [1, 1, 1_200],
  ])('attempt %s with jitter draw %s waits %s ms', (attempt, draw, ms) => {
    expect(retryDelay(1_000, attempt, () => draw)).toBe(ms);
  });

  it('never waits longer than a job may ask to, so that retry_at stays a time mcpq list can show', () => {
    const delay = retryDelay(MAX_WAIT_SECONDS * 1_000, 100, () => 1);
    expect(delay).toBe(MAX_WAIT_SECONDS * 1_000);
    expect(new Date(Date.now() + delay).toISOString()).toMatch(/^2\d{3}-/);
  });
});

describe('Dependencies', () => {
  it('keeps what it learnt of finished jobs only while a pending job waits for them, so its memory stays bounded', async () => {
    const layout = layoutOf(tempQueue().root);
    await ensureQueue(layout);
    const dependencies = new Dependencies(layout, 3_000);
    for (let i = 0; i < 1_000; i += 1) dependencies.finished(`done-${i}`, 'completed');
    dependencies.finished('broke', 'failed');
    await dependencies.refreshAll(() => [entry('w.json', { after: ['broke'] })], true, () => false);
    expect(dependencies.state('broke')).toBe('failed'); // still waited for
    expect(dependencies.state('done-1')).toBe('waiting'); // forgotten: a job that needs it looks on disk
    await dependencies.refreshAll(() => [], false, () => false);
    expect(dependencies.state('broke')).toBe('waiting');
  });
});
