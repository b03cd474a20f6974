// daemon.log: pino NDJSON, one line per claim, start, finish and error. The file
// rotates by size (daemon.log → daemon.log.1 → … → daemon.log.<keep>). Nothing that
// reaches it carries secret values: job fields go through core/redact.ts first.
import { renameSync, statSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { errnoCode } from '../core/errors.js';

export interface LogOptions {
  readonly path: string;
  readonly maxBytes: number;
  readonly keep: number;
  readonly level?: string;
  // Also write each line to this stream (the foreground daemon's stderr).
  readonly echo?: NodeJS.WritableStream;
}

export interface DaemonLogger {
  readonly log: Logger;
  flush(): void; // in the background
  flushSync(): void; // before the process exits
}

export function openDaemonLog(options: LogOptions): DaemonLogger {
  // Lines are buffered up to 4 KiB (a write per line costs more than the job it logs);
  // the daemon flushes at every heartbeat and when it stops.
  const file = pino.destination({ dest: options.path, sync: false, mkdir: true, mode: 0o600, minLength: 4096 });
  let size = currentSize(options.path);
  const rotate = (): void => {
    file.flushSync();
    for (let n = options.keep - 1; n >= 1; n -= 1) renameQuietly(`${options.path}.${n}`, `${options.path}.${n + 1}`);
    renameQuietly(options.path, `${options.path}.1`);
    file.reopen();
    size = 0;
  };
  const stream = {
    write(line: string): void {
      file.write(line);
      options.echo?.write(line);
      size += Buffer.byteLength(line);
      if (size >= options.maxBytes) rotate();
    },
  };
  const log = pino({ level: options.level ?? 'info', base: { pid: process.pid } }, stream);
  return {
    log,
    flush: () => {
      file.flush();
    },
    flushSync: () => {
      try {
        file.flushSync();
      } catch {
        // nothing buffered, or the file is gone: nothing to save
      }
    },
  };
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
