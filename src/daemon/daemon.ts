// The daemon: owns the pending index and the set of running jobs, and decides (with
// scheduler.ts) what to claim next. Everything else is delegated: watching to
// watcher.ts, one job's life to job-lifecycle.ts, dead daemons' claims to
// recovery.ts. `startDaemon` is a library function, so tests boot a real daemon.
//
//   start: register lease (renewed until the stop ends) → recover dead claims → list pending/ → watch → pump
//   pump:  while a slot is free: pickNext → claim → run → record → pump again
//   stop:  stop claiming → let running jobs finish (grace) → stop and put back the rest
import { readdir } from 'node:fs/promises';
import { errnoCode, errorMessage } from '../core/errors.js';
import { randomHex } from '../core/random.js';
import { ensureQueue, type QueueLayout } from '../queue/layout.js';
import { isIgnoredName } from '../queue/names.js';
import { bootTime, heartbeat, registerDaemon, thisHost, unregisterDaemon, type DaemonInfo } from '../queue/owner.js';
import { noPlugins, type PluginCheck, type PluginResolver } from './command.js';
import type { DaemonContext, DaemonSettings } from './context.js';
import { openControl, type ControlDesk } from './control.js';
import { readEntries, readEntry } from './indexer.js';
import type { PendingReader } from './pending-reader.js';
import { claimAndFail, claimAndRun, type Settled, type Started } from './job-lifecycle.js';
import { openDaemonLog, type DaemonLogger } from './log.js';
import { PendingIndex, type PendingEntry } from './pending-index.js';
import { GroupLocks } from './group-locks.js';
import { HeldRecords } from './held-records.js';
import { deadOwners, recover } from './recovery.js';
import { removeLeftoverTemps } from './leftover-temps.js';
import { nextRetryMs } from './retry-delay.js';
import { PluginWaits } from './plugin-waits.js';
import { pickNext } from './scheduler.js';
import { longTimeout, type LongTimer } from './timer.js';
import { Dependencies } from './dependencies.js';
import { watchNames, type NameWatcher } from './watcher.js';

export interface DaemonOptions {
  readonly layout: QueueLayout;
  readonly settings: DaemonSettings;
  readonly version: string;
  readonly supervisor?: string | undefined;
  readonly resolvePlugin?: PluginResolver;
  // Whether a plugin's jobs may run at the same time (plugin.json "parallel": true).
  readonly pluginParallel?: (plugin: string) => Promise<boolean>;
  // Where a plugin its jobs wait for stands now (plugin-waits.ts).
  readonly pluginState?: PluginCheck;
  readonly echoLog?: NodeJS.WritableStream;
  // pending/ being listed and read since before the daemon's modules loaded (the daemon
  // command starts it): the first index is built from it.
  readonly earlyRead?: PendingReader | undefined;
}

export interface DaemonHandle {
  readonly tag: string;
  // Stops claiming, lets running jobs finish within the grace period, puts the rest
  // back. `now` skips the grace period.
  stop(options?: { now?: boolean }): Promise<void>;
  readonly stopped: Promise<void>;
}

// A daemon whose start is under way. It may be stopped at any moment, even before
// `started` settles (a SIGTERM during recovery or indexing): the start then claims
// nothing, and the stop follows it.
export interface StartingDaemon extends DaemonHandle {
  readonly started: Promise<void>;
}

export function launchDaemon(options: DaemonOptions): StartingDaemon {
  return new Daemon(options);
}

export async function startDaemon(options: DaemonOptions): Promise<DaemonHandle> {
  const daemon = launchDaemon(options);
  await daemon.started;
  return daemon;
}

