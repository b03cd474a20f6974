// Where the queue is: --queue DIR, else $MCPQ_QUEUE, else the config file's "queue",
// else ~/.mcpq/queue. The config file is $XDG_CONFIG_HOME/mcpq/config.json
// (~/.config/mcpq/config.json), e.g. {"queue": "/srv/mcpq", "plugins": ["~/tools"]}.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { McpqError, ExitCode, errnoCode, errorMessage } from '../core/errors.js';

const configSchema = z.looseObject({
  queue: z.string().min(1).optional(),
  plugins: z.array(z.string().min(1)).optional(),
});
export type Config = z.infer<typeof configSchema>;

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
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) throw new McpqError(`config ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, ExitCode.usage);
  return parsed.data;
}

export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export function resolveQueueRoot(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = flag ?? (env.MCPQ_QUEUE && env.MCPQ_QUEUE !== '' ? env.MCPQ_QUEUE : undefined) ?? readConfig(env).queue ?? join(homedir(), '.mcpq', 'queue');
  return resolve(expandHome(chosen));
}
