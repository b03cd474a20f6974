// What may reach daemon.log: values whose names look secret are replaced. Applied to
// env maps, argument lists ("--token X", "--token=X", "API_KEY=X") and plugin flags.

export const REDACTED = '[redacted]';
const SECRET_NAME = /(token|secret|passw|pwd|api[-_]?key|private[-_]?key|access[-_]?key|(^|[-_])key$|auth|credential|cookie|session)/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function redactEnv(env: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (env === undefined) return undefined;
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, looksSecret(k) ? REDACTED : v]));
}

export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let hideNext = false;
  for (const arg of args) {
    if (hideNext) {
      out.push(REDACTED);
      hideNext = false;
      continue;
    }
    const assignment = /^(-{0,2})([A-Za-z_][\w.-]*)=(.*)$/s.exec(arg);
    if (assignment && looksSecret(assignment[2]!)) {
      out.push(`${assignment[1]}${assignment[2]}=${REDACTED}`);
    } else if (/^--?[A-Za-z]/.test(arg) && looksSecret(arg.replace(/^-+/, ''))) {
      out.push(arg);
      hideNext = true;
    } else {
      out.push(arg);
    }
  }
  return out;
}

// A shell line is one string: hide NAME=value and "--flag value" pairs inside it.
export function redactShellLine(line: string): string {
  return line
    .replace(/\b([A-Za-z_][\w-]*)=("[^"]*"|'[^']*'|\S+)/g, (m, name: string) => (looksSecret(name) ? `${name}=${REDACTED}` : m))
    .replace(/(--?([A-Za-z][\w-]*))(\s+)("[^"]*"|'[^']*'|[^\s-]\S*)/g, (m, flag: string, name: string, space: string) =>
      looksSecret(name) ? `${flag}${space}${REDACTED}` : m,
    )
    .replace(/\b(Bearer|Basic)\s+\S+/gi, `$1 ${REDACTED}`);
}

// Plugin flags are an object of name → value.
export function redactFlags(flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, looksSecret(k) ? REDACTED : v]));
}
