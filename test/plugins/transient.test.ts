// A plugin whose --help fails for a while (a slow or busy machine: it times out) is not
// a broken plugin: through a real daemon, its jobs wait in pending/ and run once it
// answers, while a plugin at fault still fails its jobs as invalid at once, and jobs
// of other plugins are not held up. The help timeout and the retry are shortened
// ($MCPQ_PLUGIN_HELP_TIMEOUT, the daemon's hidden --plugin-retry).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const FAST = ['--kill-grace', '1', '--grace', '2', '--settle', '300', '--rescan', '200', '--lease', '2', '--plugin-retry', '100'];
const HELP_TIMEOUT = '0.3';

// A sh plugin taking --name, whose --help notes each run and, until the file `ready`
// is in its folder, hangs past the help timeout (a bounded while: no test leaves it
// running for long).
const SLOW_UNTIL_READY = `#!/bin/sh
here="$(dirname "$0")"
if [ "$1" = "--help" ]; then
  echo run >> "$here/help-runs"
  [ -e "$here/ready" ] || sleep 5
  printf 'usage: cli [-h] [--name NAME]\\n\\nSays hello.\\n\\noptions:\\n  -h, --help   show this help message and exit\\n  --name NAME  who to greet\\n'
  exit 0
fi
echo "{\\"hello\\": \\"$2\\"}"
`;

