// What goes into a template's placeholders: absolute paths of this install (node,
// the mcpq entry), the queue, and a PATH for the jobs. Pure.
import { delimiter, dirname, isAbsolute } from 'node:path';
import { ExitCode, McpqError } from '../core/errors.js';

export interface ValueInputs {
  readonly execPath: string; // node
  readonly entry: string; // bin/mcpq.js
  readonly queue: string;
  readonly concurrency: number;
  readonly home: string;
  readonly envPath: string | undefined; // $PATH of the installing shell
}

// launchd's own PATH, and what every Unix has: kept so a job finds /bin/sh & co
// even when the installing shell's PATH was odd.
const BASE_PATH = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

// The installing shell's PATH (absolute entries only, each once), then node's own
// folder so `#!/usr/bin/env node` works in jobs, then the base folders.
export function servicePath(envPath: string | undefined, nodeDir: string): string {
  const entries = (envPath ?? '').split(delimiter).filter((p) => isAbsolute(p));
  return [...new Set([...entries, nodeDir, ...BASE_PATH])].join(delimiter);
}

export function serviceValues(inputs: ValueInputs): Readonly<Record<string, string>> {
  for (const [what, path] of [
    ['node', inputs.execPath],
    ['the mcpq entry', inputs.entry],
    ['the queue', inputs.queue],
    ['the home folder', inputs.home],
  ] as const) {
    if (!isAbsolute(path)) throw new McpqError(`${what} must be an absolute path for a service, got "${path}"`, ExitCode.usage);
  }
  return Object.freeze({
    NODE: inputs.execPath,
    MCPQ: inputs.entry,
    QUEUE: inputs.queue,
    CONCURRENCY: String(inputs.concurrency),
    HOME: inputs.home,
    PATH: servicePath(inputs.envPath, dirname(inputs.execPath)),
  });
}
