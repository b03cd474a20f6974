// What every measurement shares: a wall clock fine enough to compare with a job's
// `date +%s%N`, statistics, scratch folders, job files, and a real mcpq daemon
// started as a child process (the built CLI, exactly as users run it).
//
// Times are epoch milliseconds as floats (`now()`): performance.timeOrigin is taken
// from the real-time clock at start-up with microsecond resolution and
// performance.now() is monotonic, so the two together can be set against the
// CLOCK_REALTIME nanoseconds a job prints (checkClock() proves it on this machine).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, watch, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };
export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/mcpq.js');

// The daemon is measured as its service runs it: with the node flags of the systemd
// unit's ExecStart (the launchd agent and `npm start` pass the same ones).
export const DAEMON_NODE_FLAGS = /^ExecStart=\{\{NODE\}\}(.*?)\{\{MCPQ\}\}/m.exec(readFileSync(join(ROOT, 'systemd/mcpq.service'), 'utf8'))[1].split(' ').filter(Boolean);

export const now = () => performance.timeOrigin + performance.now();

// ---- statistics -------------------------------------------------------------------

// Nearest-rank percentile of an already sorted list.
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { n, median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

// Gathers each named figure of several runs into statistics: [{rate: 10}, {rate: 12}]
// → {rate: {median: 11, …}, runs: [...]}.
export function summarize(all) {
  const figures = {};
  for (const key of Object.keys(all[0] ?? {})) {
    if (typeof all[0][key] === 'number') figures[key] = stats(all.map((r) => r[key]));
  }
  return { ...figures, runs: all };
}

// Runs `once(i)` `runs` times in a row and summarizes the figures it returns.
export async function repeat(runs, once) {
  const all = [];
  for (let i = 0; i < runs; i += 1) all.push(await once(i));
  return summarize(all);
}

// ---- the machine ------------------------------------------------------------------

export function load() {
  return Number(loadavg()[0].toFixed(2));
}

export function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    nproc: cpus().length,
    cpu: model,
    node: process.version,
    kernel: readIfThere('/proc/sys/kernel/osrelease')?.trim(),
    filesystem: scratchFilesystem(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: git(['status', '--porcelain', '--', 'src']).length > 0, // others may be mid-change
  };
}

// The filesystem the queues are made on, e.g. "ext4 (/dev/vda), no journal": every
// job creates and removes files, so the drain rates depend on it. On ext4 without a
// journal, each new file's inode is looked for past those freed in the last minutes
// (find_inode_bit → recently_deleted, fs/ext4/ialloc.c), so creating a file costs more
// the more files were removed just before. Linux only (/proc/self/mountinfo); the
// journal is told only when the device's kernel name is known.
function scratchFilesystem() {
  const mounts = readIfThere('/proc/self/mountinfo');
  if (mounts === undefined || !existsSync(scratchBase())) return undefined;
  const dir = realpathSync(scratchBase());
  let best;
  for (const line of mounts.split('\n')) {
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    const [device, mountPoint] = [fields[2], fields[4]];
    if (right === undefined || device === undefined || mountPoint === undefined) continue;
    if (dir !== mountPoint && !dir.startsWith(mountPoint === '/' ? '/' : `${mountPoint}/`)) continue;
    if (best === undefined || mountPoint.length > best.mountPoint.length) {
      const [type, source] = right.split(' ');
      best = { mountPoint, device, type, source };
    }
  }
  if (best === undefined) return undefined;
  return `${best.type} (${best.source})${best.type === 'ext4' ? ext4Journal(best.device) : ''}`;
}

// ", journal" or ", no journal" for the ext4 on device MAJOR:MINOR: jbd2 lists each
// journal in /proc/fs/jbd2 as <kernel name>-<journal inode> (vda-8, dm-0-8).
function ext4Journal(device) {
  let name;
  try {
    name = basename(realpathSync(`/sys/dev/block/${device}`));
  } catch {
    return '';
  }
  const journals = existsSync('/proc/fs/jbd2') ? readdirSync('/proc/fs/jbd2') : [];
  return journals.some((entry) => entry.startsWith(`${name}-`)) ? ', journal' : ', no journal';
}

