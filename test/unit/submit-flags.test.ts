// `mcpq submit -- CMD` builds its job from flags without zod: every flag's parser
// checks it against core/job-rules.ts. These tables hold such jobs to the schema.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { buildSubmission } from '../../src/cli/commands/submit-run.js';
import type { SubmitFlags } from '../../src/cli/commands/submit.js';
import { parseJobObject } from '../../src/core/job-schema.js';
import { pluginArgs } from '../../src/cli/job-flags.js';

const now = new Date('2026-01-01T00:00:00Z');

// Parses `mcpq submit ARGS` with the real option parsers, without running it.
async function parsed(args: readonly string[]): Promise<{ words: string[]; flags: SubmitFlags }> {
  const argv = ['node', 'mcpq', 'submit', ...args];
  const program = buildProgram(argv);
  const submit = program.commands[0]!;
  let words: string[] = [];
  submit.action((w: string[]) => {
    words = w;
  });
  program.configureOutput({ writeErr: () => undefined });
  await program.parseAsync(argv);
  return { words, flags: submit.opts<SubmitFlags>() };
}

describe('a job built from submit flags', () => {
  it.each([
    [['--', 'true']],
    [['--', 'echo', 'a b', '--x']],
    [['--shell', 'ls | wc -l']],
    [['--id', 'nightly.backup-1', '-t', '0', '--', 'true']],
    [['-p', 'high', '-a', 'a1', '-a', 'b2', '--retries', '100', '--retry-delay', '2.5', '--', 'true']],
    [['-p', '-3', '--delay', '10m', '-g', 'gpu', '-o', 'out.txt', '-e', 'A=1', '-e', 'TOKEN=x=y', '--cwd', '/tmp', '-d', 'nightly', '--', 'true']],
    [['--at', '2026-02-01T10:00:00+02:00', '--shell', 'date']],
  ])('%j is a valid job with the same fields', async (args) => {
    const { words, flags } = await parsed(args);
    const built = await buildSubmission(words, flags, args.includes('--'), now);
    const job = JSON.parse(built.content) as Record<string, unknown>;
    const spec = parseJobObject(job, { timeoutSeconds: 300, submittedAt: now.getTime() });
    expect(spec.ok ? '' : spec.error).toBe('');
    if (!spec.ok) return;
    expect(built.id).toBe(spec.value.requestedId ?? built.id);
    expect(built.after).toEqual(spec.value.after);
  });

  it.each([
    [['--id', '../etc', '--', 'true'], /--id.*expected a job id/],
    [['--id', '.hidden', '--', 'true'], /--id.*expected a job id/],
    [['-a', 'ok', '-a', 'a/b', '--', 'true'], /--after.*expected a job id/],
    [['--retries', '101', '--', 'true'], /--retries.*<= 100/],
    [['-g', '', '--', 'true'], /--group.*must not be empty/],
    [['--cwd', '', '--', 'true'], /--cwd.*must not be empty/],
    [['-o', '', '--', 'true'], /--result-file.*must not be empty/],
  ])('%j is refused by its flag', async (args, message) => {
    await expect(parsed(args)).rejects.toThrow(message);
  });

  it.each([
    [['--', ''], /the command must not be empty/],
    [['--shell', ''], /--shell must not be empty/],
    [['-p', 'urgent', '--', 'true'], /--priority: expected high, medium, low or an integer/],
    [['--at', 'tomorrow', '--', 'true'], /--at: expected an ISO time/],
    [['--delay', '100000000d', '--', 'true'], /^--delay: at most 100 years$/],
    [['--at', '+100000-01-01T00:00:00Z', '--', 'true'], /^--at: at most 100 years ahead$/],
    [['--retry-delay', '1e13', '--', 'true'], /^--retry-delay: at most 100 years$/],
    [['--arg', 'title=x', '--', 'echo', 'hi'], /--arg title=x: --arg gives a plugin's arguments and needs --plugin NAME/],
    [['--arg', 'dry-run', '--shell', 'date'], /--arg dry-run: .*needs --plugin NAME/],
  ])('%j is refused before anything is queued', async (args, message) => {
    const { words, flags } = await parsed(args);
    await expect(buildSubmission(words, flags, args.includes('--'), now)).rejects.toThrow(message);
  });
});

describe('--arg key=value', () => {
  it.each([
    [['title=x', 'tag=a', 'tag=b', 'dry-run'], { title: 'x', tag: ['a', 'b'], 'dry-run': true }],
    [['__proto__=x'], JSON.parse('{"__proto__": "x"}')],
    [['constructor=x', 'toString'], { constructor: 'x', toString: true }],
  ])('keeps every key as given, even one a plain object has already: %j', (pairs, args) => {
    const built = pluginArgs(pairs);
    expect(Object.entries(built)).toEqual(Object.entries(args));
  });
});
