// `mcpq daemon`: run the daemon in the foreground until SIGTERM/SIGINT.
import { Option, type Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';
import { integerAtLeast, seconds, secondsAtLeast, timeoutSeconds } from '../parse-options.js';
import { pluginsDirOption } from './plugins.js';
import { catchStopSignals } from '../stop-signals.js';

interface DaemonFlags {
  concurrency: number;
  timeout: number;
  grace: number;
  killGrace: number;
  poll?: number | true;
  lease: number;
  settle: number;
  rescan: number;
  pluginRetry: number;
  verbose?: boolean;
  fsync: boolean;
  maxDaemonLog: number;
  maxLog: number;
  plugins?: string[];
}

export function registerDaemon(program: Command): void {
  const command = queueOption(program
    .command('daemon')
    .description('run the queue daemon in the foreground (launchd/systemd keep it alive)'))
    .addOption(new Option('-c, --concurrency <n>', 'jobs run at once').argParser(integerAtLeast(1)).default(1))
    .addOption(new Option('-t, --timeout <sec>', 'default job timeout in seconds (0: none)').argParser(timeoutSeconds).default(300))
    .addOption(new Option('--grace <sec>', 'on SIGTERM, how long running jobs may finish before they are stopped and put back').argParser(seconds).default(10))
    .addOption(new Option('--kill-grace <sec>', 'SIGTERM → SIGKILL delay when a job is stopped').argParser(seconds).default(5))
    .addOption(new Option('--poll [ms]', 'watch by polling (network filesystems); default interval 1000 ms').argParser(integerAtLeast(10)))
    // At least 1 s: a lease that lapses between two heartbeats would let another daemon
    // take over the jobs this one is running, and run them again.
    .addOption(new Option('--lease <sec>', 'how long a silent daemon keeps its claims').argParser(secondsAtLeast(1)).default(15))
    .addOption(new Option('--settle <ms>', 'how long an unreadable file must stay unchanged before it fails').argParser(integerAtLeast(0)).default(3000).hideHelp())
    .addOption(new Option('--rescan <ms>', 'full rescan of pending/ every this many ms').argParser(integerAtLeast(50)).default(5000).hideHelp())
    .addOption(new Option('--plugin-retry <ms>', "how long after a plugin's --help failed it is asked again").argParser(integerAtLeast(50)).default(30_000).hideHelp())
    .addOption(new Option('--no-fsync', 'do not fsync records (faster, less durable)').hideHelp())
    .addOption(new Option('--max-log <bytes>', "keep the first this many bytes of each job's stdout and stderr in logs/").argParser(integerAtLeast(1024)).default(256 * 1024 * 1024))
    .addOption(new Option('--max-daemon-log <bytes>', 'rotate daemon.log at this size').argParser(integerAtLeast(1024)).default(10 * 1024 * 1024).hideHelp())
    .addOption(pluginsDirOption())
    .option('-v, --verbose', 'also print the NDJSON log on stderr')
    .action(async (flags: DaemonFlags, cmd: Command) => {
      const signals = catchStopSignals(); // before anything else: a stop may come at any moment
      // A worker thread lists and reads pending/ while the daemon's modules load (about
      // 0.2 s): with a deep queue, the first job starts that much sooner.
      const [{ PendingReader }, { layoutOf }, { resolveQueueRoot }] = await Promise.all([import('../../daemon/pending-reader.js'), import('../../queue/layout.js'), import('../queue-root.js')]);
      const layout = layoutOf(resolveQueueRoot(queueFlag(cmd), process.env));
      const earlyRead = PendingReader.start(layout.pending);
      try {
        const { runDaemonCommand } = await import('./daemon-run.js');
        await runDaemonCommand(queueFlag(cmd), layout, flags, signals, earlyRead);
      } finally {
        earlyRead?.cancel(); // unused (a stop came first), or long done
      }
    });
  examples(command, [
    'mcpq daemon                          serve ~/.mcpq/queue, one job at a time',
    'mcpq daemon --concurrency 4 --timeout 600',
    'MCPQ_QUEUE=/srv/q mcpq daemon --poll   a queue on NFS, watched by polling',
  ]);
}

export type { DaemonFlags };
