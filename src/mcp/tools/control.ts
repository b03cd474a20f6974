// Changing jobs: cancel_job (a pending job is cancelled at once; a running one is
// stopped by its daemon, which this call waits for a while) and retry_job (a failed
// job goes back as a new job, <id>-r2, which this session then watches like its own).
import { hostname } from 'node:os';
import { CLIENT_INFO_META_KEY, type McpServer, type ServerContext } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { awaitCancelled, cancelJob } from '../../jobs/cancel.js';
import { retryJob } from '../../jobs/retry.js';
import type { CancelResult } from '../../jobs/types.js';
import type { McpContext } from '../context.js';
import { cutNote, shownRecord } from '../records.js';
import { answer, guarded } from '../result.js';
import { cancelInput, cancelOutput, retryInput, retryOutput, type Described } from '../schemas.js';

const DEFAULT_CANCEL_WAIT_SECONDS = 10;

export function registerControlTools(server: McpServer, { layout, session, plugins }: McpContext): void {
  server.registerTool(
    'cancel_job',
    {
      title: 'Cancel a job',
      description:
        'Cancel a pending job (it is recorded as cancelled without running) or stop a running one (its daemon stops the whole process group, then records it cancelled). A finished job is left as it is.',
      inputSchema: cancelInput,
      outputSchema: cancelOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    guarded(async ({ id, wait_seconds: waitSeconds = DEFAULT_CANCEL_WAIT_SECONDS }: z.infer<typeof cancelInput>, request) => {
      const by = `${clientName(server, request)} (MCP) on ${hostname()}`;
      let result: CancelResult = await cancelJob(layout, id, { by, pluginArgs: plugins.pluginArgs });
      if (result.outcome === 'requested' && waitSeconds > 0) {
        const signal = AbortSignal.any([request.mcpReq.signal, session.signal]); // the call cancelled, or the client gone
        result = await awaitCancelled(layout, result.id, result.request, { timeoutMs: waitSeconds * 1_000, by, pluginArgs: plugins.pluginArgs, signal });
      }
      const shown = result.outcome === 'cancelled' ? shownRecord(result.record) : undefined;
      const data: Described<z.infer<typeof cancelOutput>> = shown === undefined ? result : { ...result, record: shown.record };
      return answer(`${cancelLine(result)}${shown?.cut ? cutNote(result.id) : ''}`, data);
    }),
  );

  server.registerTool(
    'retry_job',
    {
      title: 'Retry a failed job',
      description: 'Submit a failed job again as a new job (<id>-r2, -r3, …) with the same settings; its record links back to the old one (result.retry_of). A job is retried once: calling this again for it (say, after a lost answer) is an error naming its retry and that one\'s state, and submits nothing; to run it again, retry the newest retry.',
      inputSchema: retryInput,
      outputSchema: retryOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    guarded(async ({ id }: z.infer<typeof retryInput>) => {
      const result = await retryJob(layout, id);
      session.watch(result.id);
      const data: Described<z.infer<typeof retryOutput>> = result;
      return answer(`job ${result.retry_of} submitted again as ${result.id}`, data);
    }),
  );
}

function cancelLine(result: CancelResult): string {
  switch (result.outcome) {
    case 'cancelled':
      return `job ${result.id} cancelled${result.was === 'running' ? ' (it was running)' : ' (it had not started)'}`;
    case 'requested':
      return `job ${result.id} is running; its daemon was asked to stop it (get_job shows when it has)`;
    case 'already_finished':
      return `job ${result.id} had already finished: ${result.status}`;
  }
}

// Who cancels, for the record: the client's name as it introduced itself.
function clientName(server: McpServer, request: ServerContext): string {
  const envelope = request.mcpReq.envelope as Readonly<Record<string, { name?: unknown } | undefined>> | undefined;
  const fromEnvelope = envelope?.[CLIENT_INFO_META_KEY]; // 2026-era clients introduce themselves per request
  const name = server.server.getClientVersion()?.name ?? fromEnvelope?.name;
  return typeof name === 'string' && name !== '' ? name : 'an MCP client';
}
