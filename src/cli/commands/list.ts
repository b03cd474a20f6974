// `mcpq list` (alias `ls`): pending, running and recent finished jobs.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseStates, type JobState } from '../../jobs/types.js';
import { examples, queueFlag, queueOption } from '../program.js';
import { integerAtLeast } from '../parse-options.js';

export interface ListFlags {
  state?: JobState[];
  limit: number;
  json?: boolean;
}

function states(value: string, previous: JobState[] = []): JobState[] {
  const parsed = parseStates([value]);
  if (parsed === undefined) throw new InvalidArgumentError(`expected pending, running, completed, failed or finished (comma-separated), got "${value}"`);
  return [...new Set([...previous, ...parsed])];
}

export function registerList(program: Command): void {
  const command = queueOption(program
    .command('list')
    .summary('pending, running and recent finished jobs')
    .alias('ls')
    .description('the queue: pending jobs in run order (and why they wait), running jobs, the newest finished jobs'))
    .addOption(new Option('-s, --state <states>', 'only these: pending, running, completed, failed, finished (repeatable, comma-separated)').argParser(states))
    .addOption(new Option('-n, --limit <n>', 'finished jobs shown, newest first (0: all)').argParser(integerAtLeast(0)).default(20))
    .option('--json', 'print as JSON (its fields: README, "mcpq list")')
    .action(async (flags: ListFlags, cmd: Command) => {
      const { runList } = await import('./list-run.js');
      process.exitCode = await runList(queueFlag(cmd), flags);
    });
  examples(command, [
    'mcpq list                      pending, running, and the 20 newest finished',
    'mcpq ls -s pending,running     what is still to do',
    'mcpq ls -s failed -n 100       the 100 newest failures',
    "mcpq ls --json | jq -r '.pending[].id'",
  ]);
}
