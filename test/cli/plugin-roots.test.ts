// How long a plugin's --help may take, from $MCPQ_PLUGIN_HELP_TIMEOUT (seconds).
import { describe, expect, it } from 'vitest';
import { helpTimeoutMs } from '../../src/cli/plugin-roots.js';

describe('helpTimeoutMs', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['2', 2_000],
    ['0.5', 500],
  ])('%j gives %j ms', (value, ms) => {
    expect(helpTimeoutMs(value === undefined ? {} : { MCPQ_PLUGIN_HELP_TIMEOUT: value })).toBe(ms);
  });

  it.each([['0'], ['-1'], ['soon'], ['Infinity']])('%j is refused, naming the variable', (value) => {
    expect(() => helpTimeoutMs({ MCPQ_PLUGIN_HELP_TIMEOUT: value })).toThrow(`MCPQ_PLUGIN_HELP_TIMEOUT: expected a number of seconds > 0, got "${value}"`);
  });
});
