// Pausing a queue: control/paused exists. Every daemon on the queue stops claiming
// while it does (running jobs finish); the file survives daemon restarts, so a paused
// queue stays paused until `mcpq resume` removes it.
import { lstat, readFile } from 'node:fs/promises';
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

// The pause, or undefined when the queue is not paused. Present is what counts: a
// file that is not the JSON pauseQueue writes (`null`, a list, edited by hand) or
// cannot be read still pauses every daemon, so it is reported as a pause too, dated by
// its mtime, rather than as none (status, list) or as a crash (pause).
export async function pauseState(layout: QueueLayout): Promise<PauseState | undefined> {
  let text: string | undefined;
  try {
    text = await readFile(pausePath(layout), 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
  }
  const state = text === undefined ? undefined : parsePause(text);
  if (state !== undefined) return state;
  try {
    return { paused_at: (await lstat(pausePath(layout))).mtime.toISOString(), by: 'unknown' };
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined; // resumed meanwhile
    throw error;
  }
}

function parsePause(text: string): PauseState | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { paused_at, by } = value as Record<string, unknown>;
    return typeof paused_at === 'string' && typeof by === 'string' ? { paused_at, by } : undefined;
  } catch {
    return undefined;
  }
}