class Daemon implements StartingDaemon {
  readonly tag = randomHex(10);
  readonly #options: DaemonOptions;
  readonly #index = new PendingIndex();
  readonly #running = new Map<string, Started & { name: string; group: string | undefined }>(); // id → job whose processes run
  readonly #claiming = new Map<string, string | undefined>(); // name → group
  #dependencies!: Dependencies;
  readonly #refreshing = new Map<string, Promise<void>>(); // pending names being (re)read
  #groups!: GroupLocks;
  #held!: HeldRecords; // finished jobs whose records cannot be written yet
  #pluginWaits!: PluginWaits; // plugins that cannot describe themselves now: their jobs wait
  #ctx!: DaemonContext;
  #info!: DaemonInfo;
  #logger!: DaemonLogger;
  #watchers: NameWatcher[] = [];
  #control: ControlDesk | undefined; // cancel requests in control/
  #timers: NodeJS.Timeout[] = [];
  #lease: { timer: NodeJS.Timeout; renewing: Promise<void> } | undefined; // from registration to unregistration
  #wake: LongTimer | undefined;
  #stopping = false;
  #jobsStopped = false; // the shutdown's grace is over: running jobs are being stopped
  #lastRescan = 0;
  #paused = false; // control/paused: claim nothing until it goes
  // A claim failed for want of the system (a full disk): no claim is tried before
  // `until`, backing off (retry-delay.ts); the streak is logged at its start and end.
  #claimFault: { until: number; delayMs: number; since: number } | undefined;
  #pumping = false;
  #pumpAgain = false;
  #inFlight = new Set<Promise<unknown>>();
  #resolveStopped!: () => void;
  readonly stopped = new Promise<void>((resolve) => {
    this.#resolveStopped = resolve;
  });

  readonly started: Promise<void>;

  constructor(options: DaemonOptions) {
    this.#options = options;
    this.started = this.#start();
  }

