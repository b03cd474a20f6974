// `mcpq mcp` on stdio: stdin and stdout carry JSON-RPC and nothing else (diagnostics
// go to stderr). The SDK's serveStdio answers both protocol eras from one factory.
// The server lives as long as its client: when stdin closes (or on SIGTERM/SIGINT, or
// when stdout is gone) it stops every wait and watcher and resolves, so the caller
// can exit at once, whatever a tool call was still doing.
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { PluginRegistry, type RegistryOptions } from '../plugins/registry.js';
import type { QueueLayout } from '../queue/layout.js';
import { guardStdout, logError, logLine } from './log.js';
import { createServer } from './server.js';
import { Session } from './session.js';

export interface StdioOptions {
  readonly layout: QueueLayout;
  readonly plugins: RegistryOptions;
  readonly cwd: string;
}

const CLOSE_GRACE_MS = 1_000;

// Resolves when the connection is over.
export function serveOnStdio(options: StdioOptions): Promise<string> {
  guardStdout();
  const plugins = new PluginRegistry(options.plugins);
  const session = new Session(options.layout, plugins.pluginArgs);
  const context = { layout: options.layout, plugins, cwd: options.cwd, session };
  const handle = serveStdio(() => createServer(context), { onerror: (error) => logError('protocol', error) });
  return new Promise((resolve) => {
    let ending = false;
    const end = (why: string) => (): void => {
      if (ending) return;
      ending = true;
      session.close();
      const closed = handle.close().catch((error: unknown) => logError('closing', error));
      const grace = new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref());
      void Promise.race([closed, grace]).then(() => resolve(why));
    };
    process.stdin.once('end', end('stdin closed'));
    process.stdin.once('close', end('stdin closed'));
    process.stdout.once('error', end('stdout closed'));
    process.once('SIGTERM', end('SIGTERM'));
    process.once('SIGINT', end('SIGINT'));
    // Only now: a client (or test) that signals as soon as it reads this line must
    // find the handlers in place, not Node's default of dying by the signal.
    logLine(`serving ${options.layout.root} on stdio`);
  });
}
