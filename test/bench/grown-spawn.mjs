// A fresh Node process that grows itself by BALLAST_MB of small live objects, then
// spawns `true` n times serially and prints {"rss": bytes, "rate": jobs/s, "cpuMs":
// CPU ms per spawn} as JSON. Used by floor.mjs: fork(2) copies the page tables of the
// process that spawns, and the child tears the copy down when it execs, so a larger
// daemon spends more CPU on each spawn, whatever it holds. The CPU counts this
// process's time and its children's (each child's share ends with that teardown):
// on two cores the wall-clock rate hides part of it.
//
//   node test/bench/grown-spawn.mjs BALLAST_MB N
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [ballastMb, n] = process.argv.slice(2).map(Number);
// About 0.5 KB each: a name, a time and a 400-byte string, like an index entry's parts.
const ballast = Array.from({ length: ballastMb * 2_000 }, (_, i) => ({ name: `job-${i}.json`, mtimeMs: Date.now() + i / 7, text: `${i}`.padEnd(400, '.') }));

const once = () =>
  new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('exit', resolve);
  });
// CPU ticks of this process and of its reaped children: utime + stime + cutime +
// cstime, fields 14 to 17 of /proc/self/stat (proc(5)); 100 a second on Linux.
const cpuTicks = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return fields.slice(11, 15).reduce((sum, v) => sum + Number(v), 0);
};
for (let i = 0; i < 20; i += 1) await once(); // warm up
const ticks = cpuTicks();
const started = performance.now();
for (let i = 0; i < n; i += 1) await once();
const rate = n / ((performance.now() - started) / 1000);
const cpuMs = ((cpuTicks() - ticks) * 10) / n;
process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, rate, cpuMs, objects: ballast.length })}\n`);
