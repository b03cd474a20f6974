// Reading argparse --help: literal texts for the shapes argparse prints, then the
// real output of a real argparse program run by python3.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgparseHelp, type ParsedHelp } from '../../src/plugins/argparse-help.js';
import type { ArgSpec } from '../../src/plugins/spec.js';

const FIXTURE = join(import.meta.dirname, 'fixtures/tg/cli.py');
const TAG_FIXTURE = join(import.meta.dirname, 'fixtures/tag/cli.py');

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

// What python3.8 and python3.11 print for the same program (nargs='+' and '*'); 3.9
// changed how '*' is written, 3.13 prints "-n, --sizes N [N ...]" (read above).
const SEVERAL = {
  '3.8': `usage: tag [-h] --tags TAG [TAG ...] [--skip [SKIP [SKIP ...]]] [-n N [N ...]]
           [--color [{red,green} [{red,green} ...]]] [--attach FILE]
           files [files ...]

positional arguments:
  files                 files to tag

optional arguments:
  -h, --help            show this help message and exit
  --tags TAG [TAG ...]  tags to add
  --skip [SKIP [SKIP ...]]
                        tags to skip
  -n N [N ...], --sizes N [N ...]
                        sizes
  --color [{red,green} [{red,green} ...]]
                        colors
  --attach FILE         a file (repeatable)
`,
  '3.11': `usage: tag [-h] --tags TAG [TAG ...] [--skip [SKIP ...]] [-n N [N ...]]
           [--color [{red,green} ...]] [--attach FILE]
           files [files ...]

positional arguments:
  files                 files to tag

options:
  -h, --help            show this help message and exit
  --tags TAG [TAG ...]  tags to add
  --skip [SKIP ...]     tags to skip
  -n N [N ...], --sizes N [N ...]
                        sizes
  --color [{red,green} ...]
                        colors
  --attach FILE         a file (repeatable)
`,
};

// The same for a required option and an optional positional with nargs='*'.
const SEVERAL_STAR = {
  '3.8': `usage: tag [-h] --tags [TAGS [TAGS ...]] [names [names ...]]

positional arguments:
  names                 names

optional arguments:
  -h, --help            show this help message and exit
  --tags [TAGS [TAGS ...]]
                        tags
`,
  '3.11': `usage: tag [-h] --tags [TAGS ...] [names ...]

positional arguments:
  names              names

options:
  -h, --help         show this help message and exit
  --tags [TAGS ...]  tags
`,
};

const shape = (a: ArgSpec) => ({ name: a.name, type: a.type, required: a.required, list: a.list, repeatable: a.repeatable, metavar: a.metavar, choices: a.choices ?? null });

describe('arguments that take several values (nargs="+" or "*")', () => {
  it.each(['3.8', '3.11'] as const)('reads options and positionals as lists, with their bare metavar (python %s)', (version) => {
    const help = parsed(SEVERAL[version]);
    expect(help.args.map(shape)).toEqual([
      { name: 'files', type: 'string', required: true, list: true, repeatable: false, metavar: 'files', choices: null },
      { name: 'tags', type: 'string', required: true, list: true, repeatable: false, metavar: 'TAG', choices: null },
      { name: 'skip', type: 'string', required: false, list: true, repeatable: false, metavar: 'SKIP', choices: null },
      { name: 'sizes', type: 'integer', required: false, list: true, repeatable: false, metavar: 'N', choices: null },
      { name: 'color', type: 'string', required: false, list: true, repeatable: false, metavar: '{red,green}', choices: ['red', 'green'] },
      { name: 'attach', type: 'string', required: false, list: false, repeatable: true, metavar: 'FILE', choices: null },
    ]);
    expect(arg(help, 'sizes').aliases).toEqual(['n']);
  });

  it.each(['3.8', '3.11'] as const)('reads a required option and an optional positional with nargs="*" (python %s)', (version) => {
    const help = parsed(SEVERAL_STAR[version]);
    expect(help.args.map(shape)).toEqual([
      { name: 'names', type: 'string', required: false, list: true, repeatable: false, metavar: 'names', choices: null },
      { name: 'tags', type: 'string', required: true, list: true, repeatable: false, metavar: 'TAGS', choices: null },
    ]);
  });

  it('keeps finding subcommands, and reads a subcommand\'s list positional (python 3.11)', () => {
    const top = parsed(`usage: notes [-h] {add,rm} ...

positional arguments:
  {add,rm}
    add       add notes
    rm        remove notes

options:
  -h, --help  show this help message and exit
`);
    expect(top.subcommands?.map((s) => s.name)).toEqual(['add', 'rm']);
    const add = parsed(
      `usage: notes add [-h] [--tags [TAGS ...]] titles [titles ...]

positional arguments:
  titles             one note per title

options:
  -h, --help         show this help message and exit
  --tags [TAGS ...]  tags for each
`,
      'add',
    );
    expect(add.subcommands).toBeUndefined();
    expect(add.args.map((a) => [a.name, a.positional, a.list, a.required])).toEqual([
      ['titles', true, true, true],
      ['tags', false, true, false],
    ]);
    const rm = parsed(`usage: notes rm [-h] [N ...]\n\npositional arguments:\n  N           which\n\noptions:\n  -h, --help  show this help message and exit\n`, 'rm');
    expect(rm.args.map(shape)).toEqual([{ name: 'N', type: 'integer', required: false, list: true, repeatable: false, metavar: 'N', choices: null }]);
  });

  it('does not take an option\'s metavar for a positional of the same name (python 3.11)', () => {
    const help = parsed(`usage: x [-h] [--exclude [file ...]] --only file [file ...] file

positional arguments:
  file

options:
  -h, --help            show this help message and exit
  --exclude [file ...]
  --only file [file ...]
`);
    expect(help.args.map((a) => [a.name, a.list, a.required])).toEqual([
      ['file', false, true],
      ['exclude', true, false],
      ['only', true, true],
    ]);
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

  it('reads options and a positional that take several values', async () => {
    const tag = parsed(String((await execa('python3', [TAG_FIXTURE, '--help'])).stdout));
    expect(tag.args.map((a) => [a.name, a.positional, a.list, a.required, a.metavar])).toEqual([
      ['files', true, true, true, 'files'],
      ['tags', false, true, true, 'TAG'],
      ['skip', false, true, false, 'SKIP'],
      ['sizes', false, true, false, 'N'],
      ['color', false, true, false, '{red,green}'],
      ['attach', false, false, false, 'FILE'],
    ]);
  });
});
