// The worker thread that reads pending/ beside the daemon's thread (index-reader.ts),
// seen from the daemon's side. It is started for the names a rescan found, or, as the
// daemon starts, on the folder alone and before the daemon's modules load: it then
// lists the folder itself, its first message gives the names, and it is reading by the
// time the daemon's thread joins in (indexer.ts readEntries).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../package-root.js';
import type { ReaderData, ReaderMessage } from './index-reader.js';
import type { FileBatch } from './small-file.js';

export const CHUNK = 1_000; // files read between two yields to the event loop, and shared out

// The worker is the build's dist/index-reader.cjs: missing when the sources run as
// they are, and then the daemon's thread reads every file.
const WORKER = join(PACKAGE_ROOT, 'dist', 'index-reader.cjs');

export class PendingReader {
  readonly next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)); // the next chunk to take
  readonly chunk: number;
  // The names the worker listed (started on the folder alone), without those to ignore;
  // undefined when it could not list them, or was given them.
  readonly listing: Promise<string[] | undefined>;
  // The worker has ended, or failed: what it sent has been delivered (Node delivers a
  // worker's messages before its exit), and nothing more comes.
  readonly ended: Promise<void>;
  readonly #worker: Worker;
  #onBatch: ((chunk: number, batch: FileBatch) => void) | undefined;
  readonly #held: [number, FileBatch][] = []; // read before anyone took them

  // Undefined when there is no worker to start.
  static start(dir: string, names?: readonly string[], chunk = CHUNK): PendingReader | undefined {
    return existsSync(WORKER) ? new PendingReader(dir, names, chunk) : undefined;
  }

  private constructor(dir: string, names: readonly string[] | undefined, chunk: number) {
    this.chunk = chunk;
    let listed!: (names: string[] | undefined) => void;
    this.listing = new Promise((resolve) => (listed = resolve));
    const workerData: ReaderData = { dir, names: names?.join('\0'), next: this.next, chunk };
    this.#worker = new Worker(WORKER, { workerData, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } });
    const onMessage = (message: ReaderMessage) => {
      if ('names' in message) listed(message.names === undefined ? undefined : message.names === '' ? [] : message.names.split('\0'));
      else if (this.#onBatch !== undefined) this.#onBatch(message.chunk, message.batch);
      else this.#held.push([message.chunk, message.batch]);
    };
    this.#worker.on('message', onMessage);
    this.ended = new Promise((resolve) => {
      const end = () => {
        this.#worker.off('message', onMessage);
        listed(undefined);
        resolve();
      };
      this.#worker.once('error', end);
      this.#worker.once('exit', end);
    });
  }

  // The chunks read so far, then each as it comes.
  take(onBatch: (chunk: number, batch: FileBatch) => void): void {
    this.#onBatch = onBatch;
    for (const [chunk, batch] of this.#held.splice(0)) onBatch(chunk, batch);
  }

  // Not wanted after all (the daemon stopped, or lists pending/ again): the worker
  // takes no more chunks and ends.
  cancel(): void {
    Atomics.store(this.next, 0, 2 ** 30);
    void this.#worker.terminate();
  }
}
