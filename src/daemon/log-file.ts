// daemon.log's writer. Two promises it keeps:
//   - a crash log holds what happened just before the crash: a line is written at most
//     FLUSH_DELAY_MS after it is logged, together with all the lines logged meanwhile
//     (one write, not one per line: a busy daemon logs a line for each claim, start
//     and finish), so a SIGKILL loses at most the last FLUSH_DELAY_MS;
//   - a log that cannot be written never takes the daemon down: a failed write (a full
//     disk, an I/O error) keeps its lines, up to MAX_HELD_BYTES (newer ones are dropped
//     and counted), says so once, and is tried again with backoff until it succeeds.
// One write is in flight at a time; lines that come meanwhile join the next one. The
// file rotates by size (daemon.log → daemon.log.1 → … → daemon.log.<keep>) between
// writes, so no line is ever split across two files.
import { closeSync, mkdirSync, openSync, renameSync, statSync, write } from 'node:fs';
import { dirname } from 'node:path';
import { errnoCode, errorMessage } from '../core/errors.js';
import { nextRetryMs } from './retry-delay.js';

const FLUSH_DELAY_MS = 100;
const MAX_HELD_BYTES = 1024 * 1024;

export interface LogFileOptions {
  readonly path: string;
  readonly maxBytes: number;
  readonly keep: number;
  // The file could not be written (once per spell of failures), or can be again.
  readonly onTrouble: (message: string) => void;
  readonly onRecovered: (dropped: number) => void;
}

export interface LogFile {
  write(line: string): void;
  // Resolves once all lines so far are written, or after one more try if they cannot be.
  drain(): Promise<void>;
}

export function openLogFile(options: LogFileOptions): LogFile {
  let fd: number | undefined = tryOpen(options.path); // opened now if it can be, else at the first write
  let size = currentSize(options.path);
  let lines: string[] = [];
  let heldBytes = 0;
  let carry: Buffer | undefined; // a failed or partial write, written first next time
  let writing = false;
  let scheduled: NodeJS.Timeout | undefined;
  let retryMs = 0; // 0 while writes succeed
  let dropped = 0;
  let drained: (() => void)[] = [];

  const schedule = (): void => {
    // A retry does not keep the process alive; a flush does, for the lines it holds.
    if (scheduled === undefined && !writing) scheduled = retryMs === 0 ? setTimeout(flush, FLUSH_DELAY_MS) : setTimeout(flush, retryMs).unref();
  };

  const settle = (): void => {
    const waiting = drained;
    drained = [];
    for (const resolve of waiting) resolve();
  };

  const fail = (error: unknown): void => {
    if (retryMs === 0) options.onTrouble(`cannot write ${options.path} (${errorMessage(error)}); log lines are kept in memory (up to ${MAX_HELD_BYTES / 1024} KiB) and written once it can be`);
    retryMs = nextRetryMs(retryMs);
    settle(); // a drain waits for one try, not for the disk
    schedule();
  };

  function flush(): void {
    scheduled = undefined;
    if (writing) return;
    if (carry === undefined && lines.length === 0) return settle();
    // What a failed or partial write left comes first, then the lines logged since.
    const chunk = carry === undefined ? Buffer.from(lines.join('')) : Buffer.concat([carry, Buffer.from(lines.join(''))]);
    carry = chunk;
    lines = [];
    heldBytes = chunk.length;
    try {
      fd ??= openAppend(options.path);
    } catch (error) {
      return fail(error);
    }
    writing = true;
    write(fd, chunk, 0, chunk.length, null, (error, written) => {
      writing = false;
      if (error) return fail(error);
      size += written;
      carry = written < chunk.length ? chunk.subarray(written) : undefined;
      heldBytes = (carry?.length ?? 0) + lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
      if (retryMs !== 0 && carry === undefined) {
        retryMs = 0;
        options.onRecovered(dropped); // logs a line, which the next write takes
        dropped = 0;
      }
      if (size >= options.maxBytes) rotate();
      if (carry === undefined && lines.length === 0) settle();
      else schedule();
    });
  }

  const rotate = (): void => {
    try {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      for (let n = options.keep - 1; n >= 1; n -= 1) renameQuietly(`${options.path}.${n}`, `${options.path}.${n + 1}`);
      renameQuietly(options.path, `${options.path}.1`);
    } catch (error) {
      options.onTrouble(`cannot rotate ${options.path} (${errorMessage(error)}); it grows past its limit meanwhile`);
    }
    size = 0; // tried: not again before another maxBytes
    try {
      fd ??= openAppend(options.path); // daemon.log is there at once, even if nothing follows
    } catch {
      // the next write opens it, or says why it cannot
    }
  };

  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      if (heldBytes + bytes > MAX_HELD_BYTES) {
        dropped += 1;
        return;
      }
      lines.push(line);
      heldBytes += bytes;
      schedule();
    },
    drain() {
      if (!writing && carry === undefined && lines.length === 0) return Promise.resolve();
      const done = new Promise<void>((resolve) => drained.push(resolve));
      if (!writing) {
        clearTimeout(scheduled);
        flush(); // now, not at the end of the delay or of the backoff
      }
      return done;
    },
  };
}

function openAppend(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, 'a', 0o600);
}

function tryOpen(path: string): number | undefined {
  try {
    return openAppend(path);
  } catch {
    return undefined;
  }
}

function currentSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function renameQuietly(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}
