// The wait command's body: resolve every id first, then wait for all in parallel,
// printing each as it ends. With --timeout, the jobs still unfinished then are named
// and the exit code is 124, as for a job that timed out.
import { ExitCode } from '../../core/errors.js';
import { locateIds } from '../../jobs/find.js';
import type { WaitResult } from '../../jobs/types.js';
import { waitForRecord, waitResultOf } from '../../jobs/wait.js';
import { exists } from '../../queue/files.js';
import { layoutOf, recordPath, type QueueLayout } from '../../queue/layout.js';
import { resolveQueueRoot } from '../queue-root.js';
import { sayWhyItMayWait } from '../wait.js';

type Unfinished = { readonly id: string; readonly state: 'unfinished'; readonly exit_code: typeof ExitCode.timeout };

export async function runWait(queue: string | undefined, refs: readonly string[], flags: { json?: boolean; timeout?: number }): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const ids = await locateIds(layout, refs);
  if ((await Promise.all(ids.map((id) => hasRecord(layout, id)))).includes(false)) {
    await sayWhyItMayWait(layout, ids.length === 1 ? 'the job waits' : 'the jobs wait');
  }
  const deadline = flags.timeout === undefined ? undefined : Date.now() + flags.timeout * 1_000;
  const results = await Promise.all(
    ids.map(async (id): Promise<WaitResult | Unfinished> => {
      const record = await waitForRecord(layout, id, deadline === undefined ? {} : { timeoutMs: deadline - Date.now() });
      const result = record === undefined ? ({ id, state: 'unfinished', exit_code: ExitCode.timeout } as const) : waitResultOf(id, record);
      if (!flags.json) process.stdout.write(`${id} ${lineOf(result, flags.timeout)}\n`);
      return result;
    }),
  );
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return exitOf(results);
}

// `(exit N)` is the code mcpq gives for that job (the README's table), also for a job
// that has no exit code of its own (dependency_failed, invalid, killed by a signal).
function lineOf(result: WaitResult | Unfinished, timeout: number | undefined): string {
  if (result.state === 'unfinished') return `not finished after ${timeout}s`;
  return `${result.status} (exit ${result.exit_code})`;
}

export function exitOf(results: readonly { readonly exit_code: number }[]): number {
  return results.find((r) => r.exit_code !== ExitCode.ok)?.exit_code ?? ExitCode.ok;
}

async function hasRecord(layout: QueueLayout, id: string): Promise<boolean> {
  return (await exists(recordPath(layout, 'completed', id))) || (await exists(recordPath(layout, 'failed', id)));
}
