// Secrets in a job (env, exec-form arguments, a shell line): mcpq list and show (text
// and --json) and cancel --json never print them, in any state, while the job file and
// its record keep them and the job runs with them. Each secret starts with SEK, and
// the job prints its values without that prefix: "RET4" in its output proves that it
// got the real "SEKRET4", not "[redacted]".
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';

const FAST = ['--kill-grace', '1', '--settle', '300', '--rescan', '200', '--lease', '2'];
const SECRET_ARGS = ['--token', 'SEKRET4', '--password=SEKRET5', '-H', 'Authorization: Bearer SEKRET19', 'https://user:SEKRET6@localhost/x'];
// Prints each argument and $API_TOKEN without their secrets' prefix, then waits for
// the test to let it finish, so that it can be looked at while it runs.
const SCRIPT = 'for a; do echo "arg:${a#*SEK}"; done; echo "env:${API_TOKEN#SEK}"; while [ ! -e "$RELEASE" ]; do sleep 0.05; done';

// Every view the CLI has of job `id`: none may hold a secret.
async function views(q: TempQueue, id: string): Promise<string[]> {
  const runs = await Promise.all([['list'], ['list', '--json'], ['show', id], ['show', id, '--json']].map((args) => mcpq([...args, '-q', q.root])));
  for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
  return runs.map((r) => r.stdout);
}

function expectNoSecret(texts: readonly string[]): void {
  for (const text of texts) {
    expect(text).not.toContain('SEKRET');
    expect(text).toContain('[redacted]');
  }
}

describe('secrets in mcpq list and show', () => {
  it('are redacted while the job is pending, running and finished; the files keep them and the job runs with them', async () => {
    const q = tempQueue();
    const release = join(q.dir, 'release');
    const submitted = await mcpq(['submit', '-q', q.root, '--id', 'sec', '--env', 'API_TOKEN=SEKRET1', '--env', `RELEASE=${release}`, '--', 'sh', '-c', SCRIPT, 'sh', ...SECRET_ARGS]);
    expect(submitted.exitCode, submitted.stderr).toBe(0);
    const shell = await mcpq(['submit', '-q', q.root, '--id', 'sh', '--shell', `API_KEY=SEKRET8 sh -c 'echo "got:\${API_KEY#SEK}"' -H "Authorization: Bearer SEKRET9"`]);
    expect(shell.exitCode, shell.stderr).toBe(0);

    const pending = await views(q, 'sec');
    expectNoSecret([...pending, ...(await views(q, 'sh'))]);
    expect(pending[0]).toContain(`--token '[redacted]' '--password=[redacted]' -H 'Authorization: Bearer [redacted]' 'https://user:[redacted]@localhost/x'`);
    expect(JSON.parse(pending[3]!).job).toMatchObject({ env: { API_TOKEN: '[redacted]', RELEASE: release } });
    expect(readFileSync(q.path('pending', 'sec.json'), 'utf8')).toContain('SEKRET4');

    await startDaemon(q.root, FAST);
    await waitFor(async () => JSON.parse((await mcpq(['show', 'sec', '--json', '-q', q.root])).stdout).started_at, { what: 'sec to run' });
    const running = await views(q, 'sec');
    expectNoSecret(running);
    expect(JSON.parse(running[3]!)).toMatchObject({ state: 'running', job: { args: expect.arrayContaining(['--token', '[redacted]']) } });

    writeFileSync(release, '');
    const record = await waitForRecord(q, 'sec');
    await waitForRecord(q, 'sh');
    expectNoSecret([...(await views(q, 'sec')), ...(await views(q, 'sh'))]);

    // The record is the job as submitted; the job got the real values.
    expect(record.result).toMatchObject({ status: 'completed' });
    expect(record.env.API_TOKEN).toBe('SEKRET1');
    expect(record.args.slice(3)).toEqual(SECRET_ARGS);
    expect(readFileSync(q.path('logs', 'sec.out'), 'utf8')).toBe(['arg:--token', 'arg:RET4', 'arg:RET5', 'arg:-H', 'arg:RET19', 'arg:RET6@localhost/x', 'env:RET1', ''].join('\n'));
    expect(q.record('sh')!.command).toContain('SEKRET8');
    expect(readFileSync(q.path('logs', 'sh.out'), 'utf8')).toBe('got:RET8\n');
  });

  it('are redacted in the record mcpq cancel --json prints', async () => {
    const q = tempQueue();
    await mcpq(['submit', '-q', q.root, '--id', 'c', '--env', 'DB_PASSWORD=SEKRET1', '--', 'curl', '--token', 'SEKRET2', 'https://u:SEKRET3@localhost/']);
    const cancelled = await mcpq(['cancel', 'c', '--json', '-q', q.root]);
    expect(cancelled.exitCode, cancelled.stderr).toBe(0);
    expectNoSecret([cancelled.stdout]);
    expect(JSON.parse(cancelled.stdout)[0]).toMatchObject({ outcome: 'cancelled', record: { args: ['--token', '[redacted]', 'https://u:[redacted]@localhost/'], result: { status: 'cancelled' } } });
    expect(q.record('c')).toMatchObject({ env: { DB_PASSWORD: 'SEKRET1' }, args: ['--token', 'SEKRET2', 'https://u:SEKRET3@localhost/'] });
  });
});

