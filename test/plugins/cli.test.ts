// `mcpq plugins`, `mcpq submit --plugin` and the views of plugin jobs as a user runs
// them: the built CLI against a temp queue, with its own config folder.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const FAST = ['--kill-grace', '1', '--grace', '2', '--settle', '300', '--rescan', '200', '--lease', '2'];

function setUp(): TempQueue & { env: Record<string, string> } {
  const q = tempQueue();
  cpSync(join(FIXTURES, 'tg'), q.path('plugins', 'tg'), { recursive: true });
  mkdirSync(q.path('plugins', 'broken'), { recursive: true });
  writeFileSync(q.path('plugins', 'broken', 'cli.sh'), 'echo "no help here" >&2; exit 1\n');
  return Object.assign(q, { env: { XDG_CONFIG_HOME: join(q.dir, 'config') } });
}

describe('mcpq plugins', () => {
  it('--json lists every plugin with its commands, arguments and an example each', async () => {
    const q = setUp();
    const { stdout, exitCode } = await mcpq(['plugins', '-q', q.root, '--json'], { env: q.env });
    expect(exitCode).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.roots).toEqual([q.path('plugins')]);
    expect(out.plugins.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
      ['broken', 'error'],
      ['tg', 'ok'],
    ]);
    expect(out.plugins[0]).toEqual({ name: 'broken', status: 'error', dir: q.path('plugins', 'broken'), entry: q.path('plugins', 'broken', 'cli.sh'), error: '"cli --help" exited with code 1: no help here' });
    const tg = out.plugins[1];
    expect(tg).toMatchObject({ entry: q.path('plugins', 'tg', 'cli.py'), source: '--help', parallel: false, description: 'Drive a chat bot from the command line.' });
    const click = tg.commands.find((c: { name: string }) => c.name === 'click-button');
    expect(click).toEqual({
      name: 'click-button',
      description: 'click a button under a message',
      args: [
        { name: 'button-text', aliases: [], type: 'string', required: true, repeatable: false, list: false, positional: false, choices: null, metavar: 'BUTTON_TEXT', help: "the button's label", usage: '--button-text BUTTON_TEXT' },
        { name: 'msg-id', aliases: [], type: 'integer', required: true, repeatable: false, list: false, positional: false, choices: null, metavar: 'N', help: 'the message id', usage: '--msg-id N' },
        { name: 'dry-run', aliases: [], type: 'boolean', required: false, repeatable: false, list: false, positional: false, choices: null, metavar: null, help: 'only say what would be clicked', usage: '--dry-run' },
      ],
      example: {
        job: { plugin: 'tg', command: 'click-button', args: { 'button-text': 'BUTTON_TEXT', 'msg-id': 1 } },
        submit: 'mcpq submit --plugin tg click-button --arg button-text=BUTTON_TEXT --arg msg-id=1',
      },
    });
  });

  it('shows an argument that takes several values after one flag as argparse writes it', async () => {
    const q = setUp();
    cpSync(join(FIXTURES, 'tag'), q.path('plugins', 'tag'), { recursive: true });
    const text = await mcpq(['plugins', '-q', q.root, 'tag'], { env: q.env });
    expect(text.stdout).toMatch(/^ +files \[files \.\.\.\] +required; the files to tag$/m);
    expect(text.stdout).toMatch(/^ +--tags TAG \[TAG \.\.\.\] +required; tags to add$/m);
    const { plugins } = JSON.parse((await mcpq(['plugins', '-q', q.root, 'tag', '--json'], { env: q.env })).stdout);
    expect(plugins[0].args.map((a: { name: string; list: boolean; repeatable: boolean; usage: string }) => [a.name, a.list, a.repeatable, a.usage])).toEqual([
      ['files', true, false, 'files [files ...]'],
      ['tags', true, false, '--tags TAG [TAG ...]'],
      ['skip', true, false, '--skip SKIP [SKIP ...]'],
      ['sizes', true, false, '--sizes N [N ...]'],
      ['color', true, false, '--color {red,green} [{red,green} ...]'],
      ['attach', false, true, '--attach FILE …'],
    ]);
  });

  it('shows one plugin by name, and suggests a name it does not know', async () => {
    const q = setUp();
    const one = await mcpq(['plugins', '-q', q.root, 'tg'], { env: q.env });
    expect(one.exitCode).toBe(0);
    expect(one.stdout).toContain('e.g. mcpq submit --plugin tg send --arg to=alice --arg text=TEXT');
    expect(one.stdout).toContain('job: {"plugin":"tg","command":"send","args":{"to":"alice","text":"TEXT"}}');
    expect(one.stdout).not.toContain('broken');
    const typo = await mcpq(['plugins', '-q', q.root, 'tgg'], { env: q.env });
    expect(typo).toMatchObject({ exitCode: 4, stderr: 'mcpq: no plugin named "tgg" (did you mean "tg"?); plugins: broken, tg\n' });
  });

  it('also looks in --plugins DIR and in the config file\'s "plugins" folders', async () => {
    const q = setUp();
    for (const dir of [join(q.dir, 'by-flag', 'flagged'), join(q.dir, 'config', 'mcpq', 'tools', 'configured')]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'cli.sh'), 'echo "{}"\n');
      writeFileSync(join(dir, 'plugin.json'), '{"args": {}}');
    }
    writeFileSync(join(q.dir, 'config', 'mcpq', 'config.json'), JSON.stringify({ plugins: ['tools'] }));
    const { stdout } = await mcpq(['plugins', '-q', q.root, '--json', '--plugins', join(q.dir, 'by-flag')], { env: q.env });
    const out = JSON.parse(stdout);
    expect(out.roots).toEqual([q.path('plugins'), join(q.dir, 'by-flag'), join(q.dir, 'config', 'mcpq', 'tools')]);
    expect(out.plugins.map((p: { name: string }) => p.name)).toEqual(['broken', 'tg', 'flagged', 'configured']);
  });

  it('exits 0 for a working plugin by name when a copy of it in a later folder is shadowed, 1 when it is broken', async () => {
    const q = setUp();
    for (const name of ['tg', 'broken']) cpSync(q.path('plugins', name), join(q.dir, 'extra', name), { recursive: true });
    const args = (name: string) => ['plugins', '-q', q.root, name, '--plugins', join(q.dir, 'extra')];
    const tg = await mcpq(args('tg'), { env: q.env });
    expect(tg.stdout).toContain(`shadowed by ${q.path('plugins', 'tg')}`);
    expect(tg.exitCode).toBe(0);
    expect((await mcpq(args('broken'), { env: q.env })).exitCode).toBe(1);
  });

  it("gives the last line of a plugin's traceback as the reason it cannot be used", async () => {
    const q = setUp();
    mkdirSync(q.path('plugins', 'syntax'), { recursive: true });
    writeFileSync(q.path('plugins', 'syntax', 'cli.py'), 'import argparse\nprint(\n');
    const { stdout, exitCode } = await mcpq(['plugins', '-q', q.root, 'syntax'], { env: q.env });
    expect(exitCode).toBe(1);
    expect(stdout.split('\n').slice(0, 2)).toEqual(['syntax  (cannot be used)', `  "cli --help" exited with code 1: SyntaxError: '(' was never closed`]);
  });

  it('remembers a plugin whose help hangs between runs, and asks it again after 30 s', async () => {
    const q = setUp();
    mkdirSync(q.path('plugins', 'hang'), { recursive: true });
    writeFileSync(q.path('plugins', 'hang', 'cli.sh'), 'echo run >> "$(dirname "$0")/help-runs"\nsleep 60\n');
    const runs = () => readFileSync(q.path('plugins', 'hang', 'help-runs'), 'utf8').split('\n').filter(Boolean).length;
    const env = { ...q.env, MCPQ_PLUGIN_HELP_TIMEOUT: '1' };
    const hang = async () => JSON.parse((await mcpq(['plugins', '-q', q.root, '--json'], { env })).stdout).plugins.find((p: { name: string }) => p.name === 'hang');
    const reason = '"cli --help" did not finish within 1s';
    expect(await hang()).toMatchObject({ status: 'error', error: reason });
    expect(await hang()).toMatchObject({ status: 'error', error: reason });
    expect(runs()).toBe(1);
    const cache = q.path('plugins', '.cache', 'hang.json');
    const cached = JSON.parse(readFileSync(cache, 'utf8'));
    expect(cached).toMatchObject({ error: reason, at: expect.any(Number) });
    writeFileSync(cache, JSON.stringify({ ...cached, at: cached.at - 30_000 }));
    expect(await hang()).toMatchObject({ status: 'error', error: reason });
    expect(runs()).toBe(2);
  });

  it('--stats counts jobs and times per plugin and command, from the records', async () => {
    const q = setUp();
    await startDaemon(q.root, FAST, q.env);
    const jobs = [
      ['s1', { plugin: 'tg', command: 'search', args: { query: 'a' } }],
      ['s2', { plugin: 'tg', command: 'search', args: { query: 'b' } }],
      ['f1', { plugin: 'tg', command: 'fail', args: {} }],
      ['i1', { plugin: 'tg', command: 'nope', args: {} }],
      ['plain', { command: 'true' }],
    ] as const;
    for (const [id, job] of jobs) q.drop(`${id}.json`, JSON.stringify({ task_id: id, ...job }));
    await Promise.all(jobs.map(([id]) => waitForRecord(q, id)));
    const { stdout, exitCode } = await mcpq(['plugins', '-q', q.root, '--stats', '--json'], { env: q.env });
    expect(exitCode).toBe(0);
    const [tg, ...others] = JSON.parse(stdout).stats;
    expect(others).toEqual([]);
    expect(tg).toMatchObject({ plugin: 'tg', count: 4, completed: 2, failed: 2, by_status: { completed: 2, failed: 1, invalid: 1 } });
    expect(tg.commands.search).toMatchObject({ count: 2, completed: 2, failed: 0 });
    expect(tg.commands.nope).toMatchObject({ count: 1, duration: null });
    const d = tg.duration;
    expect(d.max_ms).toBeGreaterThanOrEqual(d.p50_ms);
    expect(d.p50_ms).toBeGreaterThan(0);
    const text = await mcpq(['plugins', '-q', q.root, '--stats'], { env: q.env });
    expect(text.stdout).toMatch(/^plugin \/ command\s+jobs\s+ok\s+failed\s+mean\s+p50\s+max\ntg\s+4\s+2\s+2\s/);
  });
});

