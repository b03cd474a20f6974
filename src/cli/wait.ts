// Waiting for a job's record, for the CLI: the watching and polling live in
// jobs/wait.ts, shared with `mcpq wait`, `mcpq cancel` and the MCP server.
import type { QueueLayout } from '../queue/layout.js';
import type { JobRecord } from '../queue/records.js';
import { waitForRecord as waitUntilRecorded } from '../jobs/wait.js';

export async function waitForRecord(layout: QueueLayout, id: string, pollMs = 500): Promise<JobRecord> {
  // Without an abort signal the wait ends only with a record.
  return (await waitUntilRecorded(layout, id, { pollMs }))!;
}
