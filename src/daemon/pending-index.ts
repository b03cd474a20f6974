// The daemon's in-memory view of pending/, kept in run order so that picking the next
// job never rescans the directory. It is a cache: the directory is the truth, and a
// claim (rename) that fails with ENOENT simply drops the entry.
import { compareOrder, type OrderKey } from '../core/order.js';

export interface PendingEntry extends OrderKey {
  readonly size: number;
  readonly wantedId: string;
  readonly after: readonly string[];
  readonly notBefore: number | undefined; // epoch ms
  readonly group: string | undefined;
  // Unreadable as a job (empty, not JSON yet, unknown format): claim it only once the
  // file has been stable for the settle period, then fail it as invalid.
  readonly waitStable: boolean;
}

export class PendingIndex {
  readonly #sorted: PendingEntry[] = [];
  readonly #byName = new Map<string, PendingEntry>();

  get size(): number {
    return this.#sorted.length;
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  get(name: string): PendingEntry | undefined {
    return this.#byName.get(name);
  }

  names(): IterableIterator<string> {
    return this.#byName.keys();
  }

  upsert(entry: PendingEntry): void {
    this.remove(entry.name);
    this.#sorted.splice(this.#insertionPoint(entry), 0, entry);
    this.#byName.set(entry.name, entry);
  }

  // Many at once (start-up, a burst): one sort instead of n insertions.
  load(entries: readonly PendingEntry[]): void {
    if (entries.length < 64) {
      for (const entry of entries) this.upsert(entry);
      return;
    }
    for (const entry of entries) {
      const old = this.#byName.get(entry.name);
      if (old !== undefined) this.#sorted.splice(this.#indexOf(old), 1);
      this.#byName.set(entry.name, entry);
      this.#sorted.push(entry);
    }
    this.#sorted.sort(compareOrder);
  }

  remove(name: string): void {
    const entry = this.#byName.get(name);
    if (entry === undefined) return;
    this.#byName.delete(name);
    this.#sorted.splice(this.#indexOf(entry), 1);
  }

  inOrder(): readonly PendingEntry[] {
    return this.#sorted;
  }

  #insertionPoint(entry: OrderKey): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOrder(this.#sorted[mid]!, entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #indexOf(entry: PendingEntry): number {
    let i = this.#insertionPoint(entry) - 1;
    while (i >= 0 && this.#sorted[i] !== entry) i -= 1;
    return i;
  }
}
