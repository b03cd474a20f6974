// Waiting for jobs to finish: a job has finished when its record exists, so watch the
// finished folders and look again (and again at a slow interval, in case an event is
// missed). Used by `mcpq submit --wait`, `mcpq wait`, `mcpq cancel` and the MCP server.
import { exitCodeOf } from '../core/outcome.js';
import type { QueueLayout } from '../queue/layout.js';
import { readRecord, type JobRecord } from '../queue/records.js';
import type { WaitResult } from './types.js';
import { wakeOnChange } from './wake.js';

export interface WaitOptions {
  readonly pollMs?: number;
  readonly signal?: AbortSignal; // stop waiting: resolves undefined
}

export async function waitForRecord(layout: QueueLayout, id: string, options: WaitOptions = {}): Promise<JobRecord | undefined> {
  const wake = wakeOnChange([layout.completed, layout.failed]);
  try {
    for (;;) {
      const record = await readRecord(layout, id);
      if (record !== undefined) return record;
      if (options.signal?.aborted) return undefined;
      await wake.next(options.pollMs ?? 500, options.signal);
    }
  } finally {
    wake.close();
  }
}

export function waitResultOf(id: string, record: JobRecord): WaitResult {
  const r = record.result as { status: string; returncode?: number | null; signal?: string | null; error?: string | null };
  return {
    id,
    state: r.status === 'completed' ? 'completed' : 'failed',
    status: r.status,
    returncode: typeof r.returncode === 'number' ? r.returncode : null,
    exit_code: exitCodeOf(r),
  };
}