function readIfThere(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

// The program's path, or undefined when it is not installed.
export function which(program) {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

// VmRSS and VmHWM (peak) of a process, in MB.
export function memoryOf(pid) {
  const status = readIfThere(`/proc/${pid}/status`) ?? '';
  const kb = (key) => Number(new RegExp(`^${key}:\\s*(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

// CPU time a process has used so far (user + system, all its threads, not its
// children's), in ms; /proc counts it in clock ticks (usually 10 ms).
export function cpuMsOf(pid) {
  const stat = readIfThere(`/proc/${pid}/stat`) ?? '';
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

// The job's own clock against ours: a job that prints `date +%s%N` right after we
// read now() must print a later time, and not much later. Returns the spread seen.
export function checkClock(samples = 20) {
  const gaps = [];
  for (let i = 0; i < samples; i += 1) {
    const before = now();
    const out = spawnSync('date', ['+%s%N'], { encoding: 'utf8' });
    const after = now();
    const stamp = Number(BigInt(out.stdout.trim()) / 1000n) / 1000;
    if (stamp < before - 0.5 || stamp > after + 0.5) throw new Error(`clock check failed: date says ${stamp}, ours ${before}..${after}`);
    gaps.push(stamp - before);
  }
  return stats(gaps);
}

// `date +%s%N` output → epoch ms (float).
export function stampOf(text) {
  const line = text.split('\n').find((l) => /^\d{18,20}$/.test(l.trim()));
  if (line === undefined) throw new Error(`no nanosecond time stamp in ${JSON.stringify(text.slice(0, 200))}`);
  return Number(BigInt(line.trim()) / 1000n) / 1000;
}

// ---- scratch space and job files --------------------------------------------------

// Whatever must not outlive the bench (daemons, task-spooler servers) registers here;
// run.mjs calls everything left on an error or Ctrl-C.
const cleanups = new Set();
export function atCleanup(task) {
  cleanups.add(task);
  return () => cleanups.delete(task);
}
export async function cleanUpAll() {
  for (const task of [...cleanups]) {
    cleanups.delete(task);
    await Promise.resolve(task()).catch(() => undefined);
  }
  removeAllScratch();
}

const scratch = [];
function scratchBase() {
  return process.env.MCPQ_BENCH_TMP ?? tmpdir();
}

export function scratchDir(label) {
  const dir = mkdtempSync(join(scratchBase(), `mcpq-bench-${label}-`));
  scratch.push(dir);
  return dir;
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  const i = scratch.indexOf(dir);
  if (i >= 0) scratch.splice(i, 1);
}

function removeAllScratch() {
  for (const dir of [...scratch]) removeDir(dir);
}

// A queue folder with the folders the bench watches already there.
export function makeQueue(dir) {
  const root = join(dir, 'queue');
  for (const sub of ['pending', 'completed', 'failed']) mkdirSync(join(root, sub), { recursive: true });
  return { root, pending: join(root, 'pending'), completed: join(root, 'completed'), failed: join(root, 'failed') };
}

// n job files named <prefix>000001.json… (in run order: same mtime second, then name).
export function writeJobs(pendingDir, n, job, prefix = 'j') {
  const text = `${JSON.stringify(job)}\n`;
  const width = String(n).length;
  for (let i = 1; i <= n; i += 1) writeFileSync(join(pendingDir, `${prefix}${String(i).padStart(width, '0')}.json`), text);
}

// Hard-links a folder of job files into another (fast for 100,000 files; the daemon
// renames the links away and never writes into a job file in place).
export function linkCopy(from, to) {
  const done = spawnSync('cp', ['-al', from, to]);
  if (done.status !== 0) throw new Error(`cp -al ${from} ${to}: ${done.stderr}`);
}

// ---- records as they appear ---------------------------------------------------------

// Counts records (<id>.json) appearing in completed/ and failed/, with the time each
// was seen. fs.watch, not polling: the bench must not steal CPU from the daemon.
export function watchRecords(queue) {
  const seen = new Map(); // name → { at, state }
  const waiters = [];
  const onEvent = (state) => (_event, filename) => {
    if (filename === null || !String(filename).endsWith('.json')) return;
    const name = String(filename);
    if (seen.has(name) || !existsSync(join(queue[state], name))) return;
    seen.set(name, { at: now(), state });
    for (const w of [...waiters]) w.check();
  };
  const watchers = [watch(queue.completed, onEvent('completed')), watch(queue.failed, onEvent('failed'))];
  return {
    seen,
    get count() {
      return seen.size;
    },
    // Resolves with the time the nth record was seen.
    waitFor(n, timeoutMs = 600_000, what = `${n} records`) {
      return new Promise((resolveWait, reject) => {
        const waiter = {
          check() {
            if (seen.size < n) return;
            waiters.splice(waiters.indexOf(waiter), 1);
            clearTimeout(timer);
            resolveWait([...seen.values()].map((s) => s.at).sort((a, b) => a - b)[n - 1]);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (saw ${seen.size})`));
        }, timeoutMs);
        waiters.push(waiter);
        waiter.check();
      });
    },
    failed() {
      return [...seen.entries()].filter(([, s]) => s.state === 'failed').map(([name]) => name);
    },
    close() {
      for (const w of watchers) w.close();
    },
  };
}

