// A usage example for each command, as a job file and as a `mcpq submit` line: the
// required arguments with placeholder values (or, when none is required, the first
// argument, to show the form). Pure.
import { shellQuote } from '../core/job-schema.js';
import type { ArgValue } from './argv.js';
import type { ArgSpec } from './spec.js';

export interface Example {
  readonly job: { plugin: string; command?: string; args: Record<string, ArgValue> };
  readonly submit: string;
}

export function exampleFor(plugin: string, command: string | undefined, accepted: readonly ArgSpec[]): Example {
  const required = accepted.filter((a) => a.required);
  const shown = required.length > 0 ? required : accepted.slice(0, 1);
  const args: Record<string, ArgValue> = Object.fromEntries(shown.map((a) => [a.name, placeholder(a)]));
  const words = ['mcpq submit --plugin', plugin, ...(command === undefined ? [] : [command])];
  for (const [key, value] of Object.entries(args)) words.push('--arg', value === true ? key : shellQuote(`${key}=${String(value)}`));
  return { job: { plugin, ...(command === undefined ? {} : { command }), args }, submit: words.join(' ') };
}

function placeholder(arg: ArgSpec): ArgValue {
  if (arg.type === 'boolean') return true;
  if (arg.choices !== undefined) return arg.choices[0]!;
  if (arg.type === 'integer' || arg.type === 'number') return 1;
  return arg.metavar ?? arg.name.toUpperCase();
}
