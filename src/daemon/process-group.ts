// Signals to a job's whole process group. Every job runs as the leader of its own
// group (spawned detached), so -pid reaches it and everything it started that did
// not leave the group on purpose.
import { errnoCode } from '../core/errors.js';

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

export function groupExists(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

// SIGTERM the group now, SIGKILL it after `graceMs` if anything is left.
// Resolves once the group is gone (or after the SIGKILL).
export async function stopGroup(pgid: number, graceMs: number, pollMs = 20): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    if (!groupExists(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
}
