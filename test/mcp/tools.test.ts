// `mcpq mcp` through the official MCP client over stdio: the handshake, the tools'
// schemas, and each tool against a real queue, with and without a real daemon.
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, mcpq, startDaemon, tempQueue, waitFor, waitForRecord, type TempQueue } from '../helpers/mcpq.js';
import { connect } from './client.js';

const FAST = ['--kill-grace', '1', '--grace', '2', '--settle', '300', '--rescan', '200', '--lease', '2'];
const TOOLS = ['submit_job', 'get_job', 'list_jobs', 'get_job_output', 'cancel_job', 'retry_job', 'list_plugins', 'queue_status'];

function daemon(q: TempQueue) {
  return startDaemon(q.root, FAST, { XDG_CONFIG_HOME: q.dir });
}

// The notes example plugin (argparse --help), or a tiny one like it.
function addNotesPlugin(q: TempQueue): void {
  const example = join(ROOT, 'queue-example', 'plugins', 'notes');
  if (existsSync(example)) {
    cpSync(example, q.path('plugins', 'notes'), { recursive: true });
    return;
  }
  mkdirSync(q.path('plugins', 'notes'), { recursive: true });
  writeFileSync(
    q.path('plugins', 'notes', 'cli.py'),
    [
      'import argparse, json',
      'p = argparse.ArgumentParser(prog="notes", description="keep notes")',
      's = p.add_subparsers(dest="cmd", required=True)',
      'a = s.add_parser("add", help="add a note")',
      'a.add_argument("--title", required=True)',
      'a.add_argument("--tag", action="append")',
      's.add_parser("list", help="list notes")',
      'n = p.parse_args()',
      'print(json.dumps({"ok": True, "note": {"title": getattr(n, "title", None)}}))',
      '',
    ].join('\n'),
  );
}

describe('mcpq mcp: handshake and schemas', () => {
  it('introduces itself and lists every tool with JSON Schemas for input and output', async () => {
    const q = tempQueue();
    const { client } = await connect(q);
    expect(client.getServerVersion()).toMatchObject({ name: 'mcpq' });
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, logging: {} });
    expect(client.getInstructions()).toContain(q.root);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    for (const tool of tools) {
      expect(tool.description, tool.name).toBeTruthy();
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    const submit = tools.find((t) => t.name === 'submit_job')!;
    const props = submit.inputSchema.properties as Record<string, any>;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['command', 'args', 'shell', 'plugin', 'id', 'timeout', 'priority', 'after', 'cwd', 'env', 'retries', 'description', 'wait_seconds']));
    expect(props.timeout).toMatchObject({ type: 'number', minimum: 0 });
    expect(props.priority.anyOf).toEqual(expect.arrayContaining([expect.objectContaining({ enum: ['high', 'medium', 'low'] })]));
    expect(props.command.description).toMatch(/shell/);
    expect(tools.find((t) => t.name === 'get_job')!.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('offers jobs as resources mcpq://jobs/{id}', async () => {
    const q = tempQueue();
    const { client, call } = await connect(q);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['mcpq://jobs/{id}']);
    const { id } = await call('submit_job', { command: 'true', id: 'as-resource' });
    const listed = await client.listResources();
    expect(listed.resources.map((r) => r.uri)).toContain(`mcpq://jobs/${id}`);
    const read = await client.readResource({ uri: 'mcpq://jobs/as-res' }); // a prefix, like everywhere
    const content = read.contents[0] as { text: string; mimeType: string };
    expect(content.mimeType).toBe('application/json');
    expect(JSON.parse(content.text)).toMatchObject({ id: 'as-resource', state: 'pending', job: { command: 'true' } });
    await expect(client.readResource({ uri: 'mcpq://jobs/nope' })).rejects.toThrow(/no job "nope"/);
  });
});

