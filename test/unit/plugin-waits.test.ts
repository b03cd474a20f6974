// The daemon's waits for plugins that cannot describe themselves now: one warning per
// try, the plugin asked again at its retry time, and the wait ended when it answers or
// is given up. A fake plugin check and log; real (short) timers.
import { describe, expect, it } from 'vitest';
import type { PluginState, PluginWait } from '../../src/daemon/command.js';
import type { DaemonContext } from '../../src/daemon/context.js';
import { PluginWaits } from '../../src/daemon/plugin-waits.js';
import { waitFor } from '../helpers/mcpq.js';

function setUp(answers: PluginState[]) {
  const lines: { level: string; event: string; tries?: number }[] = [];
  const at = (level: string) => (fields: { event: string; tries?: number }) => lines.push({ level, event: fields.event, ...(fields.tries === undefined ? {} : { tries: fields.tries }) });
  const ctx = { log: { info: at('info'), warn: at('warn'), error: at('error') } } as unknown as DaemonContext;
  const asked: number[] = [];
  let ended = 0;
  const waits = new PluginWaits(
    ctx,
    async () => {
      asked.push(Date.now());
      return answers.shift() ?? { kind: 'usable' };
    },
    () => (ended += 1),
  );
  return { waits, lines, asked, ended: () => ended };
}

const wait = (tries: number, retryInMs = 30): PluginWait => ({ plugin: 'slow', error: '"cli --help" did not finish within 5s', tries, since: 1_000, retryAt: Date.now() + retryInMs });

describe('PluginWaits', () => {
  it('warns once per try, however many claims find the plugin waiting', () => {
    const { waits, lines } = setUp([]);
    waits.note(wait(1, 60_000));
    waits.note(wait(1, 60_000)); // a second job of a parallel plugin
    waits.note(wait(2, 60_000));
    waits.note(wait(1, 60_000)); // an older answer, late
    expect(lines).toEqual([
      { level: 'warn', event: 'plugin_waits', tries: 1 },
      { level: 'warn', event: 'plugin_waits', tries: 2 },
    ]);
    expect([waits.has('slow'), waits.has('other')]).toEqual([true, false]);
    waits.close();
  });

  it('asks the plugin again at its retry time until it answers, then lets its jobs go', async () => {
    const { waits, lines, asked, ended } = setUp([{ kind: 'waits', wait: wait(2) }]);
    const noted = Date.now();
    waits.note(wait(1));
    await waitFor(() => ended() === 1, { timeout: 2_000 });
    expect(asked).toHaveLength(2);
    expect(asked[0]! - noted).toBeGreaterThanOrEqual(30);
    expect(waits.has('slow')).toBe(false);
    expect(lines.map((l) => l.event)).toEqual(['plugin_waits', 'plugin_waits', 'plugin_answers']);
  });

  it('ends the wait with a warning when the plugin turns out unusable (given up, or at fault)', async () => {
    const { waits, lines, ended } = setUp([{ kind: 'unusable', error: 'plugin: slow cannot be used: …, 20 times in a row' }]);
    waits.note(wait(19));
    await waitFor(() => ended() === 1, { timeout: 2_000 });
    expect(lines).toEqual([
      { level: 'warn', event: 'plugin_waits', tries: 19 },
      { level: 'warn', event: 'plugin_unusable' },
    ]);
  });

  it('asks nothing more once closed (the daemon stops)', async () => {
    const { waits, asked } = setUp([]);
    waits.note(wait(1, 10));
    waits.close();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(asked).toEqual([]);
  });
});
