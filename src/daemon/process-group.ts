// Signals to a job's whole process group, and finding that group after a crash. Every
// job runs as the leader of its own group (spawned detached), so -pid reaches it and
// everything it started that did not leave the group on purpose.
import { readdirSync, readFileSync } from 'node:fs';
import { errnoCode } from '../core/errors.js';
import { processStartTime } from '../queue/process-start.js';

// Returns false when the group no longer exists.
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true; // exists, but not ours to signal
    throw error;
  }
}

// Whether anything of the group still runs. kill(-pgid, 0) also counts zombies: the
// processes of a job whose daemon died belong to init, which may reap them slowly, so
// on Linux the group's members are looked up in /proc and zombies do not count.
export function groupExists(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  const members = liveMembers(pgid);
  return members === undefined || members > 0;
}

function liveMembers(pgid: number): number | undefined {
  const processes = listProcesses();
  return processes?.filter((p) => p.pgid === pgid && p.state !== 'Z').length;
}

interface ProcessEntry {
  readonly pid: number;
  readonly state: string;
  readonly pgid: number;
}

// Every process, from /proc; undefined without /proc.
function listProcesses(): ProcessEntry[] | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const processes: ProcessEntry[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state, ppid, pgrp, …
      processes.push({ pid: Number(pid), state: fields[0]!, pgid: Number(fields[2]) });
    } catch {
      // gone meanwhile
    }
  }
  return processes;
}

// A pid outlives its process: once a job's group is gone, its number may lead another
// group. The job's main process (the group's leader) started just after its claim
// noted `startedAt` (epoch ms), so a leader that started at another time is not the
// job's. Start times are known on Linux only, and only while the leader lives; a group
// whose leader is unknown is taken to be the job's (Linux reuses no pid while its group
// lives, so that group began as the job's unless the job ended and its pid was reused).
export function isJobGroup(pgid: number, startedAt: number): boolean {
  const start = processStartTime(pgid);
  return start === undefined || (start >= startedAt - START_SLACK_MS && start <= startedAt + SPAWN_WINDOW_MS);
}

const START_SLACK_MS = 2_000; // /proc's start times are to the boot second
const SPAWN_WINDOW_MS = 10_000; // from the claim's note to the spawn: its cwd and logs are opened in between

// The process groups of a job whose group was never noted (its daemon died while it
// was being spawned), found by the environment every job gets: MCPQ_JOB_ID and
// MCPQ_QUEUE. Linux only (/proc/<pid>/environ); elsewhere none are found.
export function groupsOfJob(id: string, queue: string): number[] {
  const wanted = [`MCPQ_JOB_ID=${id}`, `MCPQ_QUEUE=${queue}`];
  const groups = new Set<number>();
  for (const p of listProcesses() ?? []) {
    if (p.state === 'Z' || groups.has(p.pgid)) continue;
    try {
      const environ = readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0');
      if (wanted.every((entry) => environ.includes(entry))) groups.add(p.pgid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return [...groups];
}

// SIGTERM the group now, SIGKILL it after `graceMs` if anything is left.
// Resolves once the group is gone (or after the SIGKILL), with the last signal sent
// (none when the group was gone already).
export async function stopGroup(pgid: number, graceMs: number, pollMs = 20): Promise<'SIGTERM' | 'SIGKILL' | undefined> {
  if (!signalGroup(pgid, 'SIGTERM')) return undefined;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    if (!groupExists(pgid)) return 'SIGTERM';
  }
  signalGroup(pgid, 'SIGKILL');
  return 'SIGKILL';
}
