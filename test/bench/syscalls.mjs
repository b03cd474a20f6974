// System calls the daemon makes per job while it drains n `true` jobs, counted with
// strace (not part of `npm run bench`: strace slows the daemon ten-fold, so only the
// counts mean anything). Every thread of the daemon is traced, the job processes are
// left out, and only calls between the first claim and the last record count.
//
//   node test/bench/syscalls.mjs [n=200] [--concurrency N]     (needs: apt-get install strace)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TRUE_JOB } from './drain.mjs';
import { BIN, DAEMON_NODE_FLAGS, cleanEnv, cleanUpAll, makeQueue, scratchDir, watchRecords, which, writeJobs } from './lib.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { concurrency: { type: 'string', default: '1' } } });
const n = Number(positionals[0] ?? 200);
if (which('strace') === undefined) {
  process.stderr.write('syscalls: strace is not installed (apt-get install strace)\n');
  process.exit(2);
}

const dir = scratchDir('syscalls');
const traces = join(dir, 'trace');
try {
  const queue = makeQueue(dir);
  writeJobs(queue.pending, n, TRUE_JOB);
  const records = watchRecords(queue);
  const tracer = spawn('strace', ['-ff', '-ttt', '-o', traces, process.execPath, ...DAEMON_NODE_FLAGS, BIN, 'daemon', '--queue', queue.root, '--concurrency', values.concurrency], { env: cleanEnv(), stdio: 'ignore' });
  await records.waitFor(n, 600_000);
  records.close();
  // The daemon is strace's child; stop it (not strace) so that its exit is traced.
  const daemonPid = Number(readFileSync(`/proc/${tracer.pid}/task/${tracer.pid}/children`, 'utf8').trim().split(' ')[0]);
  process.kill(daemonPid, 'SIGTERM');
  await new Promise((resolve) => tracer.once('exit', resolve));
  process.stdout.write(report(dir, queue, n));
} finally {
  await cleanUpAll();
}

function report(folder, queue, count) {
  const files = readdirSync(folder).filter((f) => f.startsWith('trace.'));
  const lines = [];
  for (const file of files) {
    const text = readFileSync(join(folder, file), 'utf8');
    if (/execve\("[^"]*\/true"/.test(text)) continue; // a job process, or the daemon's child before exec
    lines.push(...text.split('\n'));
  }
  const time = (line) => Number(line.slice(0, line.indexOf(' ')));
  const firstClaim = Math.min(...lines.filter((l) => l.includes('rename(') && l.includes(`${queue.pending}/`)).map(time));
  const lastRecord = Math.max(...lines.filter((l) => l.includes('rename(') && l.includes(`${queue.completed}/`)).map(time));
  const counts = new Map();
  for (const line of lines) {
    const at = time(line);
    if (!(at >= firstClaim && at <= lastRecord)) continue;
    const name = /^\S+ (\w+)\(/.exec(line)?.[1];
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name, c]) => `${(c / count).toFixed(1).padStart(7)}  ${name}`);
  return `daemon system calls per job, ${count} jobs (all threads; job processes excluded): ${(total / count).toFixed(0)}\n${rows.join('\n')}\n`;
}
