// `mcpq plugins`: every plugin, its commands and their arguments, with a usage
// example each (the `/help` of the original design); --stats: jobs and times per plugin.
import { Option, type Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';
import { collect } from '../parse-options.js';

export interface PluginsFlags {
  json?: boolean;
  stats?: boolean;
  plugins?: string[];
}

// `--plugins DIR` (repeatable), shared with `mcpq daemon` and `mcpq submit`.
export function pluginsDirOption(): Option {
  return new Option('--plugins <dir>', 'also look for plugins in this folder (repeatable; config: "plugins": [...])').argParser(collect);
}

export function registerPlugins(program: Command): void {
  const command = queueOption(program
    .command('plugins')
    .description('list plugins (plugins/<name>/cli…), their commands, arguments and usage examples'))
    .argument('[name]', 'show only this plugin')
    .option('--json', 'print as JSON')
    .option('--stats', 'job counts and execution times per plugin and command, from the records')
    .addOption(pluginsDirOption())
    .action(async (name: string | undefined, flags: PluginsFlags, cmd: Command) => {
      const { runPlugins } = await import('./plugins-run.js');
      process.exitCode = await runPlugins(queueFlag(cmd), name, flags);
    });
  examples(command, [
    'mcpq plugins                         every plugin and how to call it',
    'mcpq plugins notes --json            one plugin, as JSON',
    'mcpq plugins --stats                 jobs, failures and durations per plugin',
    'mcpq submit --plugin notes add --arg title="Call Bob" --arg tag=work --arg tag=phone',
  ]);
}
