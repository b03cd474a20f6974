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
const broken: Plugin = { status: 'error', name: 'hang', dir: '/p/hang', entry: '/p/hang/cli.py', error: '"cli --help" did not finish within 5s' };

function refusal(plugin: Plugin, command: string | undefined, given: Record<string, string>): McpqError {
  try {
    submittedPluginArgs(plugin, command, given);
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
    expect(error).toMatchObject({ exitCode: 2, message: 'invalid plugin job: plugin: hang cannot be used: "cli --help" did not finish within 5s' });
    expect(error.forAgents).toBe(error.message);
  });

  it('refuses a job the plugin would not accept, pointing at its description in the words of each surface', () => {
    const error = refusal(ok, 'add', { n: 'x' });
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('invalid plugin job: args.n: expected a whole number, got "x"; mcpq plugins notes shows its commands and arguments');
    expect(error.forAgents).toBe('invalid plugin job: args.n: expected a whole number, got "x"; list_plugins with name "notes" shows its commands and arguments');
  });
});