export function readRecord(queue, name) {
  for (const state of ['completed', 'failed']) {
    const path = join(queue[state], name);
    if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8'));
  }
  return undefined;
}

// Epoch ms of the earliest result.started_at among these records.
export function firstStarted(queue, names) {
  let first = Infinity;
  for (const name of names) {
    const started = Date.parse(readRecord(queue, name)?.result?.started_at ?? '');
    if (started < first) first = started;
  }
  return first;
}

// ---- the daemon -------------------------------------------------------------------

let profileDir; // --profile DIR: every daemon writes a CPU profile there
export function profileInto(dir) {
  profileDir = dir;
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
}

// NODE_EXTRA_CA_CERTS makes every Node 20 process read and parse that CA bundle at
// start-up (+50 to 80 ms per start on the machine this was written on): a property of the
// machine, not of mcpq, so the bench leaves it out, and the submit section shows its cost.
// Set but empty, a variable changes nothing: it is not counted as stripped.
export const STRIPPED = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'].filter((key) => (process.env[key] ?? '') !== '');

// The environment for every child: the user's own queues' settings left out, then `extra`.
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (STRIPPED.includes(key) || key === 'MCPQ_QUEUE' || key === 'NQDIR' || key.startsWith('TS_')) delete env[key];
  }
  return { ...env, ...extra };
}
export { cleanEnv };

// Starts `mcpq daemon` on a queue. `ready` resolves when it says it is serving (the
// pending index is loaded by then). `profileName` names its CPU profile under --profile.
export function startDaemon(root, args = [], { profileName } = {}) {
  const profiling = profileDir === undefined || profileName === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profileName}.cpuprofile`];
  const nodeArgs = [...DAEMON_NODE_FLAGS, ...profiling];
  const spawnedAt = now();
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'daemon', '--queue', root, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  const ready = new Promise((resolveReady, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (output.includes(' serving ')) resolveReady(now());
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    void exited.then(({ code, signal }) => reject(new Error(`daemon exited (${code ?? signal}) before serving: ${output.slice(0, 2000)}`)));
  });
  ready.catch(() => undefined);
  const forget = atCleanup(() => child.kill('SIGKILL'));
  void exited.then(forget);
  return {
    pid: child.pid,
    spawnedAt,
    ready,
    output: () => output,
    memory: () => memoryOf(child.pid),
    cpuMs: () => cpuMsOf(child.pid),
    // SIGTERM, then SIGKILL (this daemon's pid only) if it has not exited in time.
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

// ---- small things -----------------------------------------------------------------

// Wall time of one short command, run to its exit (ms).
export function timeCommand(program, args, options = {}) {
  const started = now();
  const done = spawnSync(program, args, { stdio: 'ignore', env: cleanEnv(), ...options });
  const took = now() - started;
  if (done.status !== 0) throw new Error(`${program} ${args.join(' ')} exited ${done.status ?? done.signal}`);
  return took;
}

export async function until(condition, { timeoutMs = 30_000, what = 'a condition', everyMs = 5 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
