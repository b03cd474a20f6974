// Pure parts of the job commands: why a job waits, how a job reads on one line,
// which states --state means, and cutting output at character boundaries.
import { describe, expect, it } from 'vitest';
import type { PendingEntry } from '../../src/daemon/pending-index.js';
import { commandLine, summaryOf } from '../../src/jobs/describe.js';
import { parseStates } from '../../src/jobs/types.js';
import { characterSlice, lastLines, sliceAtCharacters, startOfLastLines } from '../../src/jobs/output.js';
import { waitingOf, type WaitingView } from '../../src/jobs/waiting.js';
import { knownPluginsOf } from '../../src/plugins/known.js';
import { specFromManifest } from '../../src/plugins/manifest.js';

const NOW = Date.parse('2026-07-26T12:00:00Z');

function entry(fields: Partial<PendingEntry>): PendingEntry {
  return { name: 'j.json', mtimeMs: NOW - 1_000, priority: 0, size: 10, wantedId: 'j', after: [], notBefore: undefined, group: undefined, plugin: undefined, waitStable: false, ...fields };
}

const view: WaitingView = {
  now: NOW,
  busyGroups: new Set(['gpu']),
  paused: false,
  dependency: (id) => (id === 'done' ? 'completed' : id === 'broke' ? 'failed' : id === 'ghost' ? 'unknown' : 'waiting'),
  pluginWait: (plugin) => (plugin === 'slow' ? { plugin, error: '"cli --help" did not finish within 5s', tries: 2, since: NOW - 30_000, retryAt: NOW + 30_000 } : undefined),
};

describe('waitingOf', () => {
  it.each([
    ['nothing holds it back', entry({}), undefined, { reason: 'ready' }],
    ['not readable yet', entry({ waitStable: true }), 'not valid JSON', { reason: 'unreadable', error: 'not valid JSON' }],
    ['invalid', entry({}), 'timeout: must be a number', { reason: 'invalid', error: 'timeout: must be a number' }],
    ['not_before ahead', entry({ notBefore: NOW + 60_000 }), undefined, { reason: 'delayed', until: '2026-07-26T12:01:00.000Z' }],
    ['not_before passed', entry({ notBefore: NOW - 1 }), undefined, { reason: 'ready' }],
    ['unfinished dependencies', entry({ after: ['done', 'x', 'y'] }), undefined, { reason: 'after', jobs: ['x', 'y'] }],
    ['a failed dependency', entry({ after: ['x', 'broke'] }), undefined, { reason: 'dependency_failed', job: 'broke' }],
    ['a dependency no job has', entry({ after: ['x', 'ghost'] }), undefined, { reason: 'invalid', error: 'after: unknown job id "ghost"' }],
    ['finished dependencies', entry({ after: ['done'] }), undefined, { reason: 'ready' }],
    ['its group busy', entry({ group: 'gpu' }), undefined, { reason: 'group', group: 'gpu' }],
    ['a free group', entry({ group: 'cpu' }), undefined, { reason: 'ready' }],
    ['delay before dependencies', entry({ notBefore: NOW + 1, after: ['x'] }), undefined, { reason: 'delayed', until: new Date(NOW + 1).toISOString() }],
    ['its plugin cannot describe itself now', entry({ plugin: 'slow', group: 'slow' }), undefined, { reason: 'plugin', plugin: 'slow', error: '"cli --help" did not finish within 5s', tries: 2, since: '2026-07-26T11:59:30.000Z' }],
    ['its plugin answers', entry({ plugin: 'fast', group: 'fast' }), undefined, { reason: 'ready' }],
    ['dependencies before its plugin', entry({ plugin: 'slow', after: ['x'] }), undefined, { reason: 'after', jobs: ['x'] }],
  ])('%s', (_, e, error, expected) => {
    expect(waitingOf(e, error, view)).toEqual(expected);
  });

  it('says paused for a job that would run, and the real reason for the others', () => {
    const paused = { ...view, paused: true };
    expect(waitingOf(entry({}), undefined, paused)).toEqual({ reason: 'paused' });
    expect(waitingOf(entry({ group: 'gpu' }), undefined, paused)).toEqual({ reason: 'group', group: 'gpu' });
  });
});

describe('commandLine', () => {
  it.each([
    [{ command: 'echo', args: ['Hello, World!', 'plain'] }, "echo 'Hello, World!' plain"],
    [{ command: 'ls | wc -l' }, 'ls | wc -l'],
    [{ plugin: 'botfather', command: 'click-button', args: { 'button-text': 'Pay now', 'msg-id': 12, dry: true, off: false } }, "botfather click-button --button-text 'Pay now' --msg-id 12 --dry"],
    [{ plugin: 'notes', command: 'tag', args: { tag: ['a b', 'c'], n: -3, k: 'v', none: null } }, "notes tag --tag 'a b' --tag c -n-3 -k v"],
    [{ plugin: 'p' }, 'p'],
    [{}, ''],
  ])('%j reads as %s', (job, line) => {
    expect(commandLine(job)).toBe(line);
  });
});

