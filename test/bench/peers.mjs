// The tools users would otherwise pick, driven the way their manuals say, each on a
// private queue (task-spooler: TS_SOCKET and TMPDIR; nq: NQDIR) so that nothing of
// the user's is touched and runs do not see each other.
//
// Holding a queue: the first job(s) of the queue block reading a FIFO each; the bench
// opens every FIFO for writing (which succeeds only once its reader runs, so the
// blockers are known to occupy the slots), queues the real jobs behind them, and
// releases them all at once by closing the FIFOs (the readers see end of file).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atCleanup, cleanEnv, now, scratchDir, removeDir, sleep, stampOf, until, which } from './lib.mjs';

export const INSTALL_HINT = 'apt-get install task-spooler nq';

export function peersAvailable() {
  return { tsp: which('tsp') !== undefined, nq: which('nq') !== undefined };
}

// task-spooler 1.0 keeps a socket per queued job and serves at most ~1,000 of them
// (its MAXCONN; beyond that `tsp` blocks), so a held queue holds at most this many.
export const TSP_MAX_HELD = 900;

async function holdFifos(dir, count) {
  const paths = Array.from({ length: count }, (_, i) => join(dir, `hold-${i}.fifo`));
  const made = spawnSync('mkfifo', paths);
  if (made.status !== 0) throw new Error(`mkfifo: ${made.stderr}`);
  return paths;
}

// Opens each FIFO for writing once its reader (a blocker job) is running.
async function occupy(paths) {
  const fds = [];
  for (const path of paths) {
    fds.push(
      await until(
        () => {
          try {
            return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
          } catch (error) {
            if (error.code === 'ENXIO') return undefined; // no reader yet
            throw error;
          }
        },
        { timeoutMs: 20_000, what: `a blocker job to read ${path}` },
      ),
    );
  }
  return () => {
    for (const fd of fds.splice(0)) closeSync(fd);
  };
}

// Runs `program args…` n times from a shell loop (a fork+exec each, as a user's script
// would, without Node's spawn cost per job).
function submitMany(env, n, words) {
  const loop = spawnSync('sh', ['-c', 'n=$1; shift; i=0; while [ "$i" -lt "$n" ]; do "$@" >/dev/null 2>&1 || exit 1; i=$((i+1)); done', 'sh', String(n), ...words], { env, stdio: 'ignore' });
  if (loop.status !== 0) throw new Error(`queueing ${n} × ${words.join(' ')} failed (${loop.status ?? loop.signal})`);
}

// Wait for `program args` in the background; resolves with the time it exited.
function waiter(env, program, args) {
  const child = spawn(program, args, { env, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(now()) : reject(new Error(`${program} ${args.join(' ')} exited ${code}`))));
  });
}

export class TaskSpooler {
  constructor(slots) {
    this.dir = scratchDir('tsp');
    this.slots = slots;
    this.env = cleanEnv({ TS_SOCKET: join(this.dir, 'socket'), TMPDIR: this.dir, TS_SLOTS: String(slots), TS_MAXFINISHED: '100000' });
    this.forget = atCleanup(() => this.close());
  }

  run(args, options = {}) {
    const done = spawnSync('tsp', args, { env: this.env, encoding: 'utf8', ...options });
    if (done.status !== 0) throw new Error(`tsp ${args.join(' ')}: ${done.status ?? done.signal} ${done.stderr ?? ''}`);
    return done.stdout ?? '';
  }

  busy() {
    return this.run(['-l'])
      .split('\n')
      .filter((line) => /\s(running|queued|allocating)\s/.test(line)).length;
  }

  // Queues n jobs behind `slots` blockers, releases them; ms from release to the last
  // job finished (tsp -w on the last id, which starts last).
  async drain(n, words = ['true']) {
    const release = await occupy(await this.#blockers());
    try {
      submitMany(this.env, n, ['tsp', ...words]);
      const lastId = this.slots + n - 1; // ids count from 0; the blockers came first
      const finished = waiter(this.env, 'tsp', ['-w', String(lastId)]);
      await sleep(300); // let the waiter connect
      const releasedAt = now();
      release();
      let endAt = await finished;
      if (this.busy() > 0) {
        await until(() => this.busy() === 0, { timeoutMs: 60_000, what: 'task-spooler to finish', everyMs: 2 });
        endAt = now();
      }
      return { ms: endAt - releasedAt };
    } finally {
      release();
    }
  }

  async #blockers() {
    const fifos = await holdFifos(this.dir, this.slots);
    for (const fifo of fifos) this.run(['cat', fifo]);
    return fifos;
  }

  // Submit-to-start: the shell prints the time, then becomes `tsp date +%s%N`.
  async pickup() {
    const out = spawnSync('sh', ['-c', 'date +%s%N; exec tsp date +%s%N'], { env: this.env, encoding: 'utf8' }).stdout.trim().split('\n');
    const submittedAt = stampOf(out[0]);
    const id = out[1].trim();
    this.run(['-w', id]);
    const file = this.run(['-o', id]).trim();
    return stampOf(readFileSync(file, 'utf8')) - submittedAt;
  }

  close() {
    this.forget();
    spawnSync('tsp', ['-K'], { env: this.env, stdio: 'ignore' });
    removeDir(this.dir);
  }
}

export class Nq {
  constructor() {
    this.dir = scratchDir('nq');
    this.queue = join(this.dir, 'queue');
    this.env = cleanEnv({ NQDIR: this.queue });
  }

  // nq runs one job at a time; ms from release to the last job finished (nq -w).
  async drain(n, words = ['true']) {
    const [fifo] = await holdFifos(this.dir, 1);
    spawnSync('nq', ['-q', 'cat', fifo], { env: this.env, stdio: 'ignore' });
    const release = await occupy([fifo]);
    try {
      submitMany(this.env, n, ['nq', '-q', ...words]);
      const finished = waiter(this.env, 'nq', ['-w']);
      await sleep(300);
      const releasedAt = now();
      release();
      return { ms: (await finished) - releasedAt };
    } finally {
      release();
    }
  }

  async pickup() {
    const out = spawnSync('sh', ['-c', 'date +%s%N; exec nq date +%s%N'], { env: this.env, encoding: 'utf8' }).stdout.trim().split('\n');
    const submittedAt = stampOf(out[0]);
    const path = join(this.queue, out[1].trim());
    // nq prints the id before its forked job has created the file.
    await until(() => existsSync(path), { what: `nq's job file ${path}` });
    spawnSync('nq', ['-w', path], { env: this.env, stdio: 'ignore' });
    return stampOf(readFileSync(path, 'utf8')) - submittedAt;
  }

  close() {
    removeDir(this.dir);
  }
}
