// `npm run bench`: mcpq against task-spooler and nq on this machine, in one run (these
// machines are noisy: absolute times vary, ratios taken in the same run hold). Prints
// a Markdown table, writes bench-results.json and, after a full run, docs/bench.svg.
// Never part of `npm test` (vitest runs test/**/*.test.ts only).
//
//   node test/bench/run.mjs [--quick] [--only drain,pickup] [--runs N] [--profile DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chartSvg } from './chart.mjs';
import { ROOT, STRIPPED, checkClock, cleanUpAll, load, machine, now, profileInto } from './lib.mjs';
import { INSTALL_HINT, peersAvailable } from './peers.mjs';
import * as drain from './drain.mjs';
import * as floor from './floor.mjs';
import * as memory from './memory.mjs';
import * as output from './output.mjs';
import * as pickup from './pickup.mjs';
import * as scale from './scale.mjs';
import * as submit from './submit.mjs';

const SECTIONS = { floor, submit, pickup, drain, output, memory, scale };

const FULL = {
  runs: { floor: 3, submit: 20, drain: 5, memory: 3, scale: 3, output: 3 },
  sizes: { drainJobs: 1000, pickupJobs: 200, memoryPending: [0, 10_000, 100_000], scalePending: 100_000, floorSpawns: 500, floorWrites: 300 },
};
const QUICK = {
  runs: { floor: 1, submit: 8, drain: 2, memory: 1, scale: 1, output: 1 },
  sizes: { drainJobs: 300, pickupJobs: 50, memoryPending: [0, 10_000], scalePending: 20_000, floorSpawns: 200, floorWrites: 100 },
};

const USAGE = `usage: node test/bench/run.mjs [options]   (npm run bench -- [options])
  --quick          fewer runs and smaller queues (about 3 minutes instead of 15–25)
  --only NAMES     run only these sections, comma-separated: ${Object.keys(SECTIONS).join(', ')}
  --runs N         repeat each measurement N times (default: 5 for drain, 3 elsewhere)
  --profile DIR    every daemon started writes a CPU profile (--cpu-prof) into DIR;
                   summarize them with: node test/bench/profile.mjs DIR/*.cpuprofile
  --svg PATH       where the chart goes (default docs/bench.svg on a full run of
                   drain and pickup; none with --quick unless given)
  --json PATH      where the figures go (default bench-results.json)
  --report PATH    measure nothing: print the table (and chart) of a saved results file`;

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      profile: { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'string', default: join(ROOT, 'bench-results.json') },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const wanted = values.only?.split(',').map((s) => s.trim()).filter(Boolean) ?? Object.keys(SECTIONS);
  const unknown = wanted.filter((name) => !(name in SECTIONS));
  const only = Object.keys(SECTIONS).filter((name) => wanted.includes(name)); // in their usual order
  if (unknown.length > 0) throw new UsageError(`--only: unknown section ${unknown.join(', ')} (sections: ${Object.keys(SECTIONS).join(', ')})`);
  const plan = structuredClone(values.quick ? QUICK : FULL);
  if (values.runs !== undefined) {
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs: expected a whole number ≥ 1, got ${values.runs}`);
    for (const key of Object.keys(plan.runs)) plan.runs[key] = runs;
  }
  return { ...values, only, plan };
}

class UsageError extends Error {}

// Cells of the table.
const fmt = (v, digits) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const format = {
  stat: (s, digits = 1) => (s === undefined ? '—' : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`),
  ms: (v) => fmt(v, Math.abs(v) < 10 ? 2 : 1),
  ratio: (x) => (x === undefined ? '' : `${x.toFixed(2)}×`),
  target: (ok, label) => (ok === undefined ? `${label}: n/a` : `${label}: ${ok ? 'met' : 'MISSED'}`),
};

