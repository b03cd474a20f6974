// What views of jobs know of plugin jobs' args from the plugins' descriptions
// (core/plugin-args.ts): the keys that hold secrets, and the argv the daemon would run
// (validate.ts checkPluginJob), so that a view shows that very command line.
import { noKnownPlugins, type KnownArgs, type KnownPlugins } from '../core/plugin-args.js';
import type { ArgValue } from './argv.js';
import { secretKeysOf, type PluginSpec } from './spec.js';
import { shownArgv } from './validate.js';

function knownArgsOf(plugin: string, spec: PluginSpec, command: string | undefined): KnownArgs {
  return {
    secretKeys: secretKeysOf(spec, command),
    // Views read job files as they are, not always valid jobs (the daemon runs none of
    // those): their args are checked as if they were, and written no worse than by
    // the generic mapping.
    argv: (args, shown) => shownArgv(plugin, spec, command, args as Record<string, ArgValue>, shown as Record<string, ArgValue>),
  };
}

// What is known of the plugins described in `specs`, by plugin and command (worked out
// once for each: a listing asks for every job it shows).
export function knownPluginsOf(specs: ReadonlyMap<string, PluginSpec>): KnownPlugins {
  const known = new Map<string, KnownArgs>();
  return (plugin, command) => {
    const spec = specs.get(plugin);
    if (spec === undefined) return noKnownPlugins(plugin, command);
    const key = JSON.stringify([plugin, command]);
    let args = known.get(key);
    if (args === undefined) known.set(key, (args = knownArgsOf(plugin, spec, command)));
    return args;
  };
}
