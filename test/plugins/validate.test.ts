// Checking a plugin job before it runs: what is wrong, what exists, did you mean.
import { describe, expect, it } from 'vitest';
import type { ArgValue } from '../../src/plugins/argv.js';
import { specFromManifest } from '../../src/plugins/manifest.js';
import type { PluginSpec } from '../../src/plugins/spec.js';
import { checkPluginJob, coerceArgs, unknownPlugin } from '../../src/plugins/validate.js';

function spec(manifest: unknown): PluginSpec {
  const parsed = specFromManifest(manifest, 'tg');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.spec;
}

const TG = spec({
  commands: {
    'click-button': {
      args: {
        'button-text': { required: true },
        'msg-id': { type: 'integer', required: true },
        'dry-run': { type: 'boolean' },
      },
    },
    send: {
      args: {
        to: { required: true, choices: ['alice', 'bob'] },
        attach: { repeatable: true },
        limit: { type: 'integer', aliases: ['n'] },
        ratio: { type: 'number' },
      },
    },
    search: { args: { query: { positional: true, required: true }, n: { type: 'integer' } } },
  },
});

describe('checkPluginJob', () => {
  it.each<[string, string | undefined, Record<string, ArgValue>, string[]]>([
    ['the design example', 'click-button', { 'button-text': 'Payments', 'msg-id': 12345678 }, ['click-button', '--button-text', 'Payments', '--msg-id', '12345678']],
    ['a numeric string for an integer', 'click-button', { 'button-text': 'x', 'msg-id': '42', 'dry-run': true }, ['click-button', '--button-text', 'x', '--msg-id', '42', '--dry-run']],
    ['a list for a repeatable flag', 'send', { to: 'bob', attach: ['a.png', 'b.png'] }, ['send', '--to', 'bob', '--attach', 'a.png', '--attach', 'b.png']],
    ['an alias', 'send', { to: 'bob', n: 3 }, ['send', '--to', 'bob', '-n', '3']],
    ['a positional', 'search', { n: 2, query: 'cats' }, ['search', 'cats', '-n', '2']],
    ['false and null count as not given', 'send', { to: 'alice', attach: null, ratio: null }, ['send', '--to', 'alice']],
  ])('accepts %s', (_, command, args, argv) => {
    expect(checkPluginJob('tg', TG, command, args)).toEqual({ ok: true, argv });
  });

  it.each<[string, string | undefined, Record<string, ArgValue>, RegExp]>([
    ['a missing command', undefined, {}, /^command: tg needs a command: click-button, send, search$/],
    ['an unknown command, with a suggestion', 'snd', {}, /^command: tg has no command "snd" \(did you mean "send"\?\); commands: click-button, send, search$/],
    ['an unknown argument, with a suggestion', 'click-button', { 'button-text': 'x', 'msg-id': 1, button_txt: 'y' }, /^args\.button_txt: tg click-button has no argument "button_txt" \(did you mean "button-text"\?\); arguments: --button-text BUTTON-TEXT, --msg-id MSG-ID, --dry-run$/],
    ['a missing required argument', 'click-button', { 'button-text': 'x' }, /^args: tg click-button needs "msg-id" \(--msg-id MSG-ID\)$/],
    ['a required argument given as null', 'click-button', { 'button-text': 'x', 'msg-id': null }, /needs "msg-id"/],
    ['a value outside the choices', 'send', { to: 'alcie' }, /^args\.to: "alcie" is not one of alice, bob \(did you mean "alice"\?\)$/],
    ['a non-integer', 'click-button', { 'button-text': 'x', 'msg-id': 'twelve' }, /^args\.msg-id: expected a whole number, got "twelve"$/],
    ['a non-number', 'send', { to: 'bob', ratio: 'half' }, /^args\.ratio: expected a number, got "half"$/],
    ['a list for a single flag', 'click-button', { 'button-text': ['a', 'b'], 'msg-id': 1 }, /^args\.button-text: takes one value, got a list/],
    ['true for a flag that takes a value', 'click-button', { 'button-text': true, 'msg-id': 1 }, /^args\.button-text: needs a value \(--button-text BUTTON-TEXT\)$/],
    ['a string for a boolean flag', 'click-button', { 'button-text': 'x', 'msg-id': 1, 'dry-run': 'yes' }, /^args\.dry-run: is a flag: give true or false, got "yes"$/],
    ['an argument and its alias', 'send', { to: 'bob', limit: 1, n: 2 }, /^args\.n: same argument as "limit"/],
    ['a positional that looks like a flag', 'search', { query: '--rm' }, /cannot start with "-"/],
  ])('rejects %s', (_, command, args, error) => {
    const checked = checkPluginJob('tg', TG, command, args);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.error).toMatch(error);
  });

  it.each<[string, Record<string, ArgValue>, string]>([
    ['outside the choices', { 'api-key': 'S3CRET-live' }, 'args.api-key: [redacted] is not one of live, test'],
    ['not a whole number', { pin: 'S3CRET-pin' }, 'args.pin: expected a whole number, got [redacted]'],
    ['not a number', { 'session-ttl': 'S3CRET-ttl' }, 'args.session-ttl: expected a number, got [redacted]'],
    ['given to a flag', { 'auth-debug': 'S3CRET-flag' }, 'args.auth-debug: is a flag: give true or false, got [redacted]'],
    ['given by an alias', { t: '-S3CRET-t' }, 'args.t: a positional value cannot start with "-", got [redacted]'],
    ['whose metavar looks secret (argparse\'s dest)', { k: 'S3CRET-k' }, 'args.k: expected a whole number, got [redacted]'],
  ])('does not repeat the value of a secret-looking argument %s in its error', (_, args, error) => {
    const secrets = spec({
      args: {
        'api-key': { choices: ['live', 'test'] },
        pin: { type: 'integer', aliases: ['password'] },
        'session-ttl': { type: 'number' },
        'auth-debug': { type: 'boolean' },
        token: { positional: true, aliases: ['t'] },
        k: { type: 'integer', metavar: 'API_KEY' },
      },
    });
    expect(checkPluginJob('vault', secrets, undefined, args)).toEqual({ ok: false, error });
  });

  it('writes an argument with its own flag: a one-letter long option stays --x', () => {
    const click = spec({ args: { x: { type: 'integer', flag: '--x' }, y: { type: 'integer', flag: '--y' }, v: { type: 'boolean' } } });
    expect(checkPluginJob('click', click, undefined, { x: 10, y: -20, v: true })).toEqual({ ok: true, argv: ['--x', '10', '--y=-20', '-v'] });
  });

  it('lists every problem at once', () => {
    const checked = checkPluginJob('tg', TG, 'send', { to: 'carol', txt: 'hi' });
    expect(checked.ok ? [] : checked.error.split('; args').length).toBe(2);
  });

  it('takes arguments directly when the plugin has no commands', () => {
    const flat = spec({ args: { path: {} } });
    expect(checkPluginJob('du', flat, undefined, { path: '/' })).toEqual({ ok: true, argv: ['--path', '/'] });
    expect(checkPluginJob('du', flat, 'x', {})).toMatchObject({ ok: false, error: expect.stringMatching(/has no commands/) });
  });
});

