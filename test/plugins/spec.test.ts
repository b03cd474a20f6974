// Which arguments of a plugin hold secrets, by every name they go by. Pure.
import { describe, expect, it } from 'vitest';
import { knownPluginsOf } from '../../src/plugins/known.js';
import { specFromManifest } from '../../src/plugins/manifest.js';
import { isSecretArg, secretKeysOf, type ArgSpec, type PluginSpec } from '../../src/plugins/spec.js';

function spec(manifest: unknown): PluginSpec {
  const parsed = specFromManifest(manifest, 'vault');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.spec;
}

const arg = (name: string, more: Partial<ArgSpec> = {}): ArgSpec => ({
  name, aliases: [], type: 'string', required: false, repeatable: false, positional: false, choices: undefined, metavar: undefined, help: undefined, ...more,
});

describe('isSecretArg', () => {
  it.each([
    ['is secret by its name', arg('api-token'), true],
    ['is secret by an alias (-t, --token given as t)', arg('t', { aliases: ['token'] }), true],
    ['is secret by its metavar, which argparse prints for its dest (-k API_KEY)', arg('k', { metavar: 'API_KEY' }), true],
    ['is not secret when none of its names looks secret', arg('n', { aliases: ['limit'], metavar: 'N' }), false],
  ])('says an argument %s', (_, a, secret) => expect(isSecretArg(a)).toBe(secret));
});

describe('secretKeysOf', () => {
  const vault = spec({
    commands: {
      get: { args: { token: { aliases: ['t'] }, k: { metavar: 'API_KEY' }, user: { aliases: ['u'] } } },
      put: { args: { password: { aliases: ['p'] }, t: { type: 'integer', description: 'ttl' } } },
    },
  });

  it.each([
    ['get', ['token', 't', 'k']],
    ['put', ['password', 'p']],
    [undefined, ['token', 't', 'k', 'password', 'p']], // no command: an invalid job, shown all the same
    ['nope', ['token', 't', 'k', 'password', 'p']],
  ])('gives every key of a secret argument of command %s', (command, keys) => expect([...secretKeysOf(vault, command)]).toEqual(keys));

  it('gives the keys of a plugin without commands, and none for a plugin it does not know', () => {
    const known = knownPluginsOf(new Map([['solo', spec({ args: { secret: { aliases: ['s'] }, n: {} } })]]));
    expect([...known('solo', undefined).secretKeys]).toEqual(['secret', 's']);
    expect([...known('other', undefined).secretKeys]).toEqual([]);
  });
});
