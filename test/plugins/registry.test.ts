// Discovery and introspection on real folders, with real interpreters: which folders
// are plugins, what a broken one looks like, when help is read again.
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HelpResult } from '../../src/plugins/help-cache.js';
import { PluginRegistry, isCurrent, type Plugin } from '../../src/plugins/registry.js';
import { tempQueue } from '../helpers/mcpq.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

// A sh plugin whose --help is argparse-shaped and counts how often it is asked.
const COUNTING_HELP = `#!/bin/sh
if [ "$1" = "--help" ]; then
  echo run >> "$(dirname "$0")/help-runs"
  printf 'usage: echoer [-h] --text TEXT\\n\\nSay it back.\\n\\noptions:\\n  -h, --help   show this help message and exit\\n  --text TEXT  what to say\\n'
  exit 0
fi
echo "{\\"said\\": \\"$2\\"}"
`;

function plugins(root: string, files: Record<string, string>, mode?: Record<string, number>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
    if (mode?.[path] !== undefined) chmodSync(join(root, path), mode[path]!);
  }
}

const byName = (list: readonly Plugin[]) => Object.fromEntries(list.map((p) => [p.name, p]));

// A plugins folder in a fresh temp queue, with a help cache, holding `files`. Plugins
// whose help starts with COUNT_RUN count how often it is run: runs(name).
function pluginsFolder(files: Record<string, string>) {
  const q = tempQueue();
  const root = join(q.dir, 'plugins');
  plugins(root, files);
  const counted = (name: string) => join(root, name, 'help-runs');
  const runs = (name: string) => (existsSync(counted(name)) ? readFileSync(counted(name), 'utf8').split('\n').filter(Boolean).length : 0);
  return { q, root, cacheDir: join(root, '.cache'), runs };
}
const COUNT_RUN = 'echo run >> "$(dirname "$0")/help-runs"\n';

// A plugins folder with one plugin, echoer, that counts how often its help is run.
function countingEchoer() {
  const { root, cacheDir, runs } = pluginsFolder({ 'echoer/cli.sh': COUNTING_HELP });
  return { root, cacheDir, runs: () => runs('echoer') };
}

