// The daemon command's body: loaded only when the daemon starts.
import { ExitCode } from '../../core/errors.js';
import { shellQuote } from '../../core/job-schema.js';
import { DEFAULT_SETTINGS, type DaemonSettings } from '../../daemon/context.js';
import { launchDaemon } from '../../daemon/daemon.js';
import type { QueueLayout } from '../../queue/layout.js';
import { PluginRegistry } from '../../plugins/registry.js';
import { VERSION } from '../../version.js';
import { registryOptions } from '../plugin-roots.js';
import type { StopSignals } from '../stop-signals.js';
import type { DaemonFlags } from './daemon.js';
import type { PendingReader } from '../../daemon/pending-reader.js';

// `queue`: the --queue flag, if given; `layout`: the queue it leads to. `earlyRead`:
// its pending/ being read since before this module loaded (daemon.ts).
export async function runDaemonCommand(queue: string | undefined, layout: QueueLayout, flags: DaemonFlags, signals: StopSignals, earlyRead?: PendingReader): Promise<void> {
  const settings: DaemonSettings = Object.freeze({
    ...DEFAULT_SETTINGS,
    concurrency: flags.concurrency,
    defaultTimeoutSeconds: flags.timeout,
    shutdownGraceMs: flags.grace * 1_000,
    killGraceMs: flags.killGrace * 1_000,
    pollMs: flags.poll === undefined ? undefined : flags.poll === true ? 1_000 : flags.poll,
    leaseMs: flags.lease * 1_000,
    heartbeatMs: Math.max(200, Math.min(DEFAULT_SETTINGS.heartbeatMs, (flags.lease * 1_000) / 5)),
    settleMs: flags.settle,
    rescanMs: flags.rescan,
    fsync: flags.fsync,
    maxLogBytes: flags.maxLog,
    maxDaemonLogBytes: flags.maxDaemonLog,
  });
  if (signals.count > 0) {
    process.stdout.write('mcpq: stopped before the daemon started\n');
    return;
  }
  const plugins = new PluginRegistry({ ...registryOptions(layout, flags.plugins, process.env), retryMs: flags.pluginRetry });
  const scanning = plugins.scan(); // found now, and looked at again whenever a job names one
  const daemon = launchDaemon({
    layout,
    settings,
    version: VERSION,
    supervisor: supervisorOf(process.env),
    resolvePlugin: plugins.resolve,
    pluginParallel: plugins.isParallel,
    pluginState: plugins.stateOf,
    earlyRead,
    ...(flags.verbose ? { echoLog: process.stderr } : {}),
  });
  // From here a stop is the daemon's orderly one, whatever its start is doing: jobs may
  // run before the plugin scan ends, and recovery may be stopping a dead daemon's jobs.
  signals.onStop((signal, count) => {
    if (count === 1) {
      process.stdout.write(`mcpq: ${signal}: finishing running jobs (up to ${flags.grace}s), then exiting; send it again to stop them now\n`);
      void daemon.stop();
    } else {
      void daemon.stop({ now: true });
    }
  });
  await daemon.started;
  const found = await Promise.race([scanning, daemon.stopped.then(() => undefined)]);
  if (found !== undefined && signals.count === 0) {
    // With --queue, the commands the banner suggests need it too.
    const mcpq = queue === undefined ? 'mcpq' : `mcpq -q ${shellQuote(layout.root)}`;
    process.stdout.write(
      `mcpq ${VERSION}: daemon ${daemon.tag} (pid ${process.pid}) serving ${layout.root}, ${settings.concurrency} job(s) at a time\n` +
        `  submit a job:  ${mcpq} submit -- echo hello   (or drop a .json/.sh file into ${layout.pending})\n` +
        `  follow it:     ${mcpq} status   ·   log: ${layout.daemonLog}\n` +
        `  plugins:       ${found.length === 0 ? `none yet (add folders to ${layout.plugins})` : found.map((p) => (p.status === 'ok' ? p.name : `${p.name} (${p.transient === undefined ? 'broken' : 'not answering yet'}: ${mcpq} plugins ${p.name})`)).join(', ')}\n`,
    );
  }
  await daemon.stopped;
  process.stdout.write('mcpq: daemon stopped\n');
  // Stopped, and nothing is left to save: a plugin's --help still being read (a stop
  // during the plugin scan) must not keep the process alive until it answers.
  process.exit(ExitCode.ok);
}

// Which service manager started us, if any: systemd sets INVOCATION_ID, launchd sets
// XPC_SERVICE_NAME to the job's label.
export function supervisorOf(env: NodeJS.ProcessEnv): string | undefined {
  if (env.INVOCATION_ID) return 'systemd';
  if (env.XPC_SERVICE_NAME && env.XPC_SERVICE_NAME !== '0') return 'launchd';
  return undefined;
}
