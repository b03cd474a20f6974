import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { claimedName, isIgnoredName, parseClaimedName, parsePendingName, formatOf } from '../../src/queue/names.js';
import { exitCodeOf } from '../../src/core/outcome.js';
import { fieldsFromFlags } from '../../src/cli/job-flags.js';
import { isSafeId, newJobId } from '../../src/core/ids.js';

describe('durations', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['250ms', 250],
    ['soon', undefined],
    ['10x', undefined],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    [850, '850ms'],
    [4_200, '4.2s'],
    [185_000, '3m05s'],
    [7_800_000, '2h10m'],
    [273_600_000, '3d4h'],
  ])('formats %s ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('file names', () => {
  it.each(['.hidden.json', 'job.json.tmp', 'job.part'])('ignores %s', (name) => expect(isIgnoredName(name)).toBe(true));
  it.each([
    ['job.json', 'json'],
    ['run.SH', 'script'],
    ['notes.txt', 'script'],
    ['job.yaml', 'unknown'],
  ])('%s is a %s job', (name, format) => expect(formatOf(name)).toBe(format));
  it('reads attempt markers and claimed names', () => {
    expect(parsePendingName('build~3.sh')).toEqual({ stem: 'build', attempt: 3 });
    expect(parsePendingName('a.b.json')).toEqual({ stem: 'a.b', attempt: undefined });
    expect(parsePendingName('~2.sh')).toEqual({ stem: '~2', attempt: undefined }); // no empty id: its record would be the hidden completed/.json
    expect(parseClaimedName('x@y.json@abc123-7')).toEqual({ name: 'x@y.json', tag: 'abc123' });
    expect(parseClaimedName('plain.json')).toBeUndefined();
  });
  it('cuts a stem too long for an id to 128 bytes, telling long names with one start apart', () => {
    const long = `${'a'.repeat(200)}.json`;
    const other = `${'a'.repeat(199)}b.json`;
    const { stem } = parsePendingName(long);
    expect(Buffer.byteLength(stem)).toBeLessThanOrEqual(128);
    expect(stem).toMatch(/^a{119}-[0-9a-f]{8}$/);
    expect(parsePendingName(other).stem).not.toBe(stem);
    expect(parsePendingName(`${'é'.repeat(100)}~2.sh`)).toEqual({ stem: expect.stringMatching(/^é{59}-[0-9a-f]{8}$/), attempt: 2 });
    expect(parsePendingName(`${'a'.repeat(128)}.json`).stem).toBe('a'.repeat(128));
  });
  it('keeps a claimed name within 255 bytes, its extension and owner kept', () => {
    const claimed = claimedName(`${'ü'.repeat(200)}.json`, 'abc123', 7);
    expect(Buffer.byteLength(claimed)).toBeLessThanOrEqual(255);
    expect(claimed).toMatch(/^ü+_\.json@abc123-7$/);
    expect(parseClaimedName(claimed)).toMatchObject({ tag: 'abc123' });
    expect(claimedName('short.json', 'abc123', 7)).toBe('short.json@abc123-7');
  });
  it('makes safe, unique ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newJobId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isSafeId(id)).toBe(true);
  });
});

describe('exit codes of finished jobs', () => {
  it.each([
    [{ status: 'completed', returncode: 0 }, 0],
    [{ status: 'failed', returncode: 3 }, 3],
    [{ status: 'failed', returncode: null, signal: 'SIGKILL' }, 137],
    [{ status: 'failed', returncode: null, error: 'could not start: command not found: x (ENOENT)' }, 127],
    [{ status: 'timeout', returncode: null, signal: 'SIGTERM' }, 124],
    [{ status: 'cancelled' }, 125],
    [{ status: 'invalid' }, 65],
    [{ status: 'dependency_failed' }, 1],
  ])('%j exits %s', (result, code) => expect(exitCodeOf(result)).toBe(code));
});

describe('submit flags to job fields', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it.each([
    [{ timeout: 5 }, { timeout: 5 }],
    [{ id: 'x' }, { task_id: 'x' }],
    [{ priority: 'high' }, { priority: 'high' }],
    [{ priority: '-3' }, { priority: -3 }],
    [{ after: ['a', 'b'] }, { after: ['a', 'b'] }],
    [{ delay: 600_000 }, { not_before: '2026-01-01T00:10:00.000Z' }],
    [{ at: '2026-02-01T10:00:00Z' }, { not_before: '2026-02-01T10:00:00.000Z' }],
    [{ retries: 2, retryDelay: 5 }, { retries: 2, retry_delay: 5 }],
    [{ env: { A: '1' }, cwd: '/tmp', resultFile: 'r.txt', group: 'g' }, { env: { A: '1' }, cwd: '/tmp', result_file: 'r.txt', group: 'g' }],
  ])('%j → %j', (flags, fields) => expect(fieldsFromFlags(flags, now)).toEqual(fields));
});
