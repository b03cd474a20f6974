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
import { closeSync, constants, open, openSync, statSync, truncateSync } from 'node:fs';
import { open as openHandle, stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { errnoCode } from '../core/errors.js';
import type { StreamTail } from '../queue/records.js';

const CHECK_INTERVAL_MS = 1_000;

export interface LogOptions {
  readonly tailBytes: number;
  readonly maxLogBytes: number;
}

const OPEN_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;
const openFd = promisify(open);

// One stream's log file. Creating (unless the daemon is alone: JobLogs.open) and
// removing it go through the thread pool: they change the directory, and while records
// are being fsynced such a change waits for the filesystem's journal (ten times as long
// on ext4), which the daemon's one thread must not. A check is synchronous: a stat, rarely a truncate, and the two must
// follow each other as closely as they can.
class StreamLog {
  #fd: number | undefined;
  #dropped = 0; // bytes cut from the end of the file so far
  readonly #path: string;
  readonly #options: LogOptions;

  constructor(path: string, fd: number, options: LogOptions) {
    this.#path = path;
    this.#fd = fd;
    this.#options = options;
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

  async finish(): Promise<StreamTail> {
    this.closeFd();
    // Most jobs write nothing to one stream or both: a stat settles those.
    const nothing = { text: '', bytes: this.#dropped, truncated: this.#dropped > 0 };
    const size = await stat(this.#path).then((s) => s.size, (error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined; // removed by hand
      throw error;
    });
    if (size === undefined) return nothing;
    if (size === 0) {
      await unlink(this.#path);
      return nothing;
    }
    const { tailBytes, maxLogBytes } = this.#options;
    const handle = await openHandle(this.#path, 'r+');
    try {
      // After a cut, the bytes past the cap were written since the last cut.
      const from = Math.max(this.#dropped > 0 ? maxLogBytes : 0, size - tailBytes);
      const tail = Buffer.alloc(Math.max(0, size - from));
      const { bytesRead } = tail.length === 0 ? { bytesRead: 0 } : await handle.read(tail, 0, tail.length, from);
      if (size > maxLogBytes) await handle.truncate(maxLogBytes);
      const bytes = this.#dropped + size;
      return { text: tail.toString('utf8', 0, bytesRead), bytes, truncated: bytesRead < bytes };
    } finally {
      await handle.close();
    }
  }
}

export class JobLogs {
  readonly #stdout: StreamLog;
  readonly #stderr: StreamLog;
  #checks: NodeJS.Timeout | undefined;

  private constructor(stdout: StreamLog, stderr: StreamLog) {
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  // Creates (or empties) both logs. Rejects if either cannot be opened, leaving none.
  // `alone`: no other job of this daemon runs or is being recorded, so no fsync of ours
  // can hold up the creation; the files are then opened at once, sparing the job that
  // picks up an idle queue two trips through the thread pool (about 0.4 ms).
  static async open(paths: { readonly stdout: string; readonly stderr: string }, options: LogOptions, alone = false): Promise<JobLogs> {
    const openLog = alone ? async (path: string) => openSync(path, OPEN_FLAGS, 0o600) : (path: string) => openFd(path, OPEN_FLAGS, 0o600);
    const opened = await Promise.allSettled([openLog(paths.stdout), openLog(paths.stderr)]);
    const [out, err] = opened.map((o, i) => (o.status === 'fulfilled' ? new StreamLog(i === 0 ? paths.stdout : paths.stderr, o.value, options) : undefined));
    if (out !== undefined && err !== undefined) return new JobLogs(out, err);
    await Promise.all([out?.finish(), err?.finish()]);
    throw opened.find((o) => o.status === 'rejected')!.reason;
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
  async finish(): Promise<{ stdout: StreamTail; stderr: StreamTail }> {
    clearInterval(this.#checks);
    const [stdout, stderr] = await Promise.all([this.#stdout.finish(), this.#stderr.finish()]);
    return { stdout, stderr };
  }
}
