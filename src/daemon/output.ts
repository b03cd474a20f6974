// One output stream of a job: everything goes to logs/<id>.out|err (up to a cap),
// and the last `tailBytes` are kept in memory for the record. Memory stays bounded
// whatever the job prints: the tail is a list of chunks trimmed from the front, and
// the job's pipe is paused while the log file catches up (backpressure).
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { StreamTail } from '../queue/records.js';

export interface OutputOptions {
  readonly logPath: string;
  readonly tailBytes: number;
  readonly maxLogBytes: number;
}

export class OutputCapture {
  #chunks: Buffer[] = [];
  #held = 0; // bytes in #chunks
  #total = 0;
  #logged = 0;
  #log: WriteStream | undefined;
  #logError: Error | undefined;
  readonly #options: OutputOptions;

  constructor(options: OutputOptions) {
    this.#options = options;
  }

  // Reads `source` to its end. Resolves once everything is in the log file.
  async drain(source: Readable): Promise<void> {
    for await (const chunk of source) {
      await this.#write(chunk as Buffer);
    }
    await this.#closeLog();
  }

  async #write(chunk: Buffer): Promise<void> {
    this.#total += chunk.length;
    this.#keepTail(chunk);
    const room = this.#options.maxLogBytes - this.#logged;
    if (room <= 0 || this.#logError !== undefined) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.#logged += part.length;
    const log = this.#openLog();
    if (!log.write(part)) {
      await new Promise<void>((resolve) => {
        log.once('drain', resolve);
        log.once('error', () => resolve());
      });
    }
  }

  #keepTail(chunk: Buffer): void {
    const { tailBytes } = this.#options;
    if (tailBytes <= 0) return;
    this.#chunks.push(chunk.length > tailBytes ? chunk.subarray(chunk.length - tailBytes) : chunk);
    this.#held += this.#chunks[this.#chunks.length - 1]!.length;
    while (this.#held - this.#chunks[0]!.length >= tailBytes) {
      this.#held -= this.#chunks.shift()!.length;
    }
  }

  #openLog(): WriteStream {
    if (this.#log === undefined) {
      this.#log = createWriteStream(this.#options.logPath, { flags: 'w', mode: 0o600 });
      this.#log.on('error', (error) => {
        this.#logError = error;
      });
    }
    return this.#log;
  }

  async #closeLog(): Promise<void> {
    const log = this.#log;
    if (log === undefined || log.closed) return;
    await new Promise<void>((resolve) => log.end(resolve));
  }

  get logError(): Error | undefined {
    return this.#logError;
  }

  tail(): StreamTail {
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    const kept = all.length > this.#options.tailBytes ? all.subarray(all.length - this.#options.tailBytes) : all;
    return { text: kept.toString('utf8'), bytes: this.#total, truncated: kept.length < this.#total };
  }
}
