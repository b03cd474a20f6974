// daemon.log: pino NDJSON, one line per claim, start, finish and error, written by
// log-file.ts (promptly, rotated by size, never fatal). Nothing that reaches it
// carries secret values: job fields go through core/redact.ts first.
import { pino, type Logger } from 'pino';
import { openLogFile } from './log-file.js';

export interface LogOptions {
  readonly path: string;
  readonly maxBytes: number;
  readonly keep: number;
  readonly level?: string;
  // Also write each line to this stream (the foreground daemon's stderr).
  readonly echo?: NodeJS.WritableStream | undefined;
  // Where to say that daemon.log cannot be written (it cannot say so itself).
  readonly problems: NodeJS.WritableStream;
}

export interface DaemonLogger {
  readonly log: Logger;
  // Before the process exits: whatever is buffered is written (or tried once more).
  close(): Promise<void>;
}

export function openDaemonLog(options: LogOptions): DaemonLogger {
  const file = openLogFile({
    path: options.path,
    maxBytes: options.maxBytes,
    keep: options.keep,
    onTrouble: (message) => options.problems.write(`mcpq: ${message}\n`),
    onRecovered: (dropped) => {
      options.problems.write(`mcpq: ${options.path} can be written again${dropped > 0 ? `; ${dropped} line(s) were dropped meanwhile` : ''}\n`);
      log.warn({ event: 'log_recovered', dropped }, 'daemon.log can be written again');
    },
  });
  const stream = {
    write(line: string): void {
      file.write(line);
      options.echo?.write(line);
    },
  };
  const log = pino({ level: options.level ?? 'info', base: { pid: process.pid } }, stream);
  return { log, close: () => file.drain() };
}
