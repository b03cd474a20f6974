// The plugins a daemon (or a command) can see, kept current without a restart: every
// lookup re-lists the plugin folders (a few stats), and a plugin is introspected
// again only when its entry file or manifest changed (mtime or size), or, for one
// whose help could not be read, 30 s after that failure. So a plugin dropped in while
// the daemon runs is found by the first job that names it.
//
// A help that failed in a way that may pass (introspect.ts: timed out, killed, no
// memory) makes the plugin wait, not broken: its jobs wait for it (PluginWait), for
// up to MAX_TRANSIENT_TRIES failures in a row; then it counts as broken, saying so.
import type { RunSpec } from '../core/job-schema.js';
import type { PluginArgsLookup } from '../core/plugin-args.js';
import type { PluginCheck, PluginResolver, PluginWait } from '../daemon/command.js';
import type { Command } from '../daemon/runner.js';
import { discover, type Found } from './discovery.js';
import { readCachedHelp, writeCachedHelp, type HelpResult, type Streak } from './help-cache.js';
import { DEFAULT_HELP_TIMEOUT_MS, introspect, type Introspectable, type Introspection } from './introspect.js';
import { knownPluginsOf } from './known.js';
import { secretKeysOf, type PluginSpec } from './spec.js';
import { checkPluginJob, unknownPlugin, unusablePlugin } from './validate.js';

export type Plugin =
  | {
      readonly status: 'ok';
      readonly name: string;
      readonly dir: string;
      readonly entry: string;
      readonly program: Command;
      readonly spec: PluginSpec;
    }
  | {
      readonly status: 'error';
      readonly name: string;
      readonly dir: string;
      readonly entry: string | undefined;
      readonly error: string;
      // Set when the failure may pass: the plugin is asked again at `retryAt`.
      readonly transient?: PluginWait;
    };

export interface RegistryOptions {
  // Folders of plugins, searched in order (the queue's plugins/ first).
  readonly roots: readonly string[];
  readonly helpTimeoutMs?: number;
  // Where introspected descriptions are kept between runs (help-cache.ts).
  readonly cacheDir?: string;
  readonly clock?: () => number; // ms since the epoch
  // How long after a failed help the plugin is asked again (default RETRY_BROKEN_MS).
  readonly retryMs?: number;
}

// A plugin whose help could not be read is asked again after this long, in case it
// was only slow once; a working one is asked again only when it changes. The same
// rule for what this process remembers and what another one left in the cache, and
// the same for a failure that may pass: each try of a help that times out costs the
// timeout in a plugin process on a machine that is already short of time, so asking
// more often would add to the load that makes it fail.
export const RETRY_BROKEN_MS = 30_000;

// Transient failures in a row after which a plugin counts as broken: 20 tries, 30 s
// apart, is about 10 minutes. A load peak (a boot, a backup, a build) passes in less;
// a help that misses its timeout for that long is too slow for the timeout, and its
// jobs should fail saying how to mend that rather than wait unseen. Counted in tries,
// not time, so that a plugin nobody asked about for an hour is not given up at once.
export const MAX_TRANSIENT_TRIES = 20;

// Whether a help result may still be used. A failure stamped later than now comes
// from a clock ahead of ours (another host on a shared queue): asked again, rather
// than trusted for however far ahead that clock is.
export function isCurrent(help: HelpResult, now: number, retryMs = RETRY_BROKEN_MS): boolean {
  const age = now - help.at;
  return help.result.ok || (age >= 0 && age < retryMs);
}

// The streak a new result continues: one more try if it is a transient failure after
// others of this version of the plugin, a first one otherwise.
function streakAfter(result: Introspection, at: number, before: HelpResult | undefined): Streak | undefined {
  if (result.ok || result.transient !== true) return undefined;
  return { since: before?.streak?.since ?? at, tries: (before?.streak?.tries ?? 0) + 1 };
}

// Why jobs of this plugin wait, if they do: a transient failure short of the limit.
export function pluginWaitOf(name: string, help: HelpResult, retryMs = RETRY_BROKEN_MS): PluginWait | undefined {
  const { result, streak } = help;
  if (result.ok || streak === undefined || streak.tries >= MAX_TRANSIENT_TRIES) return undefined;
  return { plugin: name, error: result.error, tries: streak.tries, since: streak.since, retryAt: help.at + retryMs };
}

