// A job's two log files, written by the job itself: the daemon opens logs/<id>.out and
// logs/<id>.err (O_APPEND) and hands them to the job as its stdout and stderr, so no
// byte of output passes through the daemon and its memory does not grow with what a
// job prints (as with task-spooler and nq).
//
// The logs are bounded. While the job runs, each log's size is checked every
// CHECK_INTERVAL_MS; one over `maxLogBytes` is cut back to that size and the bytes cut
// are counted. The job's descriptor is O_APPEND, so its next write lands at the new
// end. A log therefore holds at most the cap plus about one check interval of output
// while the job runs, and exactly its first `maxLogBytes` bytes once the job has ended.
//
// At the end (once the job's process group is gone) the record's tail is taken from
// the file before its last cut: the last `tailBytes` written since the previous cut,
// so the tail is contiguous output (after a cut, it may be shorter than `tailBytes`).
// `bytes` is the bytes cut plus the file's size: everything the job wrote, except what
// it writes in the instant between a check's stat and its truncate (two synchronous
// calls back to back), which is cut uncounted. A log that stayed empty is removed: a
// job without output leaves no log file.
import { closeSync, constants, ftruncateSync, openSync, readSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import type { StreamTail } from '../queue/records.js';

export const CHECK_INTERVAL_MS = 1_000;

export interface LogOptions {
  readonly tailBytes: number;
  readonly maxLogBytes: number;
}

const OPEN_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;

// One stream's log file. Its calls are synchronous: each is one small system call (a
// stat, a truncate, one read of at most `tailBytes`), cheaper than a round trip
// through the thread pool, and a check's stat and truncate must follow each other
// as closely as they can.
class StreamLog {
  #fd: number | undefined;
  #dropped = 0; // bytes cut from the end of the file so far
  readonly #path: string;
  readonly #options: LogOptions;

  constructor(path: string, options: LogOptions) {
    this.#path = path;
    this.#options = options;
    this.#fd = openSync(path, OPEN_FLAGS, 0o600);
  }

  get fd(): number {
    if (this.#fd === undefined) throw new Error(`the daemon no longer holds ${this.#path}`);
    return this.#fd;
  }

  closeFd(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  check(): void {
    const { maxLogBytes } = this.#options;
    const size = statSync(this.#path, { throwIfNoEntry: false })?.size;
    if (size === undefined || size <= maxLogBytes) return;
    truncateSync(this.#path, maxLogBytes);
    this.#dropped += size - maxLogBytes;
  }

  finish(): StreamTail {
    this.closeFd();
    // Most jobs write nothing to one stream or both: a stat settles those.
    const nothing = { text: '', bytes: this.#dropped, truncated: this.#dropped > 0 };
    const written = statSync(this.#path, { throwIfNoEntry: false });
    if (written === undefined) return nothing; // removed by hand
    if (written.size === 0) {
      unlinkSync(this.#path);
      return nothing;
    }
    const { size } = written;
    const fd = openSync(this.#path, 'r+');
    try {
      const { tailBytes, maxLogBytes } = this.#options;
      // After a cut, the bytes past the cap were written since the last cut.
      const from = Math.max(this.#dropped > 0 ? maxLogBytes : 0, size - tailBytes);
      const tail = Buffer.alloc(Math.max(0, size - from));
      const read = tail.length === 0 ? 0 : readSync(fd, tail, 0, tail.length, from);
      if (size > maxLogBytes) ftruncateSync(fd, maxLogBytes);
      const bytes = this.#dropped + size;
      return { text: tail.toString('utf8', 0, read), bytes, truncated: read < bytes };
    } finally {
      closeSync(fd);
    }
  }
}

export class JobLogs {
  readonly #stdout: StreamLog;
  readonly #stderr: StreamLog;
  #checks: NodeJS.Timeout | undefined;

  // Opens (creates, empties) both logs. Throws if either cannot be opened.
  constructor(paths: { readonly stdout: string; readonly stderr: string }, options: LogOptions) {
    this.#stdout = new StreamLog(paths.stdout, options);
    try {
      this.#stderr = new StreamLog(paths.stderr, options);
    } catch (error) {
      this.#stdout.finish();
      throw error;
    }
  }

  // The descriptors to give the job as its stdout and stderr.
  get fds(): { readonly stdout: number; readonly stderr: number } {
    return { stdout: this.#stdout.fd, stderr: this.#stderr.fd };
  }

  // The job was spawned with its own copies: the daemon closes its copies and checks
  // the logs' sizes until `finish`.
  handedOver(): void {
    this.#stdout.closeFd();
    this.#stderr.closeFd();
    this.#checks = setInterval(() => {
      try {
        this.#stdout.check();
        this.#stderr.check();
      } catch {
        // a log the daemon cannot stat or truncate now: the next check, or finish, tries again
      }
    }, CHECK_INTERVAL_MS);
    this.#checks.unref();
  }

  // Once nothing of the job writes any more: the record's tails, and the logs cut to
  // the cap (or removed when empty).
  finish(): { stdout: StreamTail; stderr: StreamTail } {
    clearInterval(this.#checks);
    return { stdout: this.#stdout.finish(), stderr: this.#stderr.finish() };
  }
}
