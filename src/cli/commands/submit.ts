// `mcpq submit`: queue a command, a shell line or a job file.
import { Option, type Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';
import { MAX_RETRIES } from '../../core/job-rules.js';
import { collect, durationMs, integerAtLeast, jobId, jobIds, keyValue, nonEmpty, seconds, timeoutSeconds } from '../parse-options.js';
import { formatOf } from '../../queue/names.js';

export interface SubmitFlags {
  shell?: string;
  id?: string;
  timeout?: number;
  cwd?: string;
  env?: Record<string, string>;
  description?: string;
  priority?: string;
  after?: string[];
  retries?: number;
  retryDelay?: number;
  delay?: number;
  at?: string;
  group?: string;
  resultFile?: string;
  wait?: boolean;
  json?: boolean;
  plugin?: string;
  arg?: string[];
}

export function registerSubmit(program: Command): void {
  const command = queueOption(program
    .command('submit')
    .description('queue a job: a command (after --), a shell line (--shell) or a .json/.sh/.txt job file'))
    .argument('[command...]', 'the command and its arguments, or one job file')
    .option('-s, --shell <line>', 'run this line with /bin/sh -c')
    .addOption(new Option('--id <id>', 'the job id (default: a new random id)').argParser(jobId))
    .addOption(new Option('-t, --timeout <sec>', 'seconds before the job is stopped (0: none; else at least 0.001)').argParser(timeoutSeconds))
    .addOption(new Option('--cwd <dir>', 'working directory (refused if not a directory now, unless the job waits: --after, --delay, --at)').argParser(nonEmpty))
    .addOption(new Option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)').argParser(keyValue))
    .option('-d, --description <text>', 'shown in listings')
    .option('-p, --priority <p>', 'high, medium, low or an integer (higher runs first)')
    .addOption(new Option('-a, --after <id>', 'run only after this job (its id or a unique prefix) completed (repeatable)').argParser(jobIds))
    .addOption(new Option('--retries <n>', 'extra attempts after a failure').argParser(integerAtLeast(0, MAX_RETRIES)))
    .addOption(new Option('--retry-delay <sec>', 'first delay between attempts (doubles)').argParser(seconds))
    .addOption(new Option('--delay <duration>', 'start no sooner than this from now (90s, 10m, 2h)').argParser(durationMs))
    .option('--at <time>', 'start no sooner than this ISO time')
    .addOption(new Option('-g, --group <name>', 'jobs of one group never run at the same time').argParser(nonEmpty))
    .addOption(new Option('-o, --result-file <path>', "write the job's stdout here when it ends (relative: results/)").argParser(nonEmpty))
    .option('-w, --wait', "wait for the job, print its output, exit with its exit code")
    .option('--json', 'print {"id", "queue"} as JSON; with --wait, {"id", "queue", "state", "status", "returncode", "exit_code"} once it ends')
    .option('--plugin <name>', 'run a plugin command: --plugin NAME COMMAND --arg key=value … (see mcpq plugins; exit 75: the plugin could not be asked just now, try again)')
    .addOption(new Option('--arg <key=value>', 'a plugin argument (repeatable; "--arg flag" alone means true)').argParser(collect))
    .passThroughOptions()
    .action(async (words: string[], flags: SubmitFlags, cmd: Command) => {
      const { runSubmit } = await import('./submit-run.js');
      // `--plugin notes add --arg title=x --wait`, `job.json --timeout 5`: the options
      // after the plugin's command or a JSON job (which takes no arguments of its own)
      // are still mcpq's (passThroughOptions stopped at "add", "job.json").
      const doubleDash = process.argv.includes('--');
      const jsonFile = !doubleDash && formatOf(words[0] ?? '') === 'json';
      if ((flags.plugin !== undefined || jsonFile) && words.length > 1) {
        const { operands, unknown } = cmd.parseOptions(words.slice(1));
        // A flag mcpq does not know is refused there as it is before the file (a typo
        // would otherwise make the command 'job.json --wiat', which can only fail).
        if (jsonFile && flags.plugin === undefined && unknown[0] !== undefined) refuseUnknownOption(cmd, unknown[0]);
        words = [words[0]!, ...operands, ...unknown];
        flags = cmd.opts<SubmitFlags>();
      }
      // By name, for an error that names the flags given (`--timeout`, not `timeout`).
      const given = cmd.options.filter((o) => cmd.getOptionValueSource(o.attributeName()) === 'cli').map((o) => o.long ?? o.flags);
      process.exitCode = await runSubmit(queueFlag(cmd), words, flags, { doubleDash, given });
    });
  examples(command, [
    'mcpq submit -- echo "Hello, World!"          exec form: no shell involved',
    "mcpq submit --shell 'du -sh ~/* | sort -h'    a shell line",
    'mcpq submit job.json                          a job file (.json, .sh or .txt)',
    'mcpq submit --wait --timeout 60 -- make test  block, print output, exit with its code',
    'mcpq submit --id nightly --env API_TOKEN=$T -- ./sync.sh',
    'mcpq submit --plugin notes add --arg title="Call Bob" --arg tag=work   a plugin command',
  ]);
}

// commander's own refusal of an unknown flag (with its "Did you mean"), which its types
// do not declare.
function refuseUnknownOption(cmd: Command, flag: string): never {
  return (cmd as unknown as { unknownOption(flag: string): never }).unknownOption(flag);
}
