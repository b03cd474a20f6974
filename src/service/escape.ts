// How a value is written into a plist or a systemd unit so that launchd or systemd
// reads back exactly that value, whatever the characters in a path.
//
// systemd (systemd.syntax(7), systemd.service(5)): `%` starts a specifier everywhere,
// so it is doubled; a word with spaces, quotes or backslashes is double-quoted with
// C-style escapes; in the arguments of an Exec line `$` expands a variable, so it is
// doubled too, but not in the executable's own path, which systemd does not expand.
import { ExitCode, McpqError } from '../core/errors.js';

// Neither format can carry these faithfully: refuse them rather than write a file
// that means something else.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkPrintable(name: string, value: string): void {
  if (CONTROL.test(value)) throw new McpqError(`${name} contains a line break or control character, which a service file cannot hold: ${JSON.stringify(value)}`, ExitCode.usage);
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// Text inside a plist <string> element.
export function xmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

// Where in a unit file line a value lands.
export interface SystemdSpot {
  readonly quoted: boolean; // already inside "…" written by the template
  readonly execArgument: boolean; // an argument of ExecStart= and friends
  readonly executable: boolean; // the program of ExecStart= and friends
}

const NEEDS_QUOTES = /[\s"'\\]/;

export function systemdValue(value: string, spot: SystemdSpot): string {
  // systemd rejects such a program path outright ("contains special characters").
  if (spot.executable && /["'\\]/.test(value)) {
    throw new McpqError(`systemd cannot run a program whose path holds quotes or backslashes: ${value} (link it from a plainer path)`, ExitCode.usage);
  }
  let text = value.replace(/%/g, '%%');
  if (spot.execArgument) text = text.replace(/\$/g, '$$$$');
  if (!spot.quoted && value !== '' && !NEEDS_QUOTES.test(value)) return text;
  text = text.replace(/[\\"]/g, (c) => `\\${c}`);
  return spot.quoted ? text : `"${text}"`;
}

// The spot of a placeholder from the part of its line before it: inside quotes when
// an odd number of `"` precede it; an Exec argument unless it is the first word.
export function systemdSpot(before: string): SystemdSpot {
  const quoted = (before.match(/"/g)?.length ?? 0) % 2 === 1;
  const exec = /^\s*Exec[A-Za-z]*=/.exec(before);
  const firstWord = exec !== null && /^[-@:+!]*"?$/.test(before.slice(exec[0].length));
  return { quoted, execArgument: exec !== null && !firstWord, executable: firstWord };
}
