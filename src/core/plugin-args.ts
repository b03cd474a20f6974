// What views of jobs (list, show, cancel, MCP results) know of a plugin job's
// args, from its plugin's description and without running the plugin: which keys hold
// secrets (core/redact.ts hides their values) and how the args become the plugin's
// argv, so that the command line shown is the one the daemon runs. Of a plugin whose
// description is not at hand nothing is known: its jobs are shown by mcpq's generic
// mapping (plugins/argv.ts). Built by plugins/known.ts; only the shapes live here, so
// that core/ and jobs/ need nothing from plugins/ to use them.

// What mcpq knows of the args of one command of a plugin (of the plugin itself when it
// has no commands).
export interface KnownArgs {
  // The keys whose values are secret whatever they look like: those that give an
  // option any of whose names looks secret (plugins/spec.ts secretKeysOf).
  readonly secretKeys: ReadonlySet<string>;
  // The argv the daemon would run for `args` (the command first), written with the
  // values of `shown`, the same args as a view shows them (secrets redacted).
  // Undefined, or giving undefined, when the args do not match the description.
  readonly argv?: (args: Readonly<Record<string, unknown>>, shown: Readonly<Record<string, unknown>>) => string[] | undefined;
}

export type KnownPlugins = (plugin: string, command: string | undefined) => KnownArgs;
const UNKNOWN: KnownArgs = Object.freeze({ secretKeys: Object.freeze(new Set<string>()) });
export const noKnownPlugins: KnownPlugins = () => UNKNOWN;

// How a view of jobs learns their KnownPlugins: asked once with the plugins its jobs
// name, from the descriptions at hand (a listing never runs a plugin to learn more).
export type PluginArgsLookup = (plugins: readonly string[]) => Promise<KnownPlugins>;
export const noPluginArgs: PluginArgsLookup = async () => noKnownPlugins;