// What two plugins say of themselves. tag add: several files in place, tags after one
// flag, "x" written --x (argparse's one-letter long option), --attach once per value.
// vault login: a secret positional and a secret list, by their metavars alone.
const described = knownPluginsOf(
  new Map(
    Object.entries({
      tag: { commands: { add: { args: { files: { positional: true, list: true, required: true }, tags: { list: true }, x: { flag: '--x' }, attach: { repeatable: true }, n: { type: 'integer' } } } } },
      vault: { commands: { login: { args: { pin: { positional: true, type: 'integer', metavar: 'PASSWORD' }, user: {}, k: { list: true, metavar: 'API_KEY' } } } } },
    }).map(([name, manifest]) => {
      const parsed = specFromManifest(manifest, name);
      if (!parsed.ok) throw new Error(parsed.error);
      return [name, parsed.spec] as const;
    }),
  ),
);
const tagJob = { plugin: 'tag', command: 'add', args: { tags: ['x', 'y'], files: ['a.txt', 'b.txt'], x: 'v', attach: ['p', 'q'], n: 3 } };
const vaultJob = { plugin: 'vault', command: 'login', args: { user: 'bob', pin: 1234, k: ['SEKRET1', 'SEKRET2'] } };

describe('the command line of a plugin job', () => {
  it.each([
    ['positionals in place, a list after one flag, --x, a repeated flag', tagJob, 'tag add a.txt b.txt --tags x y --x v --attach p --attach q -n 3'],
    ['a secret positional and a secret list redacted where they land', vaultJob, "vault login '[redacted]' --user bob -k '[redacted]'"],
  ])('is the argv the daemon runs when its plugin is described: %s', (_, job, line) => {
    expect(summaryOf(job, described).command).toBe(line);
  });

  it.each([
    ['its plugin is not described', { ...tagJob, plugin: 'other' }, 'other add --tags x --tags y --files a.txt --files b.txt -x v --attach p --attach q -n 3'],
    ['its command is not in the description', { ...tagJob, command: 'drop' }, 'tag drop --tags x --tags y --files a.txt --files b.txt -x v --attach p --attach q -n 3'],
    ['an arg is not valid', { ...tagJob, args: { ...tagJob.args, n: 'many' } }, 'tag add --tags x --tags y --files a.txt --files b.txt -x v --attach p --attach q -n many'],
    ['an arg is not in the description', { ...vaultJob, args: { ...vaultJob.args, extra: 1 } }, "vault login --user bob --pin '[redacted]' -k '[redacted]' --extra 1"],
  ])('is mcpq\'s generic mapping, secrets still redacted, when %s', (_, job, line) => {
    expect(summaryOf(job, described).command).toBe(line);
  });
});

describe('parseStates', () => {
  it.each([
    [['pending'], ['pending']],
    [['pending,running'], ['pending', 'running']],
    [['finished'], ['completed', 'failed']],
    [['failed', 'finished'], ['failed', 'completed']],
    [['done'], undefined],
  ])('%j → %j', (values, states) => {
    expect(parseStates(values)).toEqual(states);
  });
});

describe('output slices', () => {
  const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
  it.each([
    [euro.subarray(0, 2), false, 1],
    [euro.subarray(0, 3), false, 1],
    [euro.subarray(0, 4), false, 4],
    [euro.subarray(0, 3), true, 3],
    [Buffer.from('abc'), false, 3],
  ])('cuts %j (at end: %s) to %i bytes', (bytes, atEnd, length) => {
    expect(sliceAtCharacters(bytes, atEnd).length).toBe(length);
  });

  it.each([
    ['a€b', 1, 'a'], // cut back to whole characters
    ['€b', 1, '€'], // but never to nothing: the first character comes whole
    ['€b', 0, ''],
    ['\xe2b', 1, '\xe2'], // a byte that starts no valid sequence is one character
    ['ab', 5, 'ab'],
  ])('shows %j, at most %i bytes of it, as %j', (text, limit, shown) => {
    const bytes = Buffer.from(text, text.includes('\xe2') ? 'latin1' : 'utf8');
    const expected = Buffer.from(shown, shown.includes('\xe2') ? 'latin1' : 'utf8');
    expect(characterSlice(bytes, limit, true).equals(expected)).toBe(true);
  });

  it.each([
    ['a\nb\nc\n', 2, 2],
    ['a\nb\nc', 1, 4],
    ['a\nb\n', 2, undefined], // fewer line ends: all of it, if it is the whole stream
    ['\n\n\n', 2, 1],
    ['abc', 3, undefined],
    ['abc\n', 0, 4],
  ])('the last lines of %j (%i) start at byte %j', (text, n, start) => {
    expect(startOfLastLines(Buffer.from(text), n)).toBe(start);
  });

  it.each([
    ['a\nb\nc\n', 2, 'b\nc\n'],
    ['a\nb\nc', 2, 'b\nc'],
    ['a\nb\n', 5, 'a\nb\n'],
    ['a\nb\n', 0, ''],
    ['', 3, ''],
  ])('the last lines of %j (%i)', (text, n, tail) => {
    expect(lastLines(text, n)).toBe(tail);
  });
});
