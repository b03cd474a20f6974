// Bad input never stops the daemon and never loses data: each bad file ends in
// failed/ as `invalid`, with an error naming the problem and its original bytes kept.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_JOB_FILE_BYTES } from '../../src/core/job-rules.js';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

const FAST = ['--settle', '300', '--rescan', '200'];

describe('invalid job files', () => {
  it.each([
    ['unparsable.json', '{"command": "echo", oops', /not valid JSON/],
    ['types.json', '{"command": "echo", "args": "not-a-list", "timeout": "soon"}', /args: must be an array of strings.*timeout: must be a number of seconds/],
    ['array.json', '["echo", "hi"]', /job: must be a JSON object, got an array/],
    ['nocommand.json', '{"description": "nothing to run"}', /command: is required/],
    ['badid.json', '{"task_id": "../escape", "command": "true"}', /task_id: must be a safe file name/],
    ['tiny-timeout.json', '{"command": "true", "timeout": 1e-9}', /timeout: must be 0 \(none\) or at least 0\.001 \(1 ms\)/],
    ['badmeta.json', '{"command": "true", "_mcpq": {"id": "../../escape", "attempt": 2}}', /_mcpq: id: must be a file name/],
    ['nodir.json', '{"command": "true", "_mcpq": {"id": "no/such"}}', /_mcpq: id: must be a file name/],
    ['unknown.yaml', 'command: echo hi\n', /unknown job format "unknown.yaml"/],
    ['empty.json', '', /empty file/],
    ['garbage.json', Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37, 0x00, 0x80]), /not a text file/],
    ['garbage.sh', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]), /not a text file/],
    ['deep.json', `{"command": "true", "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /job: nested more than 64 levels deep/],
  ])('%s fails as invalid and keeps its bytes', async (name, content, error) => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, FAST);
    q.drop(name, content);
    const id = name.replace(/\.[^.]+$/, '');
    const rec = await waitForRecord(q, id);
    expect(rec.result.status).toBe('invalid');
    expect(rec.result.error).toMatch(error);
    expect(rec.result.original_file).toBe(`${id}.original`);
    // The record is written first, then the original moves beside it.
    await waitFor(() => existsSync(q.path('failed', `${id}.original`)), { what: 'the original file' });
    expect(readFileSync(q.path('failed', `${id}.original`))).toEqual(Buffer.from(content));
    expect(statSync(q.path('failed', `${id}.original`)).mode & 0o777).toBe(0o600); // private, as records are
    // The daemon carries on: a good job after the bad one still runs.
    q.drop('good.json', JSON.stringify({ command: 'echo', args: ['still here'] }));
    expect((await waitForRecord(q, 'good')).result.stdout).toBe('still here\n');
    expect(daemon.process.exitCode).toBeNull();
  });

  it('mcpq show says, on one line, what is wrong and where the original bytes are', async () => {
    const q = tempQueue();
    await startDaemon(q.root, FAST);
    q.drop('broken.json', '{"command": "echo",\n "args": [oops\n');
    const rec = await waitForRecord(q, 'broken');
    expect(rec.result.error).toMatch(/^not valid JSON: [^\n]+$/);
    const shown = await mcpq(['show', '-q', q.root, 'broken']);
    expect(shown.stdout).toMatch(/error:\s+not valid JSON: [^\n]*oops/);
    expect(shown.stdout).toContain(`original: ${q.path('failed', 'broken.original')}`);
    expect(shown.stdout).not.toContain('mcpq logs');
  });

  it('a JSON file written in place in two chunks runs once complete', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--settle', '3000']);
    const path = q.path('pending', 'slow.json');
    const fd = openSync(path, 'w');
    writeSync(fd, '{"command": "echo", "args": ');
    // A job dropped after the first chunk has run, so the daemon has seen the half
    // file (its event came first) and must still be waiting for it.
    q.drop('marker.json', '{"command": "true"}');
    await waitForRecord(q, 'marker');
    expect(q.record('slow')).toBeUndefined();
    expect(q.files('pending')).toEqual(['slow.json']);
    writeSync(fd, '["complete"]}');
    closeSync(fd);
    const rec = await waitForRecord(q, 'slow');
    expect(rec.result).toMatchObject({ status: 'completed', stdout: 'complete\n' });
  });

  it('ignores hidden, .tmp and .part files', async () => {
    const q = tempQueue();
    await startDaemon(q.root, FAST);
    for (const name of ['.hidden.json', 'job.json.tmp', 'job.json.part']) writeFileSync(q.path('pending', name), '{"command": "true"}');
    q.drop('marker.json', '{"command": "true"}');
    // The marker's event came after the ignored files' events.
    await waitForRecord(q, 'marker');
    expect(q.files('pending').sort()).toEqual(['job.json.part', 'job.json.tmp']);
    expect(q.files('failed')).toEqual([]);
  });

  it('leaves a FIFO or a folder in pending/ alone, and is not held by one, at start or while it runs', async () => {
    const q = tempQueue();
    q.drop('first.json', '{"command": "echo", "args": ["first"]}');
    execFileSync('mkfifo', [q.path('pending', 'before.json')]);
    mkdirSync(q.path('pending', 'folder.json'));
    const daemon = await startDaemon(q.root, FAST);
    expect((await waitForRecord(q, 'first')).result.stdout).toBe('first\n');
    execFileSync('mkfifo', [q.path('pending', 'after.json')]);
    q.drop('second.json', '{"command": "echo", "args": ["second"]}');
    expect((await waitForRecord(q, 'second')).result.stdout).toBe('second\n');
    expect(q.files('pending').sort()).toEqual(['after.json', 'before.json', 'folder.json']);
    // Its one thread was never stuck on a FIFO: it stops at once when asked.
    expect(await daemon.stop()).toBe(0);
  });

  it.each([
    ['a path', ['../x']],
    ['a number beside an id', ['ghost', 5]],
  ])('an `after` holding %s is failed with the error mcpq list shows for it', async (_, after) => {
    const q = tempQueue();
    q.drop('odd.json', JSON.stringify({ command: 'true', after }));
    const listed = await mcpq(['list', '-q', q.root, '--json']);
    const { waiting } = JSON.parse(listed.stdout).pending.find((p: { id: string }) => p.id === 'odd');
    expect(waiting).toMatchObject({ reason: 'invalid', error: expect.stringMatching(/^after\.\d: /) });
    await startDaemon(q.root, FAST);
    expect((await waitForRecord(q, 'odd')).result).toMatchObject({ status: 'invalid', error: waiting.error });
  });

  it('is not held up by a file it cannot read (a symbolic link loop): list says why, the daemon fails it and runs the rest', async () => {
    const q = tempQueue();
    q.drop('good.json', '{"command": "echo", "args": ["ran"]}');
    symlinkSync('loop.json', q.path('pending', 'loop.json'));
    const listed = await mcpq(['list', '-q', q.root, '--json']);
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout).pending.find((p: { id: string }) => p.id === 'loop').waiting).toEqual({ reason: 'unreadable', error: 'cannot be read: ELOOP: too many symbolic links encountered' });
    await startDaemon(q.root, FAST);
    expect((await waitForRecord(q, 'good')).result.stdout).toBe('ran\n');
    expect((await waitForRecord(q, 'loop')).result).toMatchObject({ status: 'invalid', original_file: 'loop.original' });
  });

  it('does not read a file too large to be a job: it fails as invalid, its bytes kept', async () => {
    const q = tempQueue();
    const big = Buffer.alloc(MAX_JOB_FILE_BYTES + 1, 'a');
    q.drop('huge.json', big);
    await startDaemon(q.root, FAST);
    const rec = await waitForRecord(q, 'huge');
    expect(rec.result).toMatchObject({ status: 'invalid', error: `cannot be read: EFBIG: too large for a job file (${big.length} bytes; at most 4 MiB)` });
    await waitFor(() => existsSync(q.path('failed', 'huge.original')), { what: 'the original file' });
    expect(readFileSync(q.path('failed', 'huge.original')).equals(big)).toBe(true);
  });

  it('runs a job whose file name is too long to be its id or to be claimed as it is', async () => {
    const q = tempQueue();
    const name = `${'x'.repeat(245)}.json`;
    const daemon = await startDaemon(q.root, FAST);
    q.drop(name, '{"command": "echo", "args": ["long name"]}');
    const id = await waitFor(() => q.files('completed').find((f) => f.startsWith('xxx') && f.endsWith('.json'))?.replace(/\.json$/, ''), { what: 'its record' });
    expect(id).toMatch(/^x{119}-[0-9a-f]{8}$/);
    expect((await waitForRecord(q, id)).result).toMatchObject({ status: 'completed', stdout: 'long name\n', source: name });
    expect(q.files('pending')).toEqual([]);
    expect(daemon.output()).not.toMatch(/job_error/);
  });
});
