// What mcpq may show of a job, in daemon.log, listings and MCP results: values whose
// names look secret are replaced. Applied to env maps, argument lists ("--token X",
// "--token=X", "API_KEY=X"), plugin flags and shell lines; inside any argument, shell
// word or value, also to headers whose names look secret ("Authorization: Bearer X",
// "Cookie: sid=X") and to a URL's password ("https://user:PW@host"). Redaction makes
// copies: what a job runs with (its file, its record) is never touched.
//
// A plugin flag may be given under a name that does not look secret though another
// name of the same option does ("t" for "-t, --token"): only the plugin's description
// knows, so whoever shows plugin jobs passes what it knows of them (core/plugin-args.ts).
import { noKnownPlugins, type KnownPlugins } from './plugin-args.js';

export const REDACTED = '[redacted]';
const SECRET_NAME = /(token|secret|passw|pwd|api[-_]?key|private[-_]?key|access[-_]?key|(^|[-_])key$|auth|credential|cookie|session)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

const NONE: ReadonlySet<string> = Object.freeze(new Set<string>());

// A URL's password, up to the "@" that ends its user info.
const URL_PASSWORD = /\b([a-z][a-z\d+.-]*:\/\/[^\s/@:"']*):[^\s/@"']+@/gi;
// A header, from its name to the end of the word: a value may hold spaces ("Cookie:
// a=1; b=2"), a quoted shell word is one word. Not after "/", so that a URL's user
// ("https://token:PW@host") is not taken for a header. An auth scheme is kept.
const HEADER = /(?<![\w/-])([A-Za-z][\w-]*)(\s*:\s*)(?:(Bearer|Basic)(\s+))?(\S.*)$/is;
// An auth scheme's credentials, anywhere: they end at whitespace or a quote.
const SCHEME_TOKEN = /\b(Bearer|Basic)\s+[^\s"']+/gi;

// The rules for secrets inside one word, shared by arguments and shell lines.
function redactWord(word: string): string {
  return word
    .replace(URL_PASSWORD, `$1:${REDACTED}@`)
    .replace(HEADER, (m, name: string, colon: string, scheme = '', space = '') => (looksSecret(name) ? `${name}${colon}${scheme}${space}${REDACTED}` : m))
    .replace(SCHEME_TOKEN, `$1 ${REDACTED}`);
}

// A value kept by name may still hold a URL or a header.
function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactWord(value);
  if (Array.isArray(value)) return value.map(redactValue);
  return value;
}

// A map of name → value: env, plugin flags. `hidden`: names secret whatever they look like.
function redactNamed(values: Readonly<Record<string, unknown>>, hidden: ReadonlySet<string> = NONE): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, looksSecret(k) || hidden.has(k) ? REDACTED : redactValue(v)]));
}

export function redactEnv(env: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  return env === undefined ? undefined : redactNamed(env);
}

// Plugin flags are an object of name → value; `secretKeys` are those that give a
// secret option under another name (KnownArgs).
export function redactFlags(flags: Readonly<Record<string, unknown>>, secretKeys: ReadonlySet<string> = NONE): Record<string, unknown> {
  return redactNamed(flags, secretKeys);
}

const ASSIGNMENT = /^(-{0,2})([A-Za-z_][\w.-]*)=(.*)$/s;
const FLAG = /^--?[A-Za-z][\w.-]*$/;

// One output argument per input argument: "--token X" hides X.
export function redactArgs(args: readonly string[]): string[] {
  let hideNext = false;
  return args.map((arg) => {
    if (hideNext) {
      hideNext = false;
      return REDACTED;
    }
    const assignment = ASSIGNMENT.exec(arg);
    if (assignment && looksSecret(assignment[2]!)) return `${assignment[1]}${assignment[2]}=${REDACTED}`;
    hideNext = FLAG.test(arg) && looksSecret(arg.replace(/^-+/, ''));
    return redactWord(arg);
  });
}

// A word of a shell line: double-quoted, single-quoted, or bare.
const SHELL_WORD = /"([^"]*)"|'([^']*)'|([^\s"']+)/g;

// A shell line is one string: hide NAME=value and "--flag value" pairs inside it, then
// apply the word rules to each word.
export function redactShellLine(line: string): string {
  return line
    .replace(/\b([A-Za-z_][\w-]*)=("[^"]*"|'[^']*'|\S+)/g, (m, name: string) => (looksSecret(name) ? `${name}=${REDACTED}` : m))
    .replace(/(--?([A-Za-z][\w-]*))(\s+)("[^"]*"|'[^']*'|[^\s-]\S*)/g, (m, flag: string, name: string, space: string) =>
      looksSecret(name) ? `${flag}${space}${REDACTED}` : m,
    )
    .replace(SHELL_WORD, (_m, double: string | undefined, single: string | undefined, bare: string | undefined) =>
      double !== undefined ? `"${redactWord(double)}"` : single !== undefined ? `'${redactWord(single)}'` : redactWord(bare!),
    )
    .replace(SCHEME_TOKEN, `$1 ${REDACTED}`); // "Bearer X" unquoted is two words
}

// A job object as submitted, or its record (a job plus `result`, kept as it is), as it
// may be shown: env, arguments (exec form) or plugin flags, and a shell line (a
// script's text is one too) redacted as daemon.log has them. Not a valid job
// perhaps: only fields of the expected types are read.
export function redactJob<T extends Readonly<Record<string, unknown>>>(job: T, known: KnownPlugins = noKnownPlugins): T {
  const shown: Record<string, unknown> = { ...job };
  if (isMap(job.env)) shown.env = redactNamed(job.env);
  if (Array.isArray(job.args)) shown.args = redactArgList(job.args);
  else if (isMap(job.args)) shown.args = redactFlags(job.args, secretKeysOf(job, known));
  const shellLine = job.plugin === undefined && (job.shell === true || !Array.isArray(job.args));
  if (typeof job.command === 'string' && shellLine) shown.command = redactShellLine(job.command);
  return shown as T;
}

// A plugin job's keys that give secret options, as far as `known` says.
function secretKeysOf(job: Readonly<Record<string, unknown>>, known: KnownPlugins): ReadonlySet<string> {
  if (typeof job.plugin !== 'string') return NONE;
  return known(job.plugin, typeof job.command === 'string' ? job.command : undefined).secretKeys;
}

// Arguments that may not all be strings: those left as they were keep their type.
function redactArgList(args: readonly unknown[]): unknown[] {
  const redacted = redactArgs(args.map(String));
  return args.map((arg, i) => (redacted[i] === String(arg) ? arg : redacted[i]));
}

function isMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The plugins that jobs (objects as read, perhaps invalid) name: what to ask a
// PluginArgsLookup (core/plugin-args.ts).
export function pluginsNamed(jobs: Iterable<Readonly<Record<string, unknown>> | null | undefined>): string[] {
  const names = new Set<string>();
  for (const job of jobs) if (typeof job?.plugin === 'string' && isMap(job.args)) names.add(job.plugin);
  return [...names];
}
