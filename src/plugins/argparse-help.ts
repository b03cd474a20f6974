// Reads the text Python's argparse prints for --help. Pure.
//
//   usage: notes add [-h] --title TITLE [--tag TAG] [-n N]     ← required: outside [ ]
//                    [--priority {low,normal,high}]             ← usage wraps
//
//   Add a note.                                                 ← description
//
//   positional arguments:                                       ← sections: "Title:"
//     {add,list}          ← the subcommands, when usage shows "{add,list} ..."
//       add               add a note                            ← one per subcommand
//
//   options:
//     -n N, --limit N     at most N notes                       ← 2-space items, help
//     --priority {low,normal,high}                                 at the help column
//                         default: normal
//     --tags TAG [TAG ...]                                      ← several values:
//                                                                 nargs='+' ('*': [TAG ...])
//
// Argparse says "required" only through the usage line (no brackets), and says
// nothing of `action="append"`: an option whose help mentions repeating counts as
// repeatable. The type is not printed either; a metavar N/INT/NUMBER means an integer.
// A positional that takes several values is listed by its bare name: only the usage
// line ("files [files ...]") says so.
import type { ArgSpec } from './spec.js';

export interface ParsedHelp {
  readonly description: string | undefined;
  // The subparser's choices, when the program has subcommands.
  readonly subcommands: readonly { readonly name: string; readonly help: string | undefined }[] | undefined;
  readonly args: readonly ArgSpec[];
}

export type HelpParse = { readonly ok: true; readonly help: ParsedHelp } | { readonly ok: false; readonly error: string };

const INTEGER_METAVARS = new Set(['N', 'INT', 'INTEGER', 'NUM', 'NUMBER']);
const REPEATABLE_HINT = /\brepeat(able|ed)?\b|more than once|multiple times|several times/i;

// How argparse writes a metavar X that takes several values: "X [X ...]" (nargs='+'),
// "[X ...]" (nargs='*', Python ≥ 3.9) or "[X [X ...]]" (nargs='*' before).
const LIST_FORMS = [/^(.+) \[\1 \.\.\.\]$/, /^\[(.+) \[\1 \.\.\.\]\]$/, /^\[([^[\]]+) \.\.\.\]$/];

// The same three shapes where they stand in a usage line, as whole words.
const WORD = String.raw`[^\s[\]()|]+`;
const LISTED_IN_USAGE = new RegExp(String.raw`(?<=^|[\s[(|])(?:(${WORD}) \[\1 \.\.\.\]|\[(${WORD}) \[\2 \.\.\.\]\]|\[(${WORD}) \.\.\.\])`, 'g');

interface Item {
  invocation: string;
  help: string[];
  entries: { name: string; help: string[] }[]; // lines indented under a positional (subcommands)
}

// `command`: the subcommand whose help this is, so that its name in the usage line is
// not mistaken for a positional argument.
export function parseArgparseHelp(text: string, command?: string): HelpParse {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\s+$/, ''));
  const start = lines.findIndex((l) => /^usage:/i.test(l));
  if (start === -1) return { ok: false, error: 'its --help has no "usage:" line (not argparse-style); describe it in a plugin.json' };

  let i = start + 1;
  const usageParts = [lines[start]!.replace(/^usage:\s*/i, '')];
  while (i < lines.length && /^\s+\S/.test(lines[i]!)) usageParts.push(lines[i++]!.trim());
  const usageLine = usageParts.join(' ');
  const usage = usageTokens(usageLine, command);
  const listed = listedPositionals(usageLine);

  const description: string[] = [];
  while (i < lines.length && !isSectionTitle(lines, i)) {
    if (lines[i]!.trim() !== '') description.push(lines[i]!.trim());
    i += 1;
  }

  const items: Item[] = [];
  let section = false;
  for (; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      section = isSectionTitle(lines, i); // anything else unindented is an epilog
      continue;
    }
    if (!section) continue;
    const current = items[items.length - 1];
    if (indent === 2) {
      const [invocation, help] = splitColumns(line.trim());
      items.push({ invocation, help: help === undefined ? [] : [help], entries: [] });
    } else if (indent === 4 && current !== undefined && !current.invocation.startsWith('-')) {
      const [name, help] = splitColumns(line.trim());
      current.entries.push({ name, help: help === undefined ? [] : [help] });
    } else if (current !== undefined) {
      const entry = current.entries[current.entries.length - 1];
      (entry ?? current).help.push(line.trim());
    }
  }

  let subcommands: ParsedHelp['subcommands'];
  const args: ArgSpec[] = [];
  for (const item of items) {
    if (!item.invocation.startsWith('-') && usage.subparser === item.invocation) {
      subcommands = subcommandsOf(item);
      continue;
    }
    const arg = item.invocation.startsWith('-') ? optionOf(item, usage.required) : positionalOf(item, usage.required, listed);
    if (arg !== undefined) args.push(arg);
  }
  return { ok: true, help: { description: joined(description), subcommands, args } };
}

