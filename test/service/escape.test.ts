// The pure parts of `mcpq service`: escaping, templates, values, plans, and reading
// what the service manager says.
import { describe, expect, it } from 'vitest';
import { systemdSpot, systemdValue, xmlText } from '../../src/service/escape.js';
import { describeManager } from '../../src/service/manager-status.js';
import { installPlan, uninstallPlan } from '../../src/service/plan.js';
import { planScript, stepLine } from '../../src/service/shell.js';
import { targetFor, type Where } from '../../src/service/targets.js';
import { placeholdersOf, renderTemplate } from '../../src/service/template.js';
import { servicePath, serviceValues, stableNode } from '../../src/service/values.js';

describe('xmlText', () => {
  it.each([
    ['/Users/me/.mcpq/queue', '/Users/me/.mcpq/queue'],
    ['/a & b/<q>', '/a &amp; b/&lt;q&gt;'],
    [`it's "x"`, 'it&apos;s &quot;x&quot;'],
  ])('writes %j as %j', (value, text) => {
    expect(xmlText(value)).toBe(text);
  });
});

describe('systemd escaping', () => {
  it.each([
    ['a plain path, as a word', '/home/me/q', 'ReadWritePaths=', '/home/me/q'],
    ['a path with a space, quoted', '/home/me/my q', 'ReadWritePaths=', '"/home/me/my q"'],
    ['% is doubled (specifiers)', '/q/100%', 'ReadWritePaths=', '/q/100%%'],
    ['$ stays in a non-Exec setting', '/q/$x', 'ReadWritePaths=', '/q/$x'],
    ['$ is doubled in an Exec argument', '/q/$x', 'ExecStart=/usr/bin/node /m.js --queue ', '/q/$$x'],
    ['$ stays in the executable path', '/opt/$n/node', 'ExecStart=', '/opt/$n/node'],
    ['quotes and backslashes are C-escaped', '/q/"a"\\b', 'ExecStart=/bin/node ', '"/q/\\"a\\"\\\\b"'],
    ['inside template quotes: escaped, not re-quoted', '/a b:/c"d', 'Environment="PATH=', '/a b:/c\\"d'],
  ])('%s', (_, value, before, text) => {
    expect(systemdValue(value, systemdSpot(before))).toBe(text);
  });

  it('refuses a program path systemd would reject', () => {
    expect(() => systemdValue(`/opt/"node"/bin/node`, systemdSpot('ExecStart='))).toThrow(/quotes or backslashes/);
  });

  it.each([
    ['ExecStart=', { quoted: false, execArgument: false, executable: true }],
    ['ExecStart=-', { quoted: false, execArgument: false, executable: true }],
    ['ExecStart=/usr/bin/node ', { quoted: false, execArgument: true, executable: false }],
    ['ExecStartPre="/x y" ', { quoted: false, execArgument: true, executable: false }],
    ['Environment="PATH=', { quoted: true, execArgument: false, executable: false }],
    ['ReadWritePaths=', { quoted: false, execArgument: false, executable: false }],
  ])('reads the spot after %j', (before, spot) => {
    expect(systemdSpot(before)).toEqual(spot);
  });
});

describe('renderTemplate', () => {
  it('replaces every placeholder and lists them', () => {
    const text = 'ExecStart={{NODE}} {{MCPQ}} --queue {{QUEUE}}\n';
    expect(placeholdersOf(text)).toEqual(['MCPQ', 'NODE', 'QUEUE']);
    expect(renderTemplate(text, 'systemd', { NODE: '/n', MCPQ: '/m', QUEUE: '/q q' })).toBe('ExecStart=/n /m --queue "/q q"\n');
  });

  it.each([
    ['a placeholder without a value', '{{NODE}} {{OTHER}}', '/n', /\{\{OTHER\}\} has no value/],
    ['a malformed placeholder', '{{ NODE }}', '/n', /malformed placeholder/],
    ['a value with a line break', '{{NODE}}', '/a\nb', /line break or control character/],
  ])('refuses %s', (_, text, node, error) => {
    expect(() => renderTemplate(text, 'plist', { NODE: node })).toThrow(error);
  });
});

