// A plugin job's "args" object to the plugin's command line. Pure.
//
//   {"button-text": "Payments", "msg-id": 12345678}  →  --button-text Payments --msg-id 12345678
//
// string/number → `--key value`; true → `--key`; false/null → omitted; an array
// repeats the flag, or for a key in `lists` (argparse's nargs='+'/'*') follows one
// flag: `--key a b`; a one-letter key is a short flag (`-k value`). Keys are used as
// given. A value that starts with "-" is attached (`--key=-3`, `-k-3`) so that the
// plugin's parser cannot take it for a flag. Positional arguments come first, right
// after the command, in the order the plugin declares them. `flags` gives the flag
// for a key written otherwise (`x` → `--x`, argparse's one-letter long option).

export type ArgValue = string | number | boolean | null | readonly (string | number)[];

export function flagOf(key: string): string {
  return key.length === 1 ? `-${key}` : `--${key}`;
}

function option(flag: string, value: string | number): string[] {
  const text = String(value);
  if (!text.startsWith('-')) return [flag, text];
  return [flag.startsWith('--') ? `${flag}=${text}` : `${flag}${text}`];
}

// Several values after one flag. One alone goes as option() writes it: attached, it
// may start with "-" (`--tags=-x`), which among several it may not (validate.ts).
function listOption(flag: string, values: readonly (string | number)[]): string[] {
  if (values.length === 0) return [];
  return values.length === 1 ? option(flag, values[0]!) : [flag, ...values.map(String)];
}

export function argvFor(
  command: string | undefined,
  args: Readonly<Record<string, ArgValue>>,
  positional: readonly string[] = [],
  flags: ReadonlyMap<string, string> = new Map(),
  lists: ReadonlySet<string> = new Set(),
): string[] {
  const flag = (key: string): string => flags.get(key) ?? flagOf(key);
  const argv = command === undefined ? [] : [command];
  for (const key of positional) {
    const value = args[key];
    if (value === undefined || value === null || typeof value === 'boolean') continue;
    argv.push(...(Array.isArray(value) ? value : [value]).map(String));
  }
  for (const [key, value] of Object.entries(args)) {
    if (positional.includes(key) || value === null || value === false) continue;
    if (value === true) argv.push(flag(key));
    else if (Array.isArray(value) && lists.has(key)) argv.push(...listOption(flag(key), value));
    else if (Array.isArray(value)) for (const v of value as readonly (string | number)[]) argv.push(...option(flag(key), v));
    else argv.push(...option(flag(key), value as string | number));
  }
  return argv;
}
