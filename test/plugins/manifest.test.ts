// plugin.json: validated with zod, turned into the same description --help gives.
import { describe, expect, it } from 'vitest';
import { manifestOf, specFromManifest } from '../../src/plugins/manifest.js';

describe('specFromManifest', () => {
  it('reads commands, argument types and parallel', () => {
    const parsed = specFromManifest(
      {
        description: 'disk and load',
        parallel: true,
        commands: { disk: { description: 'free space', args: { path: { repeatable: true }, unit: { choices: ['B', 'GiB'] } } }, load: {} },
      },
      'sysinfo',
    );
    expect(parsed).toMatchObject({
      ok: true,
      spec: {
        description: 'disk and load',
        parallel: true,
        source: 'plugin.json',
        commands: [
          {
            name: 'disk',
            args: [
              { name: 'path', type: 'string', required: false, repeatable: true, positional: false },
              { name: 'unit', choices: ['B', 'GiB'] },
            ],
          },
          { name: 'load', args: [] },
        ],
      },
    });
  });

  it('reads an argument that takes several values after one flag ("list"), and says so for no other', () => {
    const parsed = specFromManifest({ args: { tags: { list: true }, files: { list: true, positional: true }, tag: { repeatable: true } } }, 'x');
    expect(parsed.ok ? parsed.spec.args.map((a) => [a.name, a.list, a.repeatable, a.positional]) : parsed.error).toEqual([
      ['tags', true, false, false],
      ['files', true, false, true],
      ['tag', false, true, false],
    ]);
  });

  it('defaults to one job at a time', () => {
    expect(specFromManifest({ commands: {} }, 'x')).toMatchObject({ ok: true, spec: { parallel: false } });
  });

  it.each([
    ['a misspelt field', { commands: { a: { args: { x: { requried: true } } } } }, /commands\.a\.args\.x/],
    ['a bad type', { commands: { a: { args: { x: { type: 'int' } } } } }, /commands\.a\.args\.x\.type/],
    ['parallel as a string', { parallel: 'yes' }, /parallel: must be true or false/],
    ['args beside commands', { commands: {}, args: {} }, /args: belongs inside a command/],
    ['a name that is not the folder', { name: 'other' }, /does not match its folder "x"/],
    ['a flag-like command name', { commands: { '-x': {} } }, /commands/],
    ['an alias that is another argument\'s name', { args: { all: { type: 'boolean', aliases: ['a'] }, a: {} } }, /^plugin\.json: args\.all\.aliases: "a" already names the argument "a"$/],
    ['an alias given to two arguments', { args: { limit: { aliases: ['n'] }, number: { aliases: ['n'] } } }, /args\.number\.aliases: "n" already names the argument "limit"/],
    ['an alias that is its own name', { args: { limit: { aliases: ['limit'] } } }, /"limit" already names this argument/],
    ['a list instead of an object', [], /^plugin\.json: must be a JSON object \(\{"commands": \{…\}\} or \{"args": \{…\}\}\), got an array$/],
    ['null', null, /^plugin\.json: must be a JSON object .*, got null$/],
    ['a string', 'sysinfo', /^plugin\.json: must be a JSON object .*, got a string$/],
    ['a flag that is not one', { args: { x: { flag: 'x' } } }, /args\.x\.flag: must be a flag, e\.g\. "--x"/],
    ['a positional flag', { commands: { a: { args: { force: { type: 'boolean', positional: true } } } } }, /commands\.a\.args\.force\.positional: a boolean is a flag/],
    ['a list that is also repeatable', { args: { tags: { list: true, repeatable: true } } }, /^plugin\.json: args\.tags\.list: an argument takes its values either after one flag \(list: --name a b\) or one per flag \(repeatable: --name a --name b\), not both$/],
    ['a boolean list', { args: { all: { type: 'boolean', list: true } } }, /^plugin\.json: args\.all\.list: a boolean is a flag \(--name\), it takes no values$/],
  ])('rejects %s', (_, manifest, error) => {
    const parsed = specFromManifest(manifest, 'x');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toMatch(error);
  });

  it('describes an introspected plugin exactly (the help cache format)', () => {
    const original = specFromManifest(
      { description: 'd', commands: { add: { description: 'a', args: { title: { required: true, metavar: 'T' }, n: { type: 'integer', aliases: ['limit'] }, x: { flag: '--x' }, tags: { list: true } } } } },
      'x',
    );
    if (!original.ok) throw new Error(original.error);
    expect(specFromManifest(manifestOf(original.spec), 'x')).toEqual(original);
  });
});
