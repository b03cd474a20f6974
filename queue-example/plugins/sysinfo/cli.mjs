#!/usr/bin/env node
// sysinfo: an mcpq plugin written in Node, described by its plugin.json (which mcpq
// reads instead of running --help). It only reads the system, so plugin.json says
// "parallel": true and mcpq may run several sysinfo jobs at once.
//
//   node cli.mjs disk --path / --path /tmp --unit GiB --min-free-percent 10
//   node cli.mjs memory --unit MiB
//   node cli.mjs load
//   node cli.mjs uptime
//
// Every run prints one JSON object: {"ok": true, ...} or {"ok": false, "error": ...}
// with exit code 1 (a failed check) or 2 (a usage mistake).
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, freemem, hostname, loadavg, totalmem, uptime } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const manifest = JSON.parse(readFileSync(new URL('./plugin.json', import.meta.url), 'utf8'));
const UNITS = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

class UsageError extends Error {}

function sized(bytes, unit) {
  const value = bytes / UNITS[unit];
  return unit === 'B' ? value : Math.round(value * 100) / 100;
}

function unitOf(values) {
  const unit = values.unit ?? 'B';
  if (!(unit in UNITS)) throw new UsageError(`--unit: expected one of ${Object.keys(UNITS).join(', ')}, got "${unit}"`);
  return unit;
}

const commands = {
  disk(values) {
    const unit = unitOf(values);
    const minFree = values['min-free-percent'] === undefined ? undefined : Number(values['min-free-percent']);
    if (minFree !== undefined && !(minFree >= 0 && minFree <= 100)) throw new UsageError('--min-free-percent: expected a number from 0 to 100');
    const filesystems = (values.path ?? ['/']).map((path) => {
      const fs = statfsSync(resolve(path));
      const total = fs.blocks * fs.bsize;
      const available = fs.bavail * fs.bsize; // what an unprivileged user may still write
      const used = total - fs.bfree * fs.bsize;
      const freePercent = total === 0 ? 100 : Math.round((available / total) * 1000) / 10;
      return { path: resolve(path), total: sized(total, unit), used: sized(used, unit), available: sized(available, unit), free_percent: freePercent };
    });
    const low = minFree === undefined ? [] : filesystems.filter((f) => f.free_percent < minFree);
    const result = { unit, filesystems };
    if (low.length > 0) return { ok: false, error: `less than ${minFree}% free on ${low.map((f) => f.path).join(', ')}`, ...result };
    return { ok: true, ...result };
  },
  memory(values) {
    const unit = unitOf(values);
    const total = totalmem();
    const free = freemem();
    return { ok: true, unit, total: sized(total, unit), free: sized(free, unit), used: sized(total - free, unit), used_percent: Math.round(((total - free) / total) * 1000) / 10 };
  },
  load() {
    const [one, five, fifteen] = loadavg();
    const count = cpus().length;
    const per = (v) => Math.round((v / count) * 100) / 100;
    return { ok: true, cpus: count, load: { '1m': one, '5m': five, '15m': fifteen }, per_cpu: { '1m': per(one), '5m': per(five), '15m': per(fifteen) } };
  },
  uptime() {
    const seconds = Math.round(uptime());
    return { ok: true, host: hostname(), uptime_seconds: seconds, booted_at: new Date(Date.now() - seconds * 1000).toISOString() };
  },
};

function helpText() {
  const lines = [`usage: sysinfo {${Object.keys(manifest.commands).join(',')}} [options]`, '', manifest.description, ''];
  for (const [name, command] of Object.entries(manifest.commands)) {
    lines.push(`  ${name.padEnd(8)} ${command.description}`);
    for (const [arg, spec] of Object.entries(command.args)) {
      const value = spec.choices ? `{${spec.choices.join(',')}}` : (spec.metavar ?? arg.toUpperCase());
      lines.push(`           --${arg} ${value}  ${spec.description ?? ''}`);
    }
  }
  return lines.join('\n');
}

function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') return { text: helpText(), code: name === undefined ? 2 : 0 };
  const command = commands[name];
  if (command === undefined) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(commands).join(', ')}`);
  const options = Object.fromEntries(
    Object.entries(manifest.commands[name].args).map(([arg, spec]) => [arg, { type: spec.type === 'boolean' ? 'boolean' : 'string', multiple: spec.repeatable === true }]),
  );
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  const result = command(values);
  return { json: result, code: result.ok ? 0 : 1 };
}

try {
  const { text, json, code } = main(process.argv.slice(2));
  process.stdout.write(text !== undefined ? `${text}\n` : `${JSON.stringify(json)}\n`);
  process.exitCode = code;
} catch (error) {
  const usage = error instanceof UsageError;
  process.stdout.write(`${JSON.stringify({ ok: false, error: error.message })}\n`);
  process.exitCode = usage ? 2 : 1;
}
