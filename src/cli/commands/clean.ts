// `mcpq clean --older-than AGE`: delete or archive old records and their logs.
import { Option, type Command } from 'commander';
import type { FinishedState } from '../../jobs/types.js';
import { examples, queueFlag, queueOption } from '../program.js';
import { durationMs, nonEmpty } from '../parse-options.js';

export interface CleanFlags {
  olderThan: number;
  state?: FinishedState;
  dryRun?: boolean;
  archive?: string;
  json?: boolean;
}

export function registerClean(program: Command): void {
  const command = queueOption(program
    .command('clean')
    .summary('delete or archive old records and their logs')
    .description("delete (or --archive) finished jobs whose record is older than AGE: the record, its logs, an invalid job's original file"))
    .addOption(new Option('--older-than <age>', 'records written at least this long ago: 90s, 12h, 7d, 0 for all').argParser(durationMs).makeOptionMandatory())
    .addOption(new Option('-s, --state <state>', 'only completed or only failed jobs').choices(['completed', 'failed']))
    .option('-n, --dry-run', 'only say what would be removed')
    .addOption(new Option('--archive <dir>', 'move the files into DIR/completed, DIR/failed, DIR/logs instead of deleting them').argParser(nonEmpty))
    .option('--json', 'print the report as JSON (its fields: README, "mcpq clean")')
    .action(async (flags: CleanFlags, cmd: Command) => {
      const { runClean } = await import('./clean-run.js');
      process.exitCode = await runClean(queueFlag(cmd), flags);
    });
  examples(command, [
    'mcpq clean --older-than 7d --dry-run       what a weekly clean would remove',
    'mcpq clean --older-than 30d --state completed',
    'mcpq clean --older-than 1d --archive ~/mcpq-archive',
  ]);
}
