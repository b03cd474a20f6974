// Where plugins are looked for, in order: the queue's plugins/, then each --plugins
// DIR, then the config file's "plugins" list (relative paths there are relative to the
// config file). The first folder to hold a name owns it.
import { dirname, join, resolve } from 'node:path';
import type { RegistryOptions } from '../plugins/registry.js';
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
