// A plugin prints JSON; the record keeps it parsed as `result.output`, on success and
// on failure alike (where it carries the plugin's own error). Pure.
import type { StreamTail } from '../queue/records.js';

// `{output: value}` when the whole of stdout is one JSON value, else nothing. A
// truncated stdout is only the tail of what was printed, so it is never parsed.
export function jsonOutput(stdout: StreamTail): { output: unknown } | undefined {
  if (stdout.truncated || stdout.text.trim() === '') return undefined;
  try {
    return { output: JSON.parse(stdout.text) };
  } catch {
    return undefined;
  }
}
