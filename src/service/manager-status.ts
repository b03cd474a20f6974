// What the service manager says about mcpq's service, read from the output of
// `systemctl status` or `launchctl print` into one state and one line. Pure, so
// each case is a table test; the command itself is run by the CLI.
import type { Captured } from './runner.js';
import { firstLine } from './runner.js';
import type { Target } from './targets.js';

export type ManagerState = 'running' | 'stopped' | 'not-installed' | 'unreachable' | 'missing' | 'unknown';

export interface ManagerReport {
  readonly manager: 'systemd' | 'launchd';
  readonly state: ManagerState;
  readonly summary: string; // one line
  readonly detail: string; // the manager's own words, shown below the summary
}

// systemctl's ways of saying it has no service manager to talk to.
const NO_MANAGER = /Failed to connect to bus|No medium found|DBUS_SESSION_BUS_ADDRESS|XDG_RUNTIME_DIR|not been booted with systemd|Host is down/i;

// launchctl print's top-level fields (one tab in) worth showing; the rest is dozens
// of lines.
const LAUNCHD_FIELDS = /^\t(state|pid|runs|last exit code|last terminating signal|path) = /;

export function describeManager(target: Target, result: Captured): ManagerReport {
  return target.kind === 'launchd-agent' ? fromLaunchctl(`${target.label}`, result) : fromSystemctl(target, result);
}

function fromSystemctl(target: Exclude<Target, { kind: 'launchd-agent' }>, result: Captured): ManagerReport {
  const unit = `${target.unit}.service`;
  const who = target.kind === 'systemd-user' ? 'your user service manager (systemctl --user)' : 'systemd';
  const report = (state: ManagerState, summary: string, detail = ''): ManagerReport => ({ manager: 'systemd', state, summary: `systemd: ${summary}`, detail });
  if (result.missing) return report('missing', 'systemctl is not installed here');
  if (NO_MANAGER.test(result.output)) return report('unreachable', `cannot reach ${who}: ${firstLine(result.output)}`);
  if (result.exitCode === 4 || /could not be found/i.test(result.output)) return report('not-installed', `${unit} is not installed (install it: mcpq service install${target.kind === 'systemd-system' ? ' --system' : ''})`);
  const active = /^\s*Active:\s*(.*)$/m.exec(result.output)?.[1]?.trim();
  if (result.exitCode === 0) return report('running', `${unit} ${active ?? 'active'}`, result.output);
  if (result.exitCode === 3) return report('stopped', `${unit} ${active ?? 'not running'}`, result.output);
  return report('unknown', `systemctl exited ${result.exitCode ?? 'without a code'}: ${firstLine(result.output)}`, result.output);
}

function fromLaunchctl(label: string, result: Captured): ManagerReport {
  const report = (state: ManagerState, summary: string, detail = ''): ManagerReport => ({ manager: 'launchd', state, summary: `launchd: ${summary}`, detail });
  if (result.missing) return report('missing', 'launchctl is not installed here');
  if (result.exitCode === 113 || /Could not find service/i.test(result.output)) return report('not-installed', `${label} is not loaded (install it: mcpq service install)`);
  if (result.exitCode !== 0) return report('unknown', `launchctl exited ${result.exitCode ?? 'without a code'}: ${firstLine(result.output)}`, result.output);
  const fields = result.output.split('\n').filter((l) => LAUNCHD_FIELDS.test(l)).map((l) => l.trim());
  const state = /^\tstate = (\S+)/m.exec(result.output)?.[1] ?? 'unknown';
  const pid = /^\tpid = (\d+)/m.exec(result.output)?.[1];
  return report(state === 'running' ? 'running' : 'stopped', `${label} ${state}${pid ? `, pid ${pid}` : ''}`, fields.length > 0 ? fields.join('\n') : result.output);
}
