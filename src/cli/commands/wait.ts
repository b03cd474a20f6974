// `mcpq wait ID…`: block until jobs end.
import { Option, type Command } from 'commander';
import { seconds } from '../parse-options.js';
import { examples, queueFlag, queueOption } from '../program.js';

export function registerWait(program: Command): void {
  const command = queueOption(program
    .command('wait')
    .summary('block until jobs end; exit non-zero if one failed')
    .description('block until the jobs have finished; exit 0 if all completed, else the exit code of the first (in argument order) that did not'))
    .argument('<ids...>', 'job ids or unique prefixes')
    .addOption(new Option('-t, --timeout <sec>', 'give up after this many seconds: exit 124, naming the jobs still unfinished').argParser(seconds))
    .option('--json', 'print one {"id", "state", "status", "returncode", "exit_code"} per job as JSON')
    .action(async (ids: string[], flags: { json?: boolean; timeout?: number }, cmd: Command) => {
      const { runWait } = await import('./wait-run.js');
      process.exitCode = await runWait(queueFlag(cmd), ids, flags);
    });
  examples(command, ['mcpq wait 7fk2 && echo done', 'a=$(mcpq submit -- make a); b=$(mcpq submit -- make b); mcpq wait $a $b', 'mcpq wait --timeout 600 7fk2 || echo "not done (124) or failed"']);
}
