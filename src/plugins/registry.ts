// The plugins a daemon (or a command) can see, kept current without a restart: every
// lookup re-lists the plugin folders (a few stats), and a plugin is introspected
// again only when its entry file or manifest changed (mtime or size), or, for one
// whose help could not be read, 30 s after that failure. So a plugin dropped in while
// the daemon runs is found by the first job that names it.
import type { RunSpec } from '../core/job-schema.js';
import type { PluginSecrets } from '../core/redact.js';
import type { PluginResolver } from '../daemon/command.js';
import type { Command } from '../daemon/runner.js';
import { discover, type Found } from './discovery.js';
import { readCachedHelp, writeCachedHelp, type HelpResult } from './help-cache.js';
import { DEFAULT_HELP_TIMEOUT_MS, introspect, type Introspectable } from './introspect.js';
import { secretFlagsOf, secretKeysOf, type PluginSpec } from './spec.js';
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
    };

export interface RegistryOptions {
  // Folders of plugins, searched in order (the queue's plugins/ first).
  readonly roots: readonly string[];
  readonly helpTimeoutMs?: number;
  // Where introspected descriptions are kept between runs (help-cache.ts).
  readonly cacheDir?: string;
  readonly clock?: () => number; // ms since the epoch
}

// A plugin whose help could not be read is asked again after this long, in case it
// was only slow once; a working one is asked again only when it changes. The same
// rule for what this process remembers and what another one left in the cache.
const RETRY_BROKEN_MS = 30_000;

// Whether a help result may still be used. A failure stamped later than now comes
// from a clock ahead of ours (another host on a shared queue): asked again, rather
// than trusted for however far ahead that clock is.
export function isCurrent(help: HelpResult, now: number): boolean {
  const age = now - help.at;
  return help.result.ok || (age >= 0 && age < RETRY_BROKEN_MS);
}

export class PluginRegistry {
  readonly #roots: readonly string[];
  readonly #helpTimeoutMs: number;
  readonly #cacheDir: string | undefined;
  readonly #clock: () => number;
  // By folder; the promise is shared by everyone asking while it is introspected.
  readonly #cache = new Map<string, { fingerprint: string; described: Promise<{ plugin: Plugin; help: HelpResult }> }>();
  #listing: Promise<Found[]> | undefined;

  constructor(options: RegistryOptions) {
    this.#roots = options.roots;
    this.#helpTimeoutMs = options.helpTimeoutMs ?? DEFAULT_HELP_TIMEOUT_MS;
    this.#cacheDir = options.cacheDir;
    this.#clock = options.clock ?? Date.now;
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
    const found = (await this.#list()).find((f) => f.name === name);
    return found === undefined ? undefined : this.#describe(found);
  }

  // May jobs of this plugin run at the same time? Unknown plugins, and any doubt, say no.
  // Only a plugin.json can say yes, so a plugin without one is not introspected: the
  // daemon asks this while indexing pending/, where a slow or hanging --help would
  // hold up every other job.
  isParallel = async (name: string): Promise<boolean> => {
    try {
      const found = (await this.#list()).find((f) => f.name === name);
      if (found?.manifest === undefined) return false;
      const plugin = await this.#describe(found);
      return plugin.status === 'ok' && plugin.spec.parallel;
    } catch {
      return false;
    }
  };

  // The daemon's hook (daemon/command.ts): a plugin job to the command line to run,
  // and which of its keys hold secrets (for daemon.log).
  resolve: PluginResolver = async (run: Extract<RunSpec, { kind: 'plugin' }>) => {
    const plugin = await this.find(run.plugin);
    if (plugin === undefined) return { ok: false, error: unknownPlugin(run.plugin, await this.names()) };
    if (plugin.status === 'error') return { ok: false, error: unusablePlugin(plugin.name, plugin.error) };
    const checked = checkPluginJob(plugin.name, plugin.spec, run.command, run.flags);
    if (!checked.ok) return checked;
    const command = { file: plugin.program.file, args: [...plugin.program.args, ...checked.argv] };
    return { ok: true, command, secretKeys: secretKeysOf(plugin.spec, run.command) };
  };

  // A plugin's description if it can be had without running the plugin: its
  // plugin.json, what this process learned, or the help cache, even one written for
  // an older version of its entry or by a daemon whose --plugins this process does not
  // see. For views of jobs, which hide secrets by it and must not run every --help.
  async known(name: string): Promise<PluginSpec | undefined> {
    try {
      const found = (await this.#list()).find((f) => f.name === name);
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

  // Views of jobs hide secret plugin flags (core/redact.ts) by what `known` gives.
  pluginSecrets: PluginSecrets = async (names) => {
    const specs = await Promise.all(names.map(async (name) => [name, await this.known(name)] as const));
    return secretFlagsOf(new Map(specs.filter((s): s is readonly [string, PluginSpec] => s[1] !== undefined)));
  };

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
    if (cached !== undefined && cached.fingerprint === found.fingerprint) {
      const { plugin, help } = await cached.described;
      if (isCurrent(help, this.#clock())) return plugin;
    }
    const program = found.program;
    const described = this.#introspect({ name, dir, program, manifest: found.manifest }, found.fingerprint).then((help) => {
      const { result } = help;
      const plugin: Plugin = result.ok
        ? Object.freeze({ status: 'ok', name, dir, entry, program, spec: result.spec })
        : Object.freeze({ status: 'error', name, dir, entry, error: result.error });
      return { plugin, help };
    });
    this.#cache.set(dir, { fingerprint: found.fingerprint, described });
    return (await described).plugin;
  }

  // From the disk cache while it is current, else from the plugin (and then cached).
  async #introspect(plugin: Introspectable, fingerprint: string): Promise<HelpResult> {
    const cacheDir = plugin.manifest === undefined ? this.#cacheDir : undefined;
    const cached = cacheDir === undefined ? undefined : await readCachedHelp(cacheDir, plugin.name, fingerprint);
    if (cached !== undefined && isCurrent(cached, this.#clock())) return cached;
    const help = { result: await introspect(plugin, this.#helpTimeoutMs), at: this.#clock() };
    if (cacheDir !== undefined) await writeCachedHelp(cacheDir, plugin.name, fingerprint, help);
    return help;
  }
}
