// The retry command's body: one new job per id (jobs/retry.ts), its id on stdout. As
// for cancel, every id must name a job before any is retried; then one that cannot be
// retried (already retried, completed…) is said on stderr, one line each, and the
// others are retried all the same. Exit 0 when every job was retried, else the first
// refusal's exit code.
import { ExitCode, McpqError } from '../../core/errors.js';
import { locateIds } from '../../jobs/find.js';
import { retryJob } from '../../jobs/retry.js';
import type { RetryResult } from '../../jobs/types.js';
import { layoutOf } from '../../queue/layout.js';
import { resolveQueueRoot } from '../queue-root.js';

export async function runRetry(queue: string | undefined, refs: readonly string[], flags: { json?: boolean }): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const ids = await locateIds(layout, refs);
  const results: RetryResult[] = [];
  const refused: McpqError[] = [];
  try {
    // One at a time: each new id must see the ones just taken.
    for (const id of ids) {
      try {
        results.push(await retryJob(layout, id));
      } catch (error) {
        if (!(error instanceof McpqError)) throw error;
        refused.push(error);
      }
    }
  } finally {
    // Also when a fault of the machine stops the rest: the jobs already queued are said.
    process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : results.map((r) => `${r.id}\n`).join(''));
    for (const error of refused) process.stderr.write(`mcpq: ${error.message}\n`);
  }
  return refused[0]?.exitCode ?? ExitCode.ok;
}
