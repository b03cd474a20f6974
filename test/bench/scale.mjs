// 5. Scale: with 100,000 runnable jobs pending, the time from the daemon's spawn to
// its first job, and the rate of the first 1,000 (from the first job's start), to set
// against the same rate with only 1,000 pending (drain section, "steady"). A rate that
// falls as the queue grows means O(n) work per claim.
//
// The 100,000 files are written once and hard-linked into each run's queue. The floor
// under the first job's time: a fresh Node process that only lists and reads them all,
// in two threads (read-all.mjs).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRUE_JOB, mcpqDrain, timeDaemon } from './drain.mjs';
import { linkCopy, makeQueue, removeDir, repeat, scratchDir, summarize, writeJobs } from './lib.mjs';

const READ_ALL = join(dirname(fileURLToPath(import.meta.url)), 'read-all.mjs');

export async function run(ctx) {
  const pending = ctx.sizes.scalePending;
  const first = ctx.sizes.drainJobs;
  const template = scratchDir('scale-jobs');
  ctx.progress(`scale: writing ${pending} job files`);
  mkdirSync(join(template, 'pending'));
  writeJobs(join(template, 'pending'), pending, TRUE_JOB);
  const result = { pending, first };
  try {
    result.readAll = await repeat(ctx.runs.scale, (i) => {
      ctx.progress(`scale: a bare Node process reads the ${pending} files, run ${i + 1}/${ctx.runs.scale}`);
      return JSON.parse(execFileSync(process.execPath, [READ_ALL, join(template, 'pending')], { encoding: 'utf8' }));
    });
    for (const concurrency of [1, 4]) {
      // Deep runs and their baselines (`first` jobs with nothing else pending) take
      // turns, so that a burst of load elsewhere hits both sides of the ratio, and
      // each goes first in every other pair: a drain costs more right after another
      // one on some filesystems (ext4 without a journal: docs/performance.md).
      const deep = [];
      const shallow = [];
      for (let i = 0; i < ctx.runs.scale; i += 1) {
        const runDeep = async () => {
          ctx.progress(`scale: ${pending} pending, c=${concurrency}, run ${i + 1}/${ctx.runs.scale}`);
          deep.push(await deepDrain(template, first, concurrency, `scale-c${concurrency}-${i + 1}`));
        };
        const runShallow = async () => {
          ctx.progress(`scale: ${first} pending, c=${concurrency}, run ${i + 1}/${ctx.runs.scale}`);
          shallow.push(await mcpqDrain(first, concurrency));
        };
        for (const step of i % 2 === 0 ? [runDeep, runShallow] : [runShallow, runDeep]) await step();
      }
      const [d, s] = [summarize(deep), summarize(shallow)];
      result[`c${concurrency}`] = { deep: d, shallow: s, ratio: d.steadyRate.median / s.steadyRate.median };
    }
  } finally {
    removeDir(template);
  }
  return result;
}

async function deepDrain(template, count, concurrency, profileName) {
  const dir = scratchDir('scale');
  try {
    mkdirSync(join(dir, 'queue'));
    linkCopy(join(template, 'pending'), join(dir, 'queue', 'pending'));
    const { readyMs, firstJobMs, steadyRate, cpuMsPerJob, rss } = await timeDaemon(makeQueue(dir), count, concurrency, profileName);
    return { readyMs, firstJobMs, steadyRate, cpuMsPerJob, rss };
  } finally {
    removeDir(dir);
  }
}

export function rows(r, { stat, ratio, target }) {
  const out = [];
  if (r.readAll) out.push([`floor: a fresh Node lists and reads ${r.pending} files, 2 threads (ms)`, stat(r.readAll.ms, 0), '', '', '', '']);
  for (const c of [1, 4]) {
    const row = r[`c${c}`];
    out.push([`${r.pending} pending, c=${c}: spawn → serving / first job (ms)`, `${stat(row.deep.readyMs, 0)} / ${stat(row.deep.firstJobMs, 0)}`, '', '', '', target(row.deep.firstJobMs.median <= 2000, 'first job ≤ 2 s')]);
    out.push([`  first ${r.first} jobs (jobs/s) vs ${r.first} pending`, `${stat(row.deep.steadyRate, 0)} vs ${stat(row.shallow.steadyRate, 0)}`, '', '', ratio(row.ratio), target(row.ratio >= 0.9, 'within 10%')]);
    if (row.deep.cpuMsPerJob !== undefined) out.push([`  daemon CPU ms per job; RSS MB at the end`, `${stat(row.deep.cpuMsPerJob, 2)}; ${stat(row.deep.rss, 0)} vs ${stat(row.shallow.cpuMsPerJob, 2)}; ${stat(row.shallow.rss, 0)}`, '', '', '', '']);
  }
  return out;
}
