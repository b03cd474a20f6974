// `mcpq service install|uninstall|status` through the built CLI. launchctl and
// systemctl are stand-ins on PATH that log their arguments, so the real runner runs
// the real plan without touching this machine's service manager.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stableNode } from '../../src/service/values.js';
import { ROOT, mcpq, startDaemon } from '../helpers/mcpq.js';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

interface Sandbox {
  readonly home: string;
  readonly queue: string;
  readonly log: string;
  readonly env: Record<string, string>;
  // Puts a stand-in for `name` on PATH: it logs "name args…" and runs `body`.
  fake(name: string, body?: string): void;
  calls(): string[];
}

function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'mcpq-svc-'));
  dirs.push(dir);
  const home = join(dir, 'home');
  const bin = join(dir, 'bin');
  mkdirSync(home);
  mkdirSync(bin);
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  return {
    home,
    queue: join(dir, 'queue'),
    log,
    env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PATH: `${bin}:${process.env.PATH}`, SUDO_USER: '', MCPQ_QUEUE: '' },
    fake(name, body = 'exit 0') {
      const file = join(bin, name);
      writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> '${log}'\n${body}\n`);
      chmodSync(file, 0o755);
    },
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

// What systemctl --user says where there is no user manager (this container, CI).
const NO_BUS = 'echo "Failed to connect to bus: No medium found" >&2; exit 1';

// The dry run with this machine's paths replaced, so the snapshot holds anywhere.
function normalise(text: string, s: Sandbox): string {
  return text
    .replaceAll(s.home, '<HOME>')
    .replaceAll(s.queue, '<QUEUE>')
    .replaceAll(join(ROOT, 'bin', 'mcpq.js'), '<MCPQ>')
    .replaceAll(stableNode(process.execPath, s.env.PATH, (p) => (existsSync(p) ? realpathSync(p) : undefined)), '<NODE>')
    .replace(/^Environment="PATH=[^"]*"$/m, 'Environment="PATH=<PATH>"')
    .replace(/(<key>PATH<\/key>\s*<string>)[^<]*/, '$1<PATH>')
    .replace(/gui\/\d+/g, 'gui/<UID>');
}

describe('mcpq service install --dry-run', () => {
  it.each([
    ['a systemd user unit', ['--platform', 'linux']],
    ['a systemd system unit', ['--platform', 'linux', '--system', '--user', 'alice', '--queue', '/srv/mcpq']],
    ['a launchd agent', ['--platform', 'darwin']],
  ])('prints %s and its commands, stable, with every placeholder filled, and changes nothing', async (_, args) => {
    const s = sandbox();
    const result = await mcpq(['service', 'install', '--dry-run', '--queue', s.queue, '--concurrency', '2', ...args], { env: s.env });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('{{');
    expect(result.stdout).toContain(`--concurrency`);
    expect(normalise(result.stdout, s)).toMatchSnapshot();
    expect(existsSync(s.queue)).toBe(false);
    expect(existsSync(join(s.home, '.config'))).toBe(false);
    expect(existsSync(join(s.home, 'Library'))).toBe(false);
  });

  it('gives each account of a system unit a file of its own, so installing or removing one leaves the others as they are', async () => {
    const s = sandbox();
    const run = async (command: string, user: string, queue: string) =>
      (await mcpq(['service', command, '--dry-run', '--platform', 'linux', '--system', '--user', user, '--queue', queue], { env: s.env })).stdout;
    const alice = await run('install', 'alice', '/srv/alice');
    const bob = await run('install', 'bob', '/srv/bob');
    expect(alice).toContain("cat > /etc/systemd/system/mcpq@alice.service <<'MCPQ_EOF'\n");
    expect(alice).toMatch(/^ExecStart=.* --queue \/srv\/alice /m);
    expect(bob).toContain("cat > /etc/systemd/system/mcpq@bob.service <<'MCPQ_EOF'\n");
    expect(bob).toMatch(/^ExecStart=.* --queue \/srv\/bob /m);
    expect(await run('uninstall', 'bob', '/srv/bob')).toContain('\nrm -f /etc/systemd/system/mcpq@bob.service\n');
  });

  it('refuses a --user that is no account name: it names the unit and its file', async () => {
    const s = sandbox();
    const result = await mcpq(['service', 'install', '--dry-run', '--platform', 'linux', '--system', '--user', '../x', '--queue', '/srv/q'], { env: s.env });
    expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr: 'mcpq: --user must be an account name (letters, digits, _ . -), got "../x"\n' });
  });

  it('prints what uninstall would do', async () => {
    const s = sandbox();
    const result = await mcpq(['service', 'uninstall', '--dry-run', '--platform', 'linux'], { env: s.env });
    expect(result.exitCode).toBe(0);
    expect(normalise(result.stdout, s)).toBe(
      [
        '# mcpq service uninstall --dry-run: nothing was changed. A real run does this:',
        'systemctl --user disable --now mcpq || true   # fine if not installed or not loaded',
        'rm -f <HOME>/.config/systemd/user/mcpq.service',
        'systemctl --user daemon-reload',
        '',
      ].join('\n'),
    );
  });
});

describe('mcpq service install', () => {
  it('on Linux writes the user unit, reloads, enables and starts it, and prints what it ran', async () => {
    const s = sandbox();
    s.fake('systemctl');
    const dry = await mcpq(['service', 'install', '--dry-run', '--platform', 'linux', '--queue', s.queue], { env: s.env });
    const result = await mcpq(['service', 'install', '--platform', 'linux', '--queue', s.queue], { env: s.env });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const unitFile = join(s.home, '.config/systemd/user/mcpq.service');
    const unit = readFileSync(unitFile, 'utf8');
    expect(dry.stdout).toContain(unit); // the dry run showed exactly this file
    expect(statSync(s.queue).mode & 0o777).toBe(0o700);
    expect(s.calls()).toEqual(['systemctl --user daemon-reload', 'systemctl --user enable mcpq', 'systemctl --user restart mcpq']);
    expect(result.stdout).toContain(
      [`+ mkdir -p -m 700 ${s.queue}`, `+ mkdir -p -m 755 ${join(s.home, '.config/systemd/user')}`, `+ cat > ${unitFile}`, '+ systemctl --user daemon-reload', '+ systemctl --user enable mcpq', '+ systemctl --user restart mcpq'].join('\n'),
    );
    expect(result.stdout).toMatch(/journalctl --user -u mcpq -f/);
  });

  it('writes the user unit where systemd looks, ~/.config, when XDG_CONFIG_HOME is relative (systemd ignores it then)', async () => {
    const s = sandbox();
    const result = await mcpq(['service', 'install', '--dry-run', '--platform', 'linux', '--queue', s.queue], { env: { ...s.env, XDG_CONFIG_HOME: 'cfg' }, cwd: s.home });
    expect(result.stdout).toContain(`\ncat > ${join(s.home, '.config/systemd/user/mcpq.service')} <<'MCPQ_EOF'\n`);
  });

  it('refuses a queue that is a file before it installs anything, rather than a service whose daemon cannot start', async () => {
    const s = sandbox();
    s.fake('systemctl');
    writeFileSync(s.queue, '');
    const result = await mcpq(['service', 'install', '--platform', 'linux', '--queue', s.queue], { env: s.env });
    expect(result).toMatchObject({ exitCode: 1, stderr: `mcpq: cannot create ${s.queue}: ENOTDIR (a file is in the way of a folder) (nothing was changed)\n` });
    expect(s.calls()).toEqual([]);
    expect(existsSync(join(s.home, '.config'))).toBe(false);
  });

  it('on macOS writes the agent and bootstraps it into the gui domain', async () => {
    const s = sandbox();
    s.fake('launchctl', '[ "$1" = bootout ] && { echo "Boot-out failed: 3: No such process" >&2; exit 3; }; exit 0');
    const result = await mcpq(['service', 'install', '--platform', 'darwin', '--queue', s.queue], { env: s.env });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const plistFile = join(s.home, 'Library/LaunchAgents/com.mcpq.daemon.plist');
    expect(readFileSync(plistFile, 'utf8')).toContain('<string>com.mcpq.daemon</string>');
    const uid = process.getuid!();
    expect(s.calls()).toEqual([`launchctl bootout gui/${uid}/com.mcpq.daemon`, `launchctl enable gui/${uid}/com.mcpq.daemon`, `launchctl bootstrap gui/${uid} ${plistFile}`]);
    expect(result.stdout).toContain('    Boot-out failed: 3: No such process\n    (ignored: not loaded yet)\n');
  });

  it('stops at the first failing command with one line saying what failed', async () => {
    const s = sandbox();
    s.fake('systemctl', NO_BUS);
    const result = await mcpq(['service', 'install', '--platform', 'linux', '--queue', s.queue], { env: s.env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('mcpq: `systemctl --user daemon-reload` failed (exit 1): Failed to connect to bus: No medium found (the steps printed above it were done)\n');
    expect(s.calls()).toEqual(['systemctl --user daemon-reload']);
  });

  it.each([
    ['--system without --queue', ['--system'], /--system needs --queue DIR/],
    ['--system with a queue in /tmp', ['--system', '--queue', '/tmp/q'], /private \/tmp/],
    ['--user without --system', ['--user', 'bob'], /--user NAME goes with --system/],
    ['--system on macOS', ['--system', '--platform', 'darwin', '--queue', '/srv/q'], /--system is for systemd/],
    ['an unknown platform', ['--platform', 'win32'], /--platform.*win32.*is invalid/],
  ])('refuses %s with a usage error', async (_, args, message) => {
    const s = sandbox();
    const result = await mcpq(['service', 'install', '--dry-run', ...args], { env: s.env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('mcpq service uninstall', () => {
  it('stops and disables the unit, removes its file, keeps the queue', async () => {
    const s = sandbox();
    s.fake('systemctl');
    await mcpq(['service', 'install', '--platform', 'linux', '--queue', s.queue], { env: s.env });
    const result = await mcpq(['service', 'uninstall', '--platform', 'linux'], { env: s.env });
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(s.home, '.config/systemd/user/mcpq.service'))).toBe(false);
    expect(existsSync(s.queue)).toBe(true);
    expect(s.calls().slice(3)).toEqual(['systemctl --user disable --now mcpq', 'systemctl --user daemon-reload']);
  });
});

describe('mcpq service status', () => {
  it('says in one line that there is no user service manager to ask, then the queue status', async () => {
    const s = sandbox();
    s.fake('systemctl', NO_BUS);
    const result = await mcpq(['service', 'status', '--platform', 'linux', '--queue', s.queue], { env: s.env });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`service  ${join(s.home, '.config/systemd/user/mcpq.service')} (not installed)`);
    expect(lines[1]).toBe('systemd: cannot reach your user service manager (systemctl --user): Failed to connect to bus: No medium found');
    expect(lines[2]).toMatch(/^daemon   not running/);
    expect(s.calls()).toEqual(['systemctl --user status mcpq --no-pager --lines=5']);
  });

  it('shows what systemd says and the live daemon (exit 0)', async () => {
    const s = sandbox();
    s.fake('systemctl', 'echo "● mcpq.service - mcpq job queue daemon"; echo "     Active: active (running) since Mon 2026-01-05 10:00:00 UTC"; exit 0');
    const daemon = await startDaemon(s.queue, [], { INVOCATION_ID: 'f00d' });
    const result = await mcpq(['service', 'status', '--platform', 'linux', '--queue', s.queue, '--json'], { env: s.env });
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.manager).toMatchObject({ manager: 'systemd', state: 'running', summary: 'systemd: mcpq.service active (running) since Mon 2026-01-05 10:00:00 UTC' });
    expect(report.daemon.daemons).toMatchObject([{ pid: daemon.pid, supervisor: 'systemd', alive: true }]);
    const text = await mcpq(['service', 'status', '--platform', 'linux', '--queue', s.queue], { env: s.env });
    expect(text.stdout).toMatch(/^daemon   running: pid \d+ .*, under systemd, /m);
  });
});
