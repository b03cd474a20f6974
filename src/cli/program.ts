// The `mcpq` command line: commander setup shared by every command. Each command
// lives in commands/<name>.ts and loads what it needs only when it runs, so that a
// quick command (submit, status) does not pay for the daemon's dependencies.
import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { nonEmpty } from './parse-options.js';
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

type Register = (program: Command) => void;

// Every command, in --help order, with the names it answers to (list.ts adds "ls";
// test/unit/program.test.ts keeps these names in step with the definitions).
export const COMMANDS: ReadonlyArray<readonly [names: readonly string[], register: Register]> = [
  [['daemon'], registerDaemon],
  [['submit'], registerSubmit],
  [['status'], registerStatus],
  [['list', 'ls'], registerList],
  [['show'], registerShow],
  [['logs'], registerLogs],
  [['cancel'], registerCancel],
  [['retry'], registerRetry],
  [['wait'], registerWait],
  [['pause', 'resume'], registerPause],
  [['clean'], registerClean],
  [['schema'], registerSchema],
  [['service'], registerService],
  [['plugins'], registerPlugins],
  [['mcp'], registerMcp],
];

// The program for `argv`. When argv names a command, only that command is defined:
// its parse and help are the same, and a short command starts a few ms sooner.
export function buildProgram(argv: readonly string[] = []): Command {
  const program = new Command('mcpq')
    .description('A job queue that lives in a directory: drop a job file into pending/, get a record in completed/ or failed/.')
    .version(VERSION, '-V, --version', 'print the mcpq version')
    .addOption(newQueueOption())
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
  const named = commandWord(argv.slice(2));
  const only = COMMANDS.find(([names]) => named !== undefined && names.includes(named));
  for (const [, register] of only === undefined ? COMMANDS : [only]) register(program);
  return program;
}

// The first word that is not a global option (`mcpq -q DIR submit …` names submit).
function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '-q' || arg === '--queue') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

// Adds an "Examples:" section to a command's --help.
export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}

// Every command takes --queue (also accepted before the command name).
export function queueOption(command: Command): Command {
  return command.addOption(newQueueOption());
}

// Before the command or after it. Not empty: `-q "$UNSET"` would make the current
// folder a queue.
function newQueueOption(): Option {
  return new Option('-q, --queue <dir>', 'queue directory (default: $MCPQ_QUEUE, config file, ~/.mcpq/queue)').argParser(nonEmpty);
}

// The --queue given to the command, or before it.
export function queueFlag(command: Command): string | undefined {
  return command.opts<{ queue?: string }>().queue ?? command.parent?.opts<{ queue?: string }>().queue;
}