  get #settings(): DaemonSettings {
    return this.#options.settings;
  }

  // Each step that may take long is followed by a look at #stopping: a stop that came
  // meanwhile ends the start there (what the step did, such as a recovery, is finished).
  async #start(): Promise<void> {
    const { layout } = this.#options;
    await ensureQueue(layout);
    this.#logger = openDaemonLog({ path: layout.daemonLog, maxBytes: this.#settings.maxDaemonLogBytes, keep: 3, echo: this.#options.echoLog, problems: process.stderr });
    this.#ctx = {
      layout,
      settings: this.#settings,
      tag: this.tag,
      host: thisHost(),
      log: this.#logger.log,
      resolvePlugin: this.#options.resolvePlugin ?? noPlugins,
      version: this.#options.version,
    };
    this.#groups = new GroupLocks(this.#ctx);
    this.#held = new HeldRecords(this.#ctx, (id, status) => this.#recorded(id, status));
    this.#pluginWaits = new PluginWaits(this.#ctx, this.#options.pluginState ?? (async () => ({ kind: 'usable' })), () => this.#pump());
    this.#dependencies = new Dependencies(layout, this.#settings.settleMs);
    this.#info = {
      tag: this.tag,
      host: this.#ctx.host,
      pid: process.pid,
      boot_time: bootTime(),
      started_at: new Date().toISOString(),
      version: this.#options.version,
      concurrency: this.#settings.concurrency,
      queue: layout.root,
      lease_ms: this.#settings.leaseMs,
      poll: this.#settings.pollMs !== undefined,
      ...(this.#options.supervisor ? { supervisor: this.#options.supervisor } : {}),
    };
    await registerDaemon(layout, this.#info);
    this.#renewLease();
    this.#log.info({ event: 'daemon_start', tag: this.tag, queue: layout.root, concurrency: this.#settings.concurrency, version: this.#options.version }, 'daemon started');
    const recovered = await recover(this.#ctx);
    if (this.#stopping) return;
    // Jobs recovery put back into pending/ were not there when the early listing was
    // taken, and may have to run first: then pending/ is listed afresh instead.
    const early = recovered.requeued === 0 ? this.#options.earlyRead : undefined;
    if (early === undefined) this.#options.earlyRead?.cancel();
    if (this.#settings.pollMs === undefined) {
      const onError = (error: unknown) => this.#log.error({ event: 'watch_error', error: errorMessage(error) }, 'cannot watch a queue folder; relying on rescans');
      this.#watchers.push(watchNames(layout.pending, (name) => this.#onName(name), () => void this.#rescan(), onError));
      // A dependency finished (here or by another daemon): its dependents may run.
      for (const [dir, state] of [[layout.completed, 'completed'], [layout.failed, 'failed']] as const) {
        this.#watchers.push(watchNames(dir, (name) => this.#onFinished(name, state), () => void this.#rescan(), onError));
      }
    }
    this.#control = openControl(this.#ctx, (id, by) => this.#cancel(id, by), (paused) => this.#setPaused(paused), this.#settings.pollMs === undefined);
    await this.#control.scan(); // a paused queue claims nothing, from the start
    const indexing = Date.now();
    await this.#rescan(early);
    if (this.#stopping) return;
    if (early !== undefined) void this.#catchUp();
    const memory = process.memoryUsage();
    this.#log.info({ event: 'indexed', pending: this.#index.size, ms: Date.now() - indexing, rss_mb: Math.round(memory.rss / 2 ** 20), heap_mb: Math.round(memory.heapUsed / 2 ** 20) }, 'pending/ indexed');
    this.#every(this.#settings.heartbeatMs, () => this.#recoverDead());
    this.#every(this.#settings.pollMs ?? this.#settings.rescanMs, () => this.#control!.scan());
    this.#every(this.#settings.pollMs ?? this.#settings.rescanMs, () => this.#rescanWhenDue());
    this.#pump();
    removeLeftoverTemps(this.#ctx).catch((error: unknown) => this.#log.error({ event: 'background_error', error: errorMessage(error) }, 'could not look for leftover temporary files'));
  }

  get #log() {
    return this.#logger.log;
  }

  #every(ms: number, task: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.#stopping) return;
      busy = true;
      task()
        .catch((error: unknown) => this.#log.error({ event: 'background_error', error: errorMessage(error) }, 'background task failed'))
        .finally(() => {
          busy = false;
        });
    }, ms);
    this.#timers.push(timer);
  }

  // The lease is renewed on a timer of its own, from registration until the daemon
  // unregisters: neither a long recovery (stopping each stubborn job takes its kill
  // grace) nor a long stop (the grace, then the kill grace) may let it expire, or other
  // daemons would take over the jobs this one still runs.
  #renewLease(): void {
    const lease = {
      renewing: Promise.resolve(),
      timer: setInterval(() => {
        lease.renewing = lease.renewing.then(() => this.#heartbeat()).catch((error: unknown) => this.#log.error({ event: 'background_error', error: errorMessage(error) }, 'could not renew the lease'));
      }, this.#settings.heartbeatMs),
    };
    lease.timer.unref(); // it never keeps the daemon alive by itself
    this.#lease = lease;
  }

  async #endLease(): Promise<void> {
    if (this.#lease === undefined) return;
    clearInterval(this.#lease.timer);
    await this.#lease.renewing; // a renewal under way must not register it again afterwards
    await unregisterDaemon(this.#options.layout, this.tag).catch(() => undefined);
  }

  async #heartbeat(): Promise<void> {
    const { layout } = this.#options;
    try {
      await heartbeat(layout, this.tag);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      this.#log.warn({ event: 'lease_lost' }, 'lease file was removed; registering again');
      await registerDaemon(layout, this.#info);
    }
  }

  // Recovers the claims of daemons found dead.
  async #recoverDead(): Promise<void> {
    if ((await deadOwners(this.#ctx)).dead.size === 0) return;
    const report = await recover(this.#ctx);
    if (report.requeued > 0) await this.#rescan();
  }

  #onFinished(name: string, state: 'completed' | 'failed'): void {
    if (!name.endsWith('.json')) return;
    const id = name.slice(0, -'.json'.length);
    this.#groups.forgetHints(); // whatever finished may have freed a group
    this.#dependencies.finished(id, state);
    this.#pump();
  }

  // With events to follow, the safety-net rescan of a deep queue runs less often (its
  // readdir is O(n): 100 ms for 100,000 jobs); with --poll it is the only way to see.
  async #rescanWhenDue(): Promise<void> {
    const every = this.#settings.rescanMs * Math.max(1, this.#index.size / 20_000);
    if (this.#settings.pollMs === undefined && Date.now() - this.#lastRescan < every - this.#settings.rescanMs / 2) return;
    await this.#rescan();
  }

  // The directory is the truth: bring the index in line with pending/. `early`: as
  // the daemon starts, the listing and reading begun before its modules loaded.
  async #rescan(early?: PendingReader): Promise<void> {
    this.#lastRescan = Date.now();
    this.#groups.forgetHints();
    const listed = await early?.listing;
    const names = listed ?? (await readdir(this.#options.layout.pending)).filter((n) => !isIgnoredName(n));
    // An early listing is older than what events have indexed since: it removes nothing.
    if (this.#index.size > 0 && listed === undefined) {
      const present = new Set(names);
      for (const name of [...this.#index.names()]) if (!present.has(name)) this.#index.remove(name);
    }
    // At the start (or once all is claimed), every name is fresh: no need to look each
    // up. The early reader shares out its own listing, so that is read whole.
    const fresh = listed !== undefined || (this.#index.size === 0 && this.#claiming.size === 0) ? names : names.filter((n) => !this.#knows(n));
    if (fresh.length > 0) {
      const entries = await readEntries(this.#options.layout.pending, fresh, this.#options.pluginParallel, {}, listed === undefined ? undefined : early).catch((error: unknown) => {
        this.#log.error({ event: 'index_error', error: errorMessage(error) }, 'could not read pending/');
        return [];
      });
      // Claimed (or removed) while we read: not ours to index any more.
      const mine = entries.filter((e) => !this.#claiming.has(e.name));
      for (const entry of mine) this.#dependencies.forget(entry.after);
      this.#index.load(mine);
    }
    await this.#dependencies.refreshAll(() => this.#index.entries(), this.#index.hasDependencies(), this.#here);
    this.#pump();
  }

  // The early listing was taken before the watchers started: a file dropped in between
  // got no event. pending/ is listed again once the first jobs have started, and what it
  // holds that the daemon does not know is taken as if an event had told.
  async #catchUp(): Promise<void> {
    const names = await readdir(this.#options.layout.pending).catch(() => []); // else the periodic rescan finds them
    for (const name of names) if (!isIgnoredName(name) && !this.#knows(name)) this.#onName(name);
  }

  // Whether a pending file is indexed, or being claimed.
  #knows(name: string): boolean {
    return this.#index.has(name) || this.#claiming.has(name);
  }

  #read(name: string) {
    return readEntry(this.#options.layout.pending, name, this.#options.pluginParallel).catch((error: unknown) => {
      this.#log.error({ event: 'index_error', name, error: errorMessage(error) }, 'could not read pending file');
      return undefined;
    });
  }

  #onName(name: string): void {
    if (this.#claiming.has(name)) return;
    // Coalesce bursts of events for one name into one read after the current one.
    const previous = this.#refreshing.get(name) ?? Promise.resolve();
    const next = previous.then(async () => {
      const entry = await this.#read(name);
      if (entry === undefined) this.#index.remove(name);
      else {
        this.#dependencies.forget(entry.after); // refreshed below, from disk
        this.#index.upsert(entry);
      }
      if (entry !== undefined && entry.after.length > 0) await this.#dependencies.refresh(entry.after, this.#here);
      this.#pump();
    });
    this.#refreshing.set(name, next);
    void next.finally(() => {
      if (this.#refreshing.get(name) === next) this.#refreshing.delete(name);
    });
  }

  // Whether a job of this id is pending, or running at this daemon.
  #here = (id: string): boolean => this.#index.hasId(id) || this.#running.has(id);

  #busyGroups(): Set<string> {
    const groups = new Set<string>();
    for (const job of this.#running.values()) if (job.group !== undefined) groups.add(job.group);
    for (const group of this.#claiming.values()) if (group !== undefined) groups.add(group);
    for (const group of this.#groups.heldElsewhere()) groups.add(group);
    return groups;
  }

  #pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        this.#fillSlots();
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
    }
  }

  #setPaused(paused: boolean): void {
    if (paused === this.#paused) return;
    this.#paused = paused;
    this.#log.info({ event: paused ? 'paused' : 'resumed' }, paused ? 'queue paused: no new claims' : 'queue resumed');
    if (!paused) this.#pump();
  }

  #fillSlots(): void {
    if (this.#claimFault !== undefined && Date.now() < this.#claimFault.until) {
      this.#scheduleWake(this.#claimFault.until);
      return;
    }
    while (!this.#stopping && !this.#paused && this.#running.size + this.#claiming.size < this.#settings.concurrency) {
      const pick = pickNext(this.#index.inOrder(), {
        now: Date.now(),
        settleMs: this.#settings.settleMs,
        busyGroups: this.#busyGroups(),
        skip: new Set(this.#claiming.keys()),
        dependency: this.#dependencies.state,
        problem: this.#dependencies.cycleOf,
        pluginWaits: (plugin) => this.#pluginWaits.has(plugin),
      });
      this.#scheduleWake(pick.wakeAt);
      const decision = pick.decision;
      if (decision === undefined) return;
      const { entry } = decision;
      this.#index.remove(entry.name);
      this.#claiming.set(entry.name, entry.group);
      const work = decision.kind === 'run' ? this.#run(entry) : claimAndFail(this.#ctx, entry.name, decision.kind === 'invalid' ? { kind: 'invalid', error: decision.error } : { kind: 'dependency', dependency: decision.dependency });
      this.#track(work.then((settled) => this.#settled(entry.name, settled)).catch((error: unknown) => this.#failed(entry.name, error)));
    }
  }

  // Claims and runs one job; a job of a group first takes the group's lock, and gives
  // it back as soon as its processes are gone.
  async #run(entry: PendingEntry): Promise<Settled> {
    const { name, group } = entry;
    if (group !== undefined && !(await this.#groups.acquire(group, name))) {
      this.#index.upsert(entry); // its group runs on another daemon: it waits here
      return { kind: 'lost-race' };
    }
    let exited = false;
    const release = (): void => {
      if (group !== undefined && !exited) this.#groups.release(group);
      exited = true;
    };
    try {
      const settled = await claimAndRun(this.#ctx, name, {
        onStarted: (started) => {
          this.#claimWorked();
          this.#claiming.delete(name);
          this.#running.set(started.id, { ...started, name, group });
          // Its start was under way (opening its logs) when the shutdown stopped the
          // running jobs: it is stopped and put back as they were.
          if (this.#jobsStopped) started.stop({ kind: 'shutdown' });
          else this.#control?.checkFor(started.id); // a cancel may have come before the start
        },
        onExited: (id) => {
          release();
          this.#running.delete(id);
          this.#pump();
        },
        stopping: () => this.#stopping,
        alone: () => this.#running.size === 0 && this.#inFlight.size <= 1,
      });
      if (settled.kind === 'plugin-waits') {
        this.#pluginWaits.note(settled.wait);
        this.#index.upsert(entry); // back in pending/ unchanged: the same place in the order
      }
      return settled;
    } finally {
      release();
    }
  }

  #track(promise: Promise<unknown>): void {
    this.#inFlight.add(promise);
    void promise.finally(() => this.#inFlight.delete(promise));
  }

  #settled(name: string, settled: Settled): void {
    this.#claiming.delete(name);
    if (settled.kind === 'put-back') this.#claimFailed(name, settled.error);
    else if (settled.kind !== 'lost-race') {
      this.#claimWorked();
      this.#running.delete(settled.id);
    }
    if (settled.kind === 'recorded') this.#recorded(settled.id, settled.status);
    else if (settled.kind === 'held') this.#held.hold(settled.id, settled.status, settled.write, settled.error);
    this.#pump();
  }

  #claimFailed(name: string, error: unknown): void {
    const delayMs = nextRetryMs(this.#claimFault?.delayMs ?? 0);
    if (this.#claimFault === undefined) {
      this.#log.error({ event: 'claim_error', source: name, error: errorMessage(error) }, 'could not claim or start a job: it is back in pending/, and claims are retried with backoff');
    }
    this.#claimFault = { until: Date.now() + delayMs, delayMs, since: this.#claimFault?.since ?? Date.now() };
  }

  #claimWorked(): void {
    if (this.#claimFault === undefined) return;
    this.#log.info({ event: 'claims_resumed', after_ms: Date.now() - this.#claimFault.since }, 'claims work again');
    this.#claimFault = undefined;
  }

  #recorded(id: string, status: string): void {
    this.#dependencies.finished(id, status === 'completed' ? 'completed' : 'failed');
    this.#pump();
  }

  // An I/O fault in one job's life: the claim stays where it is and is recovered at
  // the next start. The daemon itself carries on.
  #failed(name: string, error: unknown): void {
    this.#claiming.delete(name);
    for (const [id, job] of this.#running) if (job.name === name) this.#running.delete(id);
    this.#log.error({ event: 'job_error', source: name, error: errorMessage(error) }, 'job could not be handled; its claim is left for recovery');
    this.#pump();
  }

  #scheduleWake(at: number | undefined): void {
    this.#wake?.clear();
    this.#wake = undefined;
    if (at === undefined || this.#stopping) return;
    this.#wake = longTimeout(() => this.#pump(), Math.max(0, at - Date.now()) + 5);
  }

  async stop(options: { now?: boolean } = {}): Promise<void> {
    if (this.#stopping) {
      if (options.now) this.#stopRunning();
      return this.stopped;
    }
    this.#stopping = true;
    if (!(await this.started.then(() => true, () => false))) {
      await this.#endLease();
      this.#resolveStopped(); // it never started: nothing to stop (startDaemon reports why)
      return this.stopped;
    }
    this.#log.info({ event: 'daemon_stopping', running: this.#running.size }, 'stopping: no new claims');
    for (const timer of this.#timers) clearInterval(timer);
    this.#wake?.clear();
    this.#pluginWaits?.close();
    for (const watcher of this.#watchers) watcher.close();
    if (options.now) this.#stopRunning();
    const grace = setTimeout(() => this.#stopRunning(), this.#settings.shutdownGraceMs);
    // While running jobs have their grace, a cancel request still stops one (and it is
    // recorded cancelled, not put back): control/ is watched, and rescanned, until then.
    const controlScans = setInterval(() => void this.#control?.scan(), this.#settings.pollMs ?? this.#settings.rescanMs);
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    clearInterval(controlScans);
    this.#control?.close();
    clearTimeout(grace);
    if (this.#held.size > 0) await this.#held.retryNow();
    this.#held.close();
    if (this.#held.size > 0) this.#log.warn({ event: 'records_held', count: this.#held.size }, 'stopping with records still unwritten: they are kept in their claims for the next daemon to write');
    await this.#endLease();
    this.#log.info({ event: 'daemon_stop' }, 'daemon stopped');
    await this.#logger.close();
    this.#resolveStopped();
    return this.stopped;
  }

  // A cancel request (control/) for a job this daemon runs: stop it; it is recorded `cancelled`.
  // Not once the shutdown has stopped the jobs (they go back to pending/, where the
  // cancel finds them).
  #cancel(id: string, by: string): boolean {
    const job = this.#running.get(id);
    if (job === undefined || this.#jobsStopped) return false;
    job.stop({ kind: 'cancel', by });
    return true;
  }

  #stopRunning(): void {
    this.#jobsStopped = true;
    for (const job of this.#running.values()) job.stop({ kind: 'shutdown' });
  }
}
