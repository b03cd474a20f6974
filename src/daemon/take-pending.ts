// Taking a pending job out of the queue, for a daemon about to run it and for `mcpq
// cancel` about to record it cancelled: claim its file (rename into running/, see
// queue/claims.ts), read it as a job, reserve its id (running/<id>.claim). Either all
// of that happens, or nothing: should the read or the reservation fail (a full disk,
// EMFILE, EIO), the file goes back into pending/ as it was. Should even that fail, the
// error is thrown, and recovery puts the file back at the next start (a claimed file
// without a claim).
import { join } from 'node:path';
import { loadJobFile, unreadableJob, type LoadedJob } from '../core/job-file.js';
import { claim as claimFile, putBack, reserveId, type Claim } from '../queue/claims.js';
import type { QueueLayout } from '../queue/layout.js';
import { bootTime } from '../queue/owner.js';
import { readPendingBytes } from './indexer.js';

export type Take =
  | { readonly kind: 'taken'; readonly claim: Claim; readonly loaded: LoadedJob; readonly path: string /* the job file in running/ */ }
  // Claimed, but its file could not be read or its id reserved: back in pending/ as it was.
  | { readonly kind: 'put-back'; readonly error: unknown }
  // Another daemon claimed it first.
  | { readonly kind: 'lost-race' };

// Who takes it: a daemon, or `mcpq cancel` under a lease of its own.
export interface Taker {
  readonly tag: string;
  readonly host: string;
  readonly seq: number; // makes the claimed file's name unique to this claim
  readonly timeoutSeconds: number; // for a job that names none
}

export async function takePending(layout: QueueLayout, name: string, taker: Taker): Promise<Take> {
  const file = claimFile(layout, name, taker.tag, taker.seq);
  if (file === undefined) return { kind: 'lost-race' };
  const path = join(layout.running, file);
  try {
    const loaded = loadClaimed(name, path, taker.timeoutSeconds);
    const claim = reserveId(layout, loaded.wantedId, {
      file,
      source: name,
      tag: taker.tag,
      host: taker.host,
      pid: process.pid,
      boot_time: bootTime(),
      claimed_at: new Date().toISOString(),
      attempt: loaded.ok ? loaded.attempt : 1,
    });
    return { kind: 'taken', claim, loaded, path };
  } catch (error) {
    await putBack(layout, path, name);
    return { kind: 'put-back', error };
  }
}

// A claimed file (in running/) as a job. One that cannot be read at all (a FIFO, too
// large) is an invalid job too, with the reason as its error; a fault of the system
// (EMFILE, EIO) is thrown.
export function loadClaimed(name: string, path: string, timeoutSeconds: number): LoadedJob {
  const read = readPendingBytes(path, false);
  if (read === undefined) return unreadableJob(name, 'no longer a regular file once claimed (a FIFO, a folder or a symbolic link to nothing)');
  if (read.problem !== undefined) return unreadableJob(name, read.problem);
  return loadJobFile(name, read.bytes, { timeoutSeconds, submittedAt: Date.now() });
}