describe('checkPluginJob: arguments that take several values after one flag', () => {
  const TAG = spec({
    args: {
      files: { positional: true, required: true, list: true },
      tags: { list: true, metavar: 'TAG' },
      sizes: { type: 'integer', list: true, aliases: ['n'], metavar: 'N' },
      color: { list: true, choices: ['red', 'green'] },
      attach: { repeatable: true },
    },
  });

  it.each<[string, Record<string, ArgValue>, string[]]>([
    ['a list after one flag, a list positional right at the start', { tags: ['a', 'b'], files: ['x.txt', 'y.txt'] }, ['x.txt', 'y.txt', '--tags', 'a', 'b']],
    ['one value as a string or as a list of one', { files: 'x.txt', tags: 'a', color: ['red'] }, ['x.txt', '--tags', 'a', '--color', 'red']],
    ['an empty list or null as nothing', { files: ['x.txt'], tags: [], sizes: null }, ['x.txt']],
    ['numbers, by an alias', { files: ['x.txt'], n: [1, '2'] }, ['x.txt', '-n', '1', '2']],
    ['choices beside a repeated flag', { files: ['x.txt'], color: ['red', 'green'], attach: ['a', 'b'] }, ['x.txt', '--color', 'red', 'green', '--attach', 'a', '--attach', 'b']],
    ['a value alone that starts with "-", attached', { files: ['x.txt'], tags: ['-x'], sizes: -3 }, ['x.txt', '--tags=-x', '--sizes=-3']],
  ])('accepts %s', (_, args, argv) => {
    expect(checkPluginJob('tag', TAG, undefined, args)).toEqual({ ok: true, argv });
  });

  it.each<[string, Record<string, ArgValue>, string]>([
    ['a value that starts with "-" among several', { files: ['x.txt'], tags: ['a', '-x'] }, 'args.tags: one of several values cannot start with "-" (after --tags it would be read as an option; a value alone can), got "-x"'],
    ['the same, by an alias', { files: ['x.txt'], n: [1, -2] }, 'args.n: one of several values cannot start with "-" (after --sizes it would be read as an option; a value alone can), got -2'],
    ['a positional value that starts with "-"', { files: ['x.txt', '-y.txt'] }, 'args.files: a positional value cannot start with "-", got "-y.txt"'],
    ['a value that is not a whole number', { files: ['x.txt'], sizes: [1, 'two'] }, 'args.sizes: expected a whole number, got "two"'],
    ['a value outside the choices', { files: ['x.txt'], color: ['red', 'blue'] }, 'args.color: "blue" is not one of red, green'],
    ['an empty list for a required one', { files: [] }, 'args: tag needs "files" (FILES [FILES ...])'],
    ['a misspelt key, listing how each is written', { files: ['x.txt'], tag: ['a'] }, 'args.tag: tag has no argument "tag" (did you mean "tags"?); arguments: FILES [FILES ...], --tags TAG [TAG ...], --sizes N [N ...], --color {red,green} [{red,green} ...], --attach ATTACH …'],
  ])('rejects %s', (_, args, error) => {
    expect(checkPluginJob('tag', TAG, undefined, args)).toEqual({ ok: false, error });
  });

  it('does not repeat a secret value that starts with "-" among several', () => {
    const vault = spec({ args: { 'api-keys': { list: true } } });
    expect(checkPluginJob('vault', vault, undefined, { 'api-keys': ['live', '-S3CRET'] })).toEqual({
      ok: false,
      error: 'args.api-keys: one of several values cannot start with "-" (after --api-keys it would be read as an option; a value alone can), got [redacted]',
    });
  });
});