function addPlugin(q: TempQueue, name: string, files: Record<string, string>, mode?: number): void {
  mkdirSync(q.path('plugins', name), { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    writeFileSync(q.path('plugins', name, file), content);
    if (mode !== undefined) chmodSync(q.path('plugins', name, file), mode);
  }
}

function daemon(q: TempQueue, ...args: string[]) {
  return startDaemon(q.root, [...FAST, ...args], { XDG_CONFIG_HOME: q.dir, MCPQ_PLUGIN_HELP_TIMEOUT: HELP_TIMEOUT });
}

function logLines(q: TempQueue): Record<string, any>[] {
  return existsSync(q.path('daemon.log')) ? readFileSync(q.path('daemon.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

const helpRuns = (q: TempQueue, plugin: string) => (existsSync(q.path('plugins', plugin, 'help-runs')) ? readFileSync(q.path('plugins', plugin, 'help-runs'), 'utf8').split('\n').filter(Boolean).length : 0);

async function waiting(q: TempQueue, id: string) {
  const { stdout } = await mcpq(['list', '-q', q.root, '--json'], { env: { XDG_CONFIG_HOME: q.dir } });
  return JSON.parse(stdout).pending.find((p: { id: string }) => p.id === id)?.waiting;
}

const job = (id: string, plugin: string, args: Record<string, unknown> = {}) => JSON.stringify({ task_id: id, plugin, args });

describe('a plugin whose --help fails for a while', () => {
  it('keeps its job waiting in pending/, says why, and runs it once the help answers', async () => {
    const q = tempQueue();
    addPlugin(q, 'slow', { 'cli.sh': SLOW_UNTIL_READY });
    const d = await daemon(q);
    q.drop('hello.json', job('hello', 'slow', { name: 'you' }));
    // Asked again in the background: one warning per try, each a new try.
    await waitFor(() => logLines(q).filter((l) => l.event === 'plugin_waits').length >= 2, { what: 'two tries of the help' });
    expect(q.files('failed')).toEqual([]);
    expect(q.files('pending')).toEqual(['hello.json']);
    const env = { XDG_CONFIG_HOME: q.dir };
    const [listed, shown, status] = await Promise.all([waiting(q, 'hello'), mcpq(['show', '-q', q.root, 'hello'], { env }), mcpq(['status', '-q', q.root, '--json'], { env })]);
    expect(listed).toMatchObject({ reason: 'plugin', plugin: 'slow', error: `"cli --help" did not finish within ${HELP_TIMEOUT}s`, tries: expect.any(Number) });
    expect(shown.stdout).toMatch(/waiting: +waits for plugin slow: "cli --help" did not finish within 0\.3s \(\d+ tries since/);
    expect(JSON.parse(status.stdout).plugins_waiting).toEqual([{ plugin: 'slow', error: `"cli --help" did not finish within ${HELP_TIMEOUT}s`, tries: expect.any(Number), since: expect.any(String) }]);

    writeFileSync(q.path('plugins', 'slow', 'ready'), '');
    const record = await waitForRecord(q, 'hello');
    expect(record.result).toMatchObject({ status: 'completed', attempts: 1, output: { hello: 'you' } });
    expect(record.result).not.toHaveProperty('earlier_attempts');
    await d.stop(); // its log written out
    const log = logLines(q);
    const tries = log.filter((l) => l.event === 'plugin_waits').map((l) => l.tries);
    expect(tries).toEqual(tries.map((_, i) => tries[0] + i)); // one line per try, none twice (the first may be the daemon's start's)
    expect(log.filter((l) => l.event === 'plugin_answers')).toHaveLength(1);
    // Claimed once and put back, then claimed once more and run: never run twice.
    expect(log.filter((l) => l.id === 'hello').map((l) => l.event)).toEqual(['claim', 'requeue', 'claim', 'start', 'finish']);
    expect(q.files('running')).toEqual([]);
  });

  it('does not hold up the jobs of other plugins, which run while it is asked again', async () => {
    const q = tempQueue();
    addPlugin(q, 'slow', { 'cli.sh': SLOW_UNTIL_READY });
    addPlugin(q, 'quick', { 'cli.sh': 'echo \'{"ok": true}\'\n', 'plugin.json': JSON.stringify({ args: {} }) });
    const d = await daemon(q); // one job at a time
    q.drop('slow.json', job('slow', 'slow', { name: 'you' }));
    await waitFor(() => logLines(q).some((l) => l.event === 'plugin_waits'), { what: 'the help to fail once' });
    const runsBefore = helpRuns(q, 'slow');
    for (const id of ['q1', 'q2', 'q3']) q.drop(`${id}.json`, job(id, 'quick'));
    q.drop('plain.json', JSON.stringify({ task_id: 'plain', command: 'true' }));
    for (const id of ['q1', 'q2', 'q3', 'plain']) expect((await waitForRecord(q, id)).result.status).toBe('completed');
    await waitFor(() => helpRuns(q, 'slow') > runsBefore, { what: 'the help to be asked again' });
    expect(q.files('pending')).toEqual(['slow.json']);
    await d.stop(); // its log written out
    // Its tries run beside the other jobs, not in a slot of theirs: it is never claimed again meanwhile.
    expect(logLines(q).filter((l) => l.id === 'slow').map((l) => l.event)).toEqual(['claim', 'requeue']);
  });

  it('fails a job as invalid once the help has failed 20 times in a row, saying how to mend it', async () => {
    const q = tempQueue();
    addPlugin(q, 'slow', { 'cli.sh': SLOW_UNTIL_READY });
    const env = { XDG_CONFIG_HOME: q.dir, MCPQ_PLUGIN_HELP_TIMEOUT: HELP_TIMEOUT };
    // Its cache as ten minutes of failed tries leave it: 19 so far, the last one due again.
    await mcpq(['plugins', '-q', q.root, '--json'], { env });
    const cache = q.path('plugins', '.cache', 'slow.json');
    const cached = JSON.parse(readFileSync(cache, 'utf8'));
    expect(cached.transient).toEqual({ since: cached.at, tries: 1 });
    writeFileSync(cache, JSON.stringify({ ...cached, at: cached.at - 60_000, transient: { since: cached.at - 600_000, tries: 19 } }));
    const d = await daemon(q);
    q.drop('hello.json', job('hello', 'slow', { name: 'you' }));
    const record = await waitForRecord(q, 'hello');
    expect(record.result).toMatchObject({ status: 'invalid', error: expect.stringMatching(/^plugin: slow cannot be used: "cli --help" did not finish within 0\.3s, (20|21|22) times in a row since .*; if its --help is only slow, raise MCPQ_PLUGIN_HELP_TIMEOUT \(seconds, now 0\.3\)/) });
    // 20, or one more when the job came after the try of the daemon's start was due again
    expect(JSON.parse(readFileSync(cache, 'utf8')).transient.tries).toBeGreaterThanOrEqual(20);
    await d.stop();
  });
});

describe('a plugin at fault', () => {
  // Each fails its job as invalid at once, with the reason; the control, a plugin
  // whose help times out, keeps its job waiting meanwhile.
  it('fails its jobs as invalid at once, as before, while a job for a plugin that times out waits', async () => {
    const q = tempQueue();
    addPlugin(q, 'slow', { 'cli.sh': SLOW_UNTIL_READY });
    addPlugin(q, 'garbage', { 'cli.sh': 'echo "Run me with a file name."\n' });
    addPlugin(q, 'crashes', { 'cli.sh': 'echo "ImportError: no module named bot" >&2; exit 1\n' });
    addPlugin(q, 'noexec', { cli: SLOW_UNTIL_READY }, 0o644);
    addPlugin(q, 'badjson', { 'cli.sh': 'true\n', 'plugin.json': '{"commands": {"a": {"args": {"x": {"type": "int"}}}}}' });
    const d = await daemon(q, '--concurrency', '4');
    q.drop('slow.json', job('slow', 'slow'));
    const cases = [
      ['garbage', /^plugin: garbage cannot be used: .*not argparse-style\); describe it in a plugin\.json/],
      ['crashes', /^plugin: crashes cannot be used: "cli --help" exited with code 1: ImportError: no module named bot$/],
      ['noexec', /^plugin: noexec cannot be used: cli is not executable/],
      ['badjson', /^plugin: badjson cannot be used: plugin\.json: commands\.a\.args\.x\.type/],
    ] as const;
    for (const [plugin] of cases) q.drop(`${plugin}.json`, job(plugin, plugin));
    for (const [plugin, error] of cases) expect((await waitForRecord(q, plugin)).result, plugin).toMatchObject({ status: 'invalid', error: expect.stringMatching(error) });
    await waitFor(() => logLines(q).some((l) => l.event === 'plugin_waits'), { what: 'the slow help to fail once' });
    expect(q.files('pending')).toEqual(['slow.json']);
    await d.stop(); // its log written out
    expect(logLines(q).filter((l) => l.event === 'plugin_waits' && l.plugin !== 'slow')).toEqual([]);
  });
});
