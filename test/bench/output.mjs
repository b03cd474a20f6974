// 6. Output: one job writing 100 MiB of text to stdout (`yes | head -c 104857600`, a
// shell line, so run with /bin/sh -c by every tool). How long from drop to record, and
// how much the daemon's memory grows meanwhile (VmRSS sampled every 10 ms, and VmHWM),
// against task-spooler running the same line, the shell writing it straight to a file,
// and Node piping it to a file (the floor for a daemon that reads the job's output).
//
// Text, not /dev/zero: NUL bytes are escaped as \u0000 in the record's JSON, which makes
// a 1 MiB tail a 6 MiB record; a worst case, not the common one.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaskSpooler } from './peers.mjs';
import { makeQueue, now, readRecord, removeDir, repeat, scratchDir, sleep, startDaemon, timeCommand, watchRecords } from './lib.mjs';

const BYTES = 100 * 1024 * 1024;
const LINE = `yes | head -c ${BYTES}`;

async function mcpqOutput(profileName) {
  const dir = scratchDir('output');
  const queue = makeQueue(dir);
  const records = watchRecords(queue);
  const daemon = startDaemon(queue.root, [], { profileName });
  try {
    await daemon.ready;
    await sleep(1_000);
    const before = daemon.memory();
    mkdirSync(join(dir, 'staging'));
    writeFileSync(join(dir, 'staging', 'big.json'), JSON.stringify({ command: LINE }));
    const droppedAt = now();
    renameSync(join(dir, 'staging', 'big.json'), join(queue.pending, 'big.json'));
    let peak = before.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, daemon.memory().rss || 0);
    }, 10);
    const recordAt = await records.waitFor(1, 120_000, 'the 100 MiB job');
    clearInterval(sampler);
    const after = daemon.memory();
    const result = readRecord(queue, 'big.json')?.result;
    if (result?.status !== 'completed' || result.stdout_bytes !== BYTES) throw new Error(`100 MiB job: ${JSON.stringify({ ...result, stdout: undefined })}`);
    return { ms: recordAt - droppedAt, rssBefore: before.rss, rssPeak: Math.max(peak, after.rss), growth: Math.max(peak, after.rss) - before.rss, hwm: after.hwm, hwmGrowth: after.hwm - before.hwm };
  } finally {
    records.close();
    await daemon.stop();
    removeDir(dir);
  }
}

function tspOutput() {
  const tsp = new TaskSpooler(1);
  try {
    tsp.run(['true']);
    const started = now();
    const id = tsp.run(['sh', '-c', LINE]).trim();
    tsp.run(['-w', id]);
    return { ms: now() - started };
  } finally {
    tsp.close();
  }
}

function shellOutput() {
  const dir = scratchDir('output-raw');
  try {
    return { ms: timeCommand('sh', ['-c', `${LINE} > ${join(dir, 'out')}`]) };
  } finally {
    removeDir(dir);
  }
}

async function nodePipeOutput() {
  const dir = scratchDir('output-pipe');
  try {
    const started = now();
    const child = spawn('sh', ['-c', LINE], { stdio: ['ignore', 'pipe', 'ignore'] });
    const log = createWriteStream(join(dir, 'out'));
    child.stdout.pipe(log);
    await new Promise((resolve) => log.once('close', resolve));
    return { ms: now() - started };
  } finally {
    removeDir(dir);
  }
}

export async function run(ctx) {
  const runs = ctx.runs.output;
  const result = {};
  result.mcpq = await repeat(runs, (i) => {
    ctx.progress(`output: mcpq, run ${i + 1}/${runs}`);
    return mcpqOutput(`output-${i + 1}`);
  });
  if (ctx.peers.tsp) result.tsp = await repeat(runs, () => tspOutput());
  result.shell = await repeat(runs, () => shellOutput());
  result.nodePipe = await repeat(runs, () => nodePipeOutput());
  return result;
}

export function rows(r, { stat, target }) {
  const m = r.mcpq;
  return [
    ['100 MiB to stdout: drop → record (ms; tsp)', stat(m.ms, 0), r.tsp ? stat(r.tsp.ms, 0) : 'skipped', '', '', ''],
    ['  floor: sh > file / Node pipe → file (ms)', `${stat(r.shell.ms, 0)} / ${stat(r.nodePipe.ms, 0)}`, '', '', '', ''],
    ['  daemon RSS before → peak (MB); growth', `${stat(m.rssBefore, 0)} → ${stat(m.rssPeak, 0)}; +${stat(m.growth, 1)}`, '', '', '', target(m.growth.median < 20, '< 20 MB')],
    ['  daemon VmHWM after (MB); growth', `${stat(m.hwm, 0)}; +${stat(m.hwmGrowth, 1)}`, '', '', '', ''],
  ];
}
