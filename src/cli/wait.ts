// Waiting for a job's record, for the CLI: the watching and polling live in
// jobs/wait.ts, shared with `mcpq wait`, `mcpq cancel` and the MCP server.
import type { QueueLayout } from '../queue/layout.js';
import type { JobRecord } from '../queue/records.js';
import { waitForRecord as waitUntilRecorded } from '../jobs/wait.js';

export async function waitForRecord(layout: QueueLayout, id: string, pollMs = 500): Promise<JobRecord> {
  // Without an abort signal the wait ends only with a record.
  return (await waitUntilRecorded(layout, id, { pollMs }))!;
}

// Said before a wait that only a daemon can end (submit --wait, wait, logs -f): with
// none on the queue (not started, or another --queue; `mcpq cancel`'s short lease runs
// no job), or the queue paused, it would last without a word.
export async function sayWhyItMayWait(layout: QueueLayout, what: string): Promise<void> {
  const [{ listDaemons }, { pauseState }] = await Promise.all([import('../queue/owner.js'), import('../queue/pause.js')]);
  if (!(await listDaemons(layout)).some((d) => d.alive && d.info.concurrency > 0)) {
    process.stderr.write(`mcpq: no daemon is serving ${layout.root}; ${what} until one starts (mcpq daemon)\n`);
  }
  if ((await pauseState(layout)) !== undefined) process.stderr.write(`mcpq: ${layout.root} is paused; pending jobs start only after mcpq resume\n`);
}
