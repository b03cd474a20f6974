// A plugin as `mcpq plugins --json` and the MCP server's list_plugins show it: its
// commands, their arguments with how each is written on the command line, and a
// usage example per command (as a job object and as a `mcpq submit` line). Pure.
import { exampleFor, type Example } from './examples.js';
import type { Plugin } from './registry.js';
import type { ArgSpec } from './spec.js';
import { usageOf } from './validate.js';

// An argument as --json shows it: every key present (null when unset).
export type ArgView = Omit<ArgSpec, 'choices' | 'metavar' | 'help'> & {
  readonly choices: readonly string[] | null;
  readonly metavar: string | null;
  readonly help: string | null;
  readonly usage: string;
};

export interface CommandView {
  readonly name: string;
  readonly description: string | null;
  readonly args: readonly ArgView[];
  readonly example: Example;
}

export type PluginView =
  | {
      readonly name: string;
      readonly status: 'ok';
      readonly dir: string;
      readonly entry: string;
      readonly source: 'plugin.json' | '--help';
      readonly description: string | null;
      readonly parallel: boolean;
      readonly commands: readonly CommandView[];
      // A plugin without commands takes its arguments directly.
      readonly args?: readonly ArgView[];
      readonly example?: Example;
    }
  | {
      readonly name: string;
      readonly status: 'error';
      readonly dir: string;
      readonly entry: string | null;
      readonly error: string;
      // Only when the failure may pass (a --help that timed out…): its jobs wait for it.
      readonly transient?: { readonly tries: number; readonly since: string };
    };

export function pluginView(plugin: Plugin): PluginView {
  const { name, dir } = plugin;
  if (plugin.status === 'error') {
    const { transient } = plugin;
    return { name, status: 'error', dir, entry: plugin.entry ?? null, error: plugin.error, ...(transient === undefined ? {} : { transient: { tries: transient.tries, since: new Date(transient.since).toISOString() } }) };
  }
  const { spec } = plugin;
  const argViews = (args: readonly ArgSpec[]): ArgView[] =>
    args.map((a) => ({ ...a, choices: a.choices ?? null, metavar: a.metavar ?? null, help: a.help ?? null, usage: usageOf(a) }));
  return {
    name,
    status: 'ok',
    dir,
    entry: plugin.entry,
    source: spec.source,
    description: spec.description ?? null,
    parallel: spec.parallel,
    commands: spec.commands.map((c) => ({ name: c.name, description: c.description ?? null, args: argViews(c.args), example: exampleFor(name, c.name, c.args) })),
    ...(spec.commands.length === 0 ? { args: argViews(spec.args), example: exampleFor(name, undefined, spec.args) } : {}),
  };
}