// An argparse plugin whose secret options have names that do not look secret: "-t,
// --token" (a job may give it as "t") and "-k API_KEY" (dest api_key). It prints its
// values without their prefix.
const VAULT = `import argparse, json
p = argparse.ArgumentParser(description='a vault')
p.add_argument('-t', '--token', required=True)
p.add_argument('-k', dest='api_key')
p.add_argument('-u', dest='user')
a = p.parse_args()
print(json.dumps({'token': a.token[3:], 'key': (a.api_key or '')[3:], 'user': a.user}))
`;

function addVault(q: TempQueue): void {
  mkdirSync(q.path('plugins', 'vault'), { recursive: true });
  writeFileSync(q.path('plugins', 'vault', 'cli.py'), VAULT);
}

describe('secret plugin flags given by a name that does not look secret', () => {
  it('are redacted in daemon.log, list and show of a job file dropped before anything described its plugin; the job runs with them', async () => {
    const q = tempQueue();
    addVault(q);
    q.drop('d1.json', JSON.stringify({ task_id: 'd1', plugin: 'vault', args: { t: 'SEKRET1', k: 'SEKRET2', u: 'bob' } }));
    await startDaemon(q.root, FAST);
    const record = await waitForRecord(q, 'd1');

    const shown = await views(q, 'd1');
    expectNoSecret(shown);
    expect(shown[0]).toContain(`vault -t '[redacted]' -k '[redacted]' -u bob`);
    expect(JSON.parse(shown[3]!).args).toEqual({ t: '[redacted]', k: '[redacted]', u: 'bob' });
    const log = readFileSync(q.path('daemon.log'), 'utf8');
    expect(log).not.toContain('SEKRET');
    expect(log).toContain('"args":{"t":"[redacted]","k":"[redacted]","u":"bob"}');

    // The record is the job as submitted; the plugin got the real values.
    expect(record).toMatchObject({ args: { t: 'SEKRET1', k: 'SEKRET2', u: 'bob' }, result: { status: 'completed', output: { token: 'RET1', key: 'RET2', user: 'bob' } } });
  });

  it('are redacted while a job mcpq submit queued is pending, and in the record cancel --json prints', async () => {
    const q = tempQueue();
    addVault(q);
    for (const [id, ...args] of [['c1', 't=SEKRET3', 'k=SEKRET4', 'u=bob'], ['c2', 't=SEKRET5']]) {
      const submitted = await mcpq(['submit', '-q', q.root, '--id', id!, '--plugin', 'vault', ...args.flatMap((a) => ['--arg', a])]);
      expect(submitted.exitCode, submitted.stderr).toBe(0);
    }
    q.drop('d2.json', JSON.stringify({ task_id: 'd2', plugin: 'vault', args: { t: 'SEKRET6' } }));

    const pending = await views(q, 'c1');
    expectNoSecret([...pending, ...(await views(q, 'd2'))]);
    expect(pending[0]).toContain(`vault -t '[redacted]' -k '[redacted]' -u bob`);
    expect(JSON.parse(pending[3]!).job.args).toEqual({ t: '[redacted]', k: '[redacted]', u: 'bob' });
    expect(readFileSync(q.path('pending', 'c1.json'), 'utf8')).toContain('SEKRET3'); // the file keeps what was submitted

    const cancelled = await mcpq(['cancel', 'c2', '--json', '-q', q.root]);
    expect(cancelled.exitCode, cancelled.stderr).toBe(0);
    expectNoSecret([cancelled.stdout]);
    expect(JSON.parse(cancelled.stdout)[0]).toMatchObject({ outcome: 'cancelled', record: { args: { t: '[redacted]' } } });
    expect(q.record('c2')).toMatchObject({ args: { t: 'SEKRET5' } });
  });
});
