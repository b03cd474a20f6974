// Plugin jobs through a real daemon: argument mapping, JSON output in the record,
// invalid jobs, one-at-a-time per plugin, and plugins that appear while it runs.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const FAST = ['--kill-grace', '1', '--grace', '2', '--settle', '300', '--rescan', '200', '--lease', '2'];

// Copies the tg fixture into the queue's plugins/ under each name.
function addPlugin(q: TempQueue, name: string, manifest?: unknown): void {
  cpSync(join(FIXTURES, 'tg'), q.path('plugins', name), { recursive: true });
  if (manifest !== undefined) writeFileSync(q.path('plugins', name, 'plugin.json'), JSON.stringify(manifest));
}

function daemon(q: TempQueue, ...args: string[]) {
  return startDaemon(q.root, [...FAST, ...args], { XDG_CONFIG_HOME: q.dir });
}

const job = (id: string, plugin: string, command: string | undefined, args: Record<string, unknown>) =>
  JSON.stringify({ task_id: id, plugin, ...(command === undefined ? {} : { command }), args, timeout: 30 });

describe('plugin jobs', () => {
  it('runs the design example and keeps the JSON it prints as result.output', async () => {
    const q = tempQueue();
    addPlugin(q, 'botfather');
    await daemon(q);
    q.drop('click.json', job('click', 'botfather', 'click-button', { 'button-text': 'Payments', 'msg-id': 12345678 }));
    const record = await waitForRecord(q, 'click');
    expect(record.result).toMatchObject({ status: 'completed', returncode: 0 });
    expect(record.result.output).toEqual({
      ok: true,
      command: 'click-button',
      argv: ['click-button', '--button-text', 'Payments', '--msg-id', '12345678'],
      args: { verbose: false, button_text: 'Payments', msg_id: 12345678, dry_run: false },
    });
    expect(record.args).toEqual({ 'button-text': 'Payments', 'msg-id': 12345678 }); // the job as submitted
  });

  it('gives a list after one flag, as argparse nargs="+" and "*" take it, from a job file and from mcpq submit --arg', async () => {
    const q = tempQueue();
    cpSync(join(FIXTURES, 'tag'), q.path('plugins', 'tag'), { recursive: true });
    await daemon(q);
    q.drop('many.json', job('many', 'tag', undefined, { files: ['a.txt', 'b.txt'], tags: ['x', 'y'], skip: [], n: [1, '2'], color: ['red', 'green'], attach: ['p', 'q'] }));
    // A key given twice is a list; a value alone may start with "-".
    const words = ['files=c.txt', 'tags=x', 'tags=y', 'skip=-z'].flatMap((pair) => ['--arg', pair]);
    expect(await mcpq(['submit', '-q', q.root, '--id', 'typed', '--plugin', 'tag', ...words], { env: { XDG_CONFIG_HOME: q.dir } })).toMatchObject({ exitCode: 0 });
    // What argparse parsed (the fixture prints vars(args)).
    expect((await waitForRecord(q, 'many')).result).toMatchObject({
      status: 'completed',
      output: { files: ['a.txt', 'b.txt'], tags: ['x', 'y'], skip: null, sizes: [1, 2], color: ['red', 'green'], attach: ['p', 'q'] },
    });
    expect((await waitForRecord(q, 'typed')).result).toMatchObject({
      status: 'completed',
      output: { files: ['c.txt'], tags: ['x', 'y'], skip: ['-z'], sizes: null, color: null, attach: null },
    });
  });

  it('keeps the JSON error a failing plugin prints, with its exit code and stderr', async () => {
    const q = tempQueue();
    addPlugin(q, 'tg');
    await daemon(q);
    q.drop('fail.json', job('fail', 'tg', 'fail', { code: 3 }));
    const record = await waitForRecord(q, 'fail');
    expect(record.result).toMatchObject({ status: 'failed', returncode: 3, output: { ok: false, error: 'the bot is asleep' } });
  });

  it('gives no output when stdout is not JSON', async () => {
    const q = tempQueue();
    mkdirSync(q.path('plugins', 'say'), { recursive: true });
    writeFileSync(q.path('plugins', 'say', 'cli.sh'), 'echo "hello $2"\n');
    writeFileSync(q.path('plugins', 'say', 'plugin.json'), JSON.stringify({ args: { to: { required: true } } }));
    await daemon(q);
    q.drop('say.json', job('say', 'say', undefined, { to: 'you' }));
    const record = await waitForRecord(q, 'say');
    expect(record.result).toMatchObject({ status: 'completed', stdout: 'hello you\n' });
    expect(record.result).not.toHaveProperty('output');
  });

  it('fails a job the plugin would not accept as invalid, saying what exists', async () => {
    const q = tempQueue();
    addPlugin(q, 'tg');
    await daemon(q, '--concurrency', '4');
    const cases = [
      ['unknown-plugin', { plugin: 'tgg', command: 'send' }, 'plugin: no plugin named "tgg" (did you mean "tg"?); plugins: tg'],
      ['unknown-command', { plugin: 'tg', command: 'click' }, 'command: tg has no command "click"'],
      ['unknown-flag', { plugin: 'tg', command: 'send', args: { to: 'bob', text: 'hi', attachment: 'a' } }, 'args.attachment: tg send has no argument "attachment" (did you mean "attach"?); arguments: --to {alice,bob}, --text TEXT, --attach FILE …, --priority {low,high}'],
      ['missing-flag', { plugin: 'tg', command: 'send', args: { to: 'bob' } }, 'args: tg send needs "text" (--text TEXT)'],
      ['not-a-choice', { plugin: 'tg', command: 'send', args: { to: 'carol', text: 'hi' } }, 'args.to: "carol" is not one of alice, bob'],
    ] as const;
    for (const [id, fields] of cases) q.drop(`${id}.json`, JSON.stringify({ task_id: id, ...fields }));
    for (const [id, , error] of cases) {
      const record = await waitForRecord(q, id);
      expect(record.result.status, id).toBe('invalid');
      expect(record.result.error, id).toContain(error);
    }
  });

  it('picks up a plugin added while the daemon runs', async () => {
    const q = tempQueue();
    const d = await daemon(q);
    q.drop('early.json', job('early', 'late', 'fail', {}));
    expect((await waitForRecord(q, 'early')).result).toMatchObject({ status: 'invalid', error: expect.stringMatching(/no plugin named "late"; this queue has no plugins/) });
    addPlugin(q, 'late');
    q.drop('on-time.json', job('on-time', 'late', 'search', { query: 'cats', n: 2 }));
    expect((await waitForRecord(q, 'on-time')).result).toMatchObject({ status: 'completed', output: { argv: ['search', 'cats', '-n', '2'] } });
    expect(d.output()).toContain('plugins:       none yet');
  });
});

