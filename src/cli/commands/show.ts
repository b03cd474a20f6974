// `mcpq show ID`: one job in any state.
import type { Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';

export function registerShow(program: Command): void {
  const command = queueOption(program
    .command('show')
    .summary('everything about one job')
    .description("one job: its record, or while pending its file and position, or while running its claim and elapsed time; for a pipeline id, each stage"))
    .argument('<id>', 'job id or a unique prefix of it')
    .option('--json', 'print the record itself (a finished job), or the pending/running state as JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const { runShow } = await import('./show-run.js');
      process.exitCode = await runShow(queueFlag(cmd), id, flags);
    });
  examples(command, [
    'mcpq show 7fk2              by a unique prefix of the id',
    'mcpq show nightly --json | jq .result.returncode',
    'mcpq show etl-k3x9q2        a pipeline: each stage, a retried one as its newest retry',
  ]);
}
