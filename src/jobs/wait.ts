// Waiting for jobs to finish: a job has finished when its record exists, so watch the
// finished folders and look again (and again at a slow interval, in case an event is
// missed). Used by `mcpq submit --wait`, `mcpq wait`, `mcpq cancel` and the MCP server.
import { exitCodeOf } from '../core/outcome.js';
import type { QueueLayout } from '../queue/layout.js';
import { readRecordOrFail, type JobRecord } from '../queue/records.js';
import type { WaitResult } from './types.js';
import { wakeOnChange } from './wake.js';

export interface WaitOptions {
  readonly pollMs?: number;
  readonly signal?: AbortSignal; // stop waiting: resolves undefined
  // Give up after this long: resolves undefined. A deadline of its own, not an
  // AbortSignal.timeout() combined with `signal` by AbortSignal.any(): Node 20 holds
  // such a timeout signal only weakly, a garbage collection can take it before it
  // fires, and the wait then never ends (nodejs/node#57736).
  readonly timeoutMs?: number;
}

export async function waitForRecord(layout: QueueLayout, id: string, options: WaitOptions = {}): Promise<JobRecord | undefined> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const wake = wakeOnChange([layout.completed, layout.failed]);
  try {
    for (;;) {
      const record = await readRecordOrFail(layout, id);
      if (record !== undefined) return record;
      const left = deadline - Date.now();
      if (options.signal?.aborted || left <= 0) return undefined;
      await wake.next(Math.min(options.pollMs ?? 500, left), options.signal);
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
