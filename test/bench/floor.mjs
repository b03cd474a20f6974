// 0. Floors: what Node itself costs on this machine, so that each mcpq figure can be
// read against the best a Node daemon could do. No mcpq code runs here.
//   - spawn rate: `true` run n times, serially and 4 in flight, with
//     child_process.spawn (stdio ignored), spawn as mcpq's runner does it (own process
//     group, stdout/stderr piped and read), and execa with the runner's options;
//   - the durable minimum: the least a daemon keeping mcpq's promises must do per job
//     (see durableRun), in a bare loop with spawn, at c=1 and c=4: where a Node
//     daemon writing a record per job tops out, whatever else it does;
//   - spawn, serially, from a fresh Node process and from one grown by 70 MB of small
//     objects (about what 100,000 pending jobs add to the daemon): fork(2) copies the
//     parent's page tables, so a larger process spends more CPU on each spawn (rate,
//     and CPU per spawn with the child's), whatever it holds;
//   - spawn → first instruction of `date +%s%N`, for spawn and execa;
//   - one durable record: write-file-atomic with fsync (what mcpq does), without
//     fsync, and open/write/fsync/close/rename by hand.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import writeFileAtomic from 'write-file-atomic';
import { now, removeDir, scratchDir, stampOf, stats, summarize, writeJobs } from './lib.mjs';
import { TRUE_JOB } from './drain.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

const launchers = {
  // The cheapest way Node can run a program.
  spawn: () => waitExit(spawn('true', [], { stdio: 'ignore' })),
  // What a job runner needs: its own process group, output read through pipes.
  'spawn+pipes': () => {
    const child = spawn('true', [], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.resume();
    child.stderr.resume();
    return waitExit(child);
  },
  // mcpq's runner (src/daemon/runner.ts) options.
  execa: async () => {
    const child = execa('true', [], { detached: true, cleanup: false, stdin: 'ignore', buffer: false, reject: false, stripFinalNewline: false, extendEnv: true, env: { MCPQ_JOB_ID: 'x' } });
    child.stdout.resume();
    child.stderr.resume();
    await child;
  },
};

function waitExit(child) {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
}

// Jobs per second running `launch` n times with `inFlight` at once.
async function rate(launch, n, inFlight) {
  const started = now();
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next += 1;
      await launch();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return n / ((now() - started) / 1000);
}

// One job under the durable minimum, in a queue of pending/, running/, logs/ and
// completed/: claim it by rename, read and parse it, reserve its id (claim file,
// O_EXCL), open its two logs as its stdout and stderr, spawn it in its own process
// group; once it has exited (the slot is free then, as in mcpq), write its record
// (temporary file, fsync, rename) and remove the claimed file, the claim and the
// empty logs. No log lines, no index, no timeout, no tails: every step left is one
// that a crash-safe record per job needs.
function durableRun(dir, name) {
  const id = name.slice(0, -'.json'.length);
  const running = join(dir, 'running', name);
  renameSync(join(dir, 'pending', name), running);
  const job = JSON.parse(readFileSync(running, 'utf8'));
  const claim = join(dir, 'running', `${id}.claim`);
  const fd = openSync(claim, 'wx', 0o600);
  writeSync(fd, JSON.stringify({ id, file: name, pid: process.pid }));
  closeSync(fd);
  const logs = ['out', 'err'].map((s) => join(dir, 'logs', `${id}.${s}`));
  const [out, err] = logs.map((path) => openSync(path, 'a', 0o600));
  const child = spawn(job.command, job.args, { stdio: ['ignore', out, err], detached: true });
  closeSync(out);
  closeSync(err);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const recorded = (async () => {
        const path = join(dir, 'completed', name);
        const handle = await open(`${path}.tmp`, 'wx', 0o600);
        await handle.writeFile(`${JSON.stringify({ ...job, result: { status: 'completed', returncode: code, signal } }, null, 2)}\n`);
        await handle.sync();
        await handle.close();
        await rename(`${path}.tmp`, path);
        await Promise.all([running, claim, ...logs].map((p) => unlink(p)));
      })();
      resolve({ recorded });
    });
  });
}

