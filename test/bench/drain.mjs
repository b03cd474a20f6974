// 1. Drain rate: n trivial jobs (`true`, exec form) already queued; how fast each tool
// empties the queue. mcpq: from the daemon's spawn to the last record seen (start-up
// included, as the issue asks), and from the first job's start to the last record
// ("steady", the rate once serving). task-spooler and nq: their queue is held by
// blocker jobs while the n jobs are queued, then released; from release to the last
// job finished.
import { TSP_MAX_HELD, Nq, TaskSpooler } from './peers.mjs';
import { firstStarted, makeQueue, removeDir, scratchDir, startDaemon, summarize, watchRecords, writeJobs } from './lib.mjs';

export const TRUE_JOB = Object.freeze({ command: 'true', args: [] });

// Starts a daemon on a queue already filled and times it until `count` records are
// written (it may leave more pending: the scale section stops after the first 1,000).
export async function timeDaemon(queue, count, concurrency, profileName) {
  const records = watchRecords(queue);
  const daemon = startDaemon(queue.root, ['--concurrency', String(concurrency)], { profileName });
  try {
    const readyAt = await daemon.ready;
    const cpuAtReady = daemon.cpuMs();
    const lastAt = await records.waitFor(count, 600_000, `${count} records`);
    const cpuMsPerJob = (daemon.cpuMs() - cpuAtReady) / count;
    const { rss } = daemon.memory();
    const failed = records.failed();
    if (failed.length > 0) throw new Error(`${failed.length} of ${count} jobs failed, e.g. ${failed[0]}`);
    const first = firstStarted(queue, records.seen.keys());
    return {
      ms: lastAt - daemon.spawnedAt,
      rate: count / ((lastAt - daemon.spawnedAt) / 1000),
      steadyRate: count / ((lastAt - first) / 1000),
      readyMs: readyAt - daemon.spawnedAt,
      firstJobMs: first - daemon.spawnedAt,
      // The daemon's own CPU per job once serving (fork's page-table copy included:
      // what a deep queue's larger process pays), and its resident set at the end.
      cpuMsPerJob,
      rss,
    };
  } finally {
    records.close();
    await daemon.stop();
  }
}

// One mcpq drain of n `true` jobs; figures in ms and jobs/s.
export async function mcpqDrain(n, concurrency, profileName) {
  const dir = scratchDir('drain');
  try {
    const queue = makeQueue(dir);
    writeJobs(queue.pending, n, TRUE_JOB);
    return await timeDaemon(queue, n, concurrency, profileName);
  } finally {
    removeDir(dir);
  }
}

async function peerDrain(make, n) {
  const peer = make();
  try {
    const { ms } = await peer.drain(n);
    return { ms, rate: n / (ms / 1000) };
  } finally {
    peer.close();
  }
}

export async function run(ctx) {
  const n = ctx.sizes.drainJobs;
  const tspN = Math.min(n, TSP_MAX_HELD);
  const result = { n, tspN, nqN: n };
  for (const concurrency of [1, 4]) {
    const key = `c${concurrency}`;
    const row = (result[key] = {});
    // Tools take turns within each run, so a burst of load elsewhere hits all of them.
    const raw = { mcpq: [], tsp: [], nq: [] };
    for (let i = 0; i < ctx.runs.drain; i += 1) {
      ctx.progress(`drain c=${concurrency} run ${i + 1}/${ctx.runs.drain}`);
      raw.mcpq.push(await mcpqDrain(n, concurrency, `drain-c${concurrency}-${i + 1}`));
      if (ctx.peers.tsp) raw.tsp.push(await peerDrain(() => new TaskSpooler(concurrency), tspN));
      if (ctx.peers.nq && concurrency === 1) raw.nq.push(await peerDrain(() => new Nq(), n));
    }
    for (const [tool, runs] of Object.entries(raw)) {
      if (runs.length > 0) row[tool] = summarize(runs);
    }
    if (row.tsp) row.vsTsp = row.mcpq.rate.median / row.tsp.rate.median;
    if (row.tsp) row.steadyVsTsp = row.mcpq.steadyRate.median / row.tsp.rate.median;
  }
  return result;
}

// `all`: the whole run's results; with the floor section, the durable minimum (a bare
// Node loop keeping mcpq's promises) is set against task-spooler too, to show how much
// of the target any Node daemon writing a record per job could reach here.
export function rows(r, { stat, ratio, target }, all = {}) {
  const out = [];
  for (const c of [1, 4]) {
    const row = r[`c${c}`];
    const peers = c === 1 ? 'tsp, nq' : 'tsp -S 4';
    out.push([`drain ${r.n} × true, c=${c} (jobs/s; ${peers})`, stat(row.mcpq.rate, 0), row.tsp ? stat(row.tsp.rate, 0) : 'skipped', row.nq ? stat(row.nq.rate, 0) : '—', ratio(row.vsTsp), target(row.vsTsp === undefined ? undefined : row.vsTsp >= 0.8, '≥ 0.8× tsp')]);
    out.push([`  same, from first job started (jobs/s)`, stat(row.mcpq.steadyRate, 0), '', '', ratio(row.steadyVsTsp), '']);
    const durable = all.floor?.durable?.[`c${c}`];
    if (durable && row.tsp) {
      const reach = durable.median / row.tsp.rate.median;
      out.push([`  floor: durable minimum, same c (jobs/s)`, stat(durable, 0), '', '', ratio(reach), reach < 0.8 ? '0.8× tsp: out of reach for Node here' : '']);
    }
    out.push([`  daemon spawn → serving / → first job (ms)`, `${stat(row.mcpq.readyMs, 0)} / ${stat(row.mcpq.firstJobMs, 0)}`, '', '', '', '']);
  }
  if (r.tspN !== r.n) out.push([`  (tsp drains ${r.tspN}: task-spooler 1.0 cannot hold more queued jobs; rates compare)`, '', '', '', '', '']);
  return out;
}
