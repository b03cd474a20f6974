// Job "args" → the plugin's command line: the mapping table of design.md section 6.
import { describe, expect, it } from 'vitest';
import { argvFor, type ArgValue } from '../../src/plugins/argv.js';

describe('argvFor', () => {
  it.each<[string, string | undefined, Record<string, ArgValue>, string[]]>([
    ['the design example', 'click-button', { 'button-text': 'Payments', 'msg-id': 12345678 }, ['click-button', '--button-text', 'Payments', '--msg-id', '12345678']],
    ['a string with spaces stays one word', 'send', { text: 'hello  world' }, ['send', '--text', 'hello  world']],
    ['true is a bare flag', 'run', { 'dry-run': true }, ['run', '--dry-run']],
    ['false is omitted', 'run', { 'dry-run': false }, ['run']],
    ['null is omitted', 'run', { limit: null }, ['run']],
    ['an array repeats the flag', 'add', { tag: ['a', 'b', 3] }, ['add', '--tag', 'a', '--tag', 'b', '--tag', '3']],
    ['an empty array gives nothing', 'add', { tag: [] }, ['add']],
    ['a one-letter key is a short flag', 'list', { n: 5 }, ['list', '-n', '5']],
    ['keys are used as given', 'x', { button_text: 'a', ButtonText: 'b' }, ['x', '--button_text', 'a', '--ButtonText', 'b']],
    ['a value starting with "-" is attached', 'x', { offset: -3, n: '-v' }, ['x', '--offset=-3', '-n-v']],
    ['no command: flags only', undefined, { path: '/' }, ['--path', '/']],
    ['numbers are written plainly', 'x', { ratio: 0.5, big: 12345678901 }, ['x', '--ratio', '0.5', '--big', '12345678901']],
  ])('%s', (_, command, args, argv) => {
    expect(argvFor(command, args)).toEqual(argv);
  });

  it('writes the values of a list key after one flag, attaching a value alone', () => {
    const lists = new Set(['tags', 'n', 'files']);
    const argv = (args: Record<string, ArgValue>) => argvFor('tag', args, ['files'], new Map(), lists);
    expect(argv({ tags: ['a', 'b'], n: [1, 2], attach: ['x', 'y'] })).toEqual(['tag', '--tags', 'a', 'b', '-n', '1', '2', '--attach', 'x', '--attach', 'y']);
    expect(argv({ tags: 'a', files: ['p', 'q'] })).toEqual(['tag', 'p', 'q', '--tags', 'a']);
    expect(argv({ tags: ['-x'] })).toEqual(['tag', '--tags=-x']);
    expect(argv({ tags: [], n: null })).toEqual(['tag']);
  });

  it('puts positional arguments right after the command, in declared order', () => {
    expect(argvFor('copy', { force: true, dest: '/b', src: '/a' }, ['src', 'dest'])).toEqual(['copy', '/a', '/b', '--force']);
  });
});
