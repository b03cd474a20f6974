// Records as the MCP tools show them. A record keeps up to 1 MiB of each stream, and
// a tool answer carries its data twice (structured and as text): whole, one noisy
// job's get_job would be megabytes, more than an agent's context takes in one answer
// (clients refuse or cut such answers). So the tools show the last
// RECORD_OUTPUT_BYTES of stdout and stderr, in whole characters, and get_job_output
// reads all of it. Pure; the record is redacted by the caller.
import type { JobRecord } from '../queue/records.js';

export const RECORD_OUTPUT_BYTES = 8 * 1024;

export interface ShownRecord {
  readonly record: JobRecord;
  readonly cut: boolean; // stdout or stderr shows only its end
}

export function shownRecord(record: JobRecord): ShownRecord {
  const result: Record<string, unknown> = { ...record.result };
  let cut = false;
  for (const stream of ['stdout', 'stderr'] as const) {
    const text = result[stream];
    if (typeof text !== 'string' || Buffer.byteLength(text) <= RECORD_OUTPUT_BYTES) continue;
    result[stream] = endOf(text, RECORD_OUTPUT_BYTES);
    cut = true;
    // A plugin's parsed stdout is as large as its stdout: it is there whole, read it there.
    if (stream === 'stdout' && 'output' in result) delete result.output;
  }
  if (cut) result.truncated = true;
  return { record: cut ? { ...record, result } : record, cut };
}

// What a summary line adds when a record was cut.
export function cutNote(id: string): string {
  return `; stdout and stderr show their last ${RECORD_OUTPUT_BYTES / 1024} KiB here (get_job_output reads ${id}'s whole output)`;
}

// The last `bytes` bytes of `text`, from its first whole character on.
function endOf(text: string, bytes: number): string {
  const all = Buffer.from(text, 'utf8');
  let start = all.length - bytes;
  while (start < all.length && (all[start]! & 0xc0) === 0x80) start += 1; // inside a character
  return all.subarray(start).toString('utf8');
}
