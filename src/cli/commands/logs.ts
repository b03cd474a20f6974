// `mcpq logs ID`: a job's output, complete; -f follows a running job.
import { Option, type Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';
import { integerAtLeast } from '../parse-options.js';

export interface LogsFlags {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  tail?: number;
  json?: boolean;
}

export function registerLogs(program: Command): void {
  const command = queueOption(program
    .command('logs')
    .summary("a job's output; -f follows it while it runs")
    .description("a job's output: its stdout on stdout and its stderr on stderr, complete (from logs/, else the record's copy)"))
    .argument('<id>', 'job id or a unique prefix of it')
    .option('-f, --follow', 'keep printing as the job writes, until it ends; then exit with its exit code')
    .option('--stdout', "only the job's stdout")
    .option('--stderr', "only the job's stderr, printed on stdout (to pipe it)")
    .addOption(new Option('-t, --tail <lines>', 'only the last lines of each stream').argParser(integerAtLeast(0)))
    .option('--json', 'print {"id", "state", "stdout", "stderr"} as JSON')
    .action(async (id: string, flags: LogsFlags, cmd: Command) => {
      const { runLogs } = await import('./logs-run.js');
      process.exitCode = await runLogs(queueFlag(cmd), id, flags);
    });
  examples(command, [
    'mcpq logs 7fk2                 everything the job printed',
    'mcpq logs -f 7fk2              follow it while it runs; exit with its exit code',
    'mcpq logs --stderr -t 20 7fk2  the last 20 lines of its stderr',
    'mcpq logs --json 7fk2 | jq -r .stdout.text',
  ]);
}
