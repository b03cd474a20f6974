// 0. Floors: what Node itself costs on this machine, so that each mcpq figure can be
// read against the best a Node daemon could do. No mcpq code runs here.
//   - spawn rate: `true` run n times, serially and 4 in flight, with
//     child_process.spawn (stdio ignored), spawn as mcpq's runner does it (own process
//     group, stdout/stderr piped and read), and execa with the runner's options;
//   - spawn → first instruction of `date +%s%N`, for spawn and execa;
//   - one durable record: write-file-atomic with fsync (what mcpq does), without
//     fsync, and open/write/fsync/close/rename by hand.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import writeFileAtomic from 'write-file-atomic';
import { now, removeDir, scratchDir, stampOf, stats, summarize } from './lib.mjs';

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

export function rows(r, { stat, ms }) {
  const out = [];
  for (const [name, s] of Object.entries(r.spawn)) out.push([`floor: ${name} true, c=1 / c=4 (jobs/s)`, `${stat(s.c1, 0)} / ${stat(s.c4, 0)}`, '', '', '', '']);
  for (const [name, s] of Object.entries(r.firstInstruction)) out.push([`floor: ${name} → date's first instruction, p50 / p99 (ms)`, `${ms(s.p50)} / ${ms(s.p99)}`, '', '', '', '']);
  for (const [name, s] of Object.entries(r.record)) out.push([`floor: one record, ${name}, p50 / p99 (ms)`, `${ms(s.p50)} / ${ms(s.p99)}`, '', '', '', '']);
  return out;
}
