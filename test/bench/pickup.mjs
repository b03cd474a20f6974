// 2. Pickup latency: how long a job waits between being handed to the queue and its
// first instruction, on an idle queue, jobs spaced apart.
//
// The job is `date +%s%N` in exec form (no shell): its first useful instruction prints
// CLOCK_REALTIME in ns. Its own start cost (exec + dynamic loading of date: under 1 ms
// here, as two `date`s run in a row by a shell print times 1.0 ms apart; the "floor"
// section has spawn → first instruction from Node) is in every tool's figure alike.
//   mcpq: the bench renames a complete job file into pending/ (time taken just before
//         rename(2)); the daemon is already running and idle.
//   tsp/nq: a shell prints the time, then execs `tsp date +%s%N` (`nq date +%s%N`):
//         the client's own start is part of their figure, as it is of their submit.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nq, TaskSpooler } from './peers.mjs';
import { makeQueue, now, readRecord, removeDir, scratchDir, sleep, stampOf, startDaemon, stats, watchRecords } from './lib.mjs';

const GAP_MS = 40; // idle time between jobs, so that each finds the queue at rest

async function mcpqPickup(count) {
  const dir = scratchDir('pickup');
  const queue = makeQueue(dir);
  const staging = join(dir, 'staging'); // same filesystem: rename(2) is atomic
  mkdirSync(staging);
  const records = watchRecords(queue);
  const daemon = startDaemon(queue.root, [], { profileName: 'pickup' });
  const latencies = [];
  const toRecord = [];
  try {
    await daemon.ready;
    await sleep(500);
    for (let i = 0; i < count; i += 1) {
      const name = `p${i}.json`;
      writeFileSync(join(staging, name), `${JSON.stringify({ command: 'date', args: ['+%s%N'] })}\n`);
      const droppedAt = now();
      renameSync(join(staging, name), join(queue.pending, name));
      const recordAt = await records.waitFor(i + 1, 30_000, `the record of ${name}`);
      const record = readRecord(queue, name);
      if (record?.result?.status !== 'completed') throw new Error(`pickup job ${name} did not complete: ${JSON.stringify(record?.result)}`);
      latencies.push(stampOf(record.result.stdout) - droppedAt);
      toRecord.push(recordAt - droppedAt);
      await sleep(GAP_MS);
    }
    return { latency: latencies, toRecord };
  } finally {
    records.close();
    await daemon.stop();
    removeDir(dir);
  }
}

async function peerPickup(peer, count) {
  const latencies = [];
  try {
    for (let i = 0; i < count; i += 1) {
      latencies.push(await peer.pickup());
      await sleep(GAP_MS);
    }
    return latencies;
  } finally {
    peer.close();
  }
}

export async function run(ctx) {
  const count = ctx.sizes.pickupJobs;
  ctx.progress(`pickup: mcpq, ${count} jobs`);
  const mcpq = await mcpqPickup(count);
  const result = { count, mcpq: { ...stats(mcpq.latency), toRecord: stats(mcpq.toRecord), samples: mcpq.latency } };
  if (ctx.peers.tsp) {
    ctx.progress(`pickup: task-spooler, ${count} jobs`);
    const tsp = new TaskSpooler(1);
    tsp.run(['true']); // start its server outside the measurement
    const samples = await peerPickup(tsp, count);
    result.tsp = { ...stats(samples), samples };
  }
  if (ctx.peers.nq) {
    ctx.progress(`pickup: nq, ${count} jobs`);
    const samples = await peerPickup(new Nq(), count);
    result.nq = { ...stats(samples), samples };
  }
  return result;
}

export function rows(r, { ms, target }) {
  const m = r.mcpq;
  const versus = r.tsp ? m.p50 / r.tsp.p50 : undefined;
  return [
    [`pickup p50, ${r.count} jobs (ms)`, ms(m.p50), r.tsp ? ms(r.tsp.p50) : 'skipped', r.nq ? ms(r.nq.p50) : '—', versus === undefined ? '' : `${versus.toFixed(2)}×`, `${target(m.p50 <= 5, '≤ 5 ms')}; ${target(versus === undefined ? undefined : versus <= 1, '≤ tsp')}`],
    [`pickup p99 (ms)`, ms(m.p99), r.tsp ? ms(r.tsp.p99) : 'skipped', r.nq ? ms(r.nq.p99) : '—', '', target(m.p99 <= 25, '≤ 25 ms')],
    [`pickup min / max (ms)`, `${ms(m.min)} / ${ms(m.max)}`, r.tsp ? `${ms(r.tsp.min)} / ${ms(r.tsp.max)}` : '', r.nq ? `${ms(r.nq.min)} / ${ms(r.nq.max)}` : '', '', ''],
    [`  mcpq drop → record seen, p50 / p99 (ms)`, `${ms(m.toRecord.p50)} / ${ms(m.toRecord.p99)}`, '', '', '', ''],
  ];
}
