// The pause and resume commands' body.
import { userInfo, hostname } from 'node:os';
import { ensureQueue, layoutOf } from '../../queue/layout.js';
import { pauseQueue, pauseState, resumeQueue } from '../../queue/pause.js';
import { resolveQueueRoot } from '../queue-root.js';

export async function runPause(queue: string | undefined, pause: boolean): Promise<void> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  await ensureQueue(layout);
  const before = await pauseState(layout);
  if (pause) {
    if (before === undefined) await pauseQueue(layout, `${userInfo().username}@${hostname()}`);
    process.stdout.write(before === undefined ? `paused ${layout.root}: no new jobs start until "mcpq resume"\n` : `already paused (since ${before.paused_at}, by ${before.by})\n`);
  } else {
    await resumeQueue(layout);
    process.stdout.write(before === undefined ? `not paused: ${layout.root}\n` : `resumed ${layout.root}\n`);
  }
}
