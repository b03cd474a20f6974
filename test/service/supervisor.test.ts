// A daemon started the way the rendered unit or agent starts it knows who supervises
// it, and `mcpq status` says so: systemd sets INVOCATION_ID for every service, and
// the agent sets XPC_SERVICE_NAME (as launchd itself does).
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import plist from 'plist';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, mcpq, startDaemon, tempQueue } from '../helpers/mcpq.js';

const home = mkdtempSync(join(tmpdir(), 'mcpq-sup-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

// The file `mcpq service install --dry-run` would write, for a given queue.
async function rendered(platform: 'linux' | 'darwin', queue: string): Promise<string> {
  const result = await mcpq(['service', 'install', '--dry-run', '--platform', platform, '--queue', queue], { env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  expect(result.exitCode).toBe(0);
  return /<<'MCPQ_EOF'\n([\s\S]*?)MCPQ_EOF\n/.exec(result.stdout)![1]!;
}

// Starts the daemon with exactly the argument vector of the service file (node's own
// flags included).
async function startAs(argv: readonly string[], queue: string, env: Record<string, string>) {
  expect(realpathSync(argv[0]!)).toBe(realpathSync(process.execPath));
  const entry = argv.indexOf(BIN);
  expect(argv.slice(entry, entry + 4)).toEqual([BIN, 'daemon', '--queue', queue]);
  return startDaemon(queue, argv.slice(entry + 4), env, argv.slice(1, entry));
}

async function supervisorOnStatus(queue: string): Promise<{ json: string; text: string }> {
  const json = JSON.parse((await mcpq(['status', '--json', '--queue', queue])).stdout);
  const text = (await mcpq(['status', '--queue', queue])).stdout;
  return { json: json.daemons[0].supervisor, text: /^daemon .*$/m.exec(text)![0] };
}

// Neither manager's mark, whatever the test runner itself runs under.
const BY_HAND = { INVOCATION_ID: '', XPC_SERVICE_NAME: '0' };

describe('mcpq status says who started the daemon', () => {
  it('"under systemd" for the unit\'s ExecStart with the INVOCATION_ID systemd sets', async () => {
    const q = tempQueue();
    const unit = await rendered('linux', q.root);
    const argv = /^ExecStart=(.*)$/m.exec(unit)![1]!.split(' '); // no path here needs quoting
    await startAs(argv, q.root, { ...BY_HAND, INVOCATION_ID: '5f2b6c1e0d9a4c3b8e7f6a5b4c3d2e1f' });
    const seen = await supervisorOnStatus(q.root);
    expect(seen.json).toBe('systemd');
    expect(seen.text).toMatch(/, under systemd, /);
  });

  it('"under launchd" for the agent\'s ProgramArguments and EnvironmentVariables', async () => {
    const q = tempQueue();
    const agent = plist.parse(await rendered('darwin', q.root)) as { ProgramArguments: string[]; EnvironmentVariables: Record<string, string> };
    await startAs(agent.ProgramArguments, q.root, { ...BY_HAND, ...agent.EnvironmentVariables });
    const seen = await supervisorOnStatus(q.root);
    expect(seen.json).toBe('launchd');
    expect(seen.text).toMatch(/, under launchd, /);
  });

  it('"started by hand" otherwise', async () => {
    const q = tempQueue();
    await startDaemon(q.root, [], BY_HAND);
    const seen = await supervisorOnStatus(q.root);
    expect(seen.json).toBe('manual');
    expect(seen.text).toMatch(/, started by hand, /);
  });
});

