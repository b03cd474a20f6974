// The rendered service files are what launchd and systemd accept: the units pass
// `systemd-analyze verify`, the plist parses as a property list with every key the
// agent needs, and the stop timeouts leave the daemon room to put its jobs back.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import plist from 'plist';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/daemon/context.js';
import { MCPQ_ENTRY, targetFor, type Target } from '../../src/service/targets.js';
import { placeholdersOf, renderTemplate } from '../../src/service/template.js';
import { serviceValues } from '../../src/service/values.js';

const scratch = mkdtempSync(join(tmpdir(), 'mcpq-service-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Node flags every launch of the daemon passes (V8's young generation capped: a deep
// queue's index then costs 15-25 MB less resident memory).
const DAEMON_NODE_FLAGS = ['--max-semi-space-size=4'];

const where = { home: '/home/me', configHome: '/home/me/.config', uid: 1000, user: userInfo().username };
const agent = targetFor({ ...where, platform: 'darwin', system: false });
const userUnit = targetFor({ ...where, platform: 'linux', system: false });
const systemUnit = targetFor({ ...where, platform: 'linux', system: true });

function render(target: Target, overrides: { node?: string; queue?: string } = {}): string {
  const values = serviceValues({
    execPath: overrides.node ?? process.execPath,
    entry: MCPQ_ENTRY,
    queue: overrides.queue ?? '/srv/mcpq/queue',
    concurrency: 2,
    home: '/home/me',
    envPath: process.env.PATH,
  });
  return renderTemplate(readFileSync(target.template, 'utf8'), target.format, values);
}

function tool(name: string, args: string[]): { ok: boolean; why: string } {
  const probe = spawnSync(name, args, { encoding: 'utf8' });
  return probe.error ? { ok: false, why: `${name} cannot run here (${probe.error.message})` } : { ok: true, why: '' };
}

const analyze = tool('systemd-analyze', ['--version']);
const plutil = tool('plutil', ['-help']);
if (!analyze.ok) console.warn(`skipping systemd-analyze verify: ${analyze.why}`);
if (!plutil.ok) console.warn(`skipping plutil -lint: ${plutil.why} (macOS only)`);

// Runs `systemd-analyze verify` and returns what it said about our unit.
function verify(unitPath: string, mode: 'user' | 'system'): { status: number | null; complaints: string[] } {
  const runtime = mkdtempSync(join(scratch, 'runtime-'));
  const result = spawnSync('systemd-analyze', [...(mode === 'user' ? ['--user'] : []), 'verify', unitPath], {
    encoding: 'utf8',
    // A user manager needs a runtime dir, which a container or CI runner may lack.
    env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_LEVEL: 'notice' },
  });
  const complaints = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.includes('mcpq'));
  return { status: result.status, complaints };
}

