// `mcpq status`: is a daemon alive, what is queued, what runs.
import type { Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';

export function registerStatus(program: Command): void {
  const command = queueOption(program
    .command('status')
    .description('daemons alive on the queue, job counts per state, running jobs (exit 0: a daemon is alive, 3: none)'))
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { runStatus } = await import('./status-run.js');
      process.exitCode = await runStatus(queueFlag(cmd), flags);
    });
  examples(command, ['mcpq status', 'mcpq status --json | jq .counts', 'mcpq status >/dev/null || mcpq daemon &   start one if none runs']);
}