describe('mcpq mcp: without a daemon', () => {
  it('queues jobs and says that no daemon is alive', async () => {
    const q = tempQueue();
    const { call } = await connect(q);
    const status = await call('queue_status');
    expect(status).toMatchObject({ queue: q.root, alive: false, daemons: [], counts: { pending: 0 } });

    const started = Date.now();
    const submitted = await call('submit_job', { command: 'echo', args: ['later'], wait_seconds: 0.5 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(submitted).toMatchObject({ state: 'pending', daemon_alive: false, status: null, exit_code: null, record: null });
    expect(q.files('pending')).toEqual([`${submitted.id}.json`]);

    const listing = await call('list_jobs', { state: ['pending'] });
    expect(listing.pending).toEqual([expect.objectContaining({ id: submitted.id, command: 'echo later', waiting: { reason: 'ready' } })]);
    expect(listing.totals).toEqual({ pending: 1, running: 0, completed: 0, failed: 0 });
  });

  it('cancels a pending job at once', async () => {
    const q = tempQueue();
    const { call } = await connect(q);
    const { id } = await call('submit_job', { command: 'sleep 60', id: 'never-runs' });
    const cancelled = await call('cancel_job', { id: 'never' });
    expect(cancelled).toMatchObject({ id, outcome: 'cancelled', was: 'pending' });
    expect(q.record(id)!.result).toMatchObject({ status: 'cancelled' });
    expect(q.record(id)!.result.error).toMatch(/mcpq-test \(MCP\)/);
  });

  it('answers mistakes with an error result that says what to do', async () => {
    const q = tempQueue();
    const { call, fail } = await connect(q);
    // Hints name tools, not the CLI's commands.
    expect(await fail('get_job', { id: 'nope' })).toMatch(/no job "nope" in .*; list_jobs shows the jobs$/);
    expect(await fail('submit_job', { command: 'x', priority: 'urgent' })).toMatch(/priority/);
    expect(await fail('submit_job', { args: ['no command'] })).toMatch(/command: is required/);
    expect(await fail('submit_job', { command: 'true', after: ['missing'] })).toMatch(/no job "missing" in .*; list_jobs shows the jobs$/);
    await call('submit_job', { command: 'true', id: 'taken' });
    expect(await fail('submit_job', { command: 'true', id: 'taken' })).toMatch(/"taken" is already used \(pending\); choose another id$/);
    expect(await fail('retry_job', { id: 'taken' })).toMatch(/pending; only a finished job can be retried; cancel_job stops it$/);
    expect(await fail('list_plugins', { name: 'nope' })).toMatch(/no plugin named "nope"/);
    // The session survived all of that.
    expect((await call('queue_status')).counts.pending).toBe(1);
  });

  // Such a job was queued, and then failed to start.
  it('refuses a cwd that is not a directory, unless the job waits for another first', async () => {
    const q = tempQueue();
    const { call, fail } = await connect(q);
    writeFileSync(join(q.dir, 'a-file'), '');
    expect(await fail('submit_job', { command: 'true', cwd: '/no/such/dir' })).toBe('cwd /no/such/dir: no such directory; create it, or make the job wait for the one that does ("after")');
    expect(await fail('submit_job', { command: 'true', cwd: 'a-file' })).toBe(`cwd ${join(realpathSync(q.dir), 'a-file')}: not a directory`);
    expect(q.files('pending')).toEqual([]);
    // One that waits for another job may find its folder made by then.
    await call('submit_job', { command: 'true', id: 'maker' });
    await call('submit_job', { command: 'true', cwd: '/no/such/dir', after: ['maker'] });
    expect(q.files('pending')).toHaveLength(2);
  });

  // Such a job was queued, and stopped before it had started.
  it('refuses a timeout under 1 ms and takes one of 0.5 s', async () => {
    const q = tempQueue();
    const { call, fail } = await connect(q);
    expect(await fail('submit_job', { command: 'true', timeout: 1e-9 })).toMatch(/timeout.*must be 0 \(none\) or at least 0\.001 \(1 ms\)/);
    expect(q.files('pending')).toEqual([]);
    await call('submit_job', { command: 'true', timeout: 0.5 });
    expect(q.files('pending')).toHaveLength(1);
  });

  it('takes ids or unique prefixes in after, as get_job does, and writes the full ids', async () => {
    const q = tempQueue();
    const { call, fail } = await connect(q);
    await call('submit_job', { command: 'true', id: 'build-old' });
    await call('submit_job', { command: 'true', id: 'build-new' });
    const { id } = await call('submit_job', { command: 'true', after: ['build-o', 'build-new'] });
    expect(JSON.parse(readFileSync(q.path('pending', `${id}.json`), 'utf8')).after).toEqual(['build-old', 'build-new']);
    expect(await fail('submit_job', { command: 'true', after: ['build'] })).toMatch(/"build" matches 2 jobs: build-new \(pending\), build-old \(pending\); give more of the id$/);
  });
});

describe('mcpq mcp: with a daemon', () => {
  it('submits a job the daemon runs; get_job (by prefix) and get_job_output show its record and output', async () => {
    const q = tempQueue();
    await daemon(q);
    const { call, client, logs } = await connect(q);
    expect(await call('queue_status')).toMatchObject({ alive: true, daemons: [expect.objectContaining({ alive: true })] });

    const { id } = await call('submit_job', { command: 'echo', args: ['hello from mcp'], description: 'greeting', cwd: '.' });
    const record = await waitForRecord(q, id);
    expect(record).toMatchObject({ command: 'echo', args: ['hello from mcp'], description: 'greeting', cwd: q.dir });

    const job = await call('get_job', { id: id.slice(0, 5) });
    expect(job).toMatchObject({ id, state: 'completed', status: 'completed', exit_code: 0, description: 'greeting', record: { result: { stdout: 'hello from mcp\n' } } });

    const output = await call('get_job_output', { id, offset: 6, limit: 4 });
    expect(output).toMatchObject({ text: 'from', offset: 6, next_offset: 10, size: 15, finished: true });
    const past = await client.callTool({ name: 'get_job_output', arguments: { id, offset: 100 } });
    expect((past.content as { text: string }[])[0]!.text).toBe(`stdout of job ${id} has 15 bytes: offset 100 is past its end`);

    // The session is told when a job it submitted finishes.
    const told = await waitFor(() => logs.find((l) => l.data?.id === id), { what: 'the job_finished notification' });
    expect(told).toMatchObject({ level: 'info', logger: 'mcpq', data: { event: 'job_finished', status: 'completed', exit_code: 0, command: "echo 'hello from mcp'" } });
  });

  it('waits for the result with wait_seconds, and returns a job still running when the wait ends', async () => {
    const q = tempQueue();
    await daemon(q);
    const { call } = await connect(q);
    const done = await call('submit_job', { command: 'echo waited; exit 3', wait_seconds: 20 });
    expect(done).toMatchObject({ state: 'failed', status: 'failed', exit_code: 3, record: { result: { returncode: 3, stdout: 'waited\n' } } });

    const slow = await call('submit_job', { command: 'sleep', args: ['30'], wait_seconds: 1, timeout: 60 });
    expect(slow).toMatchObject({ state: 'running', daemon_alive: true, record: null });
    const cancelled = await call('cancel_job', { id: slow.id });
    expect(cancelled).toMatchObject({ id: slow.id, outcome: 'cancelled', was: 'running' });
    expect(q.record(slow.id)!.result).toMatchObject({ status: 'cancelled' });
  });

  it('retries a failed job as a new one and watches it too, and once only', async () => {
    const q = tempQueue();
    await daemon(q);
    const { call, fail, logs } = await connect(q);
    const failed = await call('submit_job', { command: 'exit 7', id: 'flaky', wait_seconds: 20 });
    expect(failed.exit_code).toBe(7);
    expect(await call('retry_job', { id: 'flaky' })).toEqual({ id: 'flaky-r2', retry_of: 'flaky', name: 'flaky-r2.json' });
    await waitFor(() => logs.find((l) => l.data?.id === 'flaky-r2'), { what: 'the retried job to be reported' });
    expect(q.record('flaky-r2')!.result).toMatchObject({ status: 'failed', retry_of: 'flaky' });
    expect(logs.find((l) => l.data?.id === 'flaky')).toMatchObject({ level: 'warning', data: { status: 'failed', exit_code: 7 } });
    // Called again (the answer lost, say): an error naming the retry; nothing is submitted.
    expect(await fail('retry_job', { id: 'flaky' })).toBe('job flaky was already retried as flaky-r2 (failed); retry_job flaky-r2 to run it again');
    expect(q.files('pending')).toEqual([]);
  });
});

describe('mcpq mcp: plugins', () => {
  it('describes plugins so that an agent can build a valid job, and runs it', async () => {
    const q = tempQueue();
    addNotesPlugin(q);
    await daemon(q);
    const { call } = await connect(q);
    const { plugins } = await call('list_plugins');
    const notes = plugins.find((p: any) => p.name === 'notes');
    expect(notes).toMatchObject({ status: 'ok' });
    const add = notes.commands.find((c: any) => c.name === 'add');
    expect(add.args).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'title', required: true, type: 'string' })]));
    expect(add.example.job).toMatchObject({ plugin: 'notes', command: 'add' });

    const done = await call('submit_job', { plugin: 'notes', command: 'add', args: { title: 'Call Bob', tag: ['work'] }, wait_seconds: 20 });
    expect(done).toMatchObject({ state: 'completed', record: { plugin: 'notes', result: { status: 'completed', output: expect.objectContaining({ ok: true }) } } });
  });

  it('describes an argument that takes several values after one flag, and refuses one of them that starts with "-"', async () => {
    const q = tempQueue();
    cpSync(join(ROOT, 'test', 'plugins', 'fixtures', 'tag'), q.path('plugins', 'tag'), { recursive: true });
    const { call, fail } = await connect(q);
    const { plugins } = await call('list_plugins', { name: 'tag' });
    expect(plugins[0].args.find((a: any) => a.name === 'tags')).toMatchObject({ list: true, repeatable: false, required: true, usage: '--tags TAG [TAG ...]' });
    expect(await fail('submit_job', { plugin: 'tag', args: { files: ['a.txt'], tags: ['x', '-y'] } })).toMatch(/^invalid plugin job: args\.tags: one of several values cannot start with "-" \(after --tags it would be read as an option; a value alone can\), got "-y"/);
    await call('submit_job', { plugin: 'tag', args: { files: ['a.txt', 'b.txt'], tags: ['x', 'y'] } });
    expect(q.files('pending')).toHaveLength(1);
  });

  it("shows a plugin job's command line as the daemon will run it in list_jobs and get_job", async () => {
    const q = tempQueue();
    cpSync(join(ROOT, 'test', 'plugins', 'fixtures', 'tag'), q.path('plugins', 'tag'), { recursive: true });
    const { call } = await connect(q);
    const { id } = await call('submit_job', { plugin: 'tag', args: { files: ['a.txt', 'b.txt'], tags: ['x', 'y'], sizes: [1, 2] } }); // described to check it
    const line = 'tag a.txt b.txt --tags x y --sizes 1 2';
    expect((await call('list_jobs', { state: ['pending'] })).pending).toEqual([expect.objectContaining({ id, command: line })]);
    expect(await call('get_job', { id })).toMatchObject({ id, command: line });
  });

  it('refuses an invalid plugin job and names what exists', async () => {
    const q = tempQueue();
    addNotesPlugin(q);
    const { fail } = await connect(q);
    const misspelt = await fail('submit_job', { plugin: 'notes', command: 'add', args: { titel: 'x' } });
    expect(misspelt).toMatch(/invalid plugin job: args\.titel: notes add has no argument "titel" \(did you mean "title"\?\); arguments: .*--title TITLE/);
    expect(await fail('submit_job', { plugin: 'notes', command: 'ad', args: { title: 'x' } })).toMatch(/no command "ad" \(did you mean "add"\?\); commands: add, .*list/);
    expect(await fail('submit_job', { plugin: 'note', command: 'add', args: {} })).toMatch(/no plugin named "note" \(did you mean "notes"\?\); plugins: notes/);
    expect(q.files('pending')).toEqual([]);
  });

  it('says a job for a plugin whose help timed out cannot be checked now, and to try again, rather than invalid', async () => {
    const q = tempQueue();
    mkdirSync(q.path('plugins', 'slow'), { recursive: true });
    writeFileSync(q.path('plugins', 'slow', 'cli.sh'), 'sleep 30\n');
    // Its help timed out a moment ago (`mcpq plugins`, short timeout): the server reads that from the cache.
    await mcpq(['plugins', '-q', q.root, '--json'], { env: { XDG_CONFIG_HOME: q.dir, MCPQ_PLUGIN_HELP_TIMEOUT: '0.3' } });
    const { fail, call } = await connect(q);
    const error = await fail('submit_job', { plugin: 'slow', args: {} });
    expect(error).toMatch(/^cannot check the job now: plugin slow could not describe itself \("cli --help" did not finish within 0\.3s\); this may pass \(a busy machine\): nothing was queued, try again in \d+s$/);
    expect(q.files('pending')).toEqual([]);
    const { plugins } = await call('list_plugins', { name: 'slow' });
    expect(plugins[0]).toMatchObject({ status: 'error', transient: { tries: 1 } });
  });
});
