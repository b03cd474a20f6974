// Which line of a failed `cli --help` is shown as the reason the plugin cannot be used.
import { describe, expect, it } from 'vitest';
import { failureReason } from '../../src/plugins/introspect.js';

const TRACEBACK = `  File "/q/plugins/syn/cli.py", line 2
    print(
         ^
SyntaxError: '(' was never closed
`;

describe('failureReason', () => {
  it.each([
    ['a Python syntax error: its last line, not "File …, line 2"', TRACEBACK, '', "SyntaxError: '(' was never closed"],
    ['a traceback', 'Traceback (most recent call last):\n  File "cli.py", line 1, in <module>\n    import requests\nModuleNotFoundError: No module named \'requests\'\n', '', "ModuleNotFoundError: No module named 'requests'"],
    ["argparse's error after its usage line", 'usage: cli [-h]\ncli: error: unrecognized arguments: --help\n', '', 'cli: error: unrecognized arguments: --help'],
    ['one line, trimmed', '  no help here  \n\n', '', 'no help here'],
    ['CRLF line ends', 'first\r\nlast\r\n', '', 'last'],
    ['stdout when stderr is empty', '\n', 'something\nbroke\n', 'broke'],
    ['nothing at all', '', '', 'no output'],
  ])('%s', (_, stderr, stdout, reason) => {
    expect(failureReason(stderr, stdout)).toBe(reason);
  });

  it('cuts a very long line', () => {
    expect(failureReason(`${'x'.repeat(500)}\n`, '')).toHaveLength(200);
  });
});
