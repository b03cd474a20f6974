// Plugins whose jobs wait: their description cannot be read now, for a reason that may
// pass (their --help timed out, was killed, could not be started for want of memory).
// Such jobs are not failed as invalid: they stay in pending/, in their place, and the
// scheduler skips them until the plugin answers.
//
//   a claim finds the plugin waiting ─▶ job put back as it was ─▶ note(wait): one warning
//   at wait.retryAt ─▶ ask the plugin again, in the background (never in a job's slot)
//        ├─ still waits (another try failed) ─▶ note(wait): one warning, next retryAt
//        ├─ usable ─▶ the wait ends: its jobs are claimed in order and run
//        └─ unusable (its own fault, or too many tries: plugins/registry.ts) ─▶ the wait
//           ends: its jobs are claimed and fail as invalid, saying why
//
// So daemon.log gets one line per plugin per try, not one per job per pass.
import { errorMessage } from '../core/errors.js';
import type { PluginCheck, PluginWait } from './command.js';
import type { DaemonContext } from './context.js';
import { longTimeout, type LongTimer } from './timer.js';

// The least time between two tries, whatever a retry time says (one behind our clock).
const MIN_GAP_MS = 100;
// After a try that threw (a bug, not the plugin): the jobs go on waiting this long.
const AFTER_ERROR_MS = 30_000;

export class PluginWaits {
  readonly #ctx: DaemonContext;
  readonly #check: PluginCheck;
  readonly #ended: () => void;
  readonly #waits = new Map<string, { wait: PluginWait; timer: LongTimer | undefined }>();
  #closed = false;

  // `ended`: a wait is over, so its jobs may be claimed.
  constructor(ctx: DaemonContext, check: PluginCheck, ended: () => void) {
    this.#ctx = ctx;
    this.#check = check;
    this.#ended = ended;
  }

  // Whether jobs of this plugin wait.
  has(plugin: string): boolean {
    return this.#waits.has(plugin);
  }

  // The plugin waits, as a claim or a try found: logged once per try, asked again at
  // its retry time.
  note(wait: PluginWait): void {
    if (this.#closed) return;
    const held = this.#waits.get(wait.plugin);
    if (held !== undefined && wait.tries < held.wait.tries) return; // an older answer
    held?.timer?.clear();
    if (held === undefined || wait.tries > held.wait.tries) {
      const since = new Date(wait.since).toISOString();
      const retry = new Date(wait.retryAt).toISOString();
      this.#ctx.log.warn(
        { event: 'plugin_waits', plugin: wait.plugin, error: wait.error, tries: wait.tries, since, retry_at: retry },
        `plugin ${wait.plugin} cannot describe itself now (${wait.error}; try ${wait.tries}, failing since ${since}); this may pass: its jobs wait in pending/, and it is asked again at ${retry}`,
      );
    }
    const timer = longTimeout(() => void this.#ask(wait.plugin), Math.max(MIN_GAP_MS, wait.retryAt - Date.now() + 5));
    this.#waits.set(wait.plugin, { wait, timer });
  }

  async #ask(plugin: string): Promise<void> {
    const held = this.#waits.get(plugin);
    if (held === undefined || this.#closed) return;
    held.timer = undefined;
    let state;
    try {
      state = await this.#check(plugin);
    } catch (error) {
      this.#ctx.log.error({ event: 'plugin_check_error', plugin, error: errorMessage(error) }, 'could not ask a plugin again: its jobs go on waiting');
      state = { kind: 'waits', wait: { ...held.wait, retryAt: Date.now() + AFTER_ERROR_MS } } as const;
    }
    if (this.#closed || this.#waits.get(plugin) !== held) return;
    if (state.kind === 'waits') {
      this.note(state.wait);
      return;
    }
    this.#waits.delete(plugin);
    if (state.kind === 'usable') this.#ctx.log.info({ event: 'plugin_answers', plugin }, `plugin ${plugin} describes itself again: its jobs run`);
    else this.#ctx.log.warn({ event: 'plugin_unusable', plugin, error: state.error }, `plugin ${plugin} is no longer waited for: its jobs fail as invalid`);
    this.#ended();
  }

  close(): void {
    this.#closed = true;
    for (const { timer } of this.#waits.values()) timer?.clear();
  }
}
