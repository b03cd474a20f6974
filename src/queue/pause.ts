// Pausing a queue: control/paused exists. Every daemon on the queue stops claiming
// while it does (running jobs finish); the file survives daemon restarts, so a paused
// queue stays paused until `mcpq resume` removes it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../core/errors.js';
import { unlinkIfExists, writeAtomic } from './files.js';
import type { QueueLayout } from './layout.js';

export const PAUSE_FILE = 'paused';

export interface PauseState {
  readonly paused_at: string;
  readonly by: string;
}

function pausePath(layout: QueueLayout): string {
  return join(layout.control, PAUSE_FILE);
}

export async function pauseQueue(layout: QueueLayout, by: string, now = new Date()): Promise<void> {
  const state: PauseState = { paused_at: now.toISOString(), by };
  await writeAtomic(pausePath(layout), `${JSON.stringify(state)}\n`);
}

export async function resumeQueue(layout: QueueLayout): Promise<void> {
  await unlinkIfExists(pausePath(layout));
}

// The pause, or undefined when the queue is not paused.
export async function pauseState(layout: QueueLayout): Promise<PauseState | undefined> {
  try {
    const text = await readFile(pausePath(layout), 'utf8');
    try {
      return JSON.parse(text) as PauseState;
    } catch {
      return { paused_at: '', by: 'unknown' }; // present is what counts
    }
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
