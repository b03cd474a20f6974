// From what a job asks for (RunSpec) to the program and arguments to spawn.
import type { RunSpec } from '../core/job-schema.js';
import type { Command } from './runner.js';

export const SHELL = '/bin/sh';

// What to spawn; for a plugin job also the keys of its args that hold secrets under
// a name that may not look like one (core/redact.ts SecretFlags), for daemon.log.
export type Resolved = { ok: true; command: Command; secretKeys?: ReadonlySet<string> } | { ok: false; error: string };

// Plugin jobs are resolved by the plugin registry; it is passed in so that this
// module stays free of discovery and I/O.
export type PluginResolver = (spec: Extract<RunSpec, { kind: 'plugin' }>) => Promise<Resolved>;

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
