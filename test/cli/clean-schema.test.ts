// mcpq clean and mcpq schema against the built CLI.
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IS_ROOT, mcpq, tempQueue, tmpfsQueue, type TempQueue } from '../helpers/mcpq.js';

const DAY = 86_400_000;

// A record written `days` ago, with the files a job leaves beside it.
function finishedJob(q: TempQueue, id: string, state: 'completed' | 'failed', days: number, extras: { logs?: boolean; original?: boolean } = {}): void {
  for (const dir of ['pending', 'completed', 'failed', 'logs']) mkdirSync(q.path(dir), { recursive: true });
  const path = q.path(state, `${id}.json`);
  writeFileSync(path, JSON.stringify({ command: 'true', result: { id, status: state === 'completed' ? 'completed' : 'failed' } }));
  if (extras.logs) {
    writeFileSync(q.path('logs', `${id}.out`), 'out\n');
    writeFileSync(q.path('logs', `${id}.err`), 'err\n');
  }
  if (extras.original) writeFileSync(q.path('failed', `${id}.original`), '{broken');
  const t = new Date(Date.now() - days * DAY);
  utimesSync(path, t, t);
}

describe('mcpq clean', () => {
  it('--dry-run reports what --older-than selects; then removes records, logs and originals', async () => {
    const q = tempQueue();
    finishedJob(q, 'old-ok', 'completed', 10, { logs: true });
    finishedJob(q, 'old-bad', 'failed', 9, { original: true });
    finishedJob(q, 'new-ok', 'completed', 1, { logs: true });
    const dry = await mcpq(['clean', '-q', q.root, '--older-than', '7d', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/^would remove old-ok \(completed, finished .*, 3 files\)$/m);
    expect(dry.stdout).toMatch(/^would remove old-bad \(failed, finished .*, 2 files\)$/m);
    expect(dry.stdout).toMatch(/would remove 2 jobs \(\d+ B\), older than 7d\n$/);
    expect(q.files('completed')).toEqual(['new-ok.json', 'old-ok.json']);

    const json = JSON.parse((await mcpq(['clean', '-q', q.root, '--older-than', '7d', '--json'])).stdout);
    expect(json).toMatchObject({ dry_run: false, archive: null, older_than_ms: 7 * DAY, kept: [] });
    expect(json.jobs.map((j: any) => [j.id, j.state, j.files.length])).toEqual([
      ['old-ok', 'completed', 3],
      ['old-bad', 'failed', 2],
    ]);
    expect(q.files('completed')).toEqual(['new-ok.json']);
    expect(q.files('failed')).toEqual([]);
    expect(q.files('logs')).toEqual(['new-ok.err', 'new-ok.out']);
  });

  it('--state limits it to one folder; --archive moves instead of deleting', async () => {
    const q = tempQueue();
    finishedJob(q, 'a', 'completed', 3, { logs: true });
    finishedJob(q, 'b', 'failed', 3);
    const archive = join(q.dir, 'archive');
    const result = await mcpq(['clean', '-q', q.root, '--older-than', '1d', '--state', 'completed', '--archive', archive]);
    expect(result.stdout).toMatch(/^archived a \(completed/m);
    expect(result.stdout).toMatch(new RegExp(`archived 1 job \\(.*\\) into ${archive}`));
    expect(q.files('completed')).toEqual([]);
    expect(q.files('failed')).toEqual(['b.json']);
    expect(JSON.parse(readFileSync(join(archive, 'completed', 'a.json'), 'utf8')).result.id).toBe('a');
    expect(readFileSync(join(archive, 'logs', 'a.out'), 'utf8')).toBe('out\n');
  });

  it.skipIf(!IS_ROOT)('--archive on another filesystem keeps an id archived before under a new name, as on one filesystem', async () => {
    const q = tempQueue();
    const archive = join(tmpfsQueue('1m').dir, 'archive'); // a tmpfs of its own: moves across it are copies
    for (const round of [1, 2]) {
      finishedJob(q, 'backup', 'completed', 3, { logs: true }); // a job id reused once the old job was cleaned
      const result = await mcpq(['clean', '-q', q.root, '--older-than', '1d', '--archive', archive]);
      expect(result.stderr, `clean ${round}`).toBe('');
      expect(result.stdout).toMatch(new RegExp(`archived 1 job \\(.*\\) into ${archive}`));
      expect(q.files('completed')).toEqual([]);
    }
    expect(readdirSync(join(archive, 'completed')).sort()).toEqual(['backup-2.json', 'backup.json']);
    expect(readdirSync(join(archive, 'logs')).sort()).toEqual(['backup-2.err', 'backup-2.out', 'backup.err', 'backup.out']);
  });

  it('--older-than 0 removes every record, also one stamped ahead of this clock (another host on a shared filesystem)', async () => {
    const q = tempQueue();
    finishedJob(q, 'ahead', 'completed', -1 / 24); // an hour in the future
    finishedJob(q, 'old', 'failed', 1);
    const result = await mcpq(['clean', '-q', q.root, '--older-than', '0']);
    expect(result.stdout).toMatch(/removed 2 jobs/);
    expect([...q.files('completed'), ...q.files('failed')]).toEqual([]);
  });

  it('refuses to archive into the queue itself, and keeps every record', async () => {
    const q = tempQueue();
    finishedJob(q, 'a', 'completed', 3);
    for (const inside of [q.root, q.path('archive')]) {
      const result = await mcpq(['clean', '-q', q.root, '--older-than', '0', '--archive', inside]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(`mcpq: the archive folder must be outside the queue: ${inside} is in ${q.root}\n`);
    }
    expect(q.files('completed')).toEqual(['a.json']);
  });

  it('keeps a record that a pending job still waits for', async () => {
    const q = tempQueue();
    finishedJob(q, 'base', 'completed', 30);
    q.drop('next.json', JSON.stringify({ command: 'true', after: ['base'] }));
    const result = await mcpq(['clean', '-q', q.root, '--older-than', '0']);
    expect(result.stdout).toMatch(/^kept base: pending next waits for it$/m);
    expect(existsSync(q.path('completed', 'base.json'))).toBe(true);
  });

  it.each([
    [['clean'], /required option '--older-than <age>' not specified/],
    [['clean', '--older-than', 'soon'], /expected a duration like 90s, 10m, 2h or 7d/],
    [['clean', '--older-than', '1d', '--state', 'pending'], /Allowed choices are completed, failed/],
  ])('rejects %j with exit 2', async (args, message) => {
    const q = tempQueue();
    const result = await mcpq([...args, '-q', q.root]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

// A small JSON Schema checker for what `mcpq schema` uses: enough to show that the
// published schema accepts the jobs design.md promises and rejects broken ones.
function validate(schema: any, value: any): boolean {
  if (schema === true || schema === undefined) return true;
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    if (!types.some((t) => t === kind || (t === 'number' && kind === 'integer'))) return false;
  }
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return false;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return false;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
  }
  if (Array.isArray(value) && schema.items && !value.every((v) => validate(schema.items, v))) return false;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const key of schema.required ?? []) if (!(key in value)) return false;
    for (const [key, v] of Object.entries(value)) {
      const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : true);
      if (!validate(sub, v)) return false;
    }
  }
  if (schema.anyOf && !schema.anyOf.some((s: any) => validate(s, value))) return false;
  if (schema.if !== undefined) return validate(schema.if, value) ? validate(schema.then, value) : validate(schema.else, value);
  return true;
}

describe('mcpq schema', () => {
  it('prints a JSON Schema that accepts the jobs of design.md and rejects broken ones', async () => {
    const result = await mcpq(['schema']);
    expect(result.exitCode).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', title: 'mcpq job' });
    expect(schema.properties.timeout.description).toMatch(/default 300/);
    const good = [
      { command: 'echo', args: ['Hello, World!'], description: 'Test echo command', result_file: 'optional_output.txt' },
      { task_id: 'unique_id', command: 'python3 /path/to/script.py', purpose: 'Description of the job' },
      { plugin: 'botfather', command: 'click-button', args: { 'button-text': 'Payments', 'msg-id': 12345678 }, timeout: 90 },
      { command: 'make', priority: 'high', after: ['build-1'], not_before: '2026-07-26T13:42:00Z', env: { N: 1 }, anything: { kept: true } },
    ];
    for (const job of good) expect(validate(schema, job), JSON.stringify(job)).toBe(true);
    const bad = [
      { description: 'no command' },
      { command: 'echo', args: { a: 1 } }, // flags object without a plugin
      { plugin: 'p', args: ['x'] }, // a list for a plugin
      { command: 'x', task_id: '../escape' },
      { command: 'x', task_id: 'work.tmp' },
      { command: 'x', priority: 'urgent' },
      { command: 'x', timeout: -1 },
      { command: 'x', after: ['ok', 'not ok'] },
      { command: '' },
    ];
    for (const job of bad) expect(validate(schema, job), JSON.stringify(job)).toBe(false);
  });
});
