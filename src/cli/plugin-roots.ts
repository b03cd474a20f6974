// Where plugins are looked for, in order: the queue's plugins/, then each --plugins
// DIR, then the config file's "plugins" list (relative paths there are relative to the
// config file). The first folder to hold a name owns it.
import { dirname, join, resolve } from 'node:path';
import type { PluginParallel } from '../core/schedule-hints.js';
import type { PluginRegistry, RegistryOptions } from '../plugins/registry.js';
import type { QueueLayout } from '../queue/layout.js';
import { configPath, expandHome, readConfig } from './queue-root.js';

export function pluginRoots(layout: QueueLayout, flagDirs: readonly string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const configDir = dirname(configPath(env));
  const fromConfig = (readConfig(env).plugins ?? []).map((dir) => resolve(configDir, expandHome(dir)));
  const fromFlags = (flagDirs ?? []).map((dir) => resolve(expandHome(dir)));
  return [...new Set([layout.plugins, ...fromFlags, ...fromConfig])];
}

// What a registry needs for this queue: the roots, and the queue's help cache.
export function registryOptions(layout: QueueLayout, flagDirs: readonly string[] | undefined, env: NodeJS.ProcessEnv): RegistryOptions {
  return { roots: pluginRoots(layout, flagDirs, env), cacheDir: join(layout.plugins, '.cache') };
}

// Whether a plugin's jobs may run at the same time, for commands that show why a job
// waits (list, show): the registry is made only if a job names a plugin.
export function pluginParallelOf(layout: QueueLayout, env: NodeJS.ProcessEnv): PluginParallel {
  let registry: Promise<PluginRegistry> | undefined;
  return async (name) => {
    registry ??= import('../plugins/registry.js').then(({ PluginRegistry }) => new PluginRegistry(registryOptions(layout, undefined, env)));
    return (await registry).isParallel(name);
  };
}
