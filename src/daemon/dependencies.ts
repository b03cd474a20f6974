// What the daemon knows of the jobs that pending jobs wait for (`after`): finished
// (completed or failed, learnt from its own records, watch events or a look on disk),
// unknown (no job answers to the id), or still waiting; and the dependency cycles
// among pending jobs. A job moving between folders (claimed, its id not yet reserved)
// is briefly nowhere, so an id counts as unknown only once two looks on disk, the
// settle period apart, both found it nowhere: a job that came meanwhile (dropped
// after the job that waits for it) is seen by the second look, even when it is
// already running on another daemon.
//
// What is known to be finished holds only while the record is there: `mcpq clean` may
// remove it and a new job take the id again. So a job just indexed has its
// dependencies looked up on disk afresh (`forget`, then `refresh`), never taken from
// what the daemon learnt before.
import { exists } from '../queue/files.js';
import { claimPath, recordPath, type QueueLayout } from '../queue/layout.js';
import type { PendingEntry } from './pending-index.js';
import { dependencyCycles, type DependencyState } from './scheduler.js';

export class Dependencies {
  readonly #finished = new Map<string, 'completed' | 'failed'>();
  // id → when first found nowhere, and when last found nowhere since
  readonly #missing = new Map<string, { since: number; last: number }>();
  #cycles = new Map<string, string>(); // pending name → the cycle it is in
  readonly #layout: QueueLayout;
  readonly #settleMs: number;

  constructor(layout: QueueLayout, settleMs: number) {
    this.#layout = layout;
    this.#settleMs = settleMs;
  }

  finished(id: string, state: 'completed' | 'failed'): void {
    this.#finished.set(id, state);
  }

  state = (id: string): DependencyState => {
    const known = this.#finished.get(id);
    if (known !== undefined) return known;
    const missing = this.#missing.get(id);
    return missing !== undefined && missing.last - missing.since >= this.#settleMs ? 'unknown' : 'waiting';
  };

  // Drops what is known of `ids`: until `refresh` has looked on disk, they wait.
  forget(ids: Iterable<string>): void {
    for (const id of ids) this.#finished.delete(id);
  }

  cycleOf = (name: string): string | undefined => this.#cycles.get(name);

  // Looks on disk for the dependencies `ids` not known to be finished; `here(id)`
  // says whether a job of that id is pending or running at this daemon.
  async refresh(ids: Iterable<string>, here: (id: string) => boolean): Promise<void> {
    const wanted = new Set(ids);
    const missing = new Set<string>();
    await Promise.all(
      [...wanted]
        .filter((id) => !this.#finished.has(id))
        .map(async (id) => {
          if (await exists(recordPath(this.#layout, 'completed', id))) this.#finished.set(id, 'completed');
          else if (await exists(recordPath(this.#layout, 'failed', id))) this.#finished.set(id, 'failed');
          else if (!here(id) && !(await exists(claimPath(this.#layout, id)))) missing.add(id);
        }),
    );
    const now = Date.now();
    for (const id of wanted) {
      if (!missing.has(id)) this.#missing.delete(id);
      else this.#missing.set(id, { since: this.#missing.get(id)?.since ?? now, last: now });
    }
  }

  // Every pending job's dependencies, and the cycles among them: a whole-queue pass for
  // the periodic rescan, skipped when no pending job has dependencies. What is known of
  // ids no pending job waits for is dropped, so that a daemon that runs for months
  // does not keep every id it saw finish (a job indexed later looks on disk anyway).
  async refreshAll(entries: () => readonly PendingEntry[], anyAfter: boolean, here: (id: string) => boolean): Promise<void> {
    if (!anyAfter) {
      this.#cycles = new Map();
      this.#finished.clear();
      this.#missing.clear();
      return;
    }
    await this.refresh(entries().flatMap((e) => e.after), here);
    const all = entries(); // as it is now: jobs indexed during the refresh keep theirs
    const wanted = new Set(all.flatMap((e) => e.after));
    for (const known of [this.#finished, this.#missing]) for (const id of known.keys()) if (!wanted.has(id)) known.delete(id);
    this.#cycles = dependencyCycles(all);
  }
}
