// Events are hints, the directory is the truth: chokidar tells the daemon which
// pending names changed, and a periodic rescan (in daemon.ts) repairs anything an
// event missed. Polling is for network filesystems, where inotify/FSEvents do not
// see other hosts' writes.
import { basename } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isIgnoredName } from '../queue/names.js';

export const Hint = Object.freeze({ changed: 'changed', removed: 'removed' } as const);
export type Hint = (typeof Hint)[keyof typeof Hint];

export interface PendingWatcher {
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchPending(
  dir: string,
  options: { readonly pollMs: number | undefined },
  onHint: (name: string, hint: Hint) => void,
  onError: (error: unknown) => void,
): PendingWatcher {
  const watcher: FSWatcher = watch(dir, {
    depth: 0,
    ignoreInitial: true, // the daemon lists the folder itself at start
    atomic: false, // no delayed unlink events: claims remove files all the time
    usePolling: options.pollMs !== undefined,
    ...(options.pollMs !== undefined ? { interval: options.pollMs, binaryInterval: options.pollMs } : {}),
    ignored: (path: string) => path !== dir && isIgnoredName(basename(path)),
  });
  const hint = (hintKind: Hint) => (path: string) => {
    const name = basename(path);
    if (path !== dir && !isIgnoredName(name)) onHint(name, hintKind);
  };
  watcher.on('add', hint(Hint.changed));
  watcher.on('change', hint(Hint.changed));
  watcher.on('unlink', hint(Hint.removed));
  watcher.on('error', onError);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}
