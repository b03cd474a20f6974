// From what a job asks for (RunSpec) to the program and arguments to spawn.
import type { RunSpec } from '../core/job-schema.js';
import type { Command } from './runner.js';

export const SHELL = '/bin/sh';

// A plugin whose description cannot be read now for a reason that may pass (its --help
// timed out, was killed, could not be started for want of memory: plugins/introspect.ts).
// Its jobs wait in pending/ until it answers, or until it has failed so `tries` times in
// a row (plugins/registry.ts), when they fail as invalid.
export interface PluginWait {
  readonly plugin: string;
  readonly error: string; // the last failure
  readonly tries: number; // failures in a row
  readonly since: number; // the first of them, ms since the epoch
  readonly retryAt: number; // when the plugin is asked again
}

// What to spawn; for a plugin job also the keys of its args that hold secrets under
// a name that may not look like one (core/plugin-args.ts KnownArgs), for daemon.log.
// `wait`: the job is not wrong, its plugin cannot be asked now: it goes back to pending/.
export type Resolved =
  | { readonly ok: true; readonly command: Command; readonly secretKeys?: ReadonlySet<string> }
  | { readonly ok: false; readonly error: string; readonly wait?: PluginWait };

// Plugin jobs are resolved by the plugin registry; it is passed in so that this
// module stays free of discovery and I/O.
export type PluginResolver = (spec: Extract<RunSpec, { kind: 'plugin' }>) => Promise<Resolved>;

// Where a plugin stands, asked by a daemon whose jobs wait for it (daemon/plugin-waits.ts);
// may run its --help, never in a job's slot.
export type PluginState = { readonly kind: 'usable' } | { readonly kind: 'unusable'; readonly error: string } | { readonly kind: 'waits'; readonly wait: PluginWait };
export type PluginCheck = (plugin: string) => Promise<PluginState>;

export const noPlugins: PluginResolver = async (spec) => ({
  ok: false,
  error: `plugin: no plugin named "${spec.plugin}" (this queue has no plugins/ entries)`,
});

// `scriptPath` is where a script job's text is on disk (its claimed file).
export async function commandFor(
  run: RunSpec,
  scriptPath: string,
  resolvePlugin: PluginResolver,
): Promise<Resolved> {
  switch (run.kind) {
    case 'exec':
      return { ok: true, command: { file: run.file, args: run.args } };
    case 'shell':
      return { ok: true, command: { file: SHELL, args: ['-c', run.line] } };
    case 'script': {
      const [interpreter, ...flags] = run.interpreter;
      return { ok: true, command: { file: interpreter ?? SHELL, args: [...flags, scriptPath] } };
    }
    case 'plugin':
      return resolvePlugin(run);
  }
}
