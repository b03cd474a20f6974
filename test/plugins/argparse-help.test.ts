// Reading argparse --help: literal texts for the shapes argparse prints, then the
// real output of a real argparse program run by python3.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgparseHelp, type ParsedHelp } from '../../src/plugins/argparse-help.js';

const FIXTURE = join(import.meta.dirname, 'fixtures/tg/cli.py');

function parsed(text: string, command?: string): ParsedHelp {
  const result = parseArgparseHelp(text, command);
  if (!result.ok) throw new Error(result.error);
  return result.help;
}

function arg(help: ParsedHelp, name: string) {
  const found = help.args.find((a) => a.name === name);
  if (found === undefined) throw new Error(`no argument ${name} in ${help.args.map((a) => a.name).join(', ')}`);
  return found;
}

describe('parseArgparseHelp', () => {
  it('finds the subcommands and their one-line help', () => {
    const help = parsed(`usage: notes [-h] {add,list} ...

Keep short notes.

positional arguments:
  {add,list}
    add                 add a note
    list                list notes, highest
                        priority first

options:
  -h, --help            show this help message and exit
`);
    expect(help.description).toBe('Keep short notes.');
    expect(help.subcommands).toEqual([
      { name: 'add', help: 'add a note' },
      { name: 'list', help: 'list notes, highest priority first' },
    ]);
    expect(help.args).toEqual([]);
  });

  it('finds every subcommand, also those without a help line, and not their aliases', () => {
    const help = parsed(`usage: notes [-h] {add,a,new,list,ls,rm} ...

positional arguments:
  {add,a,new,list,ls,rm}
    add (a, new)        add a note
    list (ls)           list notes

options:
  -h, --help            show this help message and exit
`);
    expect(help.subcommands).toEqual([
      { name: 'add', help: 'add a note' },
      { name: 'list', help: 'list notes' },
      { name: 'rm', help: undefined },
    ]);
  });

  it('keeps a one-letter long option written as --x', () => {
    const help = parsed(`usage: click [-h] --x N [-v] [-w, --wide]

options:
  -h, --help  show this help message and exit
  --x N       from the left
  -v          say more
  -w, --wide  wide
`);
    expect(help.args.map((a) => [a.name, a.flag])).toEqual([
      ['x', '--x'],
      ['v', undefined],
      ['wide', undefined],
    ]);
  });

  it('finds subcommands under a custom metavar and section title', () => {
    const help = parsed(`usage: tool [-h] [--verbose] COMMAND ...

commands:
  COMMAND
    sync      copy what changed
    status    show what would change

options:
  -h, --help  show this help message and exit
  --verbose   say more
`);
    expect(help.subcommands?.map((s) => s.name)).toEqual(['sync', 'status']);
    expect(arg(help, 'verbose')).toMatchObject({ type: 'boolean', required: false });
  });

  it('takes "required" from the usage line only, across wrapped lines', () => {
    const help = parsed(
      `usage: notes add [-h] --title TITLE [--body BODY] [--tag TAG]
                 [--priority {low,normal,high}] --when WHEN

options:
  -h, --help            show this help message and exit
  --title TITLE         one line
  --body BODY           the text
  --tag TAG             a tag (repeatable)
  --priority {low,normal,high}
                        default: normal
  --when WHEN           required as well
`,
      'add',
    );
    expect(help.args.map((a) => [a.name, a.required])).toEqual([
      ['title', true],
      ['body', false],
      ['tag', false],
      ['priority', false],
      ['when', true],
    ]);
    expect(arg(help, 'priority')).toMatchObject({ choices: ['low', 'normal', 'high'], help: 'default: normal', type: 'string' });
    expect(arg(help, 'tag')).toMatchObject({ repeatable: true, metavar: 'TAG' });
    expect(arg(help, 'body')).toMatchObject({ repeatable: false, help: 'the text' });
  });

  it.each([
    ['Python ≤ 3.12', '-n N, --limit N'],
    ['Python ≥ 3.13', '-n, --limit N'],
  ])('reads short and long forms (%s)', (_, invocation) => {
    const help = parsed(`usage: x [-h] -n N\n\noptions:\n  ${invocation}  at most N\n  -q          quiet\n`);
    expect(arg(help, 'limit')).toMatchObject({ aliases: ['n'], type: 'integer', required: true, metavar: 'N' });
    expect(arg(help, 'q')).toMatchObject({ aliases: [], type: 'boolean' });
  });

  it('does not require the members of a mutually exclusive group', () => {
    const help = parsed(`usage: x [-h] (--id ID | --name NAME)\n\noptions:\n  --id ID      by id\n  --name NAME  by name\n`);
    expect(help.args.map((a) => a.required)).toEqual([false, false]);
  });

  it('reads positional arguments, required or not', () => {
    const help = parsed(
      `usage: tg search [-h] [-n N] query [where]

positional arguments:
  query            what to look for
  where            where to look

options:
  -h, --help       show this help message and exit
  -n N, --limit N  at most N results
`,
      'search',
    );
    expect(arg(help, 'query')).toMatchObject({ positional: true, required: true, help: 'what to look for' });
    expect(arg(help, 'where')).toMatchObject({ positional: true, required: false });
  });

  it('ignores an epilog and reads every argument group', () => {
    const help = parsed(`usage: x [-h] [--since SINCE] --out OUT

filters:
  --since SINCE  only newer entries

output:
  --out OUT      where to write

Examples are below this line:
  x --out a.txt
`);
    expect(help.args.map((a) => a.name)).toEqual(['since', 'out']);
  });

  it('says so when the text is not argparse help', () => {
    expect(parseArgparseHelp('Usage is simple: just run it\n')).toEqual({ ok: false, error: expect.stringMatching(/plugin\.json/) });
  });
});

describe('the help of a real argparse program', () => {
  const help = async (...words: string[]) => parsed(String((await execa('python3', [FIXTURE, ...words, '--help'])).stdout), words[0]);

  it('lists its subcommands', async () => {
    expect((await help()).subcommands?.map((s) => s.name)).toEqual(['click-button', 'send', 'search', 'slow', 'fail']);
  });

  it('reads required and optional flags, choices and repeated flags', async () => {
    const send = await help('send');
    expect(send.args.map((a) => ({ name: a.name, required: a.required, repeatable: a.repeatable, choices: a.choices ?? null }))).toEqual([
      { name: 'to', required: true, repeatable: false, choices: ['alice', 'bob'] },
      { name: 'text', required: true, repeatable: false, choices: null },
      { name: 'attach', required: false, repeatable: true, choices: null },
      { name: 'priority', required: false, repeatable: false, choices: ['low', 'high'] },
    ]);
    const click = await help('click-button');
    expect(click.args.map((a) => [a.name, a.type, a.required])).toEqual([
      ['button-text', 'string', true],
      ['msg-id', 'integer', true],
      ['dry-run', 'boolean', false],
    ]);
  });
});
