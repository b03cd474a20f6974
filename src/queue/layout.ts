// The on-disk contract (design.md section 1). A job file is in exactly one state
// folder at a time; moving it between folders is a rename, so a crash can never leave
// it in two places or none.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, McpqError, errorMessage } from '../core/errors.js';
import { makeDirs } from './make-dirs.js';
import { CLAIM_SUFFIX } from './names.js';

export const StateDir = Object.freeze({
  pending: 'pending',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
} as const);
export type StateDir = (typeof StateDir)[keyof typeof StateDir];

export interface QueueLayout {
  readonly root: string;
  readonly pending: string;
  readonly running: string;
  readonly completed: string;
  readonly failed: string;
  readonly logs: string;
  readonly results: string;
  readonly plugins: string;
  // One lease file per live daemon (`<tag>.json`, its mtime is the heartbeat).
  readonly daemons: string;
  // Requests to daemons (cancel, pause) that travel through the directory.
  readonly control: string;
  readonly daemonLog: string;
}

export function layoutOf(root: string): QueueLayout {
  return Object.freeze({
    root,
    pending: join(root, StateDir.pending),
    running: join(root, StateDir.running),
    completed: join(root, StateDir.completed),
    failed: join(root, StateDir.failed),
    logs: join(root, 'logs'),
    results: join(root, 'results'),
    plugins: join(root, 'plugins'),
    daemons: join(root, 'daemons'),
    control: join(root, 'control'),
    daemonLog: join(root, 'daemon.log'),
  });
}

// Creates the queue (mode 0700: jobs may carry secrets in their env) if missing. A
// queue that has all its folders, as nearly always, is seen with one stat each: making
// them again through the thread pool took 2.5-3 ms of every `mcpq submit`. (Something
// else under a folder's name fails its first use, as it would after mkdir's EEXIST.)
export async function ensureQueue(layout: QueueLayout): Promise<void> {
  const folders = [layout.pending, layout.running, layout.completed, layout.failed, layout.logs, layout.results, layout.plugins, layout.daemons, layout.control];
  if (folders.every((dir) => existsSync(dir))) return;
  try {
    await makeDirs(layout.root, 0o700);
    await Promise.all(folders.map((dir) => makeDirs(dir, 0o700)));
  } catch (error) {
    throw new McpqError(`cannot make a queue in ${layout.root}: ${errorMessage(error)}`, ExitCode.failure);
  }
}

export function recordPath(layout: QueueLayout, state: 'completed' | 'failed', id: string): string {
  return join(state === 'completed' ? layout.completed : layout.failed, `${id}.json`);
}

export function logPath(layout: QueueLayout, id: string, stream: 'out' | 'err'): string {
  return join(layout.logs, `${id}.${stream}`);
}

// running/<id>.claim: who runs the job with this id (queue/claims.ts).
export function claimPath(layout: QueueLayout, id: string): string {
  return join(layout.running, `${id}${CLAIM_SUFFIX}`);
}
