// Waiting for a job's record: watch the finished folders, check, and re-check at a
// slow interval in case a watch event is missed (network filesystems).
import { watch, type FSWatcher } from 'node:fs';
import type { QueueLayout } from '../queue/layout.js';
import { readRecord, type JobRecord } from '../queue/records.js';

export async function waitForRecord(layout: QueueLayout, id: string, pollMs = 500): Promise<JobRecord> {
  let wake: (() => void) | undefined;
  const watchers: FSWatcher[] = [];
  for (const dir of [layout.completed, layout.failed]) {
    try {
      watchers.push(watch(dir, { persistent: false }, () => wake?.()));
    } catch {
      // no watch support here: the poll below still finds the record
    }
  }
  try {
    for (;;) {
      const record = await readRecord(layout, id);
      if (record !== undefined) return record;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    for (const w of watchers) w.close();
  }
}
