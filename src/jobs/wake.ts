// Waiting for something to change in a few folders: fs.watch events wake the waiter
// early, an interval finds what events miss (network filesystems, no watch support).
import { watch, type FSWatcher } from 'node:fs';

export interface Wake {
  // Resolves at the next change, after `ms`, or when `signal` aborts.
  next(ms: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

export function wakeOnChange(dirs: readonly string[]): Wake {
  let wake: (() => void) | undefined;
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      watchers.push(watch(dir, { persistent: false }, () => wake?.()));
    } catch {
      // cannot watch here: the interval still finds every change
    }
  }
  return {
    next: (ms, signal) =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        if (signal?.aborted) done();
        signal?.addEventListener('abort', done);
        wake = done;
      }),
    close: () => watchers.forEach((w) => w.close()),
  };
}