// A transient failure past the limit: the plugin's jobs fail with this, saying what to do.
function gaveUp(error: string, streak: Streak, helpTimeoutMs: number): string {
  return (
    `${error}, ${streak.tries} times in a row since ${new Date(streak.since).toISOString()}, so its jobs no longer wait for it; ` +
    `if its --help is only slow, raise MCPQ_PLUGIN_HELP_TIMEOUT (seconds, now ${helpTimeoutMs / 1_000}) where the daemon runs, or describe it in a plugin.json`
  );
}

export class PluginRegistry {
  readonly #roots: readonly string[];
  readonly #helpTimeoutMs: number;
  readonly #cacheDir: string | undefined;
  readonly #clock: () => number;
  readonly #retryMs: number;
  // By folder; the promise is shared by everyone asking while it is introspected.
  readonly #cache = new Map<string, { fingerprint: string; described: Promise<{ plugin: Plugin; help: HelpResult }> }>();
  #listing: Promise<Found[]> | undefined;

  constructor(options: RegistryOptions) {
    this.#roots = options.roots;
    this.#helpTimeoutMs = options.helpTimeoutMs ?? DEFAULT_HELP_TIMEOUT_MS;
    this.#cacheDir = options.cacheDir;
    this.#clock = options.clock ?? Date.now;
    this.#retryMs = options.retryMs ?? RETRY_BROKEN_MS;
  }

  get roots(): readonly string[] {
    return this.#roots;
  }

