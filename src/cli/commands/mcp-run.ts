// The mcp command's body: the queue (created if missing, so that an agent can submit
// before any daemon has run), the plugin folders, then serve until the client leaves.
import { ExitCode } from '../../core/errors.js';
import { ensureQueue, layoutOf } from '../../queue/layout.js';
import { registryOptions } from '../plugin-roots.js';
import { resolveQueueRoot } from '../queue-root.js';
import type { McpFlags } from './mcp.js';

export async function runMcp(queue: string | undefined, flags: McpFlags): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  await ensureQueue(layout);
  const { serveOnStdio } = await import('../../mcp/stdio.js');
  await serveOnStdio({ layout, plugins: registryOptions(layout, flags.plugins, process.env), cwd: process.cwd() });
  // The client is gone: exit now rather than when the last timer or child process of an
  // abandoned call (a plugin's --help, a wait) lets go.
  process.exit(ExitCode.ok);
}