describe('unknownPlugin', () => {
  it('names what exists, and the near miss', () => {
    expect(unknownPlugin('notez', ['notes', 'sysinfo'])).toBe('plugin: no plugin named "notez" (did you mean "notes"?); plugins: notes, sysinfo');
    expect(unknownPlugin('x', [])).toMatch(/this queue has no plugins/);
  });
});

describe('coerceArgs', () => {
  const send = TG.commands.find((c) => c.name === 'send')!.args;
  it.each<[Record<string, ArgValue>, Record<string, ArgValue>]>([
    [{ limit: '12' }, { limit: 12 }],
    [{ n: '-3' }, { n: -3 }],
    [{ ratio: '0.5' }, { ratio: 0.5 }],
    [{ to: '12' }, { to: '12' }], // a string argument stays a string
    [{ limit: 'many' }, { limit: 'many' }], // left for validation to reject
    [{ attach: ['1', '2'] }, { attach: ['1', '2'] }],
    [{ unknown: '5' }, { unknown: '5' }],
  ])('%j → %j', (given, typed) => {
    expect(coerceArgs(given, send)).toEqual(typed);
  });

  it('keeps a whole number too long for a JSON number exact, from --arg to the command line', () => {
    expect(coerceArgs({ limit: '9007199254740991', ratio: '-12' }, send)).toEqual({ limit: 9007199254740991, ratio: -12 });
    const typed = coerceArgs({ to: 'bob', limit: '1234567890123456789', ratio: '98765432109876543210' }, send);
    expect(typed).toEqual({ to: 'bob', limit: '1234567890123456789', ratio: '98765432109876543210' });
    expect(checkPluginJob('tg', TG, 'send', typed)).toEqual({ ok: true, argv: ['send', '--to', 'bob', '--limit', '1234567890123456789', '--ratio', '98765432109876543210'] });
  });

  it('reads "true"/"false" for a boolean flag', () => {
    const click = TG.commands[0]!.args;
    expect(coerceArgs({ 'dry-run': 'false' }, click)).toEqual({ 'dry-run': false });
  });
});
