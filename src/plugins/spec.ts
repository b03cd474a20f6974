// What mcpq knows about a plugin: its commands and their arguments, read from a
// plugin.json manifest or from the plugin's own argparse --help. Both sources end up
// in these frozen shapes, so validation, argument mapping, redaction and `mcpq
// plugins` never care where the description came from.
import { looksSecret } from '../core/redact.js';

export const ArgType = Object.freeze({
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean', // a flag without a value: true → `--flag`, false → omitted
} as const);
export type ArgType = (typeof ArgType)[keyof typeof ArgType];

export interface ArgSpec {
  readonly name: string; // the key in a job's "args"
  readonly aliases: readonly string[]; // other keys for the same argument (`n` for `-n, --limit`)
  readonly type: ArgType;
  readonly required: boolean;
  readonly repeatable: boolean; // an array value repeats the flag: `--tag a --tag b`
  readonly list: boolean; // an array value goes after one flag: `--tags a b` (argparse nargs='+' or '*')
  readonly positional: boolean; // given as a bare value right after the command
  readonly choices: readonly string[] | undefined;
  readonly metavar: string | undefined;
  readonly help: string | undefined;
  // How the argument is written when that is not `--name` (`-n` for a one-letter
  // name): argparse's `--x`, a one-letter long option.
  readonly flag?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly description: string | undefined;
  readonly args: readonly ArgSpec[];
}

export interface PluginSpec {
  readonly description: string | undefined;
  // Jobs of a parallel plugin may run at the same time; others run one at a time.
  readonly parallel: boolean;
  readonly source: 'plugin.json' | '--help';
  // Empty when the plugin has no subcommands: it then takes `args` directly.
  readonly commands: readonly CommandSpec[];
  readonly args: readonly ArgSpec[];
}

// The arguments a job may give: the command's, or the plugin's own when it has none.
export function argsOf(spec: PluginSpec, command: string | undefined): readonly ArgSpec[] | undefined {
  if (spec.commands.length === 0) return command === undefined ? spec.args : undefined;
  return spec.commands.find((c) => c.name === command)?.args;
}

export function argKeys(arg: ArgSpec): readonly string[] {
  return [arg.name, ...arg.aliases];
}

// An argument holds a secret when any name it goes by looks secret: its key, an alias
// (`-t, --token`: a job may give it as "t"), or its metavar, which argparse prints as
// the dest upper-cased unless the plugin chose another (`-k API_KEY` for dest api_key).
export function isSecretArg(arg: ArgSpec): boolean {
  return [...argKeys(arg), ...(arg.metavar === undefined ? [] : [arg.metavar])].some(looksSecret);
}

const NO_KEYS: ReadonlySet<string> = Object.freeze(new Set<string>());

// Every key that gives a secret argument of `command` (core/redact.ts hides their
// values whatever the key looks like); of every command when it names none of them
// (an invalid job is shown too).
export function secretKeysOf(spec: PluginSpec, command: string | undefined): ReadonlySet<string> {
  const args = argsOf(spec, command) ?? [...spec.args, ...spec.commands.flatMap((c) => c.args)];
  const secret = args.filter(isSecretArg).flatMap(argKeys);
  return secret.length === 0 ? NO_KEYS : new Set(secret);
}
