// Secrets in a job never come back from the MCP server: not in submit_job's record,
// get_job, list_jobs, cancel_job, the mcpq://jobs/<id> resource or the job_finished
// notification, text or structured content alike. The record file keeps them and the
// job runs with them: each secret starts with SEK, and the job prints it without that
// prefix, so "RET4" in its output proves that it got "SEKRET4".
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startDaemon, tempQueue, waitFor, type TempQueue } from '../helpers/mcpq.js';
import { connect, type Connected } from './client.js';

const FAST = ['--kill-grace', '1', '--settle', '300', '--rescan', '200', '--lease', '2'];
const SECRET_ARGS = ['--token', 'SEKRET4', '--password=SEKRET5', '-H', 'Authorization: Bearer SEKRET19', 'https://user:SEKRET6@localhost/x'];
const EXEC_JOB = {
  command: 'sh',
  args: ['-c', 'for a; do echo "arg:${a#*SEK}"; done; echo "env:${API_TOKEN#SEK}"', 'sh', ...SECRET_ARGS],
  env: { API_TOKEN: 'SEKRET1' },
};

// A plugin whose flags look secret; it prints them without their prefix.
function addVaultPlugin(q: TempQueue): void {
  mkdirSync(q.path('plugins', 'vault'), { recursive: true });
  writeFileSync(q.path('plugins', 'vault', 'cli.sh'), 'echo "$1 ${2#SEK} $3 ${4#SEK}"\n');
  writeFileSync(q.path('plugins', 'vault', 'plugin.json'), JSON.stringify({ args: { 'api-token': { required: true }, password: { required: true } } }));
}

// A tool call's whole answer (text and structured content), as the client gets it.
async function answer(mcp: Connected, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await mcp.client.callTool({ name, arguments: args });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return JSON.stringify(result);
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain('SEKRET');
  expect(text).toContain('[redacted]');
}

// Every answer about these finished jobs (get_job, their resources, list_jobs, their
// job_finished notifications) hides their secrets.
async function expectNoSecretAbout(mcp: Connected, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    expectNoSecret(await answer(mcp, 'get_job', { id }));
    expectNoSecret(JSON.stringify(await mcp.client.readResource({ uri: `mcpq://jobs/${id}` })));
  }
  expectNoSecret(await answer(mcp, 'list_jobs', {}));
  await waitFor(() => ids.every((id) => mcp.logs.some((l) => l.data?.id === id)), { what: 'the job_finished notifications' });
  expectNoSecret(JSON.stringify(mcp.logs));
}

