// A plugin job about to be queued, by `mcpq submit --plugin` or MCP submit_job: checked
// the way the daemon will check it (registry.resolve), so that a job bound to fail
// `invalid` is refused now, with the reason, instead. One rule for both ways in: a
// plugin visible here must be usable and must accept the job. A plugin that cannot
// describe itself now, for a reason that may pass (a --help that timed out), cannot
// check the job: that is said as such (exit 75, try again), not as an invalid job.
// Whether a plugin this process cannot see is queued anyway is each caller's choice.
// Pure but for the clock it is given.
import { ExitCode, McpqError } from '../core/errors.js';
import type { PluginWait } from '../daemon/command.js';
import type { ArgValue } from './argv.js';
import type { Plugin } from './registry.js';
import { argsOf } from './spec.js';
import { checkPluginJob, coerceArgs, unusablePlugin } from './validate.js';

// The job's args typed by the plugin's own description ("12" → 12 for an integer), or
// an McpqError (usage) naming every mistake with what exists instead.
export function submittedPluginArgs(plugin: Plugin, command: string | undefined, given: Readonly<Record<string, ArgValue>>, now = Date.now()): Record<string, ArgValue> {
  if (plugin.status === 'error' && plugin.transient !== undefined) throw cannotCheckNow(plugin.transient, now);
  if (plugin.status === 'error') throw new McpqError(`invalid plugin job: ${unusablePlugin(plugin.name, plugin.error)}`, ExitCode.usage);
  const accepted = argsOf(plugin.spec, command);
  const typed = accepted === undefined ? { ...given } : coerceArgs(given, accepted);
  const checked = checkPluginJob(plugin.name, plugin.spec, command, typed);
  if (!checked.ok) {
    throw new McpqError(`invalid plugin job: ${checked.error}`, ExitCode.usage, undefined, {
      cli: `mcpq plugins ${plugin.name} shows its commands and arguments`,
      mcp: `list_plugins with name "${plugin.name}" shows its commands and arguments`,
    });
  }
  return typed;
}

function cannotCheckNow(wait: PluginWait, now: number): McpqError {
  const seconds = Math.max(1, Math.ceil((wait.retryAt - now) / 1_000));
  return new McpqError(
    `cannot check the job now: plugin ${wait.plugin} could not describe itself (${wait.error}); this may pass (a busy machine): nothing was queued, try again in ${seconds}s`,
    ExitCode.tryAgain,
  );
}
