// Is a plugin job runnable as written? Checked before it runs, against what the
// plugin says of itself; every mistake is named with what exists instead (and a
// did-you-mean for a near miss), so the record of an `invalid` job says how to fix it.
// Pure.
import { REDACTED } from '../core/redact.js';
import { argvFor, flagOf, type ArgValue } from './argv.js';
import { suggestion } from './did-you-mean.js';
import { argKeys, isSecretArg, type ArgSpec, type PluginSpec } from './spec.js';

export type Checked = { readonly ok: true; readonly argv: string[] } | { readonly ok: false; readonly error: string };

export function unknownPlugin(name: string, known: readonly string[]): string {
  const list = known.length === 0 ? 'this queue has no plugins (add a folder plugins/<name>/ with a cli entry)' : `plugins: ${known.join(', ')}`;
  return `plugin: no plugin named "${name}"${suggestion(name, known)}; ${list}`;
}

// A plugin that is there but whose description could not be read (its help failed,
// no entry, a bad plugin.json…): its jobs cannot be checked, so they do not run.
export function unusablePlugin(name: string, error: string): string {
  return `plugin: ${name} cannot be used: ${error}`;
}

// The command line to run for `command` with `args`, or why there is none.
export function checkPluginJob(plugin: string, spec: PluginSpec, command: string | undefined, args: Readonly<Record<string, ArgValue>>): Checked {
  const accepted = acceptedArgs(plugin, spec, command, args);
  return accepted.ok ? { ok: true, argv: argvOf(command, accepted.args, args) } : accepted;
}

// The command line checkPluginJob gives, written with the values of `shown` (the same
// args as a view shows them, secrets redacted) so that a view shows where each value
// lands; undefined when it gives none. Checked against `args` as given: a redacted
// value would not pass for a number or a choice.
export function shownArgv(
  plugin: string,
  spec: PluginSpec,
  command: string | undefined,
  args: Readonly<Record<string, ArgValue>>,
  shown: Readonly<Record<string, ArgValue>>,
): string[] | undefined {
  const accepted = acceptedArgs(plugin, spec, command, args);
  return accepted.ok ? argvOf(command, accepted.args, shown) : undefined;
}

// The arguments `command` takes, if `args` are right for them; else why not.
function acceptedArgs(
  plugin: string,
  spec: PluginSpec,
  command: string | undefined,
  args: Readonly<Record<string, ArgValue>>,
): { readonly ok: true; readonly args: readonly ArgSpec[] } | { readonly ok: false; readonly error: string } {
  const names = spec.commands.map((c) => c.name);
  let accepted: readonly ArgSpec[];
  let label = plugin;
  if (spec.commands.length === 0) {
    if (command !== undefined) return { ok: false, error: `command: ${plugin} has no commands (give only "args"), got "${command}"` };
    accepted = spec.args;
  } else {
    if (command === undefined) return { ok: false, error: `command: ${plugin} needs a command: ${names.join(', ')}` };
    const found = spec.commands.find((c) => c.name === command);
    if (found === undefined) {
      return { ok: false, error: `command: ${plugin} has no command "${command}"${suggestion(command, names)}; commands: ${names.join(', ')}` };
    }
    accepted = found.args;
    label = `${plugin} ${command}`;
  }
  const errors = checkArgs(label, accepted, args);
  return errors.length > 0 ? { ok: false, error: errors.join('; ') } : { ok: true, args: accepted };
}

// `args` as the plugin's command line, each written as the argument it gives says.
function argvOf(command: string | undefined, accepted: readonly ArgSpec[], args: Readonly<Record<string, ArgValue>>): string[] {
  const flags = new Map(accepted.flatMap((a) => (a.flag === undefined ? [] : [[a.name, a.flag] as const])));
  const lists = new Set(accepted.filter((a) => a.list).flatMap((a) => argKeys(a)));
  return argvFor(command, args, accepted.filter((a) => a.positional).flatMap((a) => argKeys(a)), flags, lists);
}

function checkArgs(label: string, accepted: readonly ArgSpec[], given: Readonly<Record<string, ArgValue>>): string[] {
  const errors: string[] = [];
  const byKey = new Map(accepted.flatMap((a) => argKeys(a).map((k) => [k, a] as const)));
  const seen = new Map<ArgSpec, string>();
  for (const [key, value] of Object.entries(given)) {
    const arg = byKey.get(key);
    if (arg === undefined) {
      const list = accepted.length === 0 ? 'it takes no arguments' : `arguments: ${accepted.map(usageOf).join(', ')}`;
      errors.push(`args.${key}: ${label} has no argument "${key}"${suggestion(key, byKey.keys())}; ${list}`);
      continue;
    }
    const twice = seen.get(arg);
    if (twice !== undefined) errors.push(`args.${key}: same argument as "${twice}"; give one of them`);
    seen.set(arg, key);
    const problem = valueProblem(arg, value);
    if (problem !== undefined) errors.push(`args.${key}: ${problem}`);
  }
  const missing = accepted.filter((a) => a.required && !argKeys(a).some((k) => isGiven(given[k])));
  if (missing.length > 0) errors.push(`args: ${label} needs ${missing.map((a) => `"${a.name}" (${usageOf(a)})`).join(', ')}`);
  return errors;
}

