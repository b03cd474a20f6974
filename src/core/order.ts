// Run order (design.md section 1): highest priority first, then oldest file mtime,
// then file name. Pure; the pending index keeps its entries sorted by this.

export interface OrderKey {
  readonly priority: number;
  readonly mtimeMs: number;
  readonly name: string;
}

export function compareOrder(a: OrderKey, b: OrderKey): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.mtimeMs !== b.mtimeMs) return a.mtimeMs - b.mtimeMs;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