function table(rows) {
  const header = ['measurement', 'mcpq', 'task-spooler', 'nq', 'ratio', 'target'];
  const cells = [header, header.map(() => '---'), ...rows.map((r) => r.map((c) => String(c ?? '')))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => `| ${r.map((c, i) => (c === '---' ? '-'.repeat(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`).join('\n');
}

async function measure(opts) {
  if (opts.profile !== undefined) profileInto(opts.profile);
  const available = peersAvailable();
  const missing = Object.entries(available).filter(([, ok]) => !ok).map(([name]) => name);
  if (missing.length > 0) process.stderr.write(`bench: ${missing.join(' and ')} not installed: skipping (to compare with them: ${INSTALL_HINT})\n`);
  const meta = { date: new Date().toISOString(), machine: machine(), envStripped: STRIPPED, quick: opts.quick, plan: opts.plan, load: { start: load() }, clock: checkClock() };
  process.stderr.write(`bench: ${meta.machine.nproc} × ${meta.machine.cpu}, Node ${meta.machine.node}, load ${meta.load.start}${opts.quick ? ', quick' : ''}\n`);
  const ctx = { quick: opts.quick, runs: opts.plan.runs, sizes: opts.plan.sizes, peers: available, progress: (msg) => process.stderr.write(`  … ${msg} (load ${load()})\n`) };
  const results = {};
  for (const name of opts.only) {
    const startLoad = load();
    const started = now();
    process.stderr.write(`bench: ${name}\n`);
    const result = await SECTIONS[name].run(ctx);
    results[name] = { ...result, load: { start: startLoad, end: load() }, seconds: Math.round((now() - started) / 1000) };
  }
  meta.load.end = load();
  const report = { meta, results };
  writeFileSync(opts.json, `${JSON.stringify(report, null, 1)}\n`);
  return report;
}

function print({ meta, results }, files) {
  const rows = Object.keys(SECTIONS)
    .filter((name) => results[name] !== undefined)
    .flatMap((name) => SECTIONS[name].rows(results[name], format, results));
  const loads = Object.entries(results).map(([name, r]) => `${name} ${r.load.start}→${r.load.end}`).join(', ');
  process.stdout.write(`\nmcpq bench, ${meta.date}: ${meta.machine.nproc} × ${meta.machine.cpu}, Node ${meta.machine.node}${meta.machine.filesystem ? `, queues on ${meta.machine.filesystem}` : ''}${meta.quick ? ' (quick)' : ''}\n`);
  process.stdout.write(`load average (1 min) per section: ${loads}\n`);
  process.stdout.write(`medians, (min–max) over runs; ratios are mcpq / task-spooler\n\n${table(rows)}\n\n`);
  if (meta.envStripped.length > 0) process.stdout.write(`(mcpq ran without ${meta.envStripped.join(', ')}, set in the bench's shell: the submit section shows its cost)\n`);
  process.stdout.write(`${files.map(([what, path]) => `${what}: ${path}`).join('\n')}\n`);
}

async function main() {
  const opts = options();
  const report = opts.report === undefined ? await measure(opts) : JSON.parse(readFileSync(opts.report, 'utf8'));
  const { drain, pickup } = report.results;
  const svgPath = opts.svg ?? (!report.meta.quick && drain && pickup ? join(ROOT, 'docs/bench.svg') : undefined);
  if (svgPath !== undefined && drain && pickup) {
    mkdirSync(dirname(svgPath), { recursive: true });
    writeFileSync(svgPath, chartSvg({ drain, pickup, meta: report.meta }));
  }
  print(report, [['figures', opts.report ?? opts.json], ...(svgPath ? [['chart', svgPath]] : [])]);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('bench: interrupted; stopping daemons and removing scratch folders\n');
    void cleanUpAll().finally(() => process.exit(130));
  });
}

main().catch(async (error) => {
  await cleanUpAll();
  process.stderr.write(error instanceof UsageError ? `bench: ${error.message}\n${USAGE}\n` : `bench: ${error.stack ?? error}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
