import { describe, expect, it } from 'vitest';
import type { KnownPlugins } from '../../src/core/plugin-args.js';
import { pluginsNamed, redactArgs, redactEnv, redactFlags, redactJob, redactShellLine, REDACTED } from '../../src/core/redact.js';

const R = REDACTED;

describe('redactEnv', () => {
  it('hides secret-looking env values only', () => {
    expect(redactEnv({ API_TOKEN: 'x', DB_PASSWORD: 'y', GITHUB_AUTH: 'z', AWS_SECRET_ACCESS_KEY: 'w', HOME: '/h', KEYBOARD: 'us' })).toEqual({
      API_TOKEN: R,
      DB_PASSWORD: R,
      GITHUB_AUTH: R,
      AWS_SECRET_ACCESS_KEY: R,
      HOME: '/h',
      KEYBOARD: 'us',
    });
  });

  it('hides the password of a URL in a value kept by name', () => {
    expect(redactEnv({ HTTPS_PROXY: 'http://me:pw1@proxy:3128', N: 3 })).toEqual({ HTTPS_PROXY: `http://me:${R}@proxy:3128`, N: 3 });
  });

  it('leaves no env as none', () => expect(redactEnv(undefined)).toBeUndefined());
});

describe('redactArgs', () => {
  it.each([
    [['--token', 'abc', 'file'], ['--token', R, 'file']],
    [['--api-key=abc'], [`--api-key=${R}`]],
    [['PASSWORD=abc', 'USER=me'], [`PASSWORD=${R}`, 'USER=me']],
    [['-v', 'x'], ['-v', 'x']],
    [['-H', 'Authorization: Bearer abc', 'http://x'], ['-H', `Authorization: Bearer ${R}`, 'http://x']],
    [['-H', 'Authorization: Basic dXNlcjpwdw=='], ['-H', `Authorization: Basic ${R}`]],
    [['-H', 'Authorization:Bearer abc'], ['-H', `Authorization:Bearer ${R}`]],
    [['--header=Authorization: Basic abc', 'next'], [`--header=Authorization: Basic ${R}`, 'next']],
    [['-H', 'Cookie: sid=abc; theme=dark'], ['-H', `Cookie: ${R}`]],
    [['-H', 'X-Api-Key: abc'], ['-H', `X-Api-Key: ${R}`]],
    [['-H', 'Proxy-Authorization: Digest abc'], ['-H', `Proxy-Authorization: ${R}`]],
    [['-H', 'Accept: application/json'], ['-H', 'Accept: application/json']],
    [['Bearer abc'], [`Bearer ${R}`]],
    [['https://user:pw1@host/path'], [`https://user:${R}@host/path`]],
    [['--url=https://user:pw1@host'], [`--url=https://user:${R}@host`]],
    [['https://token:pw1@host'], [`https://token:${R}@host`]],
    [['https://host/a:b', 'https://user@host', 'git@github.com:o/r.git'], ['https://host/a:b', 'https://user@host', 'git@github.com:o/r.git']],
    [['--token'], ['--token']],
  ])('redacts %j', (args, expected) => expect(redactArgs(args)).toEqual(expected));
});

describe('redactShellLine', () => {
  it.each([
    ['TOKEN=abc make', `TOKEN=${R} make`],
    ['curl --password p1 --out file', `curl --password ${R} --out file`],
    ['curl --password="p 1" x', `curl --password=${R} x`],
    ['curl -H "Authorization: Bearer abc" http://x', `curl -H "Authorization: Bearer ${R}" http://x`],
    ["curl -H 'Authorization: Bearer abc' http://x", `curl -H 'Authorization: Bearer ${R}' http://x`],
    ['curl --header="Authorization: Basic abc" http://x', `curl --header="Authorization: Basic ${R}" http://x`],
    ['curl -H "Cookie: sid=abc; theme=dark" http://x', `curl -H "Cookie: ${R}" http://x`],
    ['curl -H "X-Api-Key: abc" http://x', `curl -H "X-Api-Key: ${R}" http://x`],
    ['curl -H X-Api-Key:abc http://x', `curl -H X-Api-Key:${R} http://x`],
    ['echo Bearer abc | x', `echo Bearer ${R} | x`],
    ['git clone https://me:pw1@host/r.git dir', `git clone https://me:${R}@host/r.git dir`],
    ['curl -H "Accept: text/plain" http://x', 'curl -H "Accept: text/plain" http://x'],
    ['echo "a:b" https://host/x', 'echo "a:b" https://host/x'],
  ])('redacts %s', (line, expected) => expect(redactShellLine(line)).toBe(expected));
});