describe('servicePath', () => {
  it.each([
    ['keeps the shell order, adds node and the base folders once', '/home/me/.local/bin:/usr/bin:/bin', '/opt/node/bin', '/home/me/.local/bin:/usr/bin:/bin:/opt/node/bin:/usr/local/bin:/usr/sbin:/sbin'],
    ['drops relative and empty entries and repeats', '.:bin::/usr/bin:/usr/bin', '/usr/bin', '/usr/bin:/usr/local/bin:/bin:/usr/sbin:/sbin'],
    ['copes without a PATH', undefined, '/usr/local/bin', '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'],
  ])('%s', (_, envPath, nodeDir, path) => {
    expect(servicePath(envPath, nodeDir)).toBe(path);
  });

  it('refuses a relative path for a service', () => {
    expect(() => serviceValues({ execPath: 'node', entry: '/m.js', queue: '/q', concurrency: 1, home: '/h', envPath: '' })).toThrow(/node must be an absolute path/);
  });
});

describe('stableNode', () => {
  // A Homebrew-like layout: /opt/homebrew/bin/node → ../Cellar/node/22.1.0/bin/node.
  const links: Record<string, string> = {
    '/opt/homebrew/Cellar/node/22.1.0/bin/node': '/opt/homebrew/Cellar/node/22.1.0/bin/node',
    '/opt/homebrew/bin/node': '/opt/homebrew/Cellar/node/22.1.0/bin/node',
    '/usr/bin/node': '/usr/bin/node',
  };
  const realpath = (p: string): string | undefined => links[p];
  it.each([
    ['prefers the PATH entry that leads to this node', '/usr/bin:/opt/homebrew/bin', '/opt/homebrew/bin/node'],
    ['keeps the binary when no PATH entry leads to it', '/usr/bin', '/opt/homebrew/Cellar/node/22.1.0/bin/node'],
    ['keeps the binary without a PATH', undefined, '/opt/homebrew/Cellar/node/22.1.0/bin/node'],
  ])('%s', (_, envPath, node) => {
    expect(stableNode('/opt/homebrew/Cellar/node/22.1.0/bin/node', envPath, realpath)).toBe(node);
  });
});

const where: Where = { platform: 'linux', system: false, home: '/home/me', configHome: '/home/me/.config', uid: 1000, user: 'me' };
const facts = { queue: '/home/me/.mcpq/queue', content: 'UNIT\n', lingering: false, user: 'me' };

describe('plans', () => {
  it.each([
    [
      'a systemd user unit',
      where,
      [
        'mkdir -p -m 700 /home/me/.mcpq/queue',
        'mkdir -p -m 755 /home/me/.config/systemd/user',
        'cat > /home/me/.config/systemd/user/mcpq.service',
        'systemctl --user daemon-reload',
        'systemctl --user enable mcpq',
        'systemctl --user restart mcpq',
      ],
    ],
    [
      'a systemd system unit',
      { ...where, system: true, user: 'alice' },
      ['install -d -m 700 -o alice /home/me/.mcpq/queue', 'cat > /etc/systemd/system/mcpq@alice.service', 'systemctl daemon-reload', 'systemctl enable mcpq@alice', 'systemctl restart mcpq@alice'],
    ],
    [
      'a launchd agent',
      { ...where, platform: 'darwin' as const, home: '/Users/me' },
      [
        'mkdir -p -m 700 /home/me/.mcpq/queue',
        'mkdir -p -m 755 /Users/me/Library/LaunchAgents',
        'cat > /Users/me/Library/LaunchAgents/com.mcpq.daemon.plist',
        'launchctl bootout gui/1000/com.mcpq.daemon || true   # fine if not loaded yet',
        'launchctl enable gui/1000/com.mcpq.daemon',
        'launchctl bootstrap gui/1000 /Users/me/Library/LaunchAgents/com.mcpq.daemon.plist',
      ],
    ],
  ])('installs %s in this order', (_, w, lines) => {
    expect(installPlan(targetFor(w), facts).steps.map(stepLine)).toEqual(lines);
  });

  it('reminds about lingering only when it is off', () => {
    const target = targetFor(where);
    expect(installPlan(target, facts).notes.join('\n')).toMatch(/loginctl enable-linger me/);
    expect(installPlan(target, { ...facts, lingering: true }).notes.join('\n')).not.toMatch(/linger/);
  });

  it('uninstalls by stopping first, then removing the file', () => {
    expect(uninstallPlan(targetFor(where)).steps.map(stepLine)).toEqual([
      'systemctl --user disable --now mcpq || true   # fine if not installed or not loaded',
      'rm -f /home/me/.config/systemd/user/mcpq.service',
      'systemctl --user daemon-reload',
    ]);
  });

  it('prints a written file as a here-document', () => {
    expect(planScript(installPlan(targetFor(where), facts))).toContain("cat > /home/me/.config/systemd/user/mcpq.service <<'MCPQ_EOF'\nUNIT\nMCPQ_EOF\n");
  });
});

