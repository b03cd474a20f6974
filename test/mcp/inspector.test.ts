// A second client that nobody here wrote: the MCP Inspector's CLI runs `mcpq mcp` and
// lists and calls its tools. The Inspector is not a dependency of mcpq (it declares
// Node >= 22 and brings a web stack); these tests run when it is installed:
//   npm install --no-save --prefix /tmp/insp @modelcontextprotocol/inspector@2
// found there, or where MCPQ_INSPECTOR points (the package folder or its launcher).
// Without `@2`, npm on Node 20 picks 0.15.0, the last release that declares no
// engines: it has another layout and no launcher, and these tests would skip.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, tempQueue } from '../helpers/mcpq.js';

const LAUNCHER = join('clients', 'launcher', 'build', 'index.js');
const WELL_KNOWN = '/tmp/insp/node_modules/@modelcontextprotocol/inspector';

function findInspector(): string | undefined {
  for (const candidate of [process.env.MCPQ_INSPECTOR, WELL_KNOWN]) {
    if (candidate === undefined || candidate === '' || !existsSync(candidate)) continue;
    const launcher = statSync(candidate).isDirectory() ? join(candidate, LAUNCHER) : candidate;
    if (existsSync(launcher)) return launcher;
  }
  return undefined;
}

const inspector = findInspector();
if (inspector === undefined) {
  console.warn(`skipping the MCP Inspector tests: no Inspector 2.x launcher found (set MCPQ_INSPECTOR, or npm install --no-save --prefix /tmp/insp @modelcontextprotocol/inspector@2)`);
}

async function inspect(root: string, args: readonly string[]) {
  const result = await execa(process.execPath, [inspector!, '--cli', process.execPath, BIN, 'mcp', '--queue', root, ...args], {
    reject: false,
    timeout: 30_000,
    env: { XDG_CONFIG_HOME: join(root, '..'), MCP_CATALOG_PATH: join(root, '..', 'catalog.json') },
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe.skipIf(inspector === undefined)('the MCP Inspector CLI', () => {
  it('lists the tools, with schemas it finds portable', async () => {
    const q = tempQueue();
    const listed = await inspect(q.root, ['--method', 'tools/list', '--strict']);
    expect(listed.exitCode, listed.stderr).toBe(0); // --strict exits 6 on an error-severity schema problem
    const { tools } = JSON.parse(listed.stdout) as { tools: { name: string; inputSchema: { type: string } }[] };
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['submit_job', 'get_job', 'list_jobs', 'get_job_output', 'cancel_job', 'retry_job', 'list_plugins', 'queue_status']));
  });

  it('calls queue_status and submit_job, and gets results that match their output schemas', async () => {
    const q = tempQueue();
    const status = await inspect(q.root, ['--method', 'tools/call', '--tool-name', 'queue_status']);
    expect(status.exitCode, status.stdout + status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).structuredContent).toMatchObject({ queue: q.root, alive: false, counts: { pending: 0 } });

    const submitted = await inspect(q.root, ['--method', 'tools/call', '--tool-name', 'submit_job', '--tool-arg', 'command=echo from the inspector', '--tool-arg', 'id=insp']);
    expect(submitted.exitCode, submitted.stdout + submitted.stderr).toBe(0);
    expect(JSON.parse(submitted.stdout).structuredContent).toMatchObject({ id: 'insp', state: 'pending', daemon_alive: false });
    expect(q.files('pending')).toEqual(['insp.json']);
  });
});
