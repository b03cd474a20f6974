import { describe, expect, it } from 'vitest';
import { loadJobFile } from '../../src/core/job-file.js';
import { MAX_JSON_DEPTH, parseJobObject, scriptSpec } from '../../src/core/job-schema.js';

const defaults = { timeoutSeconds: 300, submittedAt: Date.parse('2026-01-01T00:00:00Z') };

describe('parseJobObject', () => {
  it.each([
    ['the exec form', { command: 'echo', args: ['Hello, World!'], description: 'd', result_file: 'o.txt' }, { kind: 'exec', file: 'echo', args: ['Hello, World!'] }],
    ['the shell form', { task_id: 'unique_id', command: 'python3 /path/to/script.py', purpose: 'p' }, { kind: 'shell', line: 'python3 /path/to/script.py' }],
    ['args with shell: true (quoted)', { command: 'echo', args: ['a b', "it's"], shell: true }, { kind: 'shell', line: "echo 'a b' 'it'\\''s'" }],
    ['a plugin job', { plugin: 'botfather', command: 'click-button', args: { 'button-text': 'Payments', 'msg-id': 12345678 } }, { kind: 'plugin', plugin: 'botfather', command: 'click-button', flags: { 'button-text': 'Payments', 'msg-id': 12345678 } }],
  ])('accepts %s', (_, job, run) => {
    const parsed = parseJobObject(job, defaults);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.run).toEqual(run);
  });

  it.each([
    [{ command: 5 }, 'command: must be a string'],
    [{ description: 'x' }, 'command: is required (or set "plugin")'],
    [{ command: 'x', timeout: -1 }, 'timeout: must be >= 0 (0 means none)'],
    [{ command: 'x', timeout: '10' }, 'timeout: must be a number of seconds'],
    [{ command: 'x', timeout: 1e-9 }, 'timeout: must be 0 (none) or at least 0.001 (1 ms)'],
    [{ command: 'x', timeout: 0.0004 }, 'timeout: must be 0 (none) or at least 0.001 (1 ms)'],
    [{ command: 'x', priority: 'urgent' }, 'priority: must be an integer or one of "high", "medium", "low"'],
    [{ command: 'x', env: { A: { nested: 1 } } }, 'env.A: must be a string, number or boolean'],
    [{ command: 'x', after: 'other' }, 'after: must be a list of job ids'],
    [{ command: 'x', task_id: 'a/b' }, 'task_id: must be a safe file name'],
    [{ command: 'x', not_before: 'tomorrow' }, 'not_before: must be an ISO date-time'],
    [{ command: 'x', args: { a: 1 } }, 'args: must be an array of strings for a command job'],
    [{ plugin: 'p', args: ['a'] }, 'args: must be an object of flags for a plugin job'],
    [[1, 2], 'job: must be a JSON object, got an array'],
    [null, 'job: must be a JSON object, got null'],
  ])('rejects %j naming the field', (job, message) => {
    const parsed = parseJobObject(job, defaults);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it.each([
    [{ command: 'x' }, 300_000],
    [{ command: 'x', timeout: 2.5 }, 2_500],
    [{ command: 'x', timeout: 0.5 }, 500],
    [{ command: 'x', timeout: 0.001 }, 1],
    [{ command: 'x', timeout: 0 }, null],
  ])('normalises the timeout of %j to %s ms', (job, timeoutMs) => {
    const parsed = parseJobObject(job, defaults);
    expect(parsed.ok && parsed.value.timeoutMs).toBe(timeoutMs);
  });

  it.each([
    ['high', 10],
    ['medium', 0],
    ['low', -10],
    [42, 42],
    [undefined, 0],
  ])('maps priority %s to %s', (priority, value) => {
    const parsed = parseJobObject({ command: 'x', priority }, defaults);
    expect(parsed.ok && parsed.value.priority).toBe(value);
  });

  it('resolves a relative not_before against the submission time', () => {
    const parsed = parseJobObject({ command: 'x', not_before: 60 }, defaults);
    expect(parsed.ok && parsed.value.notBefore).toBe(defaults.submittedAt + 60_000);
  });

  it('defaults a plugin job group to the plugin name', () => {
    const parsed = parseJobObject({ plugin: 'notes', command: 'add' }, defaults);
    expect(parsed.ok && parsed.value.group).toBe('notes');
  });
});

describe('scriptSpec', () => {
  it.each([
    ['echo hi\n', ['/bin/sh']],
    ['#!/bin/bash\necho hi\n', ['/bin/bash']],
    ['#!/usr/bin/env python3\nprint(1)\n', ['/usr/bin/env', 'python3']],
  ])('picks the interpreter of %j', (text, interpreter) => {
    expect(scriptSpec(text)).toEqual({ kind: 'script', text, interpreter });
  });
});

describe('loadJobFile', () => {
  const bytes = (s: string) => Buffer.from(s);
  it.each([
    ['a.json', '', true, /empty file/],
    ['a.json', '{"command": ', true, /not valid JSON/],
    ['a.yaml', 'x: 1', true, /unknown job format/],
    ['a.json', '{"command": 1}', false, /command: must be a string/],
  ])('%s %j is invalid (wait for a stable file: %s)', (name, text, incomplete, error) => {
    const loaded = loadJobFile(name, bytes(text), defaults);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.incomplete).toBe(incomplete);
      expect(loaded.error).toMatch(error);
    }
  });

  it('takes the id from _mcpq, then task_id, then the file name', () => {
    expect(loadJobFile('f.json', bytes('{"command":"x"}'), defaults).wantedId).toBe('f');
    expect(loadJobFile('f.json', bytes('{"command":"x","task_id":"t"}'), defaults).wantedId).toBe('t');
    expect(loadJobFile('f.json', bytes('{"command":"x","task_id":"t","_mcpq":{"id":"m","attempt":2}}'), defaults)).toMatchObject({ wantedId: 'm', attempt: 2 });
    expect(loadJobFile('s~3.sh', bytes('echo'), defaults)).toMatchObject({ wantedId: 's', attempt: 3 });
  });

  it('keeps the job object without the _mcpq bookkeeping', () => {
    const loaded = loadJobFile('f.json', bytes('{"command":"x","extra":[1],"_mcpq":{"attempt":2}}'), defaults);
    expect(loaded.ok && loaded.object).toEqual({ command: 'x', extra: [1] });
  });
});

describe('loadJobFile: nesting', () => {
  const nested = (levels: number) => `{"command": "true", "x": ${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

  it(`accepts a job nested ${MAX_JSON_DEPTH} levels deep and refuses one level more, keeping no object for the record`, () => {
    expect(loadJobFile('ok.json', Buffer.from(nested(MAX_JSON_DEPTH)), defaults).ok).toBe(true);
    const deep = loadJobFile('deep.json', Buffer.from(nested(MAX_JSON_DEPTH + 1)), defaults);
    expect(deep).toMatchObject({ ok: false, error: `job: nested more than ${MAX_JSON_DEPTH} levels deep`, object: undefined });
  });

  it('is the schema\'s rule too, so mcpq submit FILE and MCP refuse such a job before it is queued', () => {
    expect(parseJobObject(JSON.parse(nested(MAX_JSON_DEPTH)), defaults).ok).toBe(true);
    expect(parseJobObject(JSON.parse(nested(MAX_JSON_DEPTH + 1)), defaults)).toEqual({ ok: false, error: `job: nested more than ${MAX_JSON_DEPTH} levels deep` });
  });
});