function isGiven(value: ArgValue | undefined): boolean {
  return value !== undefined && value !== null && value !== false && !(Array.isArray(value) && value.length === 0);
}

// An error names the bad value, except for a secret argument (isSecretArg): the error
// ends up in the record, daemon.log, `mcpq show` and MCP results, which redact the
// job's args but cannot know where a value was quoted in a message.
function shownValue(arg: ArgSpec, value: ArgValue): string {
  return isSecretArg(arg) ? REDACTED : JSON.stringify(value);
}

function valueProblem(arg: ArgSpec, value: ArgValue): string | undefined {
  if (value === null || value === false) return undefined; // omitted
  if (arg.type === 'boolean') return value === true ? undefined : `is a flag: give true or false, got ${shownValue(arg, value)}`;
  if (value === true) return `needs a value (${usageOf(arg)})`;
  if (Array.isArray(value)) {
    if (!arg.repeatable && !arg.list) return `takes one value, got a list (${usageOf(arg)})`;
    for (const v of value as readonly (string | number)[]) {
      const problem = scalarProblem(arg, v) ?? amongSeveralProblem(arg, v, value.length);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  return scalarProblem(arg, value as string | number);
}

// Several values after one flag are bare words, and the plugin would read one that
// starts with "-" as an option: only a value alone can be attached (`--tags=-x`).
function amongSeveralProblem(arg: ArgSpec, value: string | number, count: number): string | undefined {
  if (!arg.list || arg.positional || count < 2 || !String(value).startsWith('-')) return undefined;
  return `one of several values cannot start with "-" (after ${writtenFlag(arg)} it would be read as an option; a value alone can), got ${shownValue(arg, value)}`;
}

function scalarProblem(arg: ArgSpec, value: string | number): string | undefined {
  const text = String(value);
  const shown = shownValue(arg, value);
  if (arg.choices !== undefined && !arg.choices.includes(text)) {
    if (shown === REDACTED) return `${REDACTED} is not one of ${arg.choices.join(', ')}`;
    return `"${text}" is not one of ${arg.choices.join(', ')}${suggestion(text, arg.choices)}`;
  }
  if (arg.type === 'integer' && !/^-?\d+$/.test(text)) return `expected a whole number, got ${shown}`;
  if (arg.type === 'number' && (text.trim() === '' || !Number.isFinite(Number(text)))) return `expected a number, got ${shown}`;
  if (arg.positional && text.startsWith('-')) return `a positional value cannot start with "-", got ${shown}`;
  return undefined;
}

function writtenFlag(arg: ArgSpec): string {
  return arg.flag ?? flagOf(arg.name);
}

// How an argument is written on the plugin's command line: "--title TITLE", "[-n N]",
// "--tags TAG [TAG ...]" (as argparse writes several values)…
export function usageOf(arg: ArgSpec): string {
  const metavar = arg.choices !== undefined ? `{${arg.choices.join(',')}}` : (arg.metavar ?? arg.name.toUpperCase());
  const values = arg.list ? `${metavar} [${metavar} ...]` : metavar;
  const flag = writtenFlag(arg);
  const core = arg.positional ? values : arg.type === 'boolean' ? flag : `${flag} ${values}`;
  return arg.repeatable ? `${core} …` : core;
}

// `--arg key=value` strings to the types the plugin declares: "12" → 12 for an
// integer or number, "true"/"false" for a flag. Anything else stays as given, and so
// does a whole number too long for a JSON number to hold exactly (a 19-digit id would
// reach the plugin as another number): it is still checked and passed as written.
export function coerceArgs(given: Readonly<Record<string, ArgValue>>, accepted: readonly ArgSpec[]): Record<string, ArgValue> {
  const byKey = new Map(accepted.flatMap((a) => argKeys(a).map((k) => [k, a] as const)));
  const exact = (v: string): boolean => !/^\s*-?\d+\s*$/.test(v) || Number.isSafeInteger(Number(v));
  const coerce = (arg: ArgSpec | undefined, v: string | number): string | number =>
    typeof v === 'string' &&
    exact(v) &&
    ((arg?.type === 'integer' && /^-?\d+$/.test(v)) || (arg?.type === 'number' && v.trim() !== '' && Number.isFinite(Number(v))))
      ? Number(v)
      : v;
  return Object.fromEntries(
    Object.entries(given).map(([key, value]) => {
      const arg = byKey.get(key);
      if (arg?.type === 'boolean' && (value === 'true' || value === 'false')) return [key, value === 'true'];
      if (Array.isArray(value)) return [key, (value as readonly (string | number)[]).map((v) => coerce(arg, v))];
      if (typeof value === 'string' || typeof value === 'number') return [key, coerce(arg, value)];
      return [key, value];
    }),
  );
}
