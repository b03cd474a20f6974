// The retry command's body: one new job per id (jobs/retry.ts), its id on stdout.
import { ExitCode } from '../../core/errors.js';
import { locateIds } from '../../jobs/find.js';
import { retryJob } from '../../jobs/retry.js';
import type { RetryResult } from '../../jobs/types.js';
import { layoutOf } from '../../queue/layout.js';
import { resolveQueueRoot } from '../queue-root.js';

export async function runRetry(queue: string | undefined, refs: readonly string[], flags: { json?: boolean }): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const ids = await locateIds(layout, refs);
  const results: RetryResult[] = [];
  // One at a time: each new id must see the ones just taken.
  for (const id of ids) results.push(await retryJob(layout, id));
  process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : results.map((r) => `${r.id}\n`).join(''));
  return ExitCode.ok;
}
