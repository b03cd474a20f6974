// Where plugins are looked for, in order: the queue's plugins/, then each --plugins
// DIR, then the config file's "plugins" list (relative paths there are relative to the
// config file). The first folder to hold a name owns it.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, McpqError, errnoCode, errorMessage } from '../core/errors.js';
import { noKnownPlugins } from '../core/plugin-args.js';
import type { ListOptions } from '../jobs/list.js';
import type { PluginRegistry, RegistryOptions } from '../plugins/registry.js';
import type { QueueLayout } from '../queue/layout.js';
import { configPath, expandHome, readConfig } from './queue-root.js';

export function pluginRoots(layout: QueueLayout, flagDirs: readonly string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const configDir = dirname(configPath(env));
  const fromConfig = (readConfig(env).plugins ?? []).map((dir) => resolve(configDir, expandHome(dir)));
  const fromFlags = (flagDirs ?? []).map(flagFolder);
  return [...new Set([layout.plugins, ...fromFlags, ...fromConfig])];
}

// A --plugins DIR is typed for this run: one that is not a folder is a mistake to say
// at once, not a root with no plugins (as the queue's plugins/ or a configured folder
// that does not exist yet are).
function flagFolder(given: string): string {
  const dir = resolve(expandHome(given));
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch (error) {
    throw new McpqError(`--plugins ${given}: ${errnoCode(error) === 'ENOENT' ? 'no such folder' : errorMessage(error)}`, ExitCode.usage);
  }
  if (!isFolder) throw new McpqError(`--plugins ${given}: not a folder`, ExitCode.usage);
  return dir;
}

// What a registry needs for this queue: the roots, the queue's help cache, and how
// long a plugin's --help may take.
export function registryOptions(layout: QueueLayout, flagDirs: readonly string[] | undefined, env: NodeJS.ProcessEnv): RegistryOptions {
  const timeout = helpTimeoutMs(env);
  return { roots: pluginRoots(layout, flagDirs, env), cacheDir: join(layout.plugins, '.cache'), ...(timeout === undefined ? {} : { helpTimeoutMs: timeout }) };
}

// $MCPQ_PLUGIN_HELP_TIMEOUT: the seconds a plugin's --help may take, for one slow to
// start (heavy imports); unset, the registry's default.
export function helpTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.MCPQ_PLUGIN_HELP_TIMEOUT;
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new McpqError(`MCPQ_PLUGIN_HELP_TIMEOUT: expected a number of seconds > 0, got "${text}"`, ExitCode.usage);
  return seconds * 1_000;
}

// What commands that show jobs (list, show, cancel) ask of plugins: whether a plugin's
// jobs may run at the same time and whether they wait for it (why a job waits), and
// what is known of their args (which hold secrets, how they become the plugin's
// command line). None runs a plugin's --help; the registry is made only if a job
// names a plugin.
export function pluginLookups(layout: QueueLayout, env: NodeJS.ProcessEnv): Required<Pick<ListOptions, 'pluginParallel' | 'pluginWait' | 'pluginArgs'>> {
  let registry: Promise<PluginRegistry> | undefined;
  const made = (): Promise<PluginRegistry> =>
    (registry ??= import('../plugins/registry.js').then(({ PluginRegistry }) => new PluginRegistry(registryOptions(layout, undefined, env))));
  return {
    pluginParallel: async (name) => (await made()).isParallel(name),
    pluginWait: async (name) => (await made()).waitOf(name),
    pluginArgs: async (names) => (names.length === 0 ? noKnownPlugins : (await made()).pluginArgs(names)),
  };
}
