// Events are hints, the directory is the truth: the watcher tells the daemon which
// pending names may have changed, and a periodic rescan (daemon.ts) repairs anything
// an event missed (an overflowed inotify queue, a network filesystem).
//
// pending/ is watched with fs.watch, whose events carry the file name, so each event
// costs O(1). chokidar re-lists the whole directory and lstats every entry on each
// change: with a deep queue that is O(n) work per claim (measured: 2.4 s of lstat in a
// 12 s, 500-job drain), so it is not used here. With --poll (network filesystems,
// where no event reports other hosts' writes) the rescan runs at the poll interval.
import { watch, type FSWatcher } from 'node:fs';
import { isIgnoredName } from '../queue/names.js';

export interface NameWatcher {
  close(): void;
}

// Watches one folder (pending/, or completed/ and failed/ for dependencies).
// `onName(name)`: something happened to that name. `onUnknown()`: something happened
// and the platform did not say to what; rescan.
export function watchNames(dir: string, onName: (name: string) => void, onUnknown: () => void, onError: (error: unknown) => void): NameWatcher {
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { persistent: true }, (_event, filename) => {
      if (filename === null || filename === undefined) onUnknown();
      else if (!isIgnoredName(String(filename))) onName(String(filename));
    });
  } catch (error) {
    onError(error);
    return { close: () => undefined };
  }
  watcher.on('error', onError);
  return { close: () => watcher.close() };
}