// The subparser's choices ("{add,a,rm}") are every command and alias; its entries
// ("add (a)   add a note") only those given a help=, with their aliases in brackets.
// So: every choice that is not an alias, with the help of its entry if it has one.
// A subparser with a metavar shows no choices: its entries are all there is.
function subcommandsOf(item: Item): ParsedHelp['subcommands'] {
  const entries = item.entries.map((e) => {
    const named = /^(\S+) \((.+)\)$/.exec(e.name);
    return { name: named ? named[1]! : e.name, aliases: named ? named[2]!.split(/,\s*/) : [], help: joined(e.help) };
  });
  const choices = bracedChoices(item.invocation);
  if (choices === undefined) return entries.map(({ name, help }) => ({ name, help }));
  const aliases = new Set(entries.flatMap((e) => e.aliases));
  return choices.filter((c) => !aliases.has(c)).map((name) => ({ name, help: entries.find((e) => e.name === name)?.help }));
}

function isSectionTitle(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  return /^\S.*:$/.test(line) && /^\s+\S/.test(lines[i + 1] ?? '');
}

// "--title TITLE         one line…" → ["--title TITLE", "one line…"]
function splitColumns(text: string): [string, string | undefined] {
  const match = /^(.*?\S)\s{2,}(\S.*)$/.exec(text);
  return match ? [match[1]!, match[2]!] : [text, undefined];
}

function joined(parts: readonly string[]): string | undefined {
  const text = parts.join(' ').replace(/\s+/g, ' ').trim();
  return text === '' ? undefined : text;
}

function bracedChoices(metavar: string | undefined): string[] | undefined {
  const match = metavar === undefined ? null : /^\{(.*)\}$/.exec(metavar);
  return match ? match[1]!.split(',') : undefined;
}

interface Usage {
  readonly required: ReadonlySet<string>; // words outside any [ ] or ( )
  readonly subparser: string | undefined; // the word followed by "..." (argparse's nargs=PARSER)
}

// Splits the usage line into words, noting which stand outside brackets. The first
// word is the program's name (and, for a subcommand, everything up to its name).
function usageTokens(usage: string, command: string | undefined): Usage {
  const words: { text: string; depth: number }[] = [];
  let depth = 0;
  let word = '';
  let wordDepth = 0;
  const flush = (): void => {
    if (word !== '') words.push({ text: word, depth: wordDepth });
    word = '';
  };
  for (const ch of usage) {
    if (ch === '[' || ch === '(') {
      flush();
      depth += 1;
    } else if (ch === ']' || ch === ')') {
      flush();
      depth = Math.max(0, depth - 1);
    } else if (/\s|\|/.test(ch)) {
      flush();
    } else {
      if (word === '') wordDepth = depth;
      word += ch;
    }
  }
  flush();
  const skip = command === undefined ? 1 : Math.max(1, words.findIndex((w) => w.text === command) + 1);
  const rest = words.slice(skip);
  const required = new Set(rest.filter((w) => w.depth === 0).map((w) => w.text));
  const dots = rest.findIndex((w, k) => k > 0 && w.text === '...' && w.depth === 0 && rest[k - 1]!.depth === 0);
  return { required, subparser: dots === -1 ? undefined : rest[dots - 1]!.text };
}

