// The cancel command's body: act on every job (jobs/cancel.ts), wait for the daemons
// of running ones in parallel, then report. Exit 0 when every job ended up cancelled.
import { hostname, userInfo } from 'node:os';
import { ExitCode } from '../../core/errors.js';
import { awaitCancelled, cancelJob } from '../../jobs/cancel.js';
import { locateIds } from '../../jobs/find.js';
import type { CancelResult } from '../../jobs/types.js';
import { layoutOf } from '../../queue/layout.js';
import { pluginLookups } from '../plugin-roots.js';
import { resolveQueueRoot } from '../queue-root.js';
import type { CancelFlags } from './cancel.js';

export async function runCancel(queue: string | undefined, refs: readonly string[], flags: CancelFlags): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  // Every id must name a job before any is touched.
  const ids = await locateIds(layout, refs);
  const by = `${safeUser()}@${hostname()}`;
  const { pluginArgs } = pluginLookups(layout, process.env);
  const results = await Promise.all(
    ids.map(async (id): Promise<CancelResult> => {
      const result = await cancelJob(layout, id, { by, pluginArgs });
      if (result.outcome !== 'requested' || !flags.wait) return result;
      process.stderr.write(`mcpq: ${id} is running; asked its daemon to stop it, waiting up to ${flags.timeout}s\n`);
      let told = false;
      const onOrphan = (claim: { host: string; pid: number }): void => {
        if (!told) process.stderr.write(`mcpq: ${id}'s daemon (${claim.host}/${claim.pid}) is gone; stopping what is left of the job here\n`);
        told = true;
      };
      return awaitCancelled(layout, id, result.request, { timeoutMs: flags.timeout * 1_000, by, pluginArgs, onOrphan });
    }),
  );
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else for (const r of results) process.stdout.write(`${describe(r)}\n`);
  const expected = flags.wait ? ['cancelled'] : ['cancelled', 'requested'];
  return results.every((r) => expected.includes(r.outcome)) ? ExitCode.ok : ExitCode.failure;
}

function describe(result: CancelResult): string {
  switch (result.outcome) {
    case 'cancelled': {
      const signal = result.record.result.signal;
      return `${result.id} cancelled${result.was === 'running' ? ` (was running${typeof signal === 'string' ? `, stopped by ${signal}` : ''})` : ' (had not started)'}`;
    }
    case 'requested':
      return `${result.id} is being stopped by its daemon (mcpq wait ${result.id})`;
    case 'already_finished':
      return `${result.id} had already finished: ${result.status}`;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'someone');
  }
}
