// 4. Memory: the daemon's resident set when idle, and with 10,000 and 100,000 jobs
// pending that may not start yet (not_before 20 days after submission, so nothing
// runs and the index holds every job). Read from /proc/<pid>/status two seconds
// after the daemon says it is serving; its start-up time with that many files is
// reported beside it.
//
// Not "2099-01-01": a wake-up further away than setTimeout's 2^31 ms (24.8 days)
// overflows to 1 ms in Node, which made the daemon spin (see the report of issue 7).
import { makeQueue, removeDir, repeat, scratchDir, sleep, startDaemon, watchRecords, writeJobs } from './lib.mjs';

const LATER_JOB = Object.freeze({ command: 'true', args: [], not_before: 20 * 24 * 3600 });
const SETTLE_MS = 2_000;

export async function run(ctx) {
  const result = { sizes: ctx.sizes.memoryPending };
  for (const size of ctx.sizes.memoryPending) {
    const dir = scratchDir('memory');
    try {
      const queue = makeQueue(dir);
      writeJobs(queue.pending, size, LATER_JOB);
      result[size] = await repeat(ctx.runs.memory, async (i) => {
        ctx.progress(`memory: ${size} pending, run ${i + 1}/${ctx.runs.memory}`);
        const records = watchRecords(queue);
        const daemon = startDaemon(queue.root, [], { profileName: `start-${size}-${i + 1}` });
        try {
          const readyAt = await daemon.ready;
          await sleep(SETTLE_MS);
          const { rss, hwm } = daemon.memory();
          if (records.count > 0) throw new Error(`${records.count} jobs ran that should have waited`);
          return { rss, hwm, readyMs: readyAt - daemon.spawnedAt };
        } finally {
          records.close();
          await daemon.stop();
        }
      });
    } finally {
      removeDir(dir);
    }
  }
  return result;
}

export function rows(r, { stat, target }) {
  return r.sizes.map((size) => {
    const m = r[size];
    const goal = size === 0 ? target(m.rss.median <= 70, '≤ 70 MB') : size >= 100_000 ? target(m.rss.median <= 150, '≤ 150 MB') : '';
    return [`daemon RSS, ${size} pending (MB; peak; start-up ms)`, `${stat(m.rss, 0)}; ${stat(m.hwm, 0)}; ${stat(m.readyMs, 0)}`, '', '', '', goal];
  });
}
