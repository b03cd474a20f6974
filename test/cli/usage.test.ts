// Every command explains itself (--help with examples), and every usage mistake is one
// line on stderr plus the usage hint, exit 2.
import { execa } from 'execa';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, mcpq, tempQueue } from '../helpers/mcpq.js';

const COMMANDS = ['list', 'ls', 'show', 'logs', 'cancel', 'retry', 'wait', 'clean', 'schema'];
const HINT = 'mcpq: run "mcpq --help" (or "mcpq <command> --help") for usage\n';

describe('the command line', () => {
  it.each(COMMANDS)('%s --help shows options and examples', async (command) => {
    const result = await mcpq([command, '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Usage: mcpq /);
    expect(result.stdout).toMatch(/\nExamples:\n {2}mcpq /);
  });

  it('lists the commands in mcpq --help', async () => {
    const { stdout } = await mcpq(['--help']);
    for (const command of ['list|ls', 'show', 'logs', 'cancel', 'retry', 'wait', 'clean', 'schema']) expect(stdout).toContain(`  ${command} `);
  });

  it('an unknown command is one line plus the hint, exit 2', async () => {
    const result = await mcpq(['lsit']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`mcpq: unknown command 'lsit' (Did you mean list?)\n${HINT}`);
  });

  it.each([[[]], [['service']], [['help', 'nope']]])('%j, with no command to run, shows the help on stderr and exits 2', async (args) => {
    const result = await mcpq(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: mcpq .*\nCommands:\n/s);
  });

  it.each([[['help']], [['help', 'submit']], [['service', 'help']]])('%j asks for the help: on stdout, exit 0', async (args) => {
    const result = await mcpq(args);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Usage: mcpq /);
    expect(result.stderr).toBe('');
  });

  it.each([
    [['list', '--bogus'], "mcpq: unknown option '--bogus'"],
    [['list', '--limit', 'many'], "mcpq: option '-n, --limit <n>' argument 'many' is invalid. expected a whole number >= 0, got \"many\""],
    [['show'], "mcpq: missing required argument 'id'"],
    [['logs', '--tail', '-3', 'x'], "mcpq: option '-t, --tail <lines>' argument '-3' is invalid. expected a whole number >= 0, got \"-3\""],
    [['cancel'], "mcpq: missing required argument 'ids'"],
    [['cancel', '--timeout', 'x', 'id'], "mcpq: option '--timeout <sec>' argument 'x' is invalid. expected a number of seconds >= 0, got \"x\""],
    [['retry'], "mcpq: missing required argument 'ids'"],
    [['wait', '--bogus', 'x'], "mcpq: unknown option '--bogus'"],
    [['schema', 'extra'], "mcpq: too many arguments for 'schema'. Expected 0 arguments but got 1."],
    [['daemon', '--lease', '0'], "mcpq: option '--lease <sec>' argument '0' is invalid. expected a number of seconds >= 1, got \"0\""], // claims would lapse while their jobs run
    [['list', '-q', ''], "mcpq: option '-q, --queue <dir>' argument '' is invalid. must not be empty"], // -q "$UNSET": not the current folder
    [['clean', '--older-than', '0', '--archive', ''], "mcpq: option '--archive <dir>' argument '' is invalid. must not be empty"], // not a delete
  ])('%j: one line plus the hint, exit 2', async (args, line) => {
    const q = tempQueue();
    const result = await mcpq([...args, ...(args[0] === 'schema' ? [] : ['-q', q.root])]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`${line}\n${HINT}`);
  });
});

describe('--queue', () => {
  // A wrapper that adds --queue to every command must not break the ones that do not
  // read the queue.
  it.each([[['schema']], [['service', 'uninstall', '--dry-run']]])('%j takes it after the command name, as every command does', async (args) => {
    const q = tempQueue();
    const result = await mcpq([...args, '--queue', q.root]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});

describe('a queue path that cannot be a queue', () => {
  // Node's recursive mkdir spun for ever under /proc and behind a dangling link; a file
  // in the way gave a stack trace. (Reading a queue that is not there shows it empty.)
  const WRITERS = [['submit', '--', 'true'], ['daemon']];
  it.each([
    ['a file', (dir: string) => (writeFileSync(join(dir, 'file'), ''), join(dir, 'file')), 'ENOTDIR', [...WRITERS, ['status'], ['list']]],
    ['behind a dangling link', (dir: string) => (symlinkSync(join(dir, 'nowhere'), join(dir, 'link')), join(dir, 'link', 'queue')), 'ENOENT', WRITERS],
  ])('%s: one line and exit 1', async (_, make, code, commands) => {
    const root = make(tempQueue().dir);
    for (const args of commands) {
      const result = await mcpq(['-q', root, ...args], { timeout: 20_000 });
      expect(result.exitCode, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(new RegExp(`^mcpq: [^\\n]*${code}: [^\\n]*\\n$`));
    }
  });
});

describe('in a pipe', () => {
  it('ends quietly when the reader stops early (mcpq ls | head)', async () => {
    const q = tempQueue();
    mkdirSync(q.path('completed'), { recursive: true });
    for (let i = 0; i < 2_000; i += 1) writeFileSync(q.path('completed', `job${i}.json`), JSON.stringify({ command: `echo ${i}`, result: { status: 'completed', id: `job${i}` } }));
    const result = await execa('sh', ['-c', `node "${BIN}" ls -q "${q.root}" --limit 0 | head -n 2`], { reject: false, env: { NO_COLOR: '1' } });
    expect(result.stdout.split('\n')[0]).toMatch(/^finished \(2000\)$/);
    expect(result.stderr).toBe('');
  });
});
