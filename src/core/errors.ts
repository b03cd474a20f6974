// One error shape for faults the user can act on. Expected job outcomes are never
// thrown: they are data in the record (see outcome.ts). The CLI's top level is the
// only place that turns an McpqError into stderr text and an exit code.

export const ExitCode = Object.freeze({
  ok: 0,
  failure: 1,
  usage: 2,
  daemonNotRunning: 3,
  notFound: 4,
  jobInvalid: 65,
  tryAgain: 75, // EX_TEMPFAIL: nothing is wrong with the request; it may work in a moment
  timeout: 124,
  cancelled: 125,
  cannotExecute: 126,
  commandNotFound: 127,
});
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

// What to do about an error, in the words of the surface the user is on: a command
// to type at the CLI, a tool to call over MCP.
export interface NextStep {
  readonly cli: string;
  readonly mcp: string;
}

export class McpqError extends Error {
  override readonly name = 'McpqError';
  // The message for an agent using the MCP tools (`message` is the CLI's).
  readonly forAgents: string;
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
    readonly code: string = 'EMCPQ',
    next?: NextStep,
  ) {
    super(next === undefined ? message : `${message}; ${next.cli}`);
    this.forAgents = next === undefined ? message : `${message}; ${next.mcp}`;
  }
}

// The errno code of a Node system error, or undefined for anything else.
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

// Errors of the filesystem at hand, not of mcpq (a full disk, a folder that cannot be
// written): their message names the call and the path, which is what there is to say.
const MACHINE_FAULTS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'EIO', 'EMFILE', 'ENFILE', 'ELOOP', 'ENAMETOOLONG']);

export function isMachineFault(error: unknown): error is Error {
  return error instanceof Error && MACHINE_FAULTS.has(errnoCode(error) ?? '');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// A system error as words a user can act on: "no space left on device (ENOSPC)"
// rather than Node's "ENOSPC: no space left on device, write".
export function describeIoError(error: unknown): string {
  const code = errnoCode(error);
  const message = errorMessage(error);
  if (code === undefined) return message;
  const words = new RegExp(`^${code}: (.*?)(, \\w+.*)?$`).exec(message)?.[1] ?? message;
  return `${words} (${code})`;
}