const systemdUser = targetFor(where);
const launchd = targetFor({ ...where, platform: 'darwin' });
const LAUNCHCTL_PRINT = [
  'gui/501/com.mcpq.daemon = {',
  '\tactive count = 1',
  '\tpath = /Users/me/Library/LaunchAgents/com.mcpq.daemon.plist',
  '\tstate = running',
  '\tenvironment = {',
  '\t\tXPC_SERVICE_NAME => com.mcpq.daemon',
  '\t}',
  '\truns = 1',
  '\tpid = 4242',
  '\tlast exit code = (never exited)',
  '}',
].join('\n');

describe('describeManager', () => {
  it.each([
    ['no user manager (a container)', systemdUser, { exitCode: 1, output: 'Failed to connect to bus: No medium found', missing: false }, 'unreachable', 'systemd: cannot reach your user service manager (systemctl --user): Failed to connect to bus: No medium found'],
    ['no systemctl at all', systemdUser, { exitCode: undefined, output: '', missing: true }, 'missing', 'systemd: systemctl is not installed here'],
    ['a unit not installed', systemdUser, { exitCode: 4, output: 'Unit mcpq.service could not be found.', missing: false }, 'not-installed', 'systemd: mcpq.service is not installed (install it: mcpq service install)'],
    ['a running unit', systemdUser, { exitCode: 0, output: '● mcpq.service - mcpq job queue daemon\n     Active: active (running) since Mon 2026-01-05 10:00:00 UTC; 1h ago', missing: false }, 'running', 'systemd: mcpq.service active (running) since Mon 2026-01-05 10:00:00 UTC; 1h ago'],
    ['a failed unit', systemdUser, { exitCode: 3, output: '× mcpq.service\n     Active: failed (Result: start-limit-hit)', missing: false }, 'stopped', 'systemd: mcpq.service failed (Result: start-limit-hit)'],
    ['a running agent', launchd, { exitCode: 0, output: LAUNCHCTL_PRINT, missing: false }, 'running', 'launchd: com.mcpq.daemon running, pid 4242'],
    ['an agent not loaded', launchd, { exitCode: 113, output: 'Could not find service "com.mcpq.daemon" in domain for port', missing: false }, 'not-installed', 'launchd: com.mcpq.daemon is not loaded (install it: mcpq service install)'],
  ])('reads %s', (_, target, result, state, summary) => {
    const report = describeManager(target, result);
    expect(report.state).toBe(state);
    expect(report.summary).toBe(summary);
  });

  it('keeps only the top-level launchctl fields worth reading', () => {
    expect(describeManager(launchd, { exitCode: 0, output: LAUNCHCTL_PRINT, missing: false }).detail.split('\n')).toEqual([
      'path = /Users/me/Library/LaunchAgents/com.mcpq.daemon.plist',
      'state = running',
      'runs = 1',
      'pid = 4242',
      'last exit code = (never exited)',
    ]);
  });
});
