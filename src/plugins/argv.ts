// A plugin job's "args" object to the plugin's command line. Pure.
//
//   {"button-text": "Payments", "msg-id": 12345678}  →  --button-text Payments --msg-id 12345678
//
// string/number → `--key value`; true → `--key`; false/null → omitted; an array
// repeats the flag; a one-letter key is a short flag (`-k value`). Keys are used as
// given. A value that starts with "-" is attached (`--key=-3`, `-k-3`) so that the
// plugin's parser cannot take it for a flag. Positional arguments come first, right
// after the command, in the order the plugin declares them.

export type ArgValue = string | number | boolean | null | readonly (string | number)[];

export function flagOf(key: string): string {
  return key.length === 1 ? `-${key}` : `--${key}`;
}

function option(key: string, value: string | number): string[] {
  const text = String(value);
  if (!text.startsWith('-')) return [flagOf(key), text];
  return [key.length === 1 ? `-${key}${text}` : `--${key}=${text}`];
}

export function argvFor(command: string | undefined, args: Readonly<Record<string, ArgValue>>, positional: readonly string[] = []): string[] {
  const argv = command === undefined ? [] : [command];
  for (const key of positional) {
    const value = args[key];
    if (value === undefined || value === null || typeof value === 'boolean') continue;
    argv.push(...(Array.isArray(value) ? value : [value]).map(String));
  }
  for (const [key, value] of Object.entries(args)) {
    if (positional.includes(key) || value === null || value === false) continue;
    if (value === true) argv.push(flagOf(key));
    else if (Array.isArray(value)) for (const v of value as readonly (string | number)[]) argv.push(...option(key, v));
    else argv.push(...option(key, value as string | number));
  }
  return argv;
}
