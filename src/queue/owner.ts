// Who holds a claim, and whether they are still alive. A daemon writes
// daemons/<tag>.json when it starts and touches it every heartbeat; the file's mtime
// is the lease. An owner on this host is dead when its pid is gone or the host has
// rebooted: its pid is the truth, so a daemon stopped for a while (Ctrl-Z, a debugger)
// keeps its jobs however old its lease. An owner on another host is dead when its lease
// is older than the lease period, measured against the filesystem's own clock so that
// hosts with skewed clocks agree. A pid now used by a process that started after the
// daemon registered (process-start.ts) is not alive.
import { hostname, uptime } from 'node:os';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode } from '../core/errors.js';
import { unlinkIfExists, writeAtomic } from './files.js';
import { processStartTime } from './process-start.js';
import type { QueueLayout } from './layout.js';

export const daemonInfoSchema = z.looseObject({
  tag: z.string(),
  host: z.string(),
  pid: z.number().int(),
  boot_time: z.number(), // epoch ms, to the second: tells a reboot from a live host
  started_at: z.string(),
  version: z.string(),
  concurrency: z.number().int(),
  queue: z.string(),
  supervisor: z.string().optional(),
  poll: z.boolean().optional(),
  lease_ms: z.number().int(),
});
export type DaemonInfo = z.infer<typeof daemonInfoSchema>;

// The host's boot time (to the 10 s), read once: it does not change while we run.
let booted: number | undefined;
export function bootTime(): number {
  booted ??= Math.round((Date.now() - uptime() * 1_000) / 10_000) * 10_000;
  return booted;
}

export function thisHost(): string {
  return hostname();
}

function infoPath(layout: QueueLayout, tag: string): string {
  return join(layout.daemons, `${tag}.json`);
}

export async function registerDaemon(layout: QueueLayout, info: DaemonInfo): Promise<void> {
  await writeAtomic(infoPath(layout, info.tag), `${JSON.stringify(info, null, 2)}\n`);
}

// Renews the lease by writing one byte of the file again as it is: the filesystem then
// sets the mtime by its own clock (an NFS server's, the same for every host), where
// utimes(now) would set this host's.
export async function heartbeat(layout: QueueLayout, tag: string): Promise<void> {
  const handle = await open(infoPath(layout, tag), 'r+');
  try {
    await handle.write('{', 0); // the file is a JSON object
  } finally {
    await handle.close();
  }
}

export async function unregisterDaemon(layout: QueueLayout, tag: string): Promise<void> {
  await unlinkIfExists(infoPath(layout, tag));
}

export interface DaemonState {
  readonly info: DaemonInfo;
  readonly heartbeatAt: number; // lease file mtime, epoch ms
  readonly alive: boolean;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

// `fsNow` is the filesystem's idea of now (the mtime of a file just touched).
export function isAlive(info: DaemonInfo, heartbeatAt: number, fsNow: number): boolean {
  if (info.host !== thisHost()) return fsNow - heartbeatAt <= info.lease_ms;
  if (Math.abs(info.boot_time - bootTime()) > 60_000) return false;
  return pidAlive(info.pid) && !pidReused(info.pid, Date.parse(info.started_at));
}

// A process that started after the daemon registered is not the daemon: its pid was
// reused. (The daemon registers after it starts, so its own start is earlier.)
function pidReused(pid: number, registeredAt: number): boolean {
  const started = processStartTime(pid);
  return started !== undefined && started > registeredAt + 2_000;
}

// Every daemon that has registered on this queue, alive or not.
export async function listDaemons(layout: QueueLayout, fsNow?: number): Promise<DaemonState[]> {
  let names: string[];
  try {
    names = await readdir(layout.daemons);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  const now = fsNow ?? Date.now();
  const states = await Promise.all(
    names
      .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
      .map(async (name): Promise<DaemonState | undefined> => {
        try {
          const path = join(layout.daemons, name);
          const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
          const info = daemonInfoSchema.parse(JSON.parse(text));
          return { info, heartbeatAt: st.mtimeMs, alive: isAlive(info, st.mtimeMs, now) };
        } catch {
          return undefined; // vanished or half-written: not a daemon we can reason about
        }
      }),
  );
  return states.filter((s): s is DaemonState => s !== undefined);
}

// The filesystem's clock: touch our own lease and read its mtime back.
export async function filesystemNow(layout: QueueLayout, tag: string): Promise<number> {
  await heartbeat(layout, tag);
  return (await stat(infoPath(layout, tag))).mtimeMs;
}
