// What goes into a template's placeholders: absolute paths of this install (node,
// the mcpq entry), the queue, and a PATH for the jobs. Pure.
import { delimiter, dirname, isAbsolute, join } from 'node:path';
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

// process.execPath is the resolved binary, e.g. /opt/homebrew/Cellar/node/22.1.0/bin/node,
// which an upgrade removes. A `node` on PATH that leads to the same binary (say
// /opt/homebrew/bin/node) survives upgrades, so the service names that one.
// `realpath` gives a path's target, or undefined when there is nothing there.
export function stableNode(execPath: string, envPath: string | undefined, realpath: (path: string) => string | undefined): string {
  const target = realpath(execPath);
  if (target === undefined) return execPath;
  for (const dir of (envPath ?? '').split(delimiter).filter((p) => isAbsolute(p))) {
    const candidate = join(dir, 'node');
    if (realpath(candidate) === target) return candidate;
  }
  return execPath;
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
