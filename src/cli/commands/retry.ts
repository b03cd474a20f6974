// `mcpq retry ID…`: run failed jobs again, as new jobs linked to the old records.
import type { Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';

export function registerRetry(program: Command): void {
  const command = queueOption(program
    .command('retry')
    .summary('run failed jobs again, as new jobs')
    .description('put failed, timed-out or cancelled jobs back into pending/ as new jobs <id>-r2, -r3… (the old record stays; the new one says result.retry_of). A job is retried once: one already retried is refused (exit 2), naming its newest retry; retry that one to run it again'))
    .argument('<ids...>', 'job ids or unique prefixes')
    .option('--json', 'print [{"id", "retry_of", "name"}] as JSON')
    .action(async (ids: string[], flags: { json?: boolean }, cmd: Command) => {
      const { runRetry } = await import('./retry-run.js');
      process.exitCode = await runRetry(queueFlag(cmd), ids, flags);
    });
  examples(command, ['mcpq retry 7fk2                 prints the new id, e.g. 7fk2-r2', 'mcpq wait $(mcpq retry 7fk2)    retry and wait for the new attempt']);
}
