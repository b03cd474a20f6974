// The wait command's body: resolve every id first, then wait for all in parallel,
// printing each as it ends.
import { ExitCode } from '../../core/errors.js';
import { locateIds } from '../../jobs/find.js';
import type { WaitResult } from '../../jobs/types.js';
import { waitForRecord, waitResultOf } from '../../jobs/wait.js';
import { layoutOf } from '../../queue/layout.js';
import { resolveQueueRoot } from '../queue-root.js';

export async function runWait(queue: string | undefined, refs: readonly string[], flags: { json?: boolean }): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const ids = await locateIds(layout, refs);
  const results = await Promise.all(
    ids.map(async (id) => {
      const result = waitResultOf(id, (await waitForRecord(layout, id))!);
      if (!flags.json) process.stdout.write(`${id} ${result.status}${result.returncode === null ? '' : ` (exit ${result.returncode})`}\n`);
      return result;
    }),
  );
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return exitOf(results);
}

export function exitOf(results: readonly WaitResult[]): number {
  return results.find((r) => r.exit_code !== ExitCode.ok)?.exit_code ?? ExitCode.ok;
}
