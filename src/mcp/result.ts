// How a tool answers. Success: the data as structuredContent, and as text for clients
// that only read text (a one-line summary, then the data as JSON). Failure: a tool
// result with isError and one message an agent can act on ("no job x; list_jobs
// shows the jobs"), never a protocol error or a crash: the agent reads it and tries
// again. An McpqError carries its message for agents (`forAgents`): the same as the
// CLI's, except that a hint names a tool to call instead of a command to type.
import type { CallToolResult, ServerContext } from '@modelcontextprotocol/server';
import { McpqError, isMachineFault } from '../core/errors.js';
import { logError } from './log.js';

export function answer(summary: string, data: Record<string, unknown>, text?: string): CallToolResult {
  const result: CallToolResult = {
    content: [
      { type: 'text', text: summary },
      { type: 'text', text: text ?? JSON.stringify(data, null, 2) },
    ],
    structuredContent: data,
  };
  // An MCP client reads at most 10 MiB in one message (the SDK's stdio limit) and drops
  // the connection past that: a larger answer (jobs with commands of megabytes) is
  // refused instead, and the session goes on.
  const bytes = Buffer.byteLength(JSON.stringify(result));
  if (bytes <= MAX_ANSWER_BYTES) return result;
  return failure(`${summary}; the whole answer would take ${(bytes / 2 ** 20).toFixed(1)} MiB, more than one MCP message may: ask for less (list_jobs: a smaller limit or one state; output: get_job_output)`);
}

const MAX_ANSWER_BYTES = 8 * 2 ** 20;

export function failure(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

// A tool body whose McpqError (a mistake the agent can fix) becomes a failure result
// with its message, and so does a fault of the queue's filesystem (read-only, full),
// as the CLI says it. Anything else is a bug: logged to stderr with its stack, and
// answered as a failure too, so that one bad call never ends the session.
export function guarded<A>(body: (args: A, ctx: ServerContext) => Promise<CallToolResult>): (args: A, ctx: ServerContext) => Promise<CallToolResult> {
  return async (args, ctx) => {
    try {
      return await body(args, ctx);
    } catch (error) {
      if (error instanceof McpqError) return failure(error.forAgents);
      if (isMachineFault(error)) return failure(`the queue's filesystem refused: ${error.message}`);
      logError(`${ctx.mcpReq.method} failed`, error);
      return failure(`mcpq: unexpected error (please report it): ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