describe('the systemd units', () => {
  it.skipIf(!analyze.ok)('the user unit passes systemd-analyze --user verify without a warning', () => {
    const dir = mkdtempSync(join(scratch, 'user-'));
    writeFileSync(join(dir, 'mcpq.service'), render(userUnit));
    expect(verify(join(dir, 'mcpq.service'), 'user')).toEqual({ status: 0, complaints: [] });
  });

  it.skipIf(!analyze.ok)('the system unit passes systemd-analyze verify as the file of an instance (User=%i)', () => {
    const dir = mkdtempSync(join(scratch, 'system-'));
    writeFileSync(join(dir, `mcpq@${where.user}.service`), render(systemUnit));
    expect(verify(join(dir, `mcpq@${where.user}.service`), 'system')).toEqual({ status: 0, complaints: [] });
  });

  it.skipIf(!analyze.ok)('quotes paths with spaces, quotes, % and $ so that systemd finds the real file', () => {
    const odd = join(scratch, `node dir 100% $HOME`);
    mkdirSync(odd, { recursive: true });
    symlinkSync(process.execPath, join(odd, 'node'));
    const dir = mkdtempSync(join(scratch, 'odd-'));
    const unit = render(userUnit, { node: join(odd, 'node'), queue: `${odd}/"q"` });
    writeFileSync(join(dir, 'mcpq.service'), unit);
    expect(unit).toContain(`ExecStart="${scratch}/node dir 100%% $HOME/node"`);
    expect(unit).toContain(String.raw`--queue "${scratch}/node dir 100%% $$HOME/\"q\""`);
    expect(verify(join(dir, 'mcpq.service'), 'user')).toEqual({ status: 0, complaints: [] });
  });

  it.skipIf(!analyze.ok)('a unit that names a missing node fails verify (the check can fail)', () => {
    const dir = mkdtempSync(join(scratch, 'missing-'));
    writeFileSync(join(dir, 'mcpq.service'), render(userUnit, { node: '/nonexistent/node' }));
    const result = verify(join(dir, 'mcpq.service'), 'user');
    expect(result.status).not.toBe(0);
    expect(result.complaints.join('\n')).toMatch(/nonexistent\/node/);
  });

  it.each([
    ['user', userUnit],
    ['system', systemUnit],
  ])('the %s unit restarts on failure only, stops in mixed mode, and names absolute paths', (_, target) => {
    const unit = render(target);
    const setting = (key: string): string[] => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);
    expect(setting('Restart')).toEqual(['on-failure']);
    expect(setting('KillMode')).toEqual(['mixed']);
    expect(setting('NoNewPrivileges')).toEqual(['yes']);
    expect(Number(setting('RestartSec')[0])).toBeGreaterThan(0);
    expect(Number(setting('StartLimitBurst')[0])).toBeGreaterThan(1);
    expect(Number(setting('StartLimitIntervalSec')[0])).toBeGreaterThan(Number(setting('RestartSec')[0]) * Number(setting('StartLimitBurst')[0]));
    const [node, ...rest] = setting('ExecStart')[0]!.split(' ');
    const [entry, ...args] = rest.slice(DAEMON_NODE_FLAGS.length);
    expect([node, ...rest.slice(0, DAEMON_NODE_FLAGS.length), entry]).toEqual([process.execPath, ...DAEMON_NODE_FLAGS, MCPQ_ENTRY]);
    expect(args.slice(0, 5)).toEqual(['daemon', '--queue', '/srv/mcpq/queue', '--concurrency', '2']);
    expect(setting('Environment')[0]).toMatch(/^"PATH=\/[^"]*"$/);
  });

  it('the system unit runs as the instance user, sandboxed, with only the queue writable', () => {
    const unit = render(systemUnit);
    for (const line of ['User=%i', 'ProtectSystem=strict', 'ProtectHome=read-only', 'ReadWritePaths=/srv/mcpq/queue', 'PrivateTmp=yes', 'WantedBy=multi-user.target']) {
      expect(unit.split('\n')).toContain(line);
    }
  });
});

