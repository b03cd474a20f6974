// What a listing says about a job object (a pending file, a running job or a record
// minus its result): its description and its command on one line, secrets redacted
// (core/redact.ts). Pure.
import { shellQuote } from '../core/job-schema.js';
import { noSecretFlags, redactJob, type SecretFlags } from '../core/redact.js';
import { argvFor, type ArgValue } from '../plugins/argv.js';
import type { JobSummary } from './types.js';

export function summaryOf(job: Readonly<Record<string, unknown>> | null | undefined, secretFlags: SecretFlags = noSecretFlags): JobSummary {
  if (job === null || job === undefined) return { description: null, command: '' };
  const description = text(job.description) ?? text(job.purpose) ?? null;
  return { description, command: commandLine(redactJob(job, secretFlags)) };
}

// The command as a user would type it: exec form quoted, plugin jobs as
// `plugin command --flag value`, shell lines and scripts as they are.
export function commandLine(job: Readonly<Record<string, unknown>>): string {
  const command = text(job.command) ?? '';
  const plugin = text(job.plugin);
  if (plugin !== undefined) {
    const flags = typeof job.args === 'object' && job.args !== null && !Array.isArray(job.args) ? (job.args as Record<string, ArgValue>) : {};
    return [plugin, ...argvFor(command === '' ? undefined : command, flags)].map(shellQuote).join(' ');
  }
  if (Array.isArray(job.args)) return [command, ...job.args.map((a) => String(a))].map(shellQuote).join(' ');
  return command;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