// The words a usage line writes as taking several values, but not after a flag: there
// they are an option's metavar ("--tags TAG [TAG ...]"), which optionOf reads from its
// own line. What is left are positionals, which their own line shows bare.
function listedPositionals(usage: string): ReadonlySet<string> {
  const words = new Set<string>();
  for (const match of usage.matchAll(LISTED_IN_USAGE)) {
    const before = /\S*$/.exec(usage.slice(0, match.index).trimEnd())![0];
    if (/^[[(]*-[^\])]*$/.test(before)) continue; // "--tags", "[--tags" (not "[-h]", a whole option)
    words.add(match[1] ?? match[2] ?? match[3]!);
  }
  return words;
}

// "TAG [TAG ...]" → "TAG"; undefined for a metavar of one value.
function listedMetavar(metavar: string | undefined): string | undefined {
  if (metavar === undefined) return undefined;
  for (const form of LIST_FORMS) {
    const match = form.exec(metavar);
    if (match) return match[1]!;
  }
  return undefined;
}

// "-n N, --limit N" (or "-n, --limit N" since Python 3.13) → the argument "limit".
function optionOf(item: Item, required: ReadonlySet<string>): ArgSpec | undefined {
  const forms = item.invocation.split(', ').map((form) => {
    const space = form.indexOf(' ');
    return space === -1 ? { flag: form, metavar: undefined } : { flag: form.slice(0, space), metavar: form.slice(space + 1) };
  });
  const flags = forms.map((f) => f.flag);
  if (flags.includes('-h') || flags.includes('--help')) return undefined;
  const names = [...flags.filter((f) => f.startsWith('--')), ...flags.filter((f) => !f.startsWith('--'))].map((f) => f.replace(/^-+/, ''));
  const printed = forms.find((f) => f.metavar !== undefined)?.metavar;
  const bare = listedMetavar(printed);
  const metavar = bare ?? printed;
  const help = joined(item.help);
  const choices = bracedChoices(metavar);
  // "--x": a long option of one letter, which a job's key "x" would otherwise give as -x.
  const long = flags.find((f) => f.startsWith('--'));
  return Object.freeze({
    ...(long !== undefined && long.length === 3 ? { flag: long } : {}),
    name: names[0]!,
    aliases: names.slice(1),
    type: metavar === undefined ? 'boolean' : choices === undefined && INTEGER_METAVARS.has(metavar) ? 'integer' : 'string',
    required: flags.some((f) => required.has(f)),
    // A list whose help says "repeatable" is action="append" with nargs: an argument
    // is one or the other (manifest.ts), and one flag with all the values is a group
    // the plugin accepts.
    repeatable: bare === undefined && metavar !== undefined && help !== undefined && REPEATABLE_HINT.test(help),
    list: bare !== undefined,
    positional: false,
    choices,
    metavar,
    help,
  });
}

// A positional is one word (its metavar); a line with spaces is an epilog's example.
function positionalOf(item: Item, required: ReadonlySet<string>, listed: ReadonlySet<string>): ArgSpec | undefined {
  if (/\s/.test(item.invocation)) return undefined;
  const choices = bracedChoices(item.invocation);
  const help = joined(item.help);
  return Object.freeze({
    name: item.invocation,
    aliases: [],
    type: choices === undefined && INTEGER_METAVARS.has(item.invocation) ? 'integer' : 'string',
    required: required.has(item.invocation),
    repeatable: false,
    list: listed.has(item.invocation),
    positional: true,
    choices,
    metavar: item.invocation,
    help,
  });
}
