import { describe, expect, it } from 'vitest';
import { closest, levenshtein } from '../../src/plugins/did-you-mean.js';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['add', 'add', 0],
    ['ad', 'add', 1],
    ['titel', 'title', 2],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
  });
});

describe('closest', () => {
  const commands = ['add', 'list', 'search', 'delete'];
  it.each<[string, readonly string[], string | undefined]>([
    ['ad', commands, 'add'],
    ['lst', commands, 'list'],
    ['serch', commands, 'search'],
    ['DELETE', commands, 'delete'],
    ['remove', commands, undefined],
    ['del', commands, 'delete'],
    ['attachment', ['attach', 'to'], 'attach'],
    ['se', commands, undefined],
    ['x', commands, undefined],
    ['button_text', ['button-text', 'msg-id'], 'button-text'],
    ['notez', ['notes', 'sysinfo'], 'notes'],
    ['anything', [], undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });
});
