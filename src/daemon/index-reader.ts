// A worker thread that reads part of a deep pending/ while the daemon's thread reads
// the rest (indexer.ts readEntries). Reading is system calls (open, fstat, read,
// close: about 16 µs a file here), so two threads on two cores read 100,000 files in
// about half the time. It only reads: what a file means is decided by the daemon.
//
// In: workerData { dir, names }. Out: one message, a FileBatch (small-file.ts), its
// arrays transferred.
import { parentPort, workerData } from 'node:worker_threads';
import { readBatch } from './small-file.js';

if (parentPort !== null && workerData !== null) {
  const { dir, names } = workerData as { dir: string; names: string[] };
  const batch = readBatch(dir, names);
  parentPort.postMessage(batch, [batch.data.buffer, batch.offsets.buffer, batch.mtimes.buffer, batch.state.buffer] as ArrayBuffer[]);
}
