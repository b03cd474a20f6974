// The one rule for a plugin job about to be queued, shared by `mcpq submit --plugin`
// and MCP submit_job: a plugin that is there must be usable and accept the job.
import { describe, expect, it } from 'vitest';
import { McpqError } from '../../src/core/errors.js';
import type { Plugin } from '../../src/plugins/registry.js';
import type { PluginSpec } from '../../src/plugins/spec.js';
import { submittedPluginArgs } from '../../src/plugins/submission.js';

const spec: PluginSpec = {
  description: undefined,
  parallel: false,
  source: 'plugin.json',
  args: [],
  commands: [
    {
      name: 'add',
      description: undefined,
      args: [{ name: 'n', aliases: [], type: 'integer', required: true, repeatable: false, positional: false, choices: undefined, metavar: 'N', help: undefined }],
    },
  ],
};
const ok: Plugin = { status: 'ok', name: 'notes', dir: '/p/notes', entry: '/p/notes/cli.py', program: { file: 'python3', args: ['/p/notes/cli.py'] }, spec };
const broken: Plugin = { status: 'error', name: 'syn', dir: '/p/syn', entry: '/p/syn/cli.py', error: `"cli --help" exited with code 1: SyntaxError: '(' was never closed` };
const hung = '"cli --help" did not finish within 5s';
const waiting: Plugin = {
  status: 'error',
  name: 'hang',
  dir: '/p/hang',
  entry: '/p/hang/cli.py',
  error: hung,
  transient: { plugin: 'hang', error: hung, tries: 1, since: 1_000_000, retryAt: 1_030_000 },
};

function refusal(plugin: Plugin, command: string | undefined, given: Record<string, string>, now?: number): McpqError {
  try {
    submittedPluginArgs(plugin, command, given, now);
  } catch (error) {
    if (error instanceof McpqError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('submittedPluginArgs', () => {
  it("types the args by the plugin's description", () => {
    expect(submittedPluginArgs(ok, 'add', { n: '12' })).toEqual({ n: 12 });
  });

  it('refuses a plugin whose description could not be read, with the reason, at the CLI and over MCP alike', () => {
    const error = refusal(broken, 'foo', {});
    expect(error).toMatchObject({ exitCode: 2, message: `invalid plugin job: plugin: syn cannot be used: "cli --help" exited with code 1: SyntaxError: '(' was never closed` });
    expect(error.forAgents).toBe(error.message);
  });

  it('says a job for a plugin whose help timed out cannot be checked now, not that it is invalid: try again (exit 75)', () => {
    const error = refusal(waiting, 'foo', {}, 1_002_500);
    expect(error).toMatchObject({
      exitCode: 75,
      message: 'cannot check the job now: plugin hang could not describe itself ("cli --help" did not finish within 5s); this may pass (a busy machine): nothing was queued, try again in 28s',
    });
    expect(error.forAgents).toBe(error.message);
  });

  it('refuses a job the plugin would not accept, pointing at its description in the words of each surface', () => {
    const error = refusal(ok, 'add', { n: 'x' });
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('invalid plugin job: args.n: expected a whole number, got "x"; mcpq plugins notes shows its commands and arguments');
    expect(error.forAgents).toBe('invalid plugin job: args.n: expected a whole number, got "x"; list_plugins with name "notes" shows its commands and arguments');
  });
});
