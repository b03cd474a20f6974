// This daemon's side of group exclusivity: the groups it holds (queue/group-lock.ts)
// and the ones it found held elsewhere. The latter are hints for the scheduler, cleared
// whenever a job finishes anywhere (its group may be free) and at every rescan; the
// lock file stays the truth.
import { errorMessage } from '../core/errors.js';
import { lockGroup, unlockGroup } from '../queue/group-lock.js';
import type { DaemonContext } from './context.js';

export class GroupLocks {
  readonly #ctx: DaemonContext;
  readonly #heldElsewhere = new Set<string>();

  constructor(ctx: DaemonContext) {
    this.#ctx = ctx;
  }

  // Takes the group for the job in pending/<source>; false when another daemon has it.
  async acquire(group: string, source: string): Promise<boolean> {
    const locked = await lockGroup(this.#ctx.layout, { group, tag: this.#ctx.tag, source, locked_at: new Date().toISOString() });
    if (!locked) this.#heldElsewhere.add(group);
    return locked;
  }

  release(group: string): void {
    unlockGroup(this.#ctx.layout, group).catch((error: unknown) => {
      this.#ctx.log.error({ event: 'group_unlock', group, error: errorMessage(error) }, 'could not release a group lock');
    });
  }

  heldElsewhere(): ReadonlySet<string> {
    return this.#heldElsewhere;
  }

  forgetHints(): void {
    this.#heldElsewhere.clear();
  }
}
