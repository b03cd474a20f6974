// A worker thread that helps the daemon's thread read a deep pending/ (indexer.ts
// readEntries). Reading is system calls (open, fstat, read, close: about 16 µs a file
// here), so two threads on two cores read 100,000 files in about half the time. It
// only reads: what a file means is decided by the daemon.
//
// The files are shared out in chunks: each thread takes the next chunk from a counter
// they share, until none is left. So the daemon's thread, which also makes sense of
// every file, reads fewer of them, and both finish together.
//
// In: workerData { dir, names (joined by "\0", which no file name holds), next (an
// Int32Array over a SharedArrayBuffer: the next chunk to take), chunk (files in a
// chunk) }. Out: a message per chunk read, { chunk, batch: FileBatch (small-file.ts) },
// its arrays transferred.
import { parentPort, workerData } from 'node:worker_threads';
import { readBatch } from './small-file.js';

export interface ReaderData {
  readonly dir: string;
  readonly names: string;
  readonly next: Int32Array;
  readonly chunk: number;
}

if (parentPort !== null && workerData !== null) {
  const { dir, names: joined, next, chunk } = workerData as ReaderData;
  const names = joined.split('\0');
  for (let c = Atomics.add(next, 0, 1); c * chunk < names.length; c = Atomics.add(next, 0, 1)) {
    const batch = readBatch(dir, names.slice(c * chunk, (c + 1) * chunk));
    parentPort.postMessage({ chunk: c, batch }, [batch.data.buffer, batch.offsets.buffer, batch.mtimes.buffer, batch.state.buffer] as ArrayBuffer[]);
  }
}
