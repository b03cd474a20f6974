// The stdio contract of `mcpq mcp`, checked on a process spawned by hand: stdout
// carries JSON-RPC messages and nothing else, and closing stdin ends the process
// promptly, even in the middle of a call that waits.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, pidAlive, tempQueue, waitFor } from '../helpers/mcpq.js';

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'by-hand', version: '1' } } };

function spawnServer(root: string, dir: string) {
  const child = spawn(process.execPath, [BIN, 'mcp', '--queue', root], { cwd: dir, env: { ...process.env, XDG_CONFIG_HOME: dir }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const messages = () => stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, any>);
  return { child, exited, send, messages, stdout: () => stdout, stderr: () => stderr };
}

describe('mcpq mcp on stdio', () => {
  it('exits promptly when stdin closes, even while a call waits, and writes only JSON-RPC to stdout', async () => {
    const q = tempQueue();
    const server = spawnServer(q.root, q.dir);
    server.send(initialize);
    await waitFor(() => server.messages().find((m) => m.id === 1), { what: 'the initialize response' });
    server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    // No daemon: this call would wait a minute.
    server.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'submit_job', arguments: { command: 'true', wait_seconds: 60 } } });
    await waitFor(() => q.files('pending').length === 1, { what: 'the job to be submitted' });

    const closedAt = Date.now();
    server.child.stdin.end();
    const deadline = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5_000).unref());
    const exit = await Promise.race([server.exited, deadline]);
    if (exit === 'still running') server.child.kill('SIGKILL');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - closedAt).toBeLessThan(3_000);

    for (const message of server.messages()) expect(message.jsonrpc).toBe('2.0'); // every stdout line parses
    expect(server.messages()[0]).toMatchObject({ id: 1, result: { serverInfo: { name: 'mcpq' } } });
    expect(server.stderr()).toContain(`serving ${q.root}`);
  });

  it('leaves no plugin behind when stdin closes while the plugin describes itself', async () => {
    const q = tempQueue();
    mkdirSync(q.path('plugins', 'hangs'), { recursive: true });
    writeFileSync(q.path('plugins', 'hangs', 'cli.sh'), 'echo $$ > pid\nexec sleep 600\n'); // its --help never ends
    const server = spawnServer(q.root, q.dir);
    server.send(initialize);
    await waitFor(() => server.messages().find((m) => m.id === 1), { what: 'the initialize response' });
    server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    server.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_plugins', arguments: {} } });
    const pid = await waitFor(() => existsSync(q.path('plugins', 'hangs', 'pid')) && Number(readFileSync(q.path('plugins', 'hangs', 'pid'), 'utf8')), { what: 'the plugin to start' });
    server.child.stdin.end();
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => !pidAlive(pid), { timeout: 2_000, what: `the plugin's --help (pid ${pid}) to be stopped` });
  });

  it('exits on SIGTERM', async () => {
    const q = tempQueue();
    const server = spawnServer(q.root, q.dir);
    await waitFor(() => server.stderr().includes('serving'), { what: 'the server to start' });
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toBe('');
  });
});
