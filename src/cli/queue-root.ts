// Where the queue is: --queue DIR, else $MCPQ_QUEUE, else the config file's "queue",
// else ~/.mcpq/queue. The config file is $XDG_CONFIG_HOME/mcpq/config.json
// (~/.config/mcpq/config.json), e.g. {"queue": "/srv/mcpq", "plugins": ["~/tools"]}.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { McpqError, ExitCode, errnoCode, errorMessage } from '../core/errors.js';

// Checked by hand, not with zod: every command reads this file, and two fields do not
// justify loading a schema library before each one.
export interface Config {
  readonly queue?: string;
  readonly plugins?: readonly string[];
}

export function configPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'mcpq', 'config.json');
}

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return {};
    throw new McpqError(`cannot read config ${path}: ${errorMessage(error)}`, ExitCode.failure);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new McpqError(`config ${path} is not valid JSON: ${errorMessage(error)}`, ExitCode.usage);
  }
  const problem = configProblem(value);
  if (problem !== undefined) throw new McpqError(`config ${path}: ${problem}`, ExitCode.usage);
  return value as Config;
}

function configProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  const { queue, plugins } = value as Record<string, unknown>;
  if (queue !== undefined && (typeof queue !== 'string' || queue === '')) return 'queue: must be a folder path';
  if (plugins !== undefined && !(Array.isArray(plugins) && plugins.every((p) => typeof p === 'string' && p !== ''))) return 'plugins: must be a list of folder paths';
  return undefined;
}

export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export function resolveQueueRoot(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = flag ?? (env.MCPQ_QUEUE && env.MCPQ_QUEUE !== '' ? env.MCPQ_QUEUE : undefined) ?? readConfig(env).queue ?? join(homedir(), '.mcpq', 'queue');
  return resolve(expandHome(chosen));
}