describe('secrets in MCP results', () => {
  it('are redacted in every answer about a job; the record file keeps them and the job runs with them', async () => {
    const q = tempQueue();
    addVaultPlugin(q);
    const mcp = await connect(q);

    // Pending (no daemon yet), then cancelled.
    expect(await answer(mcp, 'submit_job', { ...EXEC_JOB, id: 'p1' })).not.toContain('SEKRET'); // no record yet
    expectNoSecret(await answer(mcp, 'get_job', { id: 'p1' }));
    expectNoSecret(await answer(mcp, 'list_jobs', {}));
    expectNoSecret(JSON.stringify(await mcp.client.readResource({ uri: 'mcpq://jobs/p1' })));
    expectNoSecret(await answer(mcp, 'cancel_job', { id: 'p1' }));
    expect(q.record('p1')).toMatchObject({ env: { API_TOKEN: 'SEKRET1' }, result: { status: 'cancelled' } });

    // Run to the end, waited for.
    await startDaemon(q.root, FAST, { XDG_CONFIG_HOME: q.dir });
    const done = await answer(mcp, 'submit_job', { ...EXEC_JOB, id: 'e1', wait_seconds: 20 });
    expectNoSecret(done);
    expect(JSON.parse(done).structuredContent.record).toMatchObject({ env: { API_TOKEN: '[redacted]' }, args: expect.arrayContaining(['--token', '[redacted]']) });
    const plugin = await answer(mcp, 'submit_job', { plugin: 'vault', args: { 'api-token': 'SEKRET2', password: 'SEKRET3' }, id: 'v1', wait_seconds: 20 });
    expectNoSecret(plugin);
    expect(JSON.parse(plugin).structuredContent.record.args).toEqual({ 'api-token': '[redacted]', password: '[redacted]' });

    await expectNoSecretAbout(mcp, ['e1', 'v1']);

    // The records are the jobs as submitted, and the jobs got the real values.
    expect(q.record('e1')).toMatchObject({ env: { API_TOKEN: 'SEKRET1' }, args: [...EXEC_JOB.args], result: { status: 'completed' } });
    expect(readFileSync(q.path('logs', 'e1.out'), 'utf8')).toBe(['--token', 'RET4', 'RET5', '-H', 'RET19', 'RET6@localhost/x'].map((a) => `arg:${a}\n`).join('') + 'env:RET1\n');
    expect(q.record('v1')).toMatchObject({ args: { 'api-token': 'SEKRET2', password: 'SEKRET3' }, result: { status: 'completed' } });
    expect(readFileSync(q.path('logs', 'v1.out'), 'utf8')).toBe('--api-token RET2 --password RET3\n');
  });

  it('hide a plugin flag given by an alias of a secret option, or whose metavar looks secret, in every answer', async () => {
    const q = tempQueue();
    mkdirSync(q.path('plugins', 'keys'), { recursive: true });
    writeFileSync(q.path('plugins', 'keys', 'cli.sh'), 'for a; do echo "${a#SEK}"; done\n');
    writeFileSync(q.path('plugins', 'keys', 'plugin.json'), JSON.stringify({ args: { token: { aliases: ['t'] }, k: { metavar: 'API_KEY' }, user: { aliases: ['u'] } } }));
    const mcp = await connect(q);
    const args = (n: number) => ({ t: `SEKRET${n}`, k: `SEKRET${n + 1}`, u: 'bob' });
    const shown = { t: '[redacted]', k: '[redacted]', u: 'bob' };

    // Pending: one submitted here, one dropped into pending/.
    await answer(mcp, 'submit_job', { plugin: 'keys', args: args(1), id: 'k1' });
    q.drop('k2.json', JSON.stringify({ task_id: 'k2', plugin: 'keys', args: args(3) }));
    for (const id of ['k1', 'k2']) {
      const job = await answer(mcp, 'get_job', { id });
      expectNoSecret(job);
      expect(JSON.parse(job).structuredContent.job.args).toEqual(shown);
      expectNoSecret(JSON.stringify(await mcp.client.readResource({ uri: `mcpq://jobs/${id}` })));
    }
    expectNoSecret(await answer(mcp, 'list_jobs', {}));
    const cancelled = await answer(mcp, 'cancel_job', { id: 'k2' });
    expectNoSecret(cancelled);
    expect(JSON.parse(cancelled).structuredContent.record.args).toEqual(shown);

    // Run, waited for, and finished.
    await startDaemon(q.root, FAST, { XDG_CONFIG_HOME: q.dir });
    const done = await answer(mcp, 'submit_job', { plugin: 'keys', args: args(5), id: 'k3', wait_seconds: 20 });
    expectNoSecret(done);
    expect(JSON.parse(done).structuredContent.record.args).toEqual(shown);
    await waitFor(() => q.record('k1'), { what: 'k1 to finish' });
    await expectNoSecretAbout(mcp, ['k1', 'k3']);
    expect(readFileSync(q.path('daemon.log'), 'utf8')).not.toContain('SEKRET');

    // The records are the jobs as submitted, and the jobs got the real values.
    expect(q.record('k3')).toMatchObject({ args: args(5), result: { status: 'completed' } });
    expect(readFileSync(q.path('logs', 'k3.out'), 'utf8')).toBe('-t\nRET5\n-k\nRET6\n-u\nbob\n');
  });
});
