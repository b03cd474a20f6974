// submit_job: a job object from the tool's arguments, checked the way a daemon will
// check it (the job schema; for a plugin job, the plugin's own description), then
// published into pending/ like `mcpq submit` does. With wait_seconds the call stays
// until the job has its record or the wait ends, sending progress notifications when
// the client asked for them (clients that reset their request timeout on progress can
// then wait longer than their timeout).
import { resolve } from 'node:path';
import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { ExitCode, McpqError } from '../../core/errors.js';
import { newJobId } from '../../core/ids.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../../core/job-rules.js';
import { parseJobObject } from '../../core/job-schema.js';
import { pluginsNamed, redactJob } from '../../core/redact.js';
import { locateExact, locateIds } from '../../jobs/find.js';
import { waitForRecord, waitResultOf } from '../../jobs/wait.js';
import type { JobState } from '../../jobs/types.js';
import type { QueueLayout } from '../../queue/layout.js';
import { listDaemons } from '../../queue/owner.js';
import type { JobRecord } from '../../queue/records.js';
import { refuseMissingCwd, submit } from '../../queue/submit.js';
import type { PluginRegistry } from '../../plugins/registry.js';
import type { ArgValue } from '../../plugins/argv.js';
import { submittedPluginArgs } from '../../plugins/submission.js';
import { unknownPlugin } from '../../plugins/validate.js';
import type { McpContext } from '../context.js';
import { outcomeLine } from '../describe.js';
import { cutNote, shownRecord } from '../records.js';
import { answer, guarded } from '../result.js';
import { submitInput, submitOutput, type Described } from '../schemas.js';

const PROGRESS_EVERY_MS = 5_000;

type SubmitInput = z.infer<typeof submitInput>;

export function registerSubmit(server: McpServer, context: McpContext): void {
  server.registerTool(
    'submit_job',
    {
      title: 'Submit a job',
      description: [
        'Queue a command for the mcpq daemon to run, and get its id.',
        'Exec form: "command" is the program and "args" its arguments (no shell). Shell form: "command" alone is a shell line (/bin/sh -c), or set "shell": true.',
        'Plugin job: "plugin", "command" (the plugin\'s command) and "args" as an object of flags; call list_plugins first to see what each plugin accepts.',
        'Jobs run one at a time by default, highest priority first. Set wait_seconds to wait for the result; otherwise use get_job / get_job_output later (the session also gets a log notification when the job finishes).',
      ].join(' '),
      inputSchema: submitInput,
      outputSchema: submitOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    guarded(async (input: SubmitInput, request) => {
      const { layout, session } = context;
      const { wait_seconds: waitSeconds = 0, ...fields } = input;
      const job = await jobObject(fields, context);
      const parsed = parseJobObject(job, { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, submittedAt: Date.now() });
      if (!parsed.ok) throw new McpqError(`invalid job: ${parsed.error}`, ExitCode.usage);
      await refuseMissingCwd(job, 'cwd');
      // Ids or unique prefixes, as for `mcpq submit --after`; the job file gets the full ids.
      if (parsed.value.after.length > 0) job.after = await locateIds(layout, parsed.value.after);
      const id = await submit(layout, { id: parsed.value.requestedId ?? newJobId(), content: `${JSON.stringify(job, null, 2)}\n`, extension: '.json' });
      session.watch(id);
      const record = waitSeconds > 0 ? await waitWithProgress(layout, id, waitSeconds, request, session.signal) : undefined;
      const state: JobState = record !== undefined ? waitResultOf(id, record).state : ((await locateExact(layout, id))?.state ?? 'pending');
      const daemonAlive = (await listDaemons(layout)).some((d) => d.alive);
      const shown = record === undefined ? undefined : shownRecord(redactJob(record, await context.plugins.pluginArgs(pluginsNamed([record]))));
      const data: Described<z.infer<typeof submitOutput>> = {
        id,
        queue: layout.root,
        state,
        daemon_alive: daemonAlive,
        status: record === undefined ? null : String(record.result.status),
        exit_code: record === undefined ? null : waitResultOf(id, record).exit_code,
        record: shown === undefined ? null : shown.record,
      };
      return answer(record !== undefined ? `${outcomeLine(id, record.result)}${shown?.cut ? cutNote(id) : ''}` : pendingLine(id, state, waitSeconds, daemonAlive), data);
    }),
  );
}

function pendingLine(id: string, state: JobState, waited: number, daemonAlive: boolean): string {
  const where = `job ${id} submitted; ${waited > 0 ? `still ${state} after ${waited}s` : `it is ${state}`}.`;
  const next = ' get_job shows it later, and a log notification comes when it finishes.';
  const daemon = daemonAlive
    ? ''
    : state === 'running'
      ? ' The daemon that started it is no longer alive: the next daemon to start on the queue recovers it (mcpq daemon).'
      : ' No daemon serves this queue: the job waits in pending/ until one starts (mcpq daemon).';
  return `${where}${next}${daemon}`;
}

// The job file to write: the tool's fields as a job object (`id` as task_id, like
// `mcpq submit --id`), its cwd absolute, a plugin job's args checked and typed.
async function jobObject(fields: Omit<SubmitInput, 'wait_seconds'>, context: McpContext): Promise<Record<string, unknown>> {
  const { id, ...rest } = fields;
  const job: Record<string, unknown> = { ...rest, cwd: resolve(context.cwd, rest.cwd ?? '.') };
  if (id !== undefined) job.task_id = id;
  if (rest.plugin !== undefined && (rest.args === undefined || !Array.isArray(rest.args))) {
    job.args = await checkedPluginArgs(context.plugins, rest.plugin, rest.command, rest.args ?? {});
  }
  return job;
}

// Checked as `mcpq submit --plugin` checks it (plugins/submission.ts). A plugin only a
// daemon's --plugins can see is unknown here: refused, saying how to make both see the
// same folders (an agent has no stderr to read a note on).
async function checkedPluginArgs(plugins: PluginRegistry, name: string, command: string | undefined, given: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const plugin = await plugins.find(name);
  if (plugin === undefined) {
    const known = (await plugins.scan()).map((p) => p.name);
    throw new McpqError(`invalid plugin job: ${unknownPlugin(name, known)} (a plugin in another folder: start mcpq mcp with --plugins DIR)`, ExitCode.usage);
  }
  return submittedPluginArgs(plugin, command, given as Readonly<Record<string, ArgValue>>);
}

// The record, or undefined when the wait ended first (the deadline, the client
// cancelled the call, or the connection closed).
async function waitWithProgress(layout: QueueLayout, id: string, seconds: number, request: ServerContext, closed: AbortSignal): Promise<JobRecord | undefined> {
  const started = Date.now();
  const deadline = started + seconds * 1_000;
  const stop = AbortSignal.any([request.mcpReq.signal, closed]);
  const token = request.mcpReq._meta?.progressToken;
  for (;;) {
    const slice = Math.max(0, Math.min(PROGRESS_EVERY_MS, deadline - Date.now()));
    const record = await waitForRecord(layout, id, { signal: stop, timeoutMs: slice });
    if (record !== undefined || stop.aborted || Date.now() >= deadline) return record;
    if (token !== undefined) {
      const state = (await locateExact(layout, id))?.state ?? 'pending';
      const progress = Math.round((Date.now() - started) / 1_000);
      await request.mcpReq
        .notify({ method: 'notifications/progress', params: { progressToken: token, progress, total: seconds, message: `job ${id} is ${state}` } })
        .catch(() => undefined); // progress is a courtesy: the wait goes on without it
    }
  }
}
