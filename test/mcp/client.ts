// The official MCP client driving a real `mcpq mcp` process over stdio, as an agent's
// host does. Closed after each test.
import { Client } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach } from 'vitest';
import { BIN, type TempQueue } from '../helpers/mcpq.js';

const open: Client[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

export interface LogEntry {
  readonly level: string;
  readonly logger?: string;
  readonly data: any;
}

export interface Connected {
  readonly client: Client;
  readonly logs: LogEntry[]; // notifications/message received so far
  stderr(): string;
  // A tool's structuredContent; fails the test when the call is an error.
  call(name: string, args?: Record<string, unknown>): Promise<any>;
  // A tool call that must fail: its error text.
  fail(name: string, args?: Record<string, unknown>): Promise<string>;
}

export async function connect(q: TempQueue, extra: readonly string[] = []): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--queue', q.root, ...extra],
    cwd: q.dir,
    env: { ...getDefaultEnvironment(), XDG_CONFIG_HOME: q.dir },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'mcpq-test', version: '1.0.0' });
  const logs: LogEntry[] = [];
  client.setNotificationHandler('notifications/message', (notification) => {
    logs.push(notification.params as LogEntry);
  });
  await client.connect(transport);
  open.push(client);
  await client.listTools(); // from now on the client checks every result against the tool's output schema
  const text = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
  return {
    client,
    logs,
    stderr: () => stderr,
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      if (result.isError) throw new Error(`${name} failed: ${text(result)}`);
      return result.structuredContent;
    },
    async fail(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      if (!result.isError) throw new Error(`${name} succeeded: ${text(result)}`);
      return text(result);
    },
  };
}
