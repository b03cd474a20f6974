// The daemon's side of control/ (queue/control.ts): act on cancel requests for jobs
// this daemon runs, leave the others to their daemons, and follow the queue's pause
// (queue/pause.ts). Requests are looked at when
// control/ changes (fs.watch), when a job starts (a request may arrive between the
// claim and the start), and at every rescan (events are only hints).
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { readRequests, removeRequest } from '../queue/control.js';
import { recordPath } from '../queue/layout.js';
import { exists } from '../queue/files.js';
import { pauseState } from '../queue/pause.js';
import type { DaemonContext } from './context.js';

// Stops the job if this daemon runs it; says whether it did.
export type StopJob = (id: string, by: string) => boolean;

export interface ControlDesk {
  scan(): Promise<void>;
  // Scans only if a cancel request for this job is waiting (a cheap check made at
  // every job start: a request may arrive between the claim and the start).
  checkFor(id: string): void;
  close(): void;
}

// `onPause(paused)` is told, at every scan, whether the queue is paused.
export function openControl(ctx: DaemonContext, stopJob: StopJob, onPause: (paused: boolean) => void, watchEvents: boolean): ControlDesk {
  let scanning: Promise<void> | undefined;
  let again = false;
  const scan = async (): Promise<void> => {
    const { layout } = ctx;
    onPause((await pauseState(layout)) !== undefined);
    for (const { name, request } of await readRequests(layout)) {
      if (stopJob(request.id, request.by)) {
        ctx.log.info({ event: 'cancel', id: request.id, by: request.by }, 'cancel requested: stopping the job');
        await removeRequest(layout, name);
      } else if ((await exists(recordPath(layout, 'completed', request.id))) || (await exists(recordPath(layout, 'failed', request.id)))) {
        await removeRequest(layout, name); // the job ended before anyone acted
      }
    }
  };
  // One scan at a time; a request during a scan triggers one more.
  const scanSoon = (): Promise<void> => {
    if (scanning !== undefined) {
      again = true;
      return scanning;
    }
    scanning = (async () => {
      do {
        again = false;
        await scan().catch((error: unknown) => ctx.log.error({ event: 'control_error', error: errorMessage(error) }, 'could not read control requests'));
      } while (again);
    })().finally(() => {
      scanning = undefined;
    });
    return scanning;
  };
  let watcher: FSWatcher | undefined;
  if (watchEvents) {
    try {
      watcher = watch(ctx.layout.control, { persistent: false }, () => void scanSoon());
      watcher.on('error', () => undefined); // the rescan still finds every request
    } catch {
      watcher = undefined;
    }
  }
  const checkFor = (id: string): void => {
    if (existsSync(join(ctx.layout.control, `cancel-${id}.json`))) void scanSoon();
  };
  return { scan: scanSoon, checkFor, close: () => watcher?.close() };
}