describe('PluginRegistry', () => {
  it('finds every entry form and runs each with its interpreter', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    cpSync(join(FIXTURES, 'tg'), join(root, 'py'), { recursive: true });
    plugins(
      root,
      {
        'sh/cli.sh': COUNTING_HELP,
        'exe/cli': COUNTING_HELP,
        'mjs/cli.mjs': 'console.log(JSON.stringify({ hi: process.argv.slice(2) }))\n',
        'mjs/plugin.json': JSON.stringify({ commands: { hi: { args: { name: {} } } } }),
        '.cache/ignored.json': '{}',
        'README.md': 'not a plugin',
      },
      { 'exe/cli': 0o755 },
    );
    const registry = new PluginRegistry({ roots: [root] });
    const found = byName(await registry.scan());
    expect(Object.keys(found).sort()).toEqual(['exe', 'mjs', 'py', 'sh']);
    expect(Object.values(found).map((p) => [p.name, p.status])).toEqual(Object.values(found).map((p) => [p.name, 'ok']));
    const program = (name: string) => (found[name]?.status === 'ok' ? found[name].program : undefined);
    expect(program('py')).toEqual({ file: 'python3', args: [join(root, 'py/cli.py')] });
    expect(program('sh')).toEqual({ file: '/bin/sh', args: [join(root, 'sh/cli.sh')] });
    expect(program('exe')).toEqual({ file: join(root, 'exe/cli'), args: [] });
    expect(program('mjs')).toEqual({ file: process.execPath, args: [join(root, 'mjs/cli.mjs')] });
    expect(await registry.resolve({ kind: 'plugin', plugin: 'py', command: 'click-button', flags: { 'button-text': 'Payments', 'msg-id': 12345678 } })).toEqual({
      ok: true,
      command: { file: 'python3', args: [join(root, 'py/cli.py'), 'click-button', '--button-text', 'Payments', '--msg-id', '12345678'] },
      secretKeys: new Set(),
    });
  });

  it('lists a plugin it cannot use with the reason, and still lists the others', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    plugins(
      root,
      {
        'good/cli.sh': COUNTING_HELP,
        'noexec/cli': COUNTING_HELP,
        'empty/notes.txt': '',
        'crashes/cli.sh': 'echo "Traceback: boom" >&2; exit 1\n',
        'hangs/cli.sh': 'sleep 30\n',
        'custom/cli.sh': 'echo "Run me with a file name."\n',
        'badjson/cli.sh': COUNTING_HELP,
        'badjson/plugin.json': '{"commands": {"a": {"args": {"x": {"type": "int"}}}}}',
      },
      { 'noexec/cli': 0o644 },
    );
    const found = byName(await new PluginRegistry({ roots: [root], helpTimeoutMs: 400 }).scan());
    const error = (name: string) => (found[name]?.status === 'error' ? found[name].error : `status ${found[name]?.status}`);
    expect(found.good?.status).toBe('ok');
    expect(error('noexec')).toMatch(/cli is not executable \(chmod \+x/);
    expect(error('empty')).toMatch(/no entry file \(one of cli, cli\.py, cli\.js, cli\.mjs, cli\.sh\)/);
    expect(error('crashes')).toBe('"cli --help" exited with code 1: Traceback: boom');
    expect(error('hangs')).toBe('"cli --help" did not finish within 0.4s');
    expect(error('custom')).toMatch(/not argparse-style\); describe it in a plugin\.json/);
    expect(error('badjson')).toMatch(/^plugin\.json: commands\.a\.args\.x\.type/);
    // Only the help that timed out may do better when asked again.
    const transient = Object.values(found).flatMap((p) => (p.status === 'error' && p.transient !== undefined ? [p.name] : []));
    expect(transient).toEqual(['hangs']);
  });

  it('counts the failures that may pass in a row, across processes, and gives the plugin up after 20', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    const cacheDir = join(root, '.cache');
    // Killed (as by the OOM killer) until the file ok is there.
    plugins(root, { 'oom/cli.sh': `[ -e "$(dirname "$0")/ok" ] && { printf 'usage: oom [-h]\\n'; exit 0; }\nkill -KILL $$\n` });
    let now = 1_000_000;
    const registry = () => new PluginRegistry({ roots: [root], cacheDir, clock: () => now });
    const killed = '"cli --help" was killed by SIGKILL: no output';
    const process1 = registry();
    expect(await process1.find('oom')).toMatchObject({ status: 'error', error: killed, transient: { plugin: 'oom', error: killed, tries: 1, since: now, retryAt: now + 30_000 } });
    expect(await process1.resolve({ kind: 'plugin', plugin: 'oom', command: undefined, flags: {} })).toEqual({
      ok: false,
      error: `plugin: oom cannot be used: ${killed}`,
      wait: { plugin: 'oom', error: killed, tries: 1, since: now, retryAt: now + 30_000 },
    });
    for (let tries = 2; tries < 20; tries += 1) {
      now += 30_000;
      const found = await (tries % 2 === 0 ? registry() : process1).find('oom'); // another process, or this one
      expect(found).toMatchObject({ transient: { tries, since: 1_000_000 } });
    }
    now += 30_000;
    const given = await process1.find('oom');
    expect(given).toMatchObject({ status: 'error', error: expect.stringMatching(/^"cli --help" was killed by SIGKILL: no output, 20 times in a row since 1970-01-01T00:16:40\.000Z, so its jobs no longer wait for it; if its --help is only slow, raise MCPQ_PLUGIN_HELP_TIMEOUT/) });
    expect(given).not.toHaveProperty('transient');
    expect(await process1.stateOf('oom')).toMatchObject({ kind: 'unusable' });
    writeFileSync(join(root, 'oom/ok'), '');
    now += 30_000;
    expect(await process1.stateOf('oom')).toEqual({ kind: 'usable' });
  });

  it("says why a plugin's jobs wait from the cache alone, never running its help", async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    const cacheDir = join(root, '.cache');
    plugins(root, { 'slow/cli.sh': 'echo run >> "$(dirname "$0")/help-runs"\nsleep 30\n', 'fine/cli.sh': COUNTING_HELP });
    const registry = new PluginRegistry({ roots: [root], cacheDir, helpTimeoutMs: 300 });
    expect([await registry.waitOf('slow'), await registry.waitOf('fine'), await registry.waitOf('none')]).toEqual([undefined, undefined, undefined]);
    expect(existsSync(join(root, 'slow/help-runs'))).toBe(false);
    await registry.scan();
    const elsewhere = new PluginRegistry({ roots: [root], cacheDir, helpTimeoutMs: 300 }); // `mcpq list`
    expect(await elsewhere.waitOf('slow')).toMatchObject({ plugin: 'slow', error: '"cli --help" did not finish within 0.3s', tries: 1 });
    expect(await elsewhere.waitOf('fine')).toBeUndefined();
    expect((await elsewhere.waiting()).map((w) => w.plugin)).toEqual(['slow']);
    expect(readFileSync(join(root, 'slow/help-runs'), 'utf8')).toBe('run\n');
  });

  it("gives up at the timeout on a help whose child left its group holding the help's output open", async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    // Prints its usage, then leaves a child in a session of its own with our stdout.
    plugins(root, {
      'escapes/cli.mjs': `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const child = spawn('sleep', ['30'], { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
writeFileSync(new URL('./child.pid', import.meta.url), String(child.pid));
child.unref();
console.log('usage: escapes [-h]');
`,
    });
    try {
      const started = Date.now();
      const found = await new PluginRegistry({ roots: [root], helpTimeoutMs: 1_000 }).find('escapes');
      expect(found?.status === 'error' && found.error).toBe('"cli --help" did not finish within 1s');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      const pid = join(root, 'escapes/child.pid');
      if (existsSync(pid)) process.kill(Number(readFileSync(pid, 'utf8')), 'SIGKILL');
    }
  });

  it('says a help that prints more than 1 MiB is too long, rather than how the plugin failed writing it', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    plugins(root, { 'chatty/cli.sh': 'yes "usage: chatty [-h]" | head -c 3000000\n' });
    const found = await new PluginRegistry({ roots: [root] }).find('chatty');
    expect(found?.status === 'error' && found.error).toBe('"cli --help" printed more than 1 MiB (a help text is shorter)');
  });

  it('runs at most 4 helps at once over all plugins, so that many plugins at once do not time out', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    mkdirSync(join(q.dir, 'running'));
    // Each help run notes how many runs are under way while it runs.
    const busy = `#!/bin/sh
running="$(dirname "$0")/../../running"
touch "$running/$$"; sleep 0.15
ls "$running" | wc -l >> "$(dirname "$0")/../../seen"
sleep 0.15; rm "$running/$$"
if [ "$1" = "--help" ]; then printf 'usage: p [-h] {a,b,c} ...\\n\\npositional arguments:\\n  {a,b,c}\\n'; else echo "usage: p $1 [-h]"; fi
`;
    plugins(root, { 'p1/cli.sh': busy, 'p2/cli.sh': busy, 'p3/cli.sh': busy });
    const found = await new PluginRegistry({ roots: [root] }).scan();
    expect(found.map((p) => p.status)).toEqual(['ok', 'ok', 'ok']);
    const seen = readFileSync(join(q.dir, 'seen'), 'utf8').trim().split('\n').map(Number);
    expect(seen).toHaveLength(12);
    expect(Math.max(...seen)).toBeLessThanOrEqual(4);
  });

  it('says why a job for a broken or unknown plugin cannot run', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    plugins(root, { 'notes/cli.sh': COUNTING_HELP, 'broken/cli': '' }, { 'broken/cli': 0o644 });
    const registry = new PluginRegistry({ roots: [root] });
    expect(await registry.resolve({ kind: 'plugin', plugin: 'notez', command: undefined, flags: {} })).toEqual({
      ok: false,
      error: 'plugin: no plugin named "notez" (did you mean "notes"?); plugins: broken, notes',
    });
    expect(await registry.resolve({ kind: 'plugin', plugin: 'broken', command: undefined, flags: {} })).toMatchObject({ ok: false, error: expect.stringMatching(/^plugin: broken cannot be used: cli is not executable/) });
  });

  it('lets the first root own a name and reports the shadowed one', async () => {
    const q = tempQueue();
    plugins(q.dir, { 'a/same/cli.sh': COUNTING_HELP, 'b/same/cli.sh': COUNTING_HELP, 'b/other/cli.sh': COUNTING_HELP });
    const found = await new PluginRegistry({ roots: [join(q.dir, 'a'), join(q.dir, 'b'), join(q.dir, 'missing')] }).scan();
    expect(found.map((p) => [p.name, p.dir, p.status])).toEqual([
      ['same', join(q.dir, 'a/same'), 'ok'],
      ['other', join(q.dir, 'b/other'), 'ok'],
      ['same', join(q.dir, 'b/same'), 'error'],
    ]);
    expect(found[2]?.status === 'error' && found[2].error).toBe(`shadowed by ${join(q.dir, 'a/same')} (a plugin of the same name found first)`);
  });

  it('takes cli.mjs as the entry when a folder of modules beside it is named cli', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    plugins(root, {
      'nodey/cli/lib.mjs': 'export const x = 1;\n',
      'nodey/cli.mjs': 'console.log("{}")\n',
      'nodey/plugin.json': JSON.stringify({ commands: { hi: {} } }),
    });
    const found = await new PluginRegistry({ roots: [root] }).find('nodey');
    expect(found?.status === 'ok' && found.program).toEqual({ file: process.execPath, args: [join(root, 'nodey/cli.mjs')] });
  });

  it('takes a root that holds an entry itself as one plugin', async () => {
    const q = tempQueue();
    plugins(q.dir, { 'solo/cli.sh': COUNTING_HELP });
    expect((await new PluginRegistry({ roots: [join(q.dir, 'solo')] }).scan()).map((p) => [p.name, p.status])).toEqual([['solo', 'ok']]);
  });

  it('reads help again only when the entry changes, and keeps it on disk between runs', async () => {
    const { root, cacheDir, runs } = countingEchoer();
    const registry = new PluginRegistry({ roots: [root], cacheDir });
    await registry.scan();
    await Promise.all([registry.scan(), registry.find('echoer'), registry.isParallel('echoer')]);
    expect(runs()).toBe(1);
    expect((await new PluginRegistry({ roots: [root], cacheDir }).find('echoer'))?.status).toBe('ok');
    expect(runs()).toBe(1); // a new process (a CLI command) reads the cache
    appendFileSync(join(root, 'echoer/cli.sh'), '# changed\n');
    await registry.scan();
    expect(runs()).toBe(2);
  });

  it('reads help again once when the cache was written by an mcpq that read help differently', async () => {
    const { root, cacheDir, runs } = countingEchoer();
    await new PluginRegistry({ roots: [root], cacheDir }).find('echoer');
    const cached = JSON.parse(readFileSync(join(cacheDir, 'echoer.json'), 'utf8'));
    delete cached.reader; // as an older mcpq wrote it
    writeFileSync(join(cacheDir, 'echoer.json'), JSON.stringify(cached));
    await new PluginRegistry({ roots: [root], cacheDir }).find('echoer');
    await new PluginRegistry({ roots: [root], cacheDir }).find('echoer');
    expect(runs()).toBe(2);
  });

  it('keeps on disk a help whose names a plugin.json could not use: choices as a positional, accents', async () => {
    const { root, cacheDir, runs: runsOf } = pluginsFolder({
      'odd/cli.sh': `${COUNT_RUN}printf 'usage: odd [-h] [--näme NÄME] {fast,slow}\\n\\npositional arguments:\\n  {fast,slow}  how\\n\\noptions:\\n  -h, --help   show this help message and exit\\n  --näme NÄME  a name\\n'
`,
    });
    const runs = () => runsOf('odd');
    const first = await new PluginRegistry({ roots: [root], cacheDir }).find('odd');
    expect(first?.status === 'ok' && first.spec.args.map((a) => a.name)).toEqual(['{fast,slow}', 'näme']);
    expect(await new PluginRegistry({ roots: [root], cacheDir }).find('odd')).toEqual(first);
    expect(runs()).toBe(1); // a new process (a CLI command) reads the cache
  });

  it('keeps a help that failed on disk too, and asks again 30 s after the failure', async () => {
    const { root, cacheDir, runs: runsOf } = pluginsFolder({ 'flaky/cli.sh': `${COUNT_RUN}echo "Traceback: boom" >&2\nexit 1\n` });
    const runs = () => runsOf('flaky');
    let now = 1_000_000;
    const registry = () => new PluginRegistry({ roots: [root], cacheDir, clock: () => now });
    const error = async (r: PluginRegistry) => {
      const plugin = await r.find('flaky');
      return plugin?.status === 'error' ? plugin.error : `status ${plugin?.status}`;
    };
    const first = registry();
    expect(await error(first)).toBe('"cli --help" exited with code 1: Traceback: boom');
    expect(JSON.parse(readFileSync(join(cacheDir, 'flaky.json'), 'utf8'))).toMatchObject({ at: now, error: '"cli --help" exited with code 1: Traceback: boom' });
    now += 29_999;
    const second = registry(); // a new process (a CLI command) reads the failure from the cache
    expect(await error(second)).toBe('"cli --help" exited with code 1: Traceback: boom');
    expect(await error(first)).toMatch(/Traceback: boom/);
    expect(runs()).toBe(1);
    now += 1; // 30 s after the failure, not after the second registry read it
    expect(await error(second)).toMatch(/Traceback: boom/);
    expect(runs()).toBe(2);
    expect(await error(first)).toMatch(/Traceback: boom/); // the cache now holds the new failure
    expect(await error(registry())).toMatch(/Traceback: boom/);
    expect(runs()).toBe(2);
  });

  it.each([
    ['a description, however old', { result: { ok: true }, at: 0 }, true],
    ['a failure under 30 s old', { result: { ok: false, error: 'x' }, at: 1_000_000 - 29_999 }, true],
    ['a failure 30 s old', { result: { ok: false, error: 'x' }, at: 1_000_000 - 30_000 }, false],
    ['a failure from a clock ahead of ours', { result: { ok: false, error: 'x' }, at: 1_000_000 + 1 }, false],
  ])('%s counts as current: %s', (_, help, current) => {
    expect(isCurrent(help as HelpResult, 1_000_000)).toBe(current);
  });

  it('picks up a plugin added after the first scan', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    mkdirSync(root);
    const registry = new PluginRegistry({ roots: [root] });
    expect(await registry.scan()).toEqual([]);
    plugins(root, { 'late/cli.sh': COUNTING_HELP });
    expect((await registry.find('late'))?.status).toBe('ok');
  });

  it('knows which plugins declare themselves parallel', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    plugins(root, {
      'par/cli.sh': 'true\n',
      'par/plugin.json': JSON.stringify({ parallel: true, commands: {} }),
      'ser/cli.sh': COUNTING_HELP,
    });
    const registry = new PluginRegistry({ roots: [root] });
    expect([await registry.isParallel('par'), await registry.isParallel('ser'), await registry.isParallel('none')]).toEqual([true, false, false]);
  });

  it('knows which flags of a plugin hold secrets from its plugin.json or the help cache, never running its --help', async () => {
    const { q, root, cacheDir, runs } = pluginsFolder({
      'vault/cli.sh': `${COUNT_RUN}printf 'usage: vault [-h] -t TOKEN [-k API_KEY] [-u USER]\\n\\noptions:\\n  -h, --help            show this help message and exit\\n  -t TOKEN, --token TOKEN\\n                        the token\\n  -k API_KEY            by its dest\\n  -u USER               who\\n'
`,
      'keys/cli.sh': COUNT_RUN,
      'keys/plugin.json': JSON.stringify({ args: { secret: { aliases: ['s'] }, n: {} } }),
    });
    const secretKeys = async (registry: PluginRegistry, name: string) => [...(await registry.pluginArgs([name]))(name, undefined).secretKeys].sort();

    expect(await secretKeys(new PluginRegistry({ roots: [root], cacheDir }), 'vault')).toEqual([]); // not described yet
    expect(await secretKeys(new PluginRegistry({ roots: [root], cacheDir }), 'keys')).toEqual(['s', 'secret']);
    expect([runs('vault'), runs('keys')]).toEqual([0, 0]);

    const daemon = new PluginRegistry({ roots: [root], cacheDir });
    const resolved = await daemon.resolve({ kind: 'plugin', plugin: 'vault', command: undefined, flags: { t: 'x', u: 'bob' } });
    expect(resolved).toMatchObject({ ok: true, command: { args: [join(root, 'vault/cli.sh'), '-t', 'x', '-u', 'bob'] } });
    expect(resolved.ok && [...(resolved.secretKeys ?? [])].sort()).toEqual(['k', 't', 'token']);
    expect(await secretKeys(daemon, 'vault')).toEqual(['k', 't', 'token']);
    expect(runs('vault')).toBe(1);

    expect(await secretKeys(new PluginRegistry({ roots: [root], cacheDir }), 'vault')).toEqual(['k', 't', 'token']); // from the cache
    appendFileSync(join(root, 'vault/cli.sh'), '# changed\n');
    expect(await secretKeys(new PluginRegistry({ roots: [root], cacheDir }), 'vault')).toEqual(['k', 't', 'token']); // an older description beats none
    expect(await secretKeys(new PluginRegistry({ roots: [join(q.dir, 'elsewhere')], cacheDir }), 'vault')).toEqual(['k', 't', 'token']); // a daemon's --plugins
    expect(runs('vault')).toBe(1);
  });

  it('says a plugin without plugin.json is not parallel without running its --help, which may hang', async () => {
    const q = tempQueue();
    const root = join(q.dir, 'plugins');
    plugins(root, { 'slow/cli.sh': 'echo run >> "$(dirname "$0")/help-runs"\nsleep 30\n' });
    expect(await new PluginRegistry({ roots: [root], helpTimeoutMs: 1_500 }).isParallel('slow')).toBe(false);
    expect(existsSync(join(root, 'slow/help-runs'))).toBe(false);
  });
});
