// The table renderer: widths, cutting to the terminal, color only when allowed.
import { describe, expect, it } from 'vitest';
import { age, cut, printable, styleFor, table } from '../../src/cli/render.js';

const plain = { color: false, width: undefined };

describe('table', () => {
  it('pads columns to their widest cell and flattens newlines', () => {
    expect(table(['ID', 'JOB'], [['a', 'echo 1'], ['long-id', 'line one\nline two']], plain)).toBe('  ID       JOB\n  a        echo 1\n  long-id  line one line two');
  });

  it('cuts the last column so that every line fits the width', () => {
    const lines = table(['ID', 'JOB'], [['a', 'x'.repeat(100)]], { color: false, width: 20 }).split('\n');
    expect(lines[1]).toBe(`  a   ${'x'.repeat(13)}…`);
    expect(lines[1]!.length).toBe(20);
  });

  it('colors cells and the header only when the style says so', () => {
    const colored = table(['S'], [[{ text: 'failed', color: 'red' }]], { color: true, width: undefined });
    expect(colored).toBe('  \u001b[2mS\u001b[0m\n  \u001b[31mfailed\u001b[0m');
    expect(table(['S'], [[{ text: 'failed', color: 'red' }]], plain)).toBe('  S\n  failed');
  });
});

describe('styleFor', () => {
  it.each([
    [{ isTTY: true, columns: 80 }, {}, { color: true, width: 80 }],
    [{ isTTY: true, columns: 80 }, { NO_COLOR: '1' }, { color: false, width: 80 }],
    [{ isTTY: true, columns: 80 }, { NO_COLOR: '' }, { color: true, width: 80 }],
    [{ isTTY: false }, {}, { color: false, width: undefined }],
    [{ isTTY: false }, { COLUMNS: '50', FORCE_COLOR: '1' }, { color: true, width: 50 }],
    [{ isTTY: false }, { FORCE_COLOR: '0' }, { color: false, width: undefined }],
  ])('%j with %j', (stream, env, style) => {
    expect(styleFor(stream, env)).toEqual(style);
  });
});

describe('small formats', () => {
  it.each([
    [0, '0s'],
    [59_400, '59s'],
    [61_000, '1m'],
    [7_200_000, '2h'],
    [3 * 86_400_000, '3d'],
  ])('age(%i) = %s', (ms, text) => expect(age(ms)).toBe(text));

  it('cut leaves short text alone', () => {
    expect(cut('abc', 3)).toBe('abc');
    expect(cut('abcd', 3)).toBe('ab…');
  });
});

describe('printable', () => {
  it('shows control characters as \\xNN, keeping newlines and tabs, in cells too', () => {
    expect(printable('a\u001b[2Jb\tc\nd\u0007\r\u009b')).toBe('a\\x1b[2Jb\tc\nd\\x07\\x0d\\x9b');
    expect(table(['JOB'], [['ok \u001b]0;pwned\u0007']], plain)).toBe('  JOB\n  ok \\x1b]0;pwned\\x07');
  });
});
