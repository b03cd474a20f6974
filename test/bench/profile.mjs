// Summarizes V8 CPU profiles (node --cpu-prof, or `run.mjs --profile DIR`): where the
// daemon's main thread spends its time. Prints, per profile: busy vs idle, and the top
// costs by self time (function), and by inclusive time per module (a module counts
// once per sample if any of its functions is on the stack: "execa's code was running
// or had called what was running"), and by inclusive time of mcpq's own functions.
//
//   node test/bench/profile.mjs DIR/*.cpuprofile [--top N]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

// A short name for where a function lives: node:internal/child_process,
// execa, mcpq:daemon/job-lifecycle.js, or a V8 pseudo-node such as (garbage collector).
function moduleOf(url, functionName) {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(.+)$/.exec(url);
  if (own) return `mcpq:${own[1]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map(); // function key → ms
  const inclusive = new Map(); // module → ms
  const own = new Map(); // mcpq function → ms, inclusive
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    total += ms;
    const node = byId.get(profile.samples[i]);
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const key = `${functionName || '(anonymous)'}  ${moduleOf(url, functionName)}${url ? `:${lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    const seen = new Set();
    const ours = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id).callFrame;
      if (frame.functionName === '(root)') continue;
      const module = moduleOf(frame.url, frame.functionName);
      seen.add(module);
      if (module.startsWith('mcpq:')) ours.add(`${frame.functionName || '(anonymous)'}  ${module}:${frame.lineNumber + 1}`);
    }
    for (const module of seen) inclusive.set(module, (inclusive.get(module) ?? 0) + ms);
    for (const fn of ours) own.set(fn, (own.get(fn) ?? 0) + ms);
  }
  const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, idleMs: idle, busyMs: total - idle, self: sorted(self), inclusive: sorted(inclusive), own: sorted(own) };
}

function print(name, s, top) {
  const pct = (ms) => `${((ms / s.busyMs) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`\n== ${name}: ${(s.totalMs / 1000).toFixed(2)} s sampled, busy ${(s.busyMs / 1000).toFixed(2)} s (${((s.busyMs / s.totalMs) * 100).toFixed(0)}%), idle ${(s.idleMs / 1000).toFixed(2)} s`];
  lines.push(`-- self time (% of busy)`);
  for (const [key, ms] of s.self.slice(0, top)) lines.push(`${pct(ms)} ${ms.toFixed(0).padStart(6)} ms  ${key}`);
  lines.push(`-- inclusive time by module (% of busy)`);
  for (const [key, ms] of s.inclusive.slice(0, top)) lines.push(`${pct(ms)} ${ms.toFixed(0).padStart(6)} ms  ${key}`);
  lines.push(`-- inclusive time of mcpq's functions (% of busy; synchronous part only: an await ends it)`);
  for (const [key, ms] of s.own.slice(0, top)) lines.push(`${pct(ms)} ${ms.toFixed(0).padStart(6)} ms  ${key}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length === 0) {
    process.stderr.write('usage: node test/bench/profile.mjs FILE.cpuprofile... [--top N]\n');
    process.exit(2);
  }
  for (const file of positionals) print(basename(file), summarizeProfile(JSON.parse(readFileSync(file, 'utf8'))), Number(values.top));
}
