// The queue itself: queue_status (is a daemon serving it, how many jobs in each state,
// what runs) and list_plugins (each plugin's commands and arguments with an example
// job, the introspection endpoint of the original design, so that an agent can build
// valid plugin jobs).
import type { McpServer } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { ExitCode, McpqError } from '../../core/errors.js';
import { unknownPlugin } from '../../plugins/validate.js';
import { pluginView } from '../../plugins/view.js';
import { collectStatus } from '../../queue/status.js';
import type { McpContext } from '../context.js';
import { answer, guarded } from '../result.js';
import { noInput, pluginsInput, pluginsOutput, statusOutput, type Described } from '../schemas.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

export function registerQueueTools(server: McpServer, { layout, plugins }: McpContext): void {
  server.registerTool(
    'queue_status',
    {
      title: 'Queue status',
      description: 'Whether a daemon is serving the queue (pid, host, version, busy slots), job counts per state, and the running jobs.',
      inputSchema: noInput,
      outputSchema: statusOutput,
      annotations: READ_ONLY,
    },
    guarded(async () => {
      const report = await collectStatus(layout.root, Date.now(), () => plugins.waiting());
      const data: Described<z.infer<typeof statusOutput>> = report;
      const c = report.counts;
      const alive = report.daemons.filter((d) => d.alive);
      const daemons =
        alive.length === 0
          ? 'no daemon is alive: jobs wait in pending/ until one starts (mcpq daemon)'
          : alive.map((d) => `daemon pid ${d.pid} on ${d.host} (${d.running}/${d.concurrency} busy)`).join(', ');
      const paused = report.paused === null ? '' : `; the queue is paused since ${report.paused.paused_at}: no new job starts until mcpq resume`;
      const waiting = report.plugins_waiting.map((w) => `; plugin ${w.plugin} cannot describe itself now (${w.error}): its jobs wait until it answers`).join('');
      return answer(`${daemons}${paused}${waiting}; ${c.pending} pending, ${c.running} running, ${c.completed} completed, ${c.failed} failed in ${report.queue}`, data);
    }),
  );

  server.registerTool(
    'list_plugins',
    {
      title: 'List plugins',
      description:
        'The plugins this queue can run (plugins/<name>/cli…), each command with its arguments (type, required, choices) and an example job. To run one: submit_job with "plugin", "command" and "args" (an object of the arguments).',
      inputSchema: pluginsInput,
      outputSchema: pluginsOutput,
      annotations: READ_ONLY,
    },
    guarded(async ({ name }: z.infer<typeof pluginsInput>) => {
      const all = await plugins.scan();
      const shown = name === undefined ? all : all.filter((p) => p.name === name);
      if (name !== undefined && shown.length === 0) throw new McpqError(unknownPlugin(name, all.map((p) => p.name)), ExitCode.notFound);
      const views = shown.map(pluginView);
      const data: Described<z.infer<typeof pluginsOutput>> = { queue: layout.root, roots: plugins.roots, plugins: views };
      const summary =
        views.length === 0
          ? `no plugins in ${plugins.roots.join(', ')} (a plugin is a folder <name>/ holding cli.py (argparse), cli.js, cli.mjs, cli.sh or an executable cli)`
          : views.map((v) => (v.status === 'ok' ? `${v.name}: ${v.commands.map((c) => c.name).join(', ') || 'no commands (takes args directly)'}` : `${v.name}: cannot be used: ${v.error}`)).join('\n');
      return answer(summary, data);
    }),
  );
}
