// When a process started, to tell a live daemon from another process that got its
// pid after it died. Linux only (from /proc); elsewhere undefined, and the lease alone
// decides.
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture in use

let bootSeconds: number | undefined;

function bootTimeSeconds(): number | undefined {
  if (bootSeconds === undefined) {
    try {
      const line = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
      bootSeconds = line ? Number(line[1]) : undefined;
    } catch {
      bootSeconds = undefined;
    }
  }
  return bootSeconds;
}

// Epoch ms, or undefined when unknown (no /proc, or no such process).
export function processStartTime(pid: number): number | undefined {
  const boot = bootTimeSeconds();
  if (boot === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 of the whole line
    return Number.isFinite(ticks) ? (boot + ticks / CLOCK_TICKS_PER_SECOND) * 1_000 : undefined;
  } catch {
    return undefined;
  }
}
