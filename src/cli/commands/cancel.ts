// `mcpq cancel ID…`: cancel pending jobs, stop running ones.
import { Option, type Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';
import { seconds } from '../parse-options.js';

export interface CancelFlags {
  wait: boolean;
  timeout: number;
  json?: boolean;
}

export function registerCancel(program: Command): void {
  const command = queueOption(program
    .command('cancel')
    .summary('cancel pending jobs, stop running ones')
    .description('cancel jobs: a pending job is recorded `cancelled` at once; a running one is stopped by its daemon (SIGTERM to its process group, SIGKILL after the daemon\'s --kill-grace) and recorded `cancelled`'))
    .argument('<ids...>', 'job ids or unique prefixes')
    .option('--no-wait', 'for running jobs: only ask their daemon, do not wait for the record')
    .addOption(new Option('--timeout <sec>', 'how long to wait for a running job to be stopped').argParser(seconds).default(60))
    .option('--json', 'print one result per job as JSON (its fields: README, "mcpq cancel")')
    .action(async (ids: string[], flags: CancelFlags, cmd: Command) => {
      const { runCancel } = await import('./cancel-run.js');
      process.exitCode = await runCancel(queueFlag(cmd), ids, flags);
    });
  examples(command, ['mcpq cancel 7fk2', 'mcpq cancel $(mcpq ls -s pending --json | jq -r ".pending[].id")   everything not yet started']);
}
