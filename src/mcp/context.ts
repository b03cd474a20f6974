// What every tool of one `mcpq mcp` process works with: the queue, the plugins it can
// see, the directory relative job paths start from, and the connection's session.
import type { PluginRegistry } from '../plugins/registry.js';
import type { QueueLayout } from '../queue/layout.js';
import type { Session } from './session.js';

export interface McpContext {
  readonly layout: QueueLayout;
  readonly plugins: PluginRegistry;
  readonly cwd: string; // a job's default working directory, and what a relative cwd is relative to
  readonly session: Session;
}
