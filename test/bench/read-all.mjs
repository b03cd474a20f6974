// The floor under "first job with 100,000 pending": a fresh Node process that lists a
// folder and reads every file in it (open, fstat, read, close), half of them in a
// worker thread, as the daemon's index does, and nothing else: no parsing, no order.
// Prints {"ms": time since the process started, "files": n} as JSON.
//
//   node test/bench/read-all.mjs DIR
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const buffer = Buffer.allocUnsafe(64 * 1024);

function readAll(dir, names) {
  for (const name of names) {
    const fd = openSync(join(dir, name), 'r');
    fstatSync(fd);
    readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
  }
}

if (isMainThread) {
  const dir = process.argv[2];
  const names = readdirSync(dir);
  const half = Math.ceil(names.length / 2);
  const helped = new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { dir, names: names.slice(half) } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  readAll(dir, names.slice(0, half));
  await helped;
  process.stdout.write(`${JSON.stringify({ ms: performance.now(), files: names.length })}\n`);
} else {
  readAll(workerData.dir, workerData.names);
  parentPort.postMessage('done');
}