// Jobs per second of the durable minimum over n queued jobs, inFlight at once, to the
// last record.
async function durableRate(n, inFlight) {
  const dir = scratchDir('floor-durable');
  try {
    for (const sub of ['pending', 'running', 'logs', 'completed']) mkdirSync(join(dir, sub));
    writeJobs(join(dir, 'pending'), n, TRUE_JOB);
    const names = readdirSync(join(dir, 'pending')).sort();
    const recorded = [];
    let next = 0;
    const started = now();
    const lane = async () => {
      while (next < n) {
        next += 1;
        recorded.push((await durableRun(dir, names[next - 1])).recorded);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    await Promise.all(recorded);
    return n / ((now() - started) / 1000);
  } finally {
    removeDir(dir);
  }
}

// The serial spawn rate of a fresh Node process, and of one grown by 70 MB of live
// objects (grown-spawn.mjs), run in turn.
function grownSpawnRate(n, runs) {
  const measure = (ballastMb) => JSON.parse(execFileSync(process.execPath, [join(HERE, 'grown-spawn.mjs'), String(ballastMb), String(n)], { encoding: 'utf8' }));
  const small = [];
  const grown = [];
  for (let i = 0; i < runs; i += 1) {
    small.push(measure(0));
    grown.push(measure(70));
  }
  const [before, after] = [summarize(small), summarize(grown)];
  return { before, grown: after, ratio: after.rate.median / before.rate.median };
}

// ms from the spawn call to `date +%s%N`'s time stamp.
async function firstInstruction(kind) {
  const before = now();
  if (kind === 'execa') {
    const { stdout } = await execa('date', ['+%s%N'], { detached: true, stdin: 'ignore' });
    return stampOf(stdout) - before;
  }
  const child = spawn('date', ['+%s%N'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  await waitExit(child);
  return stampOf(out) - before;
}

const RECORD = `${JSON.stringify({ command: 'true', args: [], result: { status: 'completed', returncode: 0, stdout: '', stderr: '', started_at: new Date().toISOString(), id: 'x'.repeat(20) } }, null, 2)}\n`;

const writers = {
  'write-file-atomic, fsync': (path) => writeFileAtomic(path, RECORD, { fsync: true, mode: 0o600 }),
  'write-file-atomic, no fsync': (path) => writeFileAtomic(path, RECORD, { fsync: false, mode: 0o600 }),
  'open/write/fsync/close/rename': async (path) => {
    const temp = `${path}.tmp`;
    const handle = await open(temp, 'wx', 0o600);
    await handle.writeFile(RECORD);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  },
};

export async function run(ctx) {
  const n = ctx.sizes.floorSpawns;
  const result = { n, spawn: {}, firstInstruction: {}, record: {} };
  for (const [name, launch] of Object.entries(launchers)) {
    ctx.progress(`floor: ${name}`);
    await rate(launch, 20, 1); // warm up
    const serial = [];
    const four = [];
    for (let i = 0; i < ctx.runs.floor; i += 1) {
      serial.push({ rate: await rate(launch, n, 1) });
      four.push({ rate: await rate(launch, n, 4) });
    }
    result.spawn[name] = { c1: summarize(serial).rate, c4: summarize(four).rate };
  }
  ctx.progress('floor: spawn from a grown process');
  result.grown = grownSpawnRate(n, Math.max(3, ctx.runs.floor));
  ctx.progress('floor: durable minimum');
  const serial = [];
  const four = [];
  for (let i = 0; i < ctx.runs.floor; i += 1) {
    serial.push({ rate: await durableRate(n, 1) });
    four.push({ rate: await durableRate(n, 4) });
  }
  result.durable = { c1: summarize(serial).rate, c4: summarize(four).rate };
  for (const kind of ['spawn', 'execa']) {
    const samples = [];
    for (let i = 0; i < 100; i += 1) samples.push(await firstInstruction(kind));
    result.firstInstruction[kind] = stats(samples);
  }
  const dir = scratchDir('floor');
  try {
    for (const [name, write] of Object.entries(writers)) {
      ctx.progress(`floor: ${name}`);
      const sub = join(dir, String(Object.keys(result.record).length));
      mkdirSync(sub);
      const samples = [];
      for (let i = 0; i < ctx.sizes.floorWrites; i += 1) {
        const started = now();
        await write(join(sub, `r${i}.json`));
        samples.push(now() - started);
      }
      result.record[name] = stats(samples);
    }
  } finally {
    removeDir(dir);
  }
  return result;
}

const mb = (bytes) => Math.round(bytes / 2 ** 20);

export function rows(r, { stat, ms }) {
  const out = [];
  for (const [name, s] of Object.entries(r.spawn)) out.push([`floor: ${name} true, c=1 / c=4 (jobs/s)`, `${stat(s.c1, 0)} / ${stat(s.c4, 0)}`, '', '', '', '']);
  if (r.grown) {
    out.push([`floor: spawn true, c=1, process of ${mb(r.grown.before.rss.median)} → ${mb(r.grown.grown.rss.median)} MB (jobs/s)`, `${stat(r.grown.before.rate, 0)} → ${stat(r.grown.grown.rate, 0)}`, '', '', `${r.grown.ratio.toFixed(2)}×`, '']);
    if (r.grown.grown.cpuMs) out.push([`  CPU per spawn, parent and child (ms)`, `${stat(r.grown.before.cpuMs, 2)} → ${stat(r.grown.grown.cpuMs, 2)}`, '', '', '', '']);
  }
  if (r.durable) out.push([`floor: durable minimum (spawn, claim, logs, record with fsync), c=1 / c=4 (jobs/s)`, `${stat(r.durable.c1, 0)} / ${stat(r.durable.c4, 0)}`, '', '', '', '']);
  for (const [name, s] of Object.entries(r.firstInstruction)) out.push([`floor: ${name} → date's first instruction, p50 / p99 (ms)`, `${ms(s.p50)} / ${ms(s.p99)}`, '', '', '', '']);
  for (const [name, s] of Object.entries(r.record)) out.push([`floor: one record, ${name}, p50 / p99 (ms)`, `${ms(s.p50)} / ${ms(s.p99)}`, '', '', '', '']);
  return out;
}