describe('redactFlags', () => {
  it('hides the values of secret-looking plugin flags, and URL passwords in the others', () => {
    expect(redactFlags({ 'api-token': 'x', password: 'y', url: 'https://me:pw1@h', tag: ['a', 'Bearer b'], n: 12 })).toEqual({
      'api-token': R,
      password: R,
      url: `https://me:${R}@h`,
      tag: ['a', `Bearer ${R}`],
      n: 12,
    });
  });

  it('hides the values of the keys it is told hold secrets, whatever they look like', () => {
    expect(redactFlags({ t: 'x', k: 'Bearer y', n: 'https://me:pw1@h' }, new Set(['t', 'token', 'k']))).toEqual({ t: R, k: R, n: `https://me:${R}@h` });
  });
});

describe('redactJob', () => {
  it.each([
    [
      'exec form',
      { command: 'curl', args: ['--token', 't1', '-H', 'Authorization: Bearer t2'], env: { API_TOKEN: 't3', HOME: '/h' }, cwd: '/x' },
      { command: 'curl', args: ['--token', R, '-H', `Authorization: Bearer ${R}`], env: { API_TOKEN: R, HOME: '/h' }, cwd: '/x' },
    ],
    ['shell form', { command: 'TOKEN=t1 make --password t2' }, { command: `TOKEN=${R} make --password ${R}` }],
    ['args in shell form', { command: 'API_KEY=t1 curl', args: ['--token', 't2'], shell: true }, { command: `API_KEY=${R} curl`, args: ['--token', R], shell: true }],
    ['a plugin job', { plugin: 'vault', command: 'get', args: { 'api-token': 't1', password: 't2', name: 'n' } }, { plugin: 'vault', command: 'get', args: { 'api-token': R, password: R, name: 'n' } }],
    ['a script', { command: '#!/bin/sh\nexport TOKEN=t1\ncurl -H "Cookie: sid=t2" x\n' }, { command: `#!/bin/sh\nexport TOKEN=${R}\ncurl -H "Cookie: ${R}" x\n` }],
    ['arguments that are not strings', { command: 'x', args: ['--token', 12, 7] }, { command: 'x', args: ['--token', R, 7] }],
    ['an env that is not a map', { command: 'x', env: 'API_TOKEN=t1' }, { command: 'x', env: 'API_TOKEN=t1' }],
  ])('redacts %s', (_, job, expected) => expect(redactJob(job)).toEqual(expected));

  // What a plugin's description says: vault's "get" has "-t, --token" and "-k API_KEY".
  const vault: KnownPlugins = (plugin, command) => ({ secretKeys: new Set(plugin === 'vault' && command === 'get' ? ['t', 'token', 'k'] : []) });

  it.each([
    ['given by an alias or a dest', { plugin: 'vault', command: 'get', args: { t: 't1', k: 't2', u: 'bob' } }, { plugin: 'vault', command: 'get', args: { t: R, k: R, u: 'bob' } }],
    ['of another command', { plugin: 'vault', command: 'put', args: { t: 'x' } }, { plugin: 'vault', command: 'put', args: { t: 'x' } }],
    ['of another plugin', { plugin: 'other', command: 'get', args: { t: 'x' } }, { plugin: 'other', command: 'get', args: { t: 'x' } }],
    ['that is no plugin job', { command: 'get', args: ['-t', 'x'] }, { command: 'get', args: ['-t', 'x'] }],
  ])('hides the plugin flags its plugin says are secret: %s', (_, job, expected) => expect(redactJob(job, vault)).toEqual(expected));

  it('names the plugins of the plugin jobs among jobs read as they are, once each', () => {
    const jobs = [{ plugin: 'a', args: {} }, { plugin: 'b', args: {} }, { plugin: 'a', args: { t: 1 } }, { plugin: 'c', args: ['x'] }, { command: 'x' }, null, undefined];
    expect(pluginsNamed(jobs)).toEqual(['a', 'b']);
  });

  it('keeps a record\'s result and leaves the record it was given untouched', () => {
    const record = { command: 'x', args: ['--token', 't1'], result: { status: 'completed', stdout: 'out' } };
    expect(redactJob(record)).toEqual({ command: 'x', args: ['--token', R], result: { status: 'completed', stdout: 'out' } });
    expect(record.args).toEqual(['--token', 't1']);
  });
});
