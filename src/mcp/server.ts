// The MCP server: mcpq's queue as tools (submit_job, get_job, list_jobs,
// get_job_output, cancel_job, retry_job, list_plugins, queue_status), its jobs as
// resources (mcpq://jobs/{id}), and a log notification when a job this session
// submitted finishes. Every tool works on the directory alone, so the server needs no
// daemon: jobs queue up until one runs (queue_status says whether one is alive).
import { McpServer } from '@modelcontextprotocol/server';
import { VERSION } from '../version.js';
import type { McpContext } from './context.js';
import { registerJobResources } from './resources.js';
import { registerControlTools } from './tools/control.js';
import { registerJobTools } from './tools/jobs.js';
import { registerQueueTools } from './tools/queue.js';
import { registerSubmit } from './tools/submit.js';

export function createServer(context: McpContext): McpServer {
  const server = new McpServer(
    { name: 'mcpq', title: 'mcpq job queue', version: VERSION },
    {
      capabilities: { logging: {} },
      instructions: [
        `mcpq is a job queue in the directory ${context.layout.root}: submit_job queues a command and a daemon runs it (one at a time by default, highest priority first), leaving a durable record.`,
        'Use it for work that is long, must not run twice at once, or should outlive this conversation. Call list_plugins before submitting plugin jobs.',
        'After submitting: wait_seconds blocks for the result; otherwise get_job, get_job_output or list_jobs show progress, and a log notification arrives when a job of this session finishes.',
      ].join(' '),
    },
  );
  registerSubmit(server, context);
  registerJobTools(server, context);
  registerControlTools(server, context);
  registerQueueTools(server, context);
  registerJobResources(server, context);
  context.session.serveWith(server);
  return server;
}