describe('mcpq list and show of plugin jobs', () => {
  it("show a job's command line as the daemon will run it once its plugin is described, mcpq's generic mapping before", async () => {
    const q = tempQueue();
    const env = { XDG_CONFIG_HOME: q.dir };
    cpSync(join(FIXTURES, 'tag'), q.path('plugins', 'tag'), { recursive: true });
    q.drop('t1.json', JSON.stringify({ task_id: 't1', plugin: 'tag', args: { files: ['a.txt', 'b.txt'], tags: ['x', 'y'], sizes: [1, 2], attach: ['p', 'q'] } }));

    // Views never run a plugin's --help: not described yet, it reads as mcpq maps args.
    expect((await mcpq(['list', '-q', q.root], { env })).stdout).toContain('tag --files a.txt --files b.txt --tags x --tags y --sizes 1 --sizes 2 --attach p --attach q');
    expect((await mcpq(['plugins', '-q', q.root], { env })).exitCode).toBe(0);
    const [list, show] = await Promise.all([mcpq(['list', '-q', q.root], { env }), mcpq(['show', 't1', '-q', q.root], { env })]);
    expect([list.exitCode, show.exitCode]).toEqual([0, 0]);
    expect(list.stdout).toMatch(/ t1 .* tag a\.txt b\.txt --tags x y --sizes 1 2 --attach p --attach q\n/);
    expect(show.stdout).toContain('command:  tag a.txt b.txt --tags x y --sizes 1 2 --attach p --attach q\n');
  });
});

