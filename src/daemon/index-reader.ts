// A worker thread that helps the daemon's thread read a deep pending/ (indexer.ts
// readEntries, pending-reader.ts). Reading is system calls (open, fstat, read, close:
// about 16 µs a file here), so two threads on two cores read 100,000 files in about
// half the time. It only reads: what a file means is decided by the daemon.
//
// The files are shared out in chunks: each thread takes the next chunk from a counter
// they share, until none is left. So the daemon's thread, which also makes sense of
// every file, reads fewer of them, and both finish together.
//
// In: workerData (ReaderData). Without names, it lists `dir` first (leaving out the
// names to ignore) and sends them, joined, as its first message ({ names: undefined }
// when it cannot). Then a message per chunk read, { chunk, batch: FileBatch
// (small-file.ts) }, its arrays transferred.
import { readdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { isIgnoredName } from '../queue/names.js';
import { readBatch, type FileBatch } from './small-file.js';

export interface ReaderData {
  readonly dir: string;
  readonly names: string | undefined; // joined by "\0", which no file name holds
  readonly next: Int32Array; // over a SharedArrayBuffer: the next chunk to take
  readonly chunk: number; // files in a chunk
}

export type ReaderMessage = { readonly names: string | undefined } | { readonly chunk: number; readonly batch: FileBatch };

if (parentPort !== null && workerData !== null) {
  const port = parentPort;
  const { dir, names: joined, next, chunk } = workerData as ReaderData;
  const listed = (): string[] => {
    try {
      const names = readdirSync(dir).filter((name) => !isIgnoredName(name));
      port.postMessage({ names: names.join('\0') } satisfies ReaderMessage);
      return names;
    } catch {
      port.postMessage({ names: undefined } satisfies ReaderMessage);
      return [];
    }
  };
  const names = joined === undefined ? listed() : joined.split('\0');
  for (let c = Atomics.add(next, 0, 1); c * chunk < names.length; c = Atomics.add(next, 0, 1)) {
    const batch = readBatch(dir, names.slice(c * chunk, (c + 1) * chunk));
    port.postMessage({ chunk: c, batch } satisfies ReaderMessage, [batch.data.buffer, batch.offsets.buffer, batch.mtimes.buffer, batch.state.buffer] as ArrayBuffer[]);
  }
}