describe('plugin serialization', () => {
  // Two `slow` jobs that each wait (up to waitMs) for the other to start, and note
  // when they started and ended.
  async function pair(q: TempQueue, first: [string, string], second: [string, string], waitMs: number) {
    const marks = join(q.dir, 'marks');
    mkdirSync(marks, { recursive: true });
    q.drop(`${first[0]}.json`, job(first[0], first[1], 'slow', { name: first[0], dir: marks, peer: second[0], 'wait-ms': waitMs }));
    q.drop(`${second[0]}.json`, job(second[0], second[1], 'slow', { name: second[0], dir: marks, peer: first[0], 'wait-ms': waitMs }));
    const records = await Promise.all([waitForRecord(q, first[0]), waitForRecord(q, second[0])]);
    for (const r of records) expect(r.result.status).toBe('completed');
    return records.map((r) => r.result.output as { start: number; end: number; met: boolean });
  }

  it('never runs two jobs of one plugin at the same time, even with --concurrency 4', async () => {
    const q = tempQueue();
    addPlugin(q, 'tg');
    await daemon(q, '--concurrency', '4');
    const [a, b] = await pair(q, ['a', 'tg'], ['b', 'tg'], 700);
    const [earlier, later] = a!.start < b!.start ? [a!, b!] : [b!, a!];
    expect(earlier.met).toBe(false); // waited in vain: the other had not started
    expect(earlier.end).toBeLessThanOrEqual(later.start);
  });

  it('runs the jobs of a plugin whose name is too long to name its group lock in hex', async () => {
    const q = tempQueue();
    const name = `${'long-'.repeat(28)}plugin`; // 146 bytes: 292 in hex, past a file name's 255
    mkdirSync(q.path('plugins', name), { recursive: true });
    writeFileSync(q.path('plugins', name, 'cli.sh'), 'echo \'{"ok": true}\'\n');
    writeFileSync(q.path('plugins', name, 'plugin.json'), '{"args": {}}');
    await daemon(q);
    q.drop('long.json', job('long', name, undefined, {}));
    expect((await waitForRecord(q, 'long')).result).toMatchObject({ status: 'completed', output: { ok: true } });
  });

  it('runs jobs of different plugins at the same time', async () => {
    const q = tempQueue();
    addPlugin(q, 'tg');
    addPlugin(q, 'other');
    await daemon(q, '--concurrency', '4');
    const [a, b] = await pair(q, ['a', 'tg'], ['b', 'other'], 15_000);
    // each saw the other start before it ended: they overlapped
    expect([a!.met, b!.met]).toEqual([true, true]);
    expect(Math.max(a!.start, b!.start)).toBeLessThanOrEqual(Math.min(a!.end, b!.end));
  });

  it('runs jobs of a plugin whose plugin.json says "parallel": true at the same time', async () => {
    const q = tempQueue();
    const slow = { args: { name: { required: true }, dir: { required: true }, peer: {}, 'wait-ms': { type: 'integer' } } };
    addPlugin(q, 'par', { parallel: true, commands: { slow } });
    await daemon(q, '--concurrency', '4');
    const [a, b] = await pair(q, ['a', 'par'], ['b', 'par'], 15_000);
    expect([a!.met, b!.met]).toEqual([true, true]);
  });

  it('says why a plugin job waits as the daemon sees it: for its plugin, unless the plugin is parallel', async () => {
    const q = tempQueue();
    const slow = { args: { name: { required: true }, dir: { required: true }, peer: {}, 'wait-ms': { type: 'integer' } } };
    addPlugin(q, 'par', { parallel: true, commands: { slow } });
    addPlugin(q, 'tg');
    await daemon(q, '--concurrency', '2');
    const marks = join(q.dir, 'marks');
    mkdirSync(marks);
    // One job of each plugin runs (each waits in vain for a peer that never comes).
    q.drop('par-1.json', job('par-1', 'par', 'slow', { name: 'par-1', dir: marks, peer: 'none', 'wait-ms': 20_000 }));
    q.drop('tg-1.json', job('tg-1', 'tg', 'slow', { name: 'tg-1', dir: marks, peer: 'none', 'wait-ms': 20_000 }));
    await waitFor(() => existsSync(join(marks, 'par-1.start')) && existsSync(join(marks, 'tg-1.start')), { what: 'both first jobs to start' });
    q.drop('par-2.json', job('par-2', 'par', 'slow', { name: 'par-2', dir: marks }));
    q.drop('tg-2.json', job('tg-2', 'tg', 'slow', { name: 'tg-2', dir: marks }));

    const env = { XDG_CONFIG_HOME: q.dir };
    const listed = await mcpq(['list', '-q', q.root, '--json'], { env });
    const waiting = Object.fromEntries(JSON.parse(listed.stdout).pending.map((p: { id: string; waiting: unknown }) => [p.id, p.waiting]));
    expect(waiting).toEqual({ 'par-2': { reason: 'ready' }, 'tg-2': { reason: 'group', group: 'tg' } });
    const shown = await mcpq(['show', '-q', q.root, 'par-2', '--json'], { env });
    expect(JSON.parse(shown.stdout).waiting).toEqual({ reason: 'ready' });
  });
});
