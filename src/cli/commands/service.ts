// `mcpq service install|uninstall|status`: run the daemon under launchd (macOS) or
// systemd (Linux), from the templates in launchd/ and systemd/.
import { Option, type Command } from 'commander';
import { examples, queueOption } from '../program.js';
import { integerAtLeast } from '../parse-options.js';

export interface ServiceFlags {
  system?: boolean;
  user?: string;
  platform?: 'linux' | 'darwin';
  concurrency?: number;
  dryRun?: boolean;
  json?: boolean;
}

// Flags every service subcommand shares.
function common(command: Command): Command {
  return command
    .option('--system', 'a system unit that starts at boot and runs as --user (Linux, needs root)')
    .option('--user <name>', 'with --system: the account the daemon runs as (default: $SUDO_USER or you)')
    .addOption(new Option('--platform <os>', 'render for this OS instead of this one').choices(['linux', 'darwin']).hideHelp());
}

async function body(): Promise<typeof import('./service-run.js')> {
  return import('./service-run.js');
}

// The queue given to the command, or before `service`, or before that.
function queueOf(cmd: Command): string | undefined {
  return cmd.optsWithGlobals<{ queue?: string }>().queue;
}

export function registerService(program: Command): void {
  const service = program
    .command('service')
    .description('install, remove or inspect the daemon as a launchd agent (macOS) or systemd unit (Linux)');
  examples(service, ['mcpq service install --dry-run', 'mcpq service install', 'mcpq service status', 'mcpq service uninstall']);

  const install = common(queueOption(service.command('install').description('write the service file for this OS with this install\'s paths, then enable and start it')))
    .addOption(new Option('-c, --concurrency <n>', 'jobs the daemon runs at once').argParser(integerAtLeast(1)).default(1))
    .option('-n, --dry-run', 'print the file and the commands, change nothing')
    .action(async (flags: ServiceFlags, cmd: Command) => {
      await (await body()).runServiceInstall(queueOf(cmd), flags);
    });
  examples(install, [
    'mcpq service install --dry-run                 see the unit/plist and the commands first',
    'mcpq service install                           ~/.mcpq/queue, one job at a time',
    'mcpq service install --queue ~/q -c 4',
    'sudo mcpq service install --system --user alice --queue /srv/mcpq   Linux, at boot',
  ]);

  // --queue as for every command; the service file to remove does not depend on it.
  const uninstall = common(queueOption(service.command('uninstall').description('stop the service and remove its file (the queue is kept)')))
    .option('-n, --dry-run', 'print the commands, change nothing')
    .action(async (flags: ServiceFlags) => {
      await (await body()).runServiceUninstall(flags);
    });
  examples(uninstall, ['mcpq service uninstall', 'sudo mcpq service uninstall --system --user alice']);

  const status = common(queueOption(service.command('status').description('what launchd/systemd says about the service, then `mcpq status` (exit 0: a daemon is alive, 3: none)')))
    .option('--json', 'print as JSON')
    .action(async (flags: ServiceFlags, cmd: Command) => {
      process.exitCode = await (await body()).runServiceStatus(queueOf(cmd), flags);
    });
  examples(status, ['mcpq service status', 'mcpq service status --json | jq .manager.state']);
}
