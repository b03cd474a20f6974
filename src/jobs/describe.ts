// What a listing says about a job object (a pending file, a running job or a record
// minus its result): its description and its command on one line, secrets redacted
// (core/redact.ts). Pure.
import { shellQuote } from '../core/job-schema.js';
import { noKnownPlugins, type KnownPlugins } from '../core/plugin-args.js';
import { redactJob } from '../core/redact.js';
import { argvFor, type ArgValue } from '../plugins/argv.js';
import type { JobSummary } from './types.js';

export function summaryOf(job: Readonly<Record<string, unknown>> | null | undefined, known: KnownPlugins = noKnownPlugins): JobSummary {
  if (job === null || job === undefined) return { description: null, command: '' };
  const description = text(job.description) ?? text(job.purpose) ?? null;
  return { description, command: commandLine(job, known) };
}

// The command as a user would type it, secrets redacted: exec form quoted, plugin jobs
// as the plugin's name and argv (`plugin command --flag value`), shell lines and
// scripts as they are.
export function commandLine(job: Readonly<Record<string, unknown>>, known: KnownPlugins = noKnownPlugins): string {
  const shown = redactJob(job, known);
  const command = text(shown.command) ?? '';
  const plugin = text(shown.plugin);
  if (plugin !== undefined) return [plugin, ...pluginArgv(plugin, job, shown, known)].map(shellQuote).join(' ');
  if (Array.isArray(shown.args)) return [command, ...shown.args.map((a) => String(a))].map(shellQuote).join(' ');
  return command;
}

// A plugin job's argv as the daemon would run it when its plugin's description is at
// hand and the job matches it (positionals in place, lists after one flag…); else
// mcpq's generic mapping of args to flags, which is all it knows.
function pluginArgv(plugin: string, job: Readonly<Record<string, unknown>>, shown: Readonly<Record<string, unknown>>, known: KnownPlugins): string[] {
  const command = text(job.command);
  const shownArgs = flagsOf(shown.args);
  return known(plugin, command).argv?.(flagsOf(job.args), shownArgs) ?? argvFor(command, shownArgs);
}

function flagsOf(args: unknown): Readonly<Record<string, ArgValue>> {
  return typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, ArgValue>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
