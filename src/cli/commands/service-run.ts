// The service command's body: work out the target and the plan (src/service/), then
// print it (--dry-run) or carry it out.
import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ExitCode, McpqError } from '../../core/errors.js';
import { describeManager } from '../../service/manager-status.js';
import { installPlan, statusCommand, uninstallPlan, type Plan } from '../../service/plan.js';
import { capture, runPlan } from '../../service/runner.js';
import { planScript } from '../../service/shell.js';
import { MCPQ_ENTRY, targetFor, type Platform, type Target } from '../../service/targets.js';
import { renderTemplate } from '../../service/template.js';
import { serviceValues, stableNode } from '../../service/values.js';
import { resolveQueueRoot } from '../queue-root.js';
import type { ServiceFlags } from './service.js';
import { collectStatus } from '../../queue/status.js';
import { renderStatus } from './status-run.js';

function platformOf(flags: ServiceFlags): Platform {
  const platform = flags.platform ?? process.platform;
  if (platform === 'linux' || platform === 'darwin') return platform;
  throw new McpqError(`mcpq service knows launchd (macOS) and systemd (Linux), not ${platform}: run \`mcpq daemon\` under your own supervisor`, ExitCode.usage);
}

function targetOf(flags: ServiceFlags, env: NodeJS.ProcessEnv): Target {
  const platform = platformOf(flags);
  if (flags.system && platform === 'darwin') throw new McpqError('--system is for systemd (Linux); on macOS mcpq installs a LaunchAgent for your user', ExitCode.usage);
  if (flags.user !== undefined && !flags.system) throw new McpqError('--user NAME goes with --system (a user unit always runs as you)', ExitCode.usage);
  const user = flags.user ?? (env.SUDO_USER || userInfo().username);
  // It names the unit (mcpq@<user>) and its file.
  if (flags.system && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(user)) throw new McpqError(`--user must be an account name (letters, digits, _ . -), got "${user}"`, ExitCode.usage);
  const home = homedir();
  return targetFor({
    platform,
    system: flags.system === true,
    home,
    // systemd ignores a relative XDG_CONFIG_HOME (as the XDG spec says to): a unit
    // written there would never be found.
    configHome: env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config'),
    uid: process.getuid?.() ?? 0,
    user,
  });
}

// A system unit sees a private /tmp (PrivateTmp=yes) and only the queue writable.
function systemQueue(queue: string | undefined): string {
  if (queue === undefined) throw new McpqError('--system needs --queue DIR: the system unit serves one fixed queue (e.g. /srv/mcpq)', ExitCode.usage);
  const root = resolveQueueRoot(queue, {});
  if (/^\/(var\/)?tmp(\/|$)/.test(root)) throw new McpqError(`a system unit has its own private /tmp, so it cannot serve ${root}: choose a queue outside /tmp and /var/tmp`, ExitCode.usage);
  return root;
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function printDryRun(command: string, plan: Plan): void {
  process.stdout.write(`# mcpq service ${command} --dry-run: nothing was changed. A real run does this:\n${planScript(plan)}`);
}

const write = (text: string): void => {
  process.stdout.write(text);
};

export async function runServiceInstall(queueFlag: string | undefined, flags: ServiceFlags): Promise<void> {
  const env = process.env;
  const target = targetOf(flags, env);
  const queue = target.kind === 'systemd-system' ? systemQueue(queueFlag) : resolveQueueRoot(queueFlag, env);
  const node = stableNode(process.execPath, env.PATH, realpathOrUndefined);
  const values = serviceValues({ execPath: node, entry: MCPQ_ENTRY, queue, concurrency: flags.concurrency ?? 1, home: homedir(), envPath: env.PATH });
  const content = renderTemplate(await readFile(target.template, 'utf8'), target.format, values);
  const user = target.kind === 'systemd-system' ? target.user : userInfo().username;
  const plan = installPlan(target, { queue, content, user, lingering: existsSync(join('/var/lib/systemd/linger', user)) });
  if (flags.dryRun) return printDryRun('install', plan);
  requireRoot(target);
  await runPlan(plan, write);
}

export async function runServiceUninstall(flags: ServiceFlags): Promise<void> {
  const target = targetOf(flags, process.env);
  const plan = uninstallPlan(target);
  if (flags.dryRun) return printDryRun('uninstall', plan);
  requireRoot(target);
  await runPlan(plan, write);
}

function requireRoot(target: Target): void {
  if (target.kind === 'systemd-system' && process.getuid?.() !== 0) {
    throw new McpqError(`a system unit is written to ${target.file} and managed by root: run it with sudo (or look first with --dry-run)`, ExitCode.failure);
  }
}

export async function runServiceStatus(queueFlag: string | undefined, flags: ServiceFlags): Promise<number> {
  const target = targetOf(flags, process.env);
  const [manager, daemon] = await Promise.all([
    capture(statusCommand(target)).then((result) => describeManager(target, result)),
    collectStatus(resolveQueueRoot(queueFlag, process.env)),
  ]);
  const service = { kind: target.kind, file: target.file, installed: existsSync(target.file) };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ service, manager, daemon }, null, 2)}\n`);
  } else {
    const detail = manager.detail === '' ? '' : `${manager.detail.replace(/^/gm, '         ')}\n`;
    process.stdout.write(`service  ${service.file} (${service.installed ? 'installed' : 'not installed'})\n${manager.summary}\n${detail}${renderStatus(daemon)}`);
  }
  return daemon.alive ? ExitCode.ok : ExitCode.daemonNotRunning;
}
