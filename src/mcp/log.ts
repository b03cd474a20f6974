// The MCP server's own diagnostics. stdout carries the protocol and nothing else, so
// every line mcpq writes goes to stderr, which MCP clients keep in their server log.
// `guardStdout` also sends console.log/info/debug there, in case a library calls them.
import { errorMessage } from '../core/errors.js';

export function logLine(message: string): void {
  process.stderr.write(`mcpq mcp: ${message}\n`);
}

export function logError(what: string, error: unknown): void {
  logLine(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : errorMessage(error)}`);
}

export function guardStdout(): void {
  const toStderr = (...args: unknown[]): void => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}
