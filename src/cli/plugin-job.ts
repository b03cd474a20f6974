// `mcpq submit --plugin NAME COMMAND --arg key=value…` to a plugin job object. When
// the plugin is found here it is checked as MCP submit_job checks it
// (plugins/submission.ts): its description types the values ("12" → 12 for an int),
// and a plugin that cannot be used or a mistake is a usage error now rather than an
// invalid record later; a plugin only the daemon can see (its --plugins DIR) is
// checked when the job runs.
import { ExitCode, McpqError } from '../core/errors.js';
import type { Plugin } from '../plugins/registry.js';
import { submittedPluginArgs } from '../plugins/submission.js';
import type { SubmitFlags } from './commands/submit.js';
import { pluginArgs } from './job-flags.js';

export type FindPlugin = (name: string) => Promise<Plugin | undefined>;

export async function pluginJob(plugin: string, words: readonly string[], flags: SubmitFlags, find?: FindPlugin): Promise<Record<string, unknown>> {
  if (flags.shell !== undefined) throw new McpqError('give either --plugin or --shell, not both', ExitCode.usage);
  const [command, ...extra] = words;
  if (extra.length > 0) {
    throw new McpqError(`unexpected "${extra[0]}" after the plugin command: give the plugin's arguments as --arg key=value`, ExitCode.usage);
  }
  const given = pluginArgs(flags.arg ?? []);
  const job = (args: Record<string, unknown>) => ({ plugin, ...(command === undefined ? {} : { command }), args });
  const found = await find?.(plugin);
  return job(found === undefined ? given : submittedPluginArgs(found, command, given));
}
