// Install, uninstall and status as data: the list of steps, built without touching
// anything, so that --dry-run prints exactly what a real run would do and tests can
// read the plan. runner.ts carries the steps out.
import { dirname, join } from 'node:path';
import type { Target } from './targets.js';

export type Step =
  | { readonly kind: 'mkdir'; readonly path: string; readonly mode: number }
  | { readonly kind: 'write'; readonly path: string; readonly content: string; readonly mode: number }
  | { readonly kind: 'remove'; readonly path: string }
  // `tolerate`: why a failure of this command is expected and harmless.
  | { readonly kind: 'run'; readonly argv: readonly string[]; readonly tolerate?: string };

export interface Plan {
  readonly steps: readonly Step[];
  readonly notes: readonly string[]; // printed once every step has run
}

export interface InstallFacts {
  readonly queue: string;
  readonly content: string; // the rendered template
  readonly lingering: boolean; // loginctl enable-linger already done for this user
  readonly user: string;
}

const run = (argv: readonly string[], tolerate?: string): Step => (tolerate === undefined ? { kind: 'run', argv } : { kind: 'run', argv, tolerate });

export function installPlan(target: Target, facts: InstallFacts): Plan {
  const write: Step = { kind: 'write', path: target.file, content: facts.content, mode: 0o644 };
  // A per-user file: the queue first (launchd opens server.log in it before the
  // daemon could create it), then the file's folder, then the file.
  const userFile: Step[] = [{ kind: 'mkdir', path: facts.queue, mode: 0o700 }, { kind: 'mkdir', path: dirname(target.file), mode: 0o755 }, write];
  switch (target.kind) {
    case 'launchd-agent': {
      const service = `${target.domain}/${target.label}`;
      return {
        steps: [
          ...userFile,
          run(['launchctl', 'bootout', service], 'not loaded yet'),
          run(['launchctl', 'enable', service]),
          run(['launchctl', 'bootstrap', target.domain, target.file]),
        ],
        notes: [
          `installed and started the LaunchAgent ${target.label} (${target.file})`,
          `status:   mcpq service status   (launchctl print ${service})`,
          `logs:     ${join(facts.queue, 'daemon.log')}, ${join(facts.queue, 'server.error.log')}`,
          `stop:     launchctl kill TERM ${service}   ·   restart: launchctl kickstart -k ${service}`,
        ],
      };
    }
    case 'systemd-user':
      return {
        steps: [
          ...userFile,
          run(['systemctl', '--user', 'daemon-reload']),
          run(['systemctl', '--user', 'enable', target.unit]),
          // restart, not `enable --now`: a reinstall must replace a daemon already running.
          run(['systemctl', '--user', 'restart', target.unit]),
        ],
        notes: [
          `installed and started the systemd user unit ${target.unit}.service (${target.file})`,
          `status:   mcpq service status   (systemctl --user status ${target.unit})`,
          `logs:     journalctl --user -u ${target.unit} -f`,
          `stop:     systemctl --user stop ${target.unit}   ·   restart: systemctl --user restart ${target.unit}`,
          ...(facts.lingering
            ? []
            : [`note:     a user unit stops when you log out; to keep it running without a login: loginctl enable-linger ${facts.user}`]),
        ],
      };
    case 'systemd-system':
      return {
        steps: [
          // The unit may write only the queue (ProtectSystem=strict): it must exist, owned by its user.
          run(['install', '-d', '-m', '700', '-o', target.user, facts.queue]),
          write,
          run(['systemctl', 'daemon-reload']),
          run(['systemctl', 'enable', target.unit]),
          run(['systemctl', 'restart', target.unit]),
        ],
        notes: [
          `installed and started the systemd unit ${target.unit}.service (${target.file}), running as ${target.user}`,
          `status:   mcpq service status --system --user ${target.user} --queue ${facts.queue}`,
          `logs:     journalctl -u ${target.unit} -f`,
          `stop:     systemctl stop ${target.unit}   ·   restart: systemctl restart ${target.unit}`,
        ],
      };
  }
}

export function uninstallPlan(target: Target): Plan {
  switch (target.kind) {
    case 'launchd-agent':
      return {
        steps: [run(['launchctl', 'bootout', `${target.domain}/${target.label}`], 'not loaded'), { kind: 'remove', path: target.file }],
        notes: [`removed the LaunchAgent ${target.label}; the queue and its records are left as they are`],
      };
    case 'systemd-user':
      return {
        steps: [
          run(['systemctl', '--user', 'disable', '--now', target.unit], 'not installed or not loaded'),
          { kind: 'remove', path: target.file },
          run(['systemctl', '--user', 'daemon-reload']),
        ],
        notes: [`removed the systemd user unit ${target.unit}.service; the queue and its records are left as they are`],
      };
    case 'systemd-system':
      return {
        steps: [
          run(['systemctl', 'disable', '--now', target.unit], 'not installed or not loaded'),
          { kind: 'remove', path: target.file },
          run(['systemctl', 'daemon-reload']),
        ],
        notes: [`removed the systemd unit ${target.unit}.service; the queue and its records are left as they are`],
      };
  }
}

// What the service manager says about the service.
export function statusCommand(target: Target): readonly string[] {
  switch (target.kind) {
    case 'launchd-agent':
      return ['launchctl', 'print', `${target.domain}/${target.label}`];
    case 'systemd-user':
      return ['systemctl', '--user', 'status', target.unit, '--no-pager', '--lines=5'];
    case 'systemd-system':
      return ['systemctl', 'status', target.unit, '--no-pager', '--lines=5'];
  }
}
