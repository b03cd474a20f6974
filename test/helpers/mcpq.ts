// Test helpers: a fresh queue in a temp folder, the built CLI and daemon as real
// child processes, and waiting on conditions with a deadline (never fixed sleeps).
import { execa, type ResultPromise } from 'execa';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/mcpq.js');

// What a test made (queues, daemons, mounts), undone after each test by
// test/setup.ts, in reverse order.
const cleanups: (() => Promise<void> | void)[] = [];
export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!();
}

export interface TempQueue {
  readonly root: string;
  readonly dir: string; // a scratch folder beside the queue
  path(...parts: string[]): string;
  drop(name: string, content: string | Buffer): string; // written elsewhere, renamed in
  files(state: string): string[];
  record(id: string): Record<string, any> | undefined;
}

let drops = 0;

export function tempQueue(): TempQueue {
  const dir = mkdtempSync(join(tmpdir(), 'mcpq-test-'));
  const root = join(dir, 'queue');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const q: TempQueue = {
    root,
    dir,
    path: (...parts) => join(root, ...parts),
    drop(name, content) {
      const temp = join(dir, `.drop-${(drops += 1)}`); // not named after `name`, which may be as long as a name can be
      writeFileSync(temp, content);
      mkdirSync(join(root, 'pending'), { recursive: true });
      renameSync(temp, join(root, 'pending', name));
      return name;
    },
    files(state) {
      try {
        return readdirSync(join(root, state)).filter((n) => !n.startsWith('.')).sort();
      } catch {
        return [];
      }
    },
    record(id) {
      for (const state of ['completed', 'failed']) {
        const p = join(root, state, `${id}.json`);
        if (existsSync(p)) return JSON.parse(readFileSync(p, 'utf8'));
      }
      return undefined;
    },
  };
  return q;
}

// Mounting (tmpfs, bind mounts) needs root: tests of a full disk or a read-only folder
// are skipped without it.
export const IS_ROOT = process.getuid?.() === 0;

// Mounts `what` on `where` (arguments to mount(8)) until the end of the test.
export function mount(args: readonly string[], where: string): void {
  execFileSync('mount', [...args, where]);
  cleanups.push(() => {
    try {
      execFileSync('umount', [where], { stdio: 'ignore' });
    } catch {
      // unmounted by the test itself
    }
  });
}

export interface FullDiskQueue extends TempQueue {
  fill(): void; // fills the filesystem to the last byte
  unfill(): void;
}

// A temp queue on a small tmpfs of its own (root only), whose disk a test can fill.
export function tmpfsQueue(size = '4m'): FullDiskQueue {
  const q = tempQueue();
  mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs'], q.dir);
  const filler = join(q.dir, 'filler');
  return {
    ...q,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      // The last partial chunk too: nothing is left.
      try {
        for (;;) writeSync(fd, chunk, 0, 512);
      } catch {
        // full
      } finally {
        closeSync(fd);
      }
    },
    unfill() {
      unlinkSync(filler);
    },
  };
}

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

// Runs the built `mcpq` with the given arguments and waits for it.
export async function mcpq(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; timeout?: number } = {}): Promise<CliResult> {
  const result = await execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? ROOT,
    timeout: options.timeout ?? 30_000,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
}

export interface RunningDaemon {
  readonly process: ResultPromise;
  readonly pid: number;
  output(): string;
  // Sends a signal and waits for the daemon to exit; returns its exit code.
  stop(signal?: NodeJS.Signals): Promise<number | undefined>;
}

// Starts the daemon and returns at once, without waiting for it to serve.
export function launchDaemon(root: string, args: readonly string[] = [], env: Record<string, string> = {}, nodeFlags: readonly string[] = []): RunningDaemon {
  const child = execa('node', [...nodeFlags, BIN, 'daemon', '--queue', root, ...args], {
    reject: false,
    env,
    stdin: 'ignore',
    all: true,
    buffer: { all: true },
  });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const daemon: RunningDaemon = {
    process: child,
    pid: child.pid!,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await child;
      return result.exitCode;
    },
  };
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await child;
    }
    killJobGroups(root); // a SIGKILLed daemon leaves its jobs running: no test may
  });
  return daemon;
}

export async function startDaemon(root: string, args: readonly string[] = [], env: Record<string, string> = {}, nodeFlags: readonly string[] = []): Promise<RunningDaemon> {
  const daemon = launchDaemon(root, args, env, nodeFlags);
  const child = daemon.process;
  await waitFor(() => daemon.output().includes('serving') || child.exitCode !== null, { timeout: 20_000, what: 'the daemon to start' });
  if (child.exitCode !== null) throw new Error(`daemon exited at start: ${daemon.output()}`);
  return daemon;
}

export interface WaitOptions {
  readonly timeout?: number;
  readonly interval?: number;
  readonly what?: string;
}

// Polls `condition` until it returns a truthy value, or fails after the deadline.
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeout ?? 20_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, options.interval ?? 25));
  }
}

export async function waitForRecord(q: TempQueue, id: string, timeout = 20_000): Promise<Record<string, any>> {
  return waitFor(() => q.record(id), { timeout, what: `the record of ${id}` });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// The process groups of the jobs a queue's claims name (running/<id>.claim, "pgid").
function killJobGroups(root: string): void {
  const running = join(root, 'running');
  const names = existsSync(running) ? readdirSync(running).filter((n) => n.endsWith('.claim')) : [];
  for (const name of names) {
    try {
      const { pgid } = JSON.parse(readFileSync(join(running, name), 'utf8')) as { pgid?: unknown };
      if (typeof pgid === 'number' && pgid > 1) process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone, half-written or already stopped: nothing left to stop
    }
  }
}
