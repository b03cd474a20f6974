import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, buildProgram } from '../../src/cli/program.js';

const namesOf = (program: Command): string[][] => program.commands.map((c) => [c.name(), ...c.aliases()]);

describe('the command table', () => {
  it.each(COMMANDS.map(([names, register]) => [names.join('/'), names, register] as const))('%s: the table names what the definition defines', (_, names, register) => {
    const program = new Command('mcpq').enablePositionalOptions();
    register(program);
    expect(namesOf(program).flat().sort()).toEqual([...names].sort());
  });

  it.each([
    [['node', 'mcpq', 'submit', '--', 'true'], ['submit']],
    [['node', 'mcpq', '-q', '/tmp/q', 'ls'], ['list', 'ls']],
    [['node', 'mcpq', '--queue', 'status', 'status'], ['status']],
    [['node', 'mcpq', 'resume'], ['pause', 'resume']],
  ])('%j defines only %j', (argv, names) => {
    expect(namesOf(buildProgram(argv)).flat().sort()).toEqual([...names].sort());
  });

  it.each([[['node', 'mcpq']], [['node', 'mcpq', '--help']], [['node', 'mcpq', 'help', 'submit']], [['node', 'mcpq', 'sumbit']]])('%j defines every command (help, suggestions)', (argv) => {
    expect(buildProgram(argv).commands).toHaveLength(COMMANDS.flatMap(([names]) => names.filter((n) => n !== 'ls')).length);
  });
});