  // Every plugin found, usable or with the reason it is not.
  async scan(): Promise<readonly Plugin[]> {
    return Promise.all((await this.#list()).map((f) => this.#describe(f)));
  }

  // The names found, without introspecting anything.
  async names(): Promise<string[]> {
    return [...new Set((await this.#list()).map((f) => f.name))];
  }

  // One plugin, introspecting only that one.
  async find(name: string): Promise<Plugin | undefined> {
    const found = await this.#found(name);
    return found === undefined ? undefined : this.#describe(found);
  }

  // May jobs of this plugin run at the same time? Unknown plugins, and any doubt, say no.
  // Only a plugin.json can say yes, so a plugin without one is not introspected: the
  // daemon asks this while indexing pending/, where a slow or hanging --help would
  // hold up every other job.
  isParallel = async (name: string): Promise<boolean> => {
    try {
      const found = await this.#found(name);
      if (found?.manifest === undefined) return false;
      const plugin = await this.#describe(found);
      return plugin.status === 'ok' && plugin.spec.parallel;
    } catch {
      return false;
    }
  };

  // Why jobs of this plugin wait, from what the last help run left in the cache: never
  // runs the help (`mcpq list` asks this of every plugin a pending job names).
  waitOf = async (name: string): Promise<PluginWait | undefined> => {
    try {
      const found = await this.#found(name);
      if (found === undefined || found.problem !== undefined || found.manifest !== undefined || this.#cacheDir === undefined) return undefined;
      const help = await readCachedHelp(this.#cacheDir, name, found.fingerprint);
      return help === undefined ? undefined : pluginWaitOf(name, help, this.#retryMs);
    } catch {
      return undefined;
    }
  };

  // Every plugin whose jobs wait for it (waitOf), for `mcpq status`.
  async waiting(): Promise<PluginWait[]> {
    const waits = await Promise.all((await this.names()).map(this.waitOf));
    return waits.filter((w) => w !== undefined);
  }

  // The daemon's hook for a plugin its jobs wait for (daemon/plugin-waits.ts): asks it
  // again once its last failure is RETRY_BROKEN_MS old.
  stateOf: PluginCheck = async (name) => {
    const usable = await this.#usable(name);
    if (usable.ok) return { kind: 'usable' };
    return usable.wait === undefined ? { kind: 'unusable', error: usable.error } : { kind: 'waits', wait: usable.wait };
  };

  // The daemon's hook (daemon/command.ts): a plugin job to the command line to run,
  // and which of its keys hold secrets (for daemon.log).
  resolve: PluginResolver = async (run: Extract<RunSpec, { kind: 'plugin' }>) => {
    const usable = await this.#usable(run.plugin);
    if (!usable.ok) return usable;
    const { plugin } = usable;
    const checked = checkPluginJob(plugin.name, plugin.spec, run.command, run.flags);
    if (!checked.ok) return checked;
    const command = { file: plugin.program.file, args: [...plugin.program.args, ...checked.argv] };
    return { ok: true, command, secretKeys: secretKeysOf(plugin.spec, run.command) };
  };

  // A plugin's description if it can be had without running the plugin: its
  // plugin.json, what this process learned, or the help cache, even one written for
  // an older version of its entry or by a daemon whose --plugins this process does not
  // see. For views of jobs, which show plugin jobs by it and must not run every --help.
  async known(name: string): Promise<PluginSpec | undefined> {
    try {
      const found = await this.#found(name);
      if (found?.manifest !== undefined) {
        const plugin = await this.#describe(found); // reads the plugin.json, runs nothing
        return plugin.status === 'ok' ? plugin.spec : undefined;
      }
      const cached = found === undefined ? undefined : this.#cache.get(found.dir);
      if (cached !== undefined && cached.fingerprint === found?.fingerprint) {
        const { plugin } = await cached.described;
        if (plugin.status === 'ok') return plugin.spec;
      }
      if (this.#cacheDir === undefined) return undefined;
      const help = await readCachedHelp(this.#cacheDir, name, undefined);
      return help?.result.ok ? help.result.spec : undefined;
    } catch {
      return undefined;
    }
  }

  // Views of jobs hide secret plugin flags and write plugin jobs' command lines
  // (core/plugin-args.ts) by what `known` gives.
  pluginArgs: PluginArgsLookup = async (names) => {
    const specs = await Promise.all(names.map(async (name) => [name, await this.known(name)] as const));
    return knownPluginsOf(new Map(specs.filter((s): s is readonly [string, PluginSpec] => s[1] !== undefined)));
  };

  // A plugin that can run, or why not; `wait` when the reason may pass.
  async #usable(name: string): Promise<{ ok: true; plugin: Extract<Plugin, { status: 'ok' }> } | { ok: false; error: string; wait?: PluginWait }> {
    const plugin = await this.find(name);
    if (plugin === undefined) return { ok: false, error: unknownPlugin(name, await this.names()) };
    if (plugin.status === 'ok') return { ok: true, plugin };
    const error = unusablePlugin(plugin.name, plugin.error);
    return plugin.transient === undefined ? { ok: false, error } : { ok: false, error, wait: plugin.transient };
  }

  async #found(name: string): Promise<Found | undefined> {
    return (await this.#list()).find((f) => f.name === name);
  }

  // The folders as they are now; callers that arrive during a listing share it.
  #list(): Promise<Found[]> {
    this.#listing ??= discover(this.#roots).finally(() => {
      this.#listing = undefined;
    });
    return this.#listing;
  }

  async #describe(found: Found): Promise<Plugin> {
    const { name, dir, entry } = found;
    if (found.problem !== undefined || found.program === undefined || entry === undefined) {
      return { status: 'error', name, dir, entry, error: found.problem ?? 'no entry file' };
    }
    const cached = this.#cache.get(dir);
    let previous: HelpResult | undefined;
    if (cached !== undefined && cached.fingerprint === found.fingerprint) {
      const { plugin, help } = await cached.described;
      if (isCurrent(help, this.#clock(), this.#retryMs)) return plugin;
      previous = help;
    }
    const program = found.program;
    const described = this.#introspect({ name, dir, program, manifest: found.manifest }, found.fingerprint, previous).then((help) => {
      const { result } = help;
      if (result.ok) return { plugin: Object.freeze({ status: 'ok', name, dir, entry, program, spec: result.spec }) as Plugin, help };
      const transient = pluginWaitOf(name, help, this.#retryMs);
      const error = help.streak !== undefined && transient === undefined ? gaveUp(result.error, help.streak, this.#helpTimeoutMs) : result.error;
      return { plugin: Object.freeze({ status: 'error', name, dir, entry, error, ...(transient === undefined ? {} : { transient }) }) as Plugin, help };
    });
    this.#cache.set(dir, { fingerprint: found.fingerprint, described });
    return (await described).plugin;
  }

  // From the disk cache while it is current, else from the plugin (and then cached).
  // `previous`: what this process last had for this version of the plugin; it or the
  // cache, whichever is newer, is the streak a transient failure continues.
  async #introspect(plugin: Introspectable, fingerprint: string, previous: HelpResult | undefined): Promise<HelpResult> {
    const cacheDir = plugin.manifest === undefined ? this.#cacheDir : undefined;
    const cached = cacheDir === undefined ? undefined : await readCachedHelp(cacheDir, plugin.name, fingerprint);
    if (cached !== undefined && isCurrent(cached, this.#clock(), this.#retryMs)) return cached;
    const result = await introspect(plugin, this.#helpTimeoutMs);
    const at = this.#clock();
    const before = cached !== undefined && (previous === undefined || cached.at > previous.at) ? cached : previous;
    const streak = streakAfter(result, at, before);
    const help: HelpResult = streak === undefined ? { result, at } : { result, at, streak };
    if (cacheDir !== undefined) await writeCachedHelp(cacheDir, plugin.name, fingerprint, help);
    return help;
  }
}
