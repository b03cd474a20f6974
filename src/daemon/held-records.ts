// Records of finished jobs that could not be written yet (a full disk, a read-only
// folder, an I/O error). Each is tried again with backoff (retry-delay.ts,
// and at once for all when one succeeds) until it is written. A job's
// failure is logged once, and again only if the reason changes. The record is also
// kept in the job's claim (job-lifecycle.ts), so a daemon that stops meanwhile leaves
// it for the next one to write (recovery.ts) instead of running the job again.
import { errnoCode, errorMessage } from '../core/errors.js';
import type { DaemonContext } from './context.js';
import { FIRST_RETRY_MS, nextRetryMs } from './retry-delay.js';


interface Held {
  readonly id: string;
  readonly status: string;
  readonly write: () => Promise<void>;
  reason: string; // the error's code: its message names a fresh temp file each time
}

export class HeldRecords {
  readonly #ctx: DaemonContext;
  readonly #written: (id: string, status: string) => void;
  readonly #held = new Map<string, Held>();
  #timer: NodeJS.Timeout | undefined;
  #delayMs = FIRST_RETRY_MS;
  #trying: Promise<void> | undefined;

  constructor(ctx: DaemonContext, written: (id: string, status: string) => void) {
    this.#ctx = ctx;
    this.#written = written;
  }

  get size(): number {
    return this.#held.size;
  }

  hold(id: string, status: string, write: () => Promise<void>, error: unknown): void {
    this.#held.set(id, { id, status, write, reason: reasonOf(error) });
    this.#ctx.log.error({ event: 'record_error', id, status, error: errorMessage(error) }, 'finished, but its record cannot be written; trying again');
    this.#delayMs = FIRST_RETRY_MS;
    this.#schedule();
  }

  // One try for each now (when the daemon stops); resolves once done.
  async retryNow(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await (this.#trying ?? this.#tryAll());
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#trying !== undefined || this.#held.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tryAll().then(() => this.#schedule());
    }, this.#delayMs);
    this.#timer.unref();
  }

  #tryAll(): Promise<void> {
    this.#trying = (async () => {
      let failed = false;
      for (const held of [...this.#held.values()]) {
        try {
          await held.write();
          this.#held.delete(held.id);
          this.#ctx.log.info({ event: 'record_written', id: held.id, status: held.status }, 'record written at last');
          this.#written(held.id, held.status);
        } catch (error) {
          failed = true;
          const reason = reasonOf(error);
          if (reason !== held.reason) this.#ctx.log.error({ event: 'record_error', id: held.id, error: errorMessage(error) }, 'record still cannot be written');
          held.reason = reason;
        }
      }
      this.#delayMs = failed ? nextRetryMs(this.#delayMs) : FIRST_RETRY_MS;
    })().finally(() => {
      this.#trying = undefined;
    });
    return this.#trying;
  }
}

function reasonOf(error: unknown): string {
  return errnoCode(error) ?? errorMessage(error);
}
