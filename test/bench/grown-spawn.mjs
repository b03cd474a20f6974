// A fresh Node process that grows itself by BALLAST_MB of small live objects, then
// spawns `true` n times serially and prints {"rss": bytes, "rate": jobs/s} as JSON.
// Used by floor.mjs: fork(2) copies the page tables of the process that spawns, so a
// larger daemon spawns more slowly, whatever it holds.
//
//   node test/bench/grown-spawn.mjs BALLAST_MB N
import { spawn } from 'node:child_process';

const [ballastMb, n] = process.argv.slice(2).map(Number);
// About 0.5 KB each: a name, a time and a 400-byte string, like an index entry's parts.
const ballast = Array.from({ length: ballastMb * 2_000 }, (_, i) => ({ name: `job-${i}.json`, mtimeMs: Date.now() + i / 7, text: `${i}`.padEnd(400, '.') }));

const once = () =>
  new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('exit', resolve);
  });
for (let i = 0; i < 20; i += 1) await once(); // warm up
const started = performance.now();
for (let i = 0; i < n; i += 1) await once();
const rate = n / ((performance.now() - started) / 1000);
process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, rate, objects: ballast.length })}\n`);