describe('the launchd agent', () => {
  const xml = render(agent, { queue: '/Users/me/.mcpq/queue' });
  const parsed = plist.parse(xml) as Record<string, any>;

  it('parses as a property list with every key the agent needs', () => {
    expect(Object.keys(parsed).sort()).toEqual(
      ['EnvironmentVariables', 'ExitTimeOut', 'KeepAlive', 'Label', 'ProcessType', 'ProgramArguments', 'RunAtLoad', 'StandardErrorPath', 'StandardOutPath', 'ThrottleInterval', 'WorkingDirectory'].sort(),
    );
    expect(parsed).toMatchObject({
      Label: 'com.mcpq.daemon',
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false }, // restart after a crash, not after a clean stop
      ProcessType: 'Standard',
      StandardOutPath: '/Users/me/.mcpq/queue/server.log',
      StandardErrorPath: '/Users/me/.mcpq/queue/server.error.log',
      WorkingDirectory: '/home/me',
    });
    expect(parsed.ThrottleInterval).toBeGreaterThanOrEqual(10);
    expect(parsed.ProgramArguments.slice(0, 7 + DAEMON_NODE_FLAGS.length)).toEqual([process.execPath, ...DAEMON_NODE_FLAGS, MCPQ_ENTRY, 'daemon', '--queue', '/Users/me/.mcpq/queue', '--concurrency', '2']);
    for (const path of [parsed.ProgramArguments[0], parsed.ProgramArguments[1 + DAEMON_NODE_FLAGS.length], parsed.StandardOutPath, parsed.StandardErrorPath, parsed.WorkingDirectory]) expect(isAbsolute(path)).toBe(true);
  });

  it('gives jobs a real PATH, not launchd\'s /usr/bin:/bin:/usr/sbin:/sbin, and says it runs under launchd', () => {
    const path: string[] = parsed.EnvironmentVariables.PATH.split(':');
    expect(path.every((p) => isAbsolute(p))).toBe(true);
    expect(path).toContain('/usr/local/bin');
    expect(path).toEqual(expect.arrayContaining((process.env.PATH ?? '').split(':').filter((p) => isAbsolute(p))));
    expect(parsed.EnvironmentVariables.XPC_SERVICE_NAME).toBe(parsed.Label);
  });

  it('keeps every value exact through XML escaping', () => {
    const queue = `/Users/me/q & <"it's">`;
    const odd = plist.parse(render(agent, { queue })) as Record<string, any>;
    expect(odd.ProgramArguments[4 + DAEMON_NODE_FLAGS.length]).toBe(queue);
    expect(odd.StandardOutPath).toBe(`${queue}/server.log`);
  });

  it('has comments a strict XML parser accepts (no "--" inside)', () => {
    const comments = [...xml.matchAll(/<!--([\s\S]*?)-->/g)].map((m) => m[1]!);
    expect(comments.length).toBeGreaterThan(0);
    for (const comment of comments) expect(comment).not.toContain('--');
  });

  it.skipIf(!plutil.ok)('passes plutil -lint', () => {
    const file = join(scratch, 'com.mcpq.daemon.plist');
    writeFileSync(file, xml);
    const result = spawnSync('plutil', ['-lint', file], { encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});

describe('stop timeouts', () => {
  // The daemon's stop: running jobs get --grace, then SIGTERM → --kill-grace → SIGKILL,
  // then a requeue and exit. The manager must wait longer than that, with room to spare.
  function budget(args: readonly string[]): number {
    const flag = (name: string): number => Number(args[args.indexOf(name) + 1]);
    expect(flag('--grace')).toBe(DEFAULT_SETTINGS.shutdownGraceMs / 1_000);
    expect(flag('--kill-grace')).toBe(DEFAULT_SETTINGS.killGraceMs / 1_000);
    return flag('--grace') + flag('--kill-grace');
  }

  it.each([
    ['user', userUnit],
    ['system', systemUnit],
  ])('the %s unit waits longer (TimeoutStopSec) than the daemon takes to stop', (_, target) => {
    const unit = render(target);
    const timeout = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)![1]);
    expect(timeout).toBeGreaterThanOrEqual(budget(/^ExecStart=(.*)$/m.exec(unit)![1]!.split(' ')) + 10);
  });

  it('launchd waits longer (ExitTimeOut) than the daemon takes to stop', () => {
    const parsed = plist.parse(render(agent)) as Record<string, any>;
    expect(parsed.ExitTimeOut).toBeGreaterThanOrEqual(budget(parsed.ProgramArguments) + 10);
  });
});

describe('the templates', () => {
  it('`npm start` gives node the flags the service files give it', () => {
    const start = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).scripts.start as string;
    expect(/ node (.*?) ?bin\/mcpq\.js daemon$/.exec(start)?.[1]?.split(' ')).toEqual(DAEMON_NODE_FLAGS);
  });

  it.each([agent, userUnit, systemUnit].map((t) => [t.template, t]))('%s uses only the placeholders the installer fills', (_, target) => {
    expect(placeholdersOf(readFileSync(target.template, 'utf8'))).toEqual(
      target.kind === 'launchd-agent' ? ['CONCURRENCY', 'HOME', 'MCPQ', 'NODE', 'PATH', 'QUEUE'] : ['CONCURRENCY', 'MCPQ', 'NODE', 'PATH', 'QUEUE'],
    );
  });
});
