// `mcpq mcp`: the queue as a Model Context Protocol server on stdio, for AI agents.
import type { Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';
import { pluginsDirOption } from './plugins.js';

export interface McpFlags {
  plugins?: string[];
}

export function registerMcp(program: Command): void {
  const command = queueOption(program
    .command('mcp')
    .description('serve the queue to AI agents as an MCP server on stdio: tools to submit jobs, read their state and output, cancel, retry, list plugins; runs until stdin closes'))
    .addOption(pluginsDirOption())
    .action(async (flags: McpFlags, cmd: Command) => {
      const { runMcp } = await import('./mcp-run.js');
      process.exitCode = await runMcp(queueFlag(cmd), flags);
    });
  examples(command, [
    'claude mcp add mcpq -- mcpq mcp                       add it to Claude Code',
    'claude mcp add mcpq -- mcpq mcp --queue ~/work/queue  … serving another queue',
    'npx @modelcontextprotocol/inspector --cli mcpq mcp --method tools/list',
  ]);
}