describe('--plugins DIR', () => {
  it.each([['plugins'], ['daemon'], ['mcp']])('mcpq %s refuses a folder that does not exist, or a file, in one line (exit 2)', async (command) => {
    const q = setUp();
    const file = join(q.dir, 'a-file');
    writeFileSync(file, '');
    for (const [dir, why] of [[join(q.dir, 'nonexistent'), 'no such folder'], [file, 'not a folder']]) {
      const result = await mcpq([command, '-q', q.root, '--plugins', dir!], { env: q.env, timeout: 10_000 });
      expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr: `mcpq: --plugins ${dir}: ${why}\n` });
    }
    expect(q.files('daemons')).toEqual([]); // no daemon started
  });
});

describe('mcpq submit --plugin', () => {
  it('builds the job from --arg key=value, typed by the plugin, and --wait prints its output', async () => {
    const q = setUp();
    await startDaemon(q.root, FAST, q.env);
    const result = await mcpq(
      ['submit', '-q', q.root, '--id', 'click', '--plugin', 'tg', 'click-button', '--arg', 'button-text=Pay now', '--arg', 'msg-id=12345678', '--arg', 'dry-run', '--wait'],
      { env: q.env },
    );
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).argv).toEqual(['click-button', '--button-text', 'Pay now', '--msg-id', '12345678', '--dry-run']);
    expect(q.record('click')).toMatchObject({ plugin: 'tg', command: 'click-button', args: { 'button-text': 'Pay now', 'msg-id': 12345678, 'dry-run': true } });
  });

  it('repeats a key as a list, and keeps numeric strings as strings for string arguments', async () => {
    const q = setUp();
    const { stdout } = await mcpq(['submit', '-q', q.root, '--plugin', 'tg', 'send', '--arg', 'to=bob', '--arg', 'text=42', '--arg', 'attach=a', '--arg', 'attach=b'], { env: q.env });
    const job = JSON.parse(readFileSync(q.path('pending', `${stdout.trim()}.json`), 'utf8'));
    expect(job.args).toEqual({ to: 'bob', text: '42', attach: ['a', 'b'] });
  });

  it('refuses a job the plugin would not accept, saying what it takes', async () => {
    const q = setUp();
    const result = await mcpq(['submit', '-q', q.root, '--plugin', 'tg', 'send', '--arg', 'to=bob', '--arg', 'txt=hi'], { env: q.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'mcpq: invalid plugin job: args.txt: tg send has no argument "txt" (did you mean "text"?); arguments: --to {alice,bob}, --text TEXT, --attach FILE …, --priority {low,high}; args: tg send needs "text" (--text TEXT); mcpq plugins tg shows its commands and arguments\n',
    );
    expect(q.files('pending')).toEqual([]);
  });

  it('refuses a job for a plugin with a syntax error, saying why it cannot be used', async () => {
    const q = setUp();
    mkdirSync(q.path('plugins', 'bad'), { recursive: true });
    writeFileSync(q.path('plugins', 'bad', 'cli.py'), 'import argparse\nprint(\n');
    const result = await mcpq(['submit', '-q', q.root, '--plugin', 'bad', 'foo'], { env: q.env });
    const reason = `"cli --help" exited with code 1: SyntaxError: '(' was never closed`;
    expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr: `mcpq: invalid plugin job: plugin: bad cannot be used: ${reason}\n` });
    expect(q.files('pending')).toEqual([]);
  });

  // A short help timeout for the hanging one.
  it('says a job for a plugin whose help timed out cannot be checked now, and to try again (exit 75)', async () => {
    const q = setUp();
    mkdirSync(q.path('plugins', 'slow'), { recursive: true });
    writeFileSync(q.path('plugins', 'slow', 'cli.py'), 'import time; time.sleep(60)\n');
    const env = { ...q.env, MCPQ_PLUGIN_HELP_TIMEOUT: '0.5' };
    const expected = 'mcpq: cannot check the job now: plugin slow could not describe itself ("cli --help" did not finish within 0.5s); this may pass (a busy machine): nothing was queued, try again in 30s\n';
    expect(await mcpq(['submit', '-q', q.root, '--plugin', 'slow', 'foo'], { env })).toMatchObject({ exitCode: 75, stdout: '', stderr: expected });
    // Asked again within 30 s: the same answer, from the cache, without waiting on the help again.
    const again = await mcpq(['submit', '-q', q.root, '--plugin', 'slow', 'foo'], { env });
    expect(again).toMatchObject({ exitCode: 75, stderr: expect.stringMatching(/^mcpq: cannot check the job now: .*try again in \d+s\n$/) });
    expect(q.files('pending')).toEqual([]);
  });

  it('queues a job for a plugin it cannot see, for the daemon to check', async () => {
    const q = setUp();
    const result = await mcpq(['submit', '-q', q.root, '--plugin', 'elsewhere', 'go', '--arg', 'n=5'], { env: q.env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('mcpq: note: no plugin named "elsewhere"; plugins: broken, tg; queued for a daemon that has it\n');
    expect(JSON.parse(readFileSync(q.path('pending', `${result.stdout.trim()}.json`), 'utf8'))).toMatchObject({ plugin: 'elsewhere', command: 'go', args: { n: '5' } });
  });
});
