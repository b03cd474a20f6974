// The `mcpq` command line: commander setup shared by every command. Each command
// lives in commands/<name>.ts and loads what it needs only when it runs, so that a
// quick command (submit, status) does not pay for the daemon's dependencies.
import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { registerDaemon } from './commands/daemon.js';
import { registerCancel } from './commands/cancel.js';
import { registerClean } from './commands/clean.js';
import { registerList } from './commands/list.js';
import { registerLogs } from './commands/logs.js';
import { registerMcp } from './commands/mcp.js';
import { registerRetry } from './commands/retry.js';
import { registerSchema } from './commands/schema.js';
import { registerShow } from './commands/show.js';
import { registerWait } from './commands/wait.js';
import { registerPause } from './commands/pause.js';
import { registerPlugins } from './commands/plugins.js';
import { registerService } from './commands/service.js';
import { registerStatus } from './commands/status.js';
import { registerSubmit } from './commands/submit.js';

export function buildProgram(): Command {
  const program = new Command('mcpq')
    .description('A job queue that lives in a directory: drop a job file into pending/, get a record in completed/ or failed/.')
    .version(VERSION, '-V, --version', 'print the mcpq version')
    .addOption(new Option('-q, --queue <dir>', 'queue directory (default: $MCPQ_QUEUE, config file, ~/.mcpq/queue)'))
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`mcpq: ${text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')}\n`) })
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .addHelpText(
      'after',
      `
Examples:
  mcpq daemon                        run the daemon in the foreground
  mcpq submit -- echo "Hello"        queue a command (exec form)
  mcpq submit --shell 'ls | wc -l'   queue a shell line
  mcpq submit --wait job.json        queue a job file and wait for its result
  mcpq status                        is a daemon running? what is queued?

Run "mcpq <command> --help" for a command's options.`,
    );
  registerDaemon(program);
  registerSubmit(program);
  registerStatus(program);
  registerList(program);
  registerShow(program);
  registerLogs(program);
  registerCancel(program);
  registerRetry(program);
  registerWait(program);
  registerPause(program);
  registerClean(program);
  registerSchema(program);
  registerService(program);
  registerPlugins(program);
  registerMcp(program);
  return program;
}

// Adds an "Examples:" section to a command's --help.
export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}

// Every command takes --queue (also accepted before the command name).
export function queueOption(command: Command): Command {
  return command.addOption(new Option('-q, --queue <dir>', 'queue directory (default: $MCPQ_QUEUE, config file, ~/.mcpq/queue)'));
}

// The --queue given to the command, or before it.
export function queueFlag(command: Command): string | undefined {
  return command.opts<{ queue?: string }>().queue ?? command.parent?.opts<{ queue?: string }>().queue;
}
